"""Shared helpers for the integration tests: they run against a whole carelink
system started by scripts/system.sh (the ctest fixture, or by hand).

Environment:
  CARELINK_VAR    the running system's var directory (url, bootstrap.servers,
                  etc/<service>.conf, secrets/identity.key)
  CARELINK_HOME   the repository root (schemas/, tools/demo/seed.json)
  CARELINK_BUILD  the build directory (unused by most tests)

Only the Python standard library, python3-avro and the kcat command are used.
Every wait is bounded by a deadline; a failure raises TestFailure, which
run() turns into a message on stderr and exit status 1.
"""

import base64
import concurrent.futures
import glob
import hashlib
import hmac
import http.client
import io
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid

# --------------------------------------------------------------------------
# failures and the test runner


class TestFailure(Exception):
    """A check failed: the message says what was expected and what was seen."""


def fail(msg):
    raise TestFailure(msg)


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def check_eq(actual, expected, what):
    if actual != expected:
        raise TestFailure("%s: expected %r, got %r" % (what, expected, actual))


def log(msg):
    print("  " + msg, flush=True)


def run(test_fn, budget_s=240):
    """Runs test_fn() with an overall time budget; exit 0 on success, 1 on a
    failed check, 2 on an unexpected error. Never waits without bound."""
    name = os.path.basename(sys.argv[0])

    def on_alarm(signum, frame):
        raise TestFailure("the test did not finish within %d s" % budget_s)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(budget_s)
    try:
        test_fn()
    except TestFailure as e:
        signal.alarm(0)
        print("FAIL %s: %s" % (name, e), file=sys.stderr, flush=True)
        sys.exit(1)
    except Exception:
        signal.alarm(0)
        traceback.print_exc()
        print("ERROR %s: unexpected exception (see above)" % name, file=sys.stderr, flush=True)
        sys.exit(2)
    signal.alarm(0)
    print("PASS %s" % name, flush=True)
    sys.exit(0)


def unique(label):
    """A marker no other run or test produces."""
    return "it-%s-%s" % (label, uuid.uuid4().hex)


# --------------------------------------------------------------------------
# the system under test


def _env(name):
    v = os.environ.get(name)
    if not v:
        fail("environment variable %s is not set (see tests/integration/README.md)" % name)
    return v


def var_dir():
    return _env("CARELINK_VAR")


def home_dir():
    return _env("CARELINK_HOME")


def _read_var(rel):
    path = os.path.join(var_dir(), rel)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError as e:
        fail("cannot read %s (is the system running?): %s" % (path, e))


def base_url():
    return _read_var("url")


def bootstrap_servers():
    return _read_var("bootstrap.servers")


def service_conf(svc):
    """The key = value lines of etc/<svc>.conf as a dict."""
    conf = {}
    for line in _read_var(os.path.join("etc", svc + ".conf")).splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        k, v = line.split("=", 1)
        conf[k.strip()] = v.strip()
    return conf


def service_port(svc):
    conf = service_conf(svc)
    check("http.port" in conf, "etc/%s.conf has no http.port" % svc)
    return int(conf["http.port"])


def identity_key():
    hexkey = _read_var(os.path.join("secrets", "identity.key"))
    key = bytes.fromhex(hexkey)
    check(len(key) == 32, "secrets/identity.key does not hold 32 bytes of hex")
    return key


_seed = None


def seed():
    global _seed
    if _seed is None:
        path = os.path.join(home_dir(), "tools", "demo", "seed.json")
        with open(path, encoding="utf-8") as f:
            _seed = json.load(f)
    return _seed


def seed_user(login):
    """The demo user whose e-mail starts with login@ (e.g. "tanaka")."""
    for u in seed()["users"]:
        if u["email"].split("@", 1)[0] == login:
            return u
    fail("no demo user %r in seed.json" % login)


def demo_space():
    return seed()["spaces"][0]


def organisation_name(org_id):
    for o in seed()["organisations"]:
        if o["id"] == org_id:
            return o["name"]
    fail("no organisation %s in seed.json" % org_id)


# --------------------------------------------------------------------------
# HTTP


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # http.client.HTTPMessage
        self.body = body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            fail("response is not JSON (%s): %r" % (e, self.body[:300]))

    def error_code(self):
        """error.code of an error body, or None."""
        try:
            doc = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        err = doc.get("error") if isinstance(doc, dict) else None
        return err.get("code") if isinstance(err, dict) else None

    def describe(self):
        return "%d %s" % (self.status, self.body[:400].decode("utf-8", "replace"))


def http_request(url, method, path, body=None, headers=None, timeout=15):
    """One request on a fresh connection; body may be bytes, str or None."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs = dict(headers or {})
        if body is not None and "Content-Length" not in hdrs:
            hdrs["Content-Length"] = str(len(body))
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.headers, data)
    except (OSError, http.client.HTTPException) as e:
        fail("%s %s%s: %s: %s" % (method, url, path, type(e).__name__, e))
    finally:
        conn.close()


class Session:
    """A person using the public API: session cookie and CSRF token."""

    def __init__(self, url=None):
        self.url = url or base_url()
        self.cookie = None
        self.csrf = None
        self.user = None

    def request(self, method, path, body=None, headers=None, json_body=None,
                csrf=True, cookie=True, timeout=15):
        hdrs = {}
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        if cookie and self.cookie:
            hdrs["Cookie"] = "carelink_session=" + self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf
        hdrs.update(headers or {})
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        return http_request(self.url, method, path, body, hdrs, timeout)

    def login(self, email, password):
        r = self.request("POST", "/api/v1/login",
                         json_body={"email": email, "password": password})
        if r.status != 200:
            fail("login as %s: expected 200, got %s" % (email, r.describe()))
        doc = r.json()
        m = None
        for name, value in r.headers.items():
            if name.lower() == "set-cookie":
                m = re.match(r"\s*carelink_session=([^;]*)", value) or m
        check(m is not None, "login as %s: no carelink_session cookie set" % email)
        self.cookie = m.group(1)
        self.csrf = doc.get("csrf")
        check(self.csrf, "login as %s: no csrf token in %r" % (email, doc))
        self.user = doc.get("user")
        return doc

    def get_json(self, path, what=None):
        r = self.request("GET", path)
        if r.status != 200:
            fail("%s: GET %s: expected 200, got %s" % (what or "request", path, r.describe()))
        return r.json()


def login(name):
    """A logged-in Session for demo user name ("tanaka", "sato", ...)."""
    u = seed_user(name)
    s = Session()
    s.login(u["email"], seed()["password"])
    check(s.user and s.user.get("id") == u["id"],
          "login as %s: /api/v1/login returned user %r" % (name, s.user))
    return s


def thread_id(session, title, space_id=None):
    """Id of the thread with this title in the demo space."""
    space_id = space_id or demo_space()["id"]
    doc = session.get_json("/api/v1/spaces/%s" % space_id, "space")
    for t in doc.get("threads", []):
        if t.get("title") == title:
            return t["id"]
    fail("no thread titled %r in space %s" % (title, space_id))


def create_post(session, tid, text):
    r = session.request("POST", "/api/v1/threads/%s/posts" % tid, json_body={"body": text})
    if r.status != 201:
        fail("POST /api/v1/threads/%s/posts: expected 201, got %s" % (tid, r.describe()))
    post = r.json().get("post")
    check(isinstance(post, dict) and post.get("id"), "201 without a post: %r" % r.body[:300])
    return post


def thread_posts(session, tid, limit=500):
    return session.get_json("/api/v1/threads/%s/posts?limit=%d" % (tid, limit),
                            "thread posts").get("posts", [])


def latest_feed_id(session):
    """Id of the newest notification session can see (0 when none)."""
    items = session.get_json("/api/v1/feed?limit=1", "feed").get("notifications", [])
    return items[0]["id"] if items else 0


def feed_after(session, after, page=200):
    """Every notification with id > after, oldest first."""
    out = []
    while True:
        items = session.get_json("/api/v1/feed?after=%d&limit=%d" % (after, page),
                                 "feed").get("notifications", [])
        out.extend(items)
        if len(items) < page:
            return out
        after = items[-1]["id"]


def post_notifications(items, post_id):
    return [n for n in items if post_id in (n.get("link") or "")]


def wait_feed_for_post(session, after, post_id, timeout=20):
    """Polls session's feed until a notification for post_id appears."""
    deadline = time.monotonic() + timeout
    while True:
        found = post_notifications(feed_after(session, after), post_id)
        if found:
            return found
        if time.monotonic() > deadline:
            fail("no notification for post %s in the feed of %s within %d s"
                 % (post_id, session.user["email"], timeout))
        time.sleep(0.2)


# --------------------------------------------------------------------------
# server-sent events


class Event:
    def __init__(self, id, event, data):
        self.id = id  # str or None (the block's own id: field)
        self.event = event
        self.data = data

    def json(self):
        try:
            return json.loads(self.data)
        except ValueError as e:
            fail("event %s id %s: data is not JSON (%s): %r" % (self.event, self.id, e, self.data))

    def __repr__(self):
        return "Event(id=%r, event=%r, data=%r)" % (self.id, self.event, self.data[:200])


_END = object()


class EventStream:
    """GET /api/v1/stream of a session, read by a background thread into a
    queue, so that every wait has a deadline."""

    def __init__(self, session, last_event_id=None, timeout=10):
        u = urllib.parse.urlsplit(session.url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
        hdrs = {"Accept": "text/event-stream", "Cookie": "carelink_session=" + session.cookie}
        if last_event_id is not None:
            hdrs["Last-Event-ID"] = str(last_event_id)
        try:
            self.conn.connect()
            self.sock = self.conn.sock
            self.conn.request("GET", "/api/v1/stream", headers=hdrs)
            self.resp = self.conn.getresponse()
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            fail("GET /api/v1/stream: %s: %s" % (type(e).__name__, e))
        if self.resp.status != 200:
            body = self.resp.read(2000)
            self.conn.close()
            fail("GET /api/v1/stream: expected 200, got %d %r" % (self.resp.status, body))
        ctype = self.resp.getheader("Content-Type", "")
        if not ctype.startswith("text/event-stream"):
            self.conn.close()
            fail("GET /api/v1/stream: Content-Type is %r, not text/event-stream" % ctype)
        # heartbeats keep a healthy stream busy; a minute of silence is an error
        self.sock.settimeout(60)
        self.q = queue.Queue()
        self.closed = False
        self.heartbeats = 0  # heartbeat events ({"seq": N}, also queued)
        self.comments = 0    # comment lines
        self.seen = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        ev_id, ev_type, data = None, None, []
        try:
            while True:
                raw = self.resp.readline()
                if not raw:
                    self.q.put(_END)
                    return
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if ev_type == "heartbeat":
                        self.heartbeats += 1
                    if data or ev_type is not None:
                        self.q.put(Event(ev_id, ev_type or "message", "\n".join(data)))
                    ev_id, ev_type, data = None, None, []
                    continue
                if line.startswith(":"):  # a comment (none are sent now)
                    self.comments += 1
                    continue
                field, _, value = line.partition(":")
                if value.startswith(" "):
                    value = value[1:]
                if field == "id":
                    ev_id = value
                elif field == "event":
                    ev_type = value
                elif field == "data":
                    data.append(value)
        except Exception as e:  # reported to the reader of the queue
            if not self.closed:
                self.q.put(e)
            else:
                self.q.put(_END)

    def next(self, deadline):
        """The next event, or None when the deadline (time.monotonic()) passes."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                item = self.q.get(timeout=left)
            except queue.Empty:
                return None
            if item is _END:
                self.q.put(_END)
                fail("the event stream ended unexpectedly; events so far: %r" % self.seen[-10:])
            if isinstance(item, Exception):
                self.q.put(item)
                fail("reading the event stream failed: %s: %s" % (type(item).__name__, item))
            self.seen.append(item)
            return item

    def events(self, timeout):
        """Yields the events arriving within timeout seconds."""
        deadline = time.monotonic() + timeout
        while True:
            ev = self.next(deadline)
            if ev is None:
                return
            yield ev

    def wait_for(self, pred, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            ev = self.next(deadline)
            if ev is None:
                fail("no %s on the event stream within %s s; events seen: %r"
                     % (what, timeout, self.seen[-10:]))
            if pred(ev):
                return ev

    def wait_ready(self, timeout=10):
        return self.wait_for(lambda e: e.event == "ready", timeout, "ready event")

    def collect(self, duration):
        """Every event arriving within duration seconds."""
        return list(self.events(duration))

    def close(self):
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.conn.close()
            self.resp.close()
        except Exception:
            pass
        self.thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def is_notification_for(post_id):
    def pred(ev):
        return ev.event == "notification" and post_id in (ev.json().get("link") or "")
    return pred


# --------------------------------------------------------------------------
# a service's own database, for what no API shows (or test set-up at scale)


def psql_bin():
    """The psql command (PATH, else the newest PostgreSQL's)."""
    exe = shutil.which("psql") or next(iter(sorted(
        glob.glob("/usr/lib/postgresql/*/bin/psql"), reverse=True)), None)
    check(exe, "no psql to reach a service's database with")
    return exe


def psql(service, sql, **params):
    """Runs sql on the database of service ("gateway", "notify", ...) as
    its owner; :'name' in sql is the quoted value of params[name]. Rows as
    lists of strings."""
    exe = psql_bin()
    with open(os.path.join(var_dir(), "pg-%s.conninfo" % service), encoding="utf-8") as f:
        conninfo = f.read().strip()
    cmd = [exe, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
    for k, v in params.items():
        cmd += ["-v", "%s=%s" % (k, v)]
    p = subprocess.run(cmd, input=sql.encode("utf-8"), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        fail("psql on %s's database failed: %s"
             % (service, p.stderr.decode("utf-8", "replace")[-1000:]))
    return [line.split("|") for line in p.stdout.decode("utf-8").splitlines() if line]


# --------------------------------------------------------------------------
# Kafka through kcat


class Message:
    def __init__(self, topic, partition, offset, key, value, headers=None):
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key  # bytes or None
        self.value = value  # bytes or None
        self.headers = headers  # list of (name, value str) or None

    def header(self, name):
        for k, v in self.headers or []:
            if k == name:
                return v
        return None

    def __repr__(self):
        return "Message(%s[%d]@%d key=%r value=%r headers=%r)" % (
            self.topic, self.partition, self.offset, self.key,
            (self.value or b"")[:60], self.headers)


def _kcat(args, stdin=None, timeout=30):
    cmd = ["kcat", "-b", bootstrap_servers(), "-m", "10"] + args
    try:
        p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        fail("kcat did not finish within %d s: %s" % (timeout, " ".join(cmd)))
    if p.returncode != 0:
        fail("kcat failed (%d): %s\n%s" % (p.returncode, " ".join(cmd),
                                          p.stderr.decode("utf-8", "replace")[-2000:]))
    return p.stdout


# One record per message, binary safe: lengths first, then the raw key and
# value. kcat prints -1 for a null key or value.
_FMT = r"@MSG %p %o %K %S\n%k%s\n"


def _parse_binary(topic, out):
    msgs = []
    i = 0
    while i < len(out):
        nl = out.index(b"\n", i)
        head = out[i:nl].split(b" ")
        if head[0] != b"@MSG" or len(head) != 5:
            fail("unexpected kcat output at byte %d: %r" % (i, out[i:i + 80]))
        p, o, klen, vlen = (int(x) for x in head[1:])
        i = nl + 1
        key = out[i:i + klen] if klen >= 0 else None
        i += max(klen, 0)
        value = out[i:i + vlen] if vlen >= 0 else None
        i += max(vlen, 0)
        if out[i:i + 1] != b"\n":
            fail("kcat output out of step after %s[%d]@%d" % (topic, p, o))
        i += 1
        msgs.append(Message(topic, p, o, key, value))
    return msgs


def _parse_json_headers(out):
    """(partition, offset) -> headers, from kcat -J lines. Header values are
    strings; a binary payload in the same line is written out byte for byte
    with JSON escapes, so each line is read as Latin-1 and the header values
    turned back into UTF-8."""
    hdrs = {}
    for line in out.split(b"\n"):
        if not line.strip():
            continue
        doc = json.loads(line.decode("latin-1"))
        h = doc.get("headers") or []
        if isinstance(h, dict):
            pairs = list(h.items())
        else:
            pairs = list(zip(h[0::2], h[1::2]))
        hdrs[(doc["partition"], doc["offset"])] = [
            (k.encode("latin-1").decode("utf-8"), v.encode("latin-1").decode("utf-8")
             if v is not None else None) for k, v in pairs]
    return hdrs


def _read(topic, args, with_headers):
    """The messages kcat consumes with args (a second pass for headers)."""
    msgs = _parse_binary(topic, _kcat(args + ["-f", _FMT]))
    if with_headers and msgs:
        hdrs = _parse_json_headers(_kcat(args + ["-J"]))
        for m in msgs:
            m.headers = hdrs.get((m.partition, m.offset))
    return msgs


def consume(topic, partition=None, offset="beginning", count=None, with_headers=True):
    """Every message of topic (or of one partition from offset) up to its
    current end."""
    args = ["-C", "-q", "-e", "-t", topic, "-o", str(offset)]
    if partition is not None:
        args += ["-p", str(partition)]
    if count is not None:
        args += ["-c", str(count)]
    return _read(topic, args, with_headers)


def topic_mark(topic):
    """{partition: end offset} of topic now: messages_since() reads what
    comes after."""
    meta = json.loads(_kcat(["-L", "-J", "-t", topic]).decode("utf-8"))
    parts = [p["partition"] for t in meta.get("topics", []) if t.get("topic") == topic
             for p in t.get("partitions", [])]
    check(parts, "topic %s has no partitions" % topic)
    args = ["-Q"]
    for p in parts:
        args += ["-t", "%s:%d:-1" % (topic, p)]
    mark = {}
    for line in _kcat(args).decode("utf-8").splitlines():
        # carelink.vacancy [3] offset 17
        bits = line.split()
        if len(bits) == 4 and bits[2] == "offset":
            mark[int(bits[1].strip("[]"))] = int(bits[3])
    check(sorted(mark) == sorted(parts), "end offsets of %s: %r" % (topic, mark))
    return mark


def messages_since(mark, topic, with_headers=False):
    """[Message] on topic after mark ({partition: offset}, from
    topic_mark()), in offset order per partition: one kcat per partition,
    all at once."""
    def one(p, off):
        # a short fetch wait: kcat reaches the end of a partition at once
        args = ["-X", "fetch.wait.max.ms=10", "-C", "-q", "-e", "-t", topic, "-p", str(p),
                "-o", str(off)]
        return _read(topic, args, with_headers)
    parts = sorted(mark.items())
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(parts) or 1) as ex:
        per = list(ex.map(lambda po: one(*po), parts))
    return [m for msgs in per for m in msgs]


def outbox_fence(service, timeout=20):
    """Waits until service's outbox relay has published every event
    committed so far (each cl_outbox row up to the newest one now is marked
    sent, which the relay does on the broker's delivery report): from then
    on messages_since() holds every event that the requests answered so far
    wrote in their transactions. A deterministic "nothing more comes" for
    events made by requests, instead of watching the topic for a while."""
    top = int(psql(service, "SELECT coalesce(max(id), 0) FROM cl_outbox;")[0][0])
    deadline = time.monotonic() + timeout
    while True:
        left = int(psql(service, "SELECT count(*) FROM cl_outbox"
                        " WHERE sent_at IS NULL AND id <= :top;", top=top)[0][0])
        if left == 0:
            return
        if time.monotonic() > deadline:
            fail("%s's outbox relay left %d events unpublished for %d s"
                 % (service, left, timeout))
        time.sleep(0.05)


def produce(topic, key, value, headers=(), partition=None):
    """Puts one message (value: bytes, exactly) on topic."""
    with tempfile.NamedTemporaryFile(prefix="carelink-it-", delete=False) as f:
        f.write(value)
        path = f.name
    try:
        args = ["-P", "-t", topic]
        if key is not None:
            args += ["-k", key.decode("utf-8") if isinstance(key, bytes) else key]
        if partition is not None:
            args += ["-p", str(partition)]
        for k, v in headers:
            args += ["-H", "%s=%s" % (k, v)]
        _kcat(args + [path])
    finally:
        os.unlink(path)


# --------------------------------------------------------------------------
# Avro: Parsing Canonical Form, CRC-64-AVRO, single-object encoding

PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_PCF_ORDER = ["name", "type", "fields", "symbols", "items", "values", "size"]


def _fullname(name, namespace):
    if "." in name or not namespace:
        return name
    return namespace + "." + name


def _pcf(s, ns):
    if isinstance(s, str):
        return s if s in PRIMITIVES else _fullname(s, ns)
    if isinstance(s, list):
        return [_pcf(x, ns) for x in s]
    if not isinstance(s, dict):
        fail("not a schema: %r" % (s,))
    t = s["type"]
    if t in PRIMITIVES:
        return t  # logicalType and every other attribute are stripped
    if not isinstance(t, str):
        return _pcf(t, ns)  # {"type": {...}} is the inner schema
    if t not in ("record", "error", "enum", "fixed", "array", "map"):
        return _fullname(t, ns)  # {"type": "Name"}: a reference to a named type
    out = {}
    if t in ("record", "error", "enum", "fixed"):
        name = s["name"]
        if "." not in name and "namespace" in s:
            ns = s["namespace"] or None
        out["name"] = _fullname(name, ns)
        if "." in out["name"]:
            ns = out["name"].rsplit(".", 1)[0]
    out["type"] = t
    if t in ("record", "error"):
        out["fields"] = [{"name": f["name"], "type": _pcf(f["type"], ns)} for f in s["fields"]]
    elif t == "enum":
        out["symbols"] = list(s["symbols"])
    elif t == "array":
        out["items"] = _pcf(s["items"], ns)
    elif t == "map":
        out["values"] = _pcf(s["values"], ns)
    elif t == "fixed":
        out["size"] = int(s["size"])
    return {k: out[k] for k in _PCF_ORDER if k in out}


def canonical_form(schema):
    """Parsing Canonical Form of a schema given as JSON text or parsed JSON."""
    if isinstance(schema, str):
        schema = json.loads(schema)
    return json.dumps(_pcf(schema, None), ensure_ascii=False, separators=(",", ":"))


_CRC64_EMPTY = 0xC15D213AA4D7A795


def _crc64_table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_CRC64_EMPTY & -(fp & 1))
        table.append(fp)
    return table


_CRC64_TABLE = _crc64_table()


def crc64_avro(data):
    """The Rabin fingerprint Avro calls CRC-64-AVRO, as an unsigned 64-bit int."""
    fp = _CRC64_EMPTY
    for b in data:
        fp = (fp >> 8) ^ _CRC64_TABLE[(fp ^ b) & 0xFF]
    return fp


def signed64(u):
    return u - (1 << 64) if u >= (1 << 63) else u


def schema_path(name):
    return os.path.join(home_dir(), "schemas", name + ".avsc")


def schema_text(name):
    with open(schema_path(name), encoding="utf-8") as f:
        return f.read()


_FINGERPRINTS = {}


def schema_fingerprint_bytes(name):
    """The 8 bytes single-object encoding puts after C3 01 for this schema
    (computed once per schema)."""
    if name not in _FINGERPRINTS:
        fp = crc64_avro(canonical_form(schema_text(name)).encode("utf-8"))
        _FINGERPRINTS[name] = fp.to_bytes(8, "little")
    return _FINGERPRINTS[name]


def _plain_schema_text(text):
    """The schema text without logical types (same canonical form and
    fingerprint), so that python3-avro writes plain longs."""
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k != "logicalType"}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return json.dumps(strip(json.loads(text)))


def avro_encode(name, datum, version=None):
    """Single-object encoding of datum with schemas/<name>.avsc, or with
    schemas/history/<name>/<version>.avsc (an earlier version), written by
    python3-avro: how the tests put events of their own on a topic."""
    import avro.io
    import avro.schema
    if version is None:
        text = schema_text(name)
    else:
        path = os.path.join(home_dir(), "schemas", "history", name, version + ".avsc")
        with open(path, encoding="utf-8") as f:
            text = f.read()
    fp = crc64_avro(canonical_form(text).encode("utf-8")).to_bytes(8, "little")
    schema = avro.schema.parse(_plain_schema_text(text))
    buf = io.BytesIO()
    avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(buf))
    return b"\xc3\x01" + fp + buf.getvalue()


_READERS = {}


def _reader(name):
    """python3-avro's reader of schemas/<name>.avsc, parsed once (topics
    hold thousands of messages)."""
    import avro.io
    import avro.schema
    if name not in _READERS:
        _READERS[name] = avro.io.DatumReader(avro.schema.parse(schema_text(name)))
    return _READERS[name]


def avro_decode(name, datum):
    """Decodes a binary datum with schemas/<name>.avsc through python3-avro;
    fails unless every byte is used."""
    import avro.io
    buf = io.BytesIO(datum)
    value = _reader(name).read(avro.io.BinaryDecoder(buf))
    if buf.tell() != len(datum):
        fail("%s datum has %d trailing bytes" % (name, len(datum) - buf.tell()))
    return value


def decode_single_object(name, value):
    """The datum of a single-object encoded value, or None when the value is
    not encoded with that schema or does not decode (other tests put such
    messages on the topics on purpose)."""
    import avro.errors
    if not value or value[:2] != b"\xc3\x01" or value[2:10] != schema_fingerprint_bytes(name):
        return None
    try:
        return avro_decode(name, value[10:])
    except (avro.errors.AvroException, UnicodeDecodeError, TestFailure):
        return None


def find_post_created(post_id, timeout=20):
    """(message, datum) of the PostCreated for post_id on carelink.posts,
    waiting for the outbox relay to publish it."""
    deadline = time.monotonic() + timeout
    while True:
        for m in consume("carelink.posts"):
            d = decode_single_object("PostCreated", m.value)
            if d is not None and d.get("post_id") == post_id:
                return m, d
        if time.monotonic() > deadline:
            fail("no PostCreated for post %s on carelink.posts within %d s" % (post_id, timeout))
        time.sleep(0.3)


# --------------------------------------------------------------------------
# signed identity for the internal services


def _b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def sign_identity(claims, key=None):
    """X-Carelink-Identity value: base64url(JSON).base64url(HMAC-SHA256)."""
    key = key if key is not None else identity_key()
    payload = _b64url(json.dumps(claims, ensure_ascii=False, separators=(",", ":"))
                      .encode("utf-8"))
    mac = hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest()
    return payload + "." + _b64url(mac)


def identity_claims(name, exp_in=60):
    u = seed_user(name)
    return {"u": u["id"], "o": u["organisation"], "p": u["profession"], "r": u["roles"],
            "t": seed()["tenant"]["id"], "n": u["name"],
            "on": organisation_name(u["organisation"]), "exp": int(time.time()) + exp_in}

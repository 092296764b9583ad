#!/usr/bin/env python3
"""Live push at scale (issue 8, done when): a fresh tenant of 10,000 people,
2,000 of them with a live stream open (half on the system's gateway, half on
a second gateway replica started for the test on the same databases and
broker); a tenant admin creates a space visible to the whole tenant, a
thread, and posts. Every one of the 2,000 streams receives the post's
notification exactly once; notify stored one notifications row for the post
(and no per-person rows: a broad audience is matched on read); a member
without a stream finds it in their feed.

The people and their sessions are made in the gateway's database (no API
makes 10,000 people quickly): the users by one INSERT ... SELECT
generate_series with the demo password's hash, the sessions with
token_hash = sha256(token) as session.c looks them up. The streams are raw
asyncio connections (HTTP/1.1, chunked), not threads. The phases' times are
printed, never asserted.

The asyncio client (SseStream, open_streams) is also used by
test_sse_resume_many.py."""

import asyncio
import json
import os
import resource
import sys
import time
import urllib.parse
import urllib.request
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402

MEMBERS = 10000
CONNECTED = 2000
OPEN_BATCH = 100        # streams opened at once
DELIVERY_TIMEOUT = 60   # s for every stream to receive the post
SETTLE = 3              # s more, to see duplicates


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Timer:
    def __init__(self):
        self.t = time.monotonic()

    def phase(self, what):
        now = time.monotonic()
        ct.log("%-52s %6.2f s" % (what, now - self.t))
        self.t = now


# --------------------------------------------------------------------------
# an SSE client of its own: one asyncio connection per stream


class StreamRefused(Exception):
    def __init__(self, status, body, retry_after):
        super().__init__("%d %r" % (status, body[:200]))
        self.status = status
        self.body = body
        self.retry_after = retry_after


class SseStream:
    """GET /api/v1/stream on host:port with a session cookie; events are
    kept in .events as (id or None, event, data as parsed JSON)."""

    def __init__(self, host, port, cookie, last_event_id=None, on_event=None):
        self.host, self.port, self.cookie = host, port, cookie
        self.last_event_id = last_event_id
        self.on_event = on_event
        self.events = []
        self.ready = None
        self.ended = False
        self.error = None
        self.writer = None
        self.task = None

    async def open(self):
        self.ready = asyncio.get_running_loop().create_future()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.writer = writer
        head = ("GET /api/v1/stream HTTP/1.1\r\nHost: %s:%d\r\nAccept: text/event-stream\r\n"
                "Cookie: carelink_session=%s\r\n" % (self.host, self.port, self.cookie))
        if self.last_event_id is not None:
            head += "Last-Event-ID: %s\r\n" % self.last_event_id
        writer.write((head + "\r\n").encode("ascii"))
        status_line = await reader.readline()
        parts = status_line.split(b" ", 2)
        if len(parts) < 2:
            writer.close()
            raise StreamRefused(0, status_line, None)
        status = int(parts[1])
        headers = {}
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            k, _, v = line.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        chunked = headers.get("transfer-encoding", "").lower() == "chunked"
        if status != 200:
            body = b""
            try:
                if "content-length" in headers:
                    body = await reader.readexactly(int(headers["content-length"]))
            except (asyncio.IncompleteReadError, OSError):
                pass
            writer.close()
            raise StreamRefused(status, body, headers.get("retry-after"))
        if not headers.get("content-type", "").startswith("text/event-stream"):
            writer.close()
            raise StreamRefused(status, b"content-type " + headers.get("content-type", "").encode(),
                                None)
        self.task = asyncio.ensure_future(self._read(reader, chunked))

    async def _read(self, reader, chunked):
        buf = b""
        try:
            while True:
                if chunked:
                    line = await reader.readline()
                    if not line:
                        break
                    size = int(line.split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        break
                    data = (await reader.readexactly(size + 2))[:-2]
                else:
                    data = await reader.read(65536)
                    if not data:
                        break
                buf += data
                while b"\n\n" in buf:
                    block, buf = buf.split(b"\n\n", 1)
                    self._block(block)
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        except Exception as e:  # a malformed event: reported by the test
            self.error = e
        self.ended = True
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("the stream ended before ready"))

    def _block(self, block):
        ev_id, ev_type, data = None, "message", []
        for line in block.decode("utf-8").split("\n"):
            if not line or line.startswith(":"):
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
        if not data:
            return
        doc = json.loads("\n".join(data))
        self.events.append((ev_id, ev_type, doc))
        if ev_type == "ready" and not self.ready.done():
            self.ready.set_result(doc)
        if self.on_event:
            self.on_event(self, ev_id, ev_type, doc)

    def kill(self):
        """Drop the connection at once (a closed tab, a lost network)."""
        if self.writer:
            self.writer.transport.abort()

    def notifications(self):
        return [(int(i), d) for i, e, d in self.events if e == "notification"]


def check_seq(stream):
    """ready is 0, every other event one more than the last, a heartbeat
    repeats the last."""
    last = None
    for _, event, data in stream.events:
        seq = data.get("seq")
        if event == "ready":
            ct.check_eq(seq, 0, "seq of ready")
        elif event == "heartbeat":
            ct.check_eq(seq, last, "seq of a heartbeat after seq %s" % last)
        else:
            ct.check_eq(seq, last + 1, "seq of a %s event after seq %s" % (event, last))
        last = seq


async def open_stream(stream, deadline):
    """Opens stream, retrying while the gateway answers 503 (starting, no
    room); waits for `ready`."""
    while True:
        try:
            await stream.open()
            await asyncio.wait_for(stream.ready, max(0.1, deadline - time.monotonic()))
            return stream
        except StreamRefused as e:
            if e.status != 503 or time.monotonic() > deadline:
                raise
            await asyncio.sleep(min(float(e.retry_after or 1), 1.0))


async def open_streams(streams, timeout, batch=OPEN_BATCH):
    deadline = time.monotonic() + timeout
    for i in range(0, len(streams), batch):
        await asyncio.gather(*(open_stream(s, deadline) for s in streams[i:i + batch]))


async def close_streams(streams):
    for s in streams:
        s.kill()
    tasks = [s.task for s in streams if s.task]
    if tasks:
        await asyncio.wait(tasks, timeout=10)


# --------------------------------------------------------------------------
# the tenant, its people and their sessions, in the gateway's database


def make_tenant(run, members=MEMBERS, connected=CONNECTED):
    """A tenant with members people (member 1..members) and a tenant admin;
    a dict with the ids and the session tokens of the admin and of members
    1..connected ("tokens") and the last member ("offline", a ct.Session)."""
    t = {"tenant": str(uuid.uuid4()), "org": str(uuid.uuid4()), "admin": str(uuid.uuid4()),
         "run": run}
    token = "sse-fanout-" + run + "-"
    ph.psql("""
BEGIN;
INSERT INTO tenants (id, name) VALUES (:'tenant', '試験市 ' || :'run');
INSERT INTO organisations (id, tenant_id, name, kind)
  VALUES (:'org', :'tenant', '試験市 ' || :'run' || ' 地域包括支援センター', 'support_centre');
INSERT INTO users (id, tenant_id, organisation_id, email, display_name, profession, roles,
                   password_hash)
SELECT :'admin', :'tenant', :'org', 'sse-admin-' || :'run' || '@fanout-test.example.jp',
       '試験 管理者', 'care_manager', '{member,tenant_admin}', password_hash
  FROM users WHERE email = :'demo';
-- a tenant admin must use two-factor: enrolled (the secret is never used)
INSERT INTO user_totp (user_id, secret, confirmed_at)
  VALUES (:'admin', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', now());
INSERT INTO users (id, tenant_id, organisation_id, email, display_name, profession, roles,
                   password_hash)
SELECT md5(:'run' || g)::uuid, :'tenant', :'org',
       'sse-' || g || '-' || :'run' || '@fanout-test.example.jp', '試験 利用者 ' || g,
       'care_worker', '{member}', d.password_hash
  FROM generate_series(1, :members) g, (SELECT password_hash FROM users WHERE email = :'demo') d;
INSERT INTO sessions (token_hash, user_id, csrf_token)
SELECT encode(sha256(convert_to(:'token' || g, 'UTF8')), 'hex'), md5(:'run' || g)::uuid,
       'csrf-' || :'run' || '-' || g
  FROM generate_series(1, :members) g WHERE g <= :connected OR g = :members;
INSERT INTO sessions (token_hash, user_id, csrf_token)
  VALUES (encode(sha256(convert_to(:'token' || 'admin', 'UTF8')), 'hex'), :'admin',
          'csrf-' || :'run' || '-admin');
COMMIT;
""", tenant=t["tenant"], org=t["org"], admin=t["admin"], run=run, token=token,
            members=members, connected=connected, demo=ct.seed_user("tanaka")["email"])
    t["tokens"] = [token + str(g) for g in range(1, connected + 1)]
    t["offline"] = ct.Session()
    t["offline"].cookie = token + str(members)
    t["offline"].csrf = "csrf-%s-%d" % (run, members)
    t["admin_session"] = ct.Session()
    t["admin_session"].cookie = token + "admin"
    t["admin_session"].csrf = "csrf-%s-admin" % run
    return t


def drop_sessions(run):
    ph.psql("DELETE FROM sessions WHERE csrf_token LIKE 'csrf-' || :'run' || '-%';", run=run)


def notify_psql(sql, **params):
    """sql on notify's database (rows as lists of strings)."""
    return ct.psql("notify", sql, **params)


def wait_ready(url, timeout=60):
    """Polls url/readyz until 200 (the replica reads the notifications)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    ct.fail("%s/readyz did not answer 200 within %d s" % (url, timeout))


def expect(r, status, what):
    if r.status != status:
        ct.fail("%s: expected %d, got %s" % (what, status, r.describe()))
    return r.json()


def create_space_thread(admin, label):
    """A space visible to the whole tenant (no professions, no
    organisations) and a thread in it: (space id, thread id)."""
    doc = expect(admin.request("POST", "/api/v1/spaces", json_body={
        "name": "全員 " + label, "description": "",
        "visibility": {"professions": [], "organisations": []}}), 201, "POST /spaces")
    space = doc["space"]["id"]
    doc = expect(admin.request("POST", "/api/v1/spaces/%s/threads" % space,
                               json_body={"title": "お知らせ " + label}), 201, "POST threads")
    return space, doc["thread"]["id"]


def post(admin, thread, text):
    doc = expect(admin.request("POST", "/api/v1/threads/%s/posts" % thread,
                               json_body={"body": text}), 201, "POST /threads/{id}/posts")
    return doc["post"]["id"]


# --------------------------------------------------------------------------


def test():
    from platform_helpers import ExtraGateway
    limit = raise_fd_limit()
    ct.check(limit >= CONNECTED + 200, "the open-file limit %d is too low for %d streams"
             % (limit, CONNECTED))
    run = uuid.uuid4().hex[:12]
    clock = Timer()
    t = make_tenant(run)
    clock.phase("%d people and %d sessions made" % (MEMBERS + 1, CONNECTED + 2))
    try:
        with ExtraGateway({}) as replica:
            wait_ready(replica.url())
            clock.phase("second gateway replica ready")
            asyncio.run(fan_out(t, replica, clock))
    finally:
        drop_sessions(run)


async def fan_out(t, replica, clock):
    main = urllib.parse.urlsplit(ct.base_url())
    hosts = [(main.hostname, main.port), ("127.0.0.1", replica.port)]
    streams = [SseStream(*hosts[i % 2], token) for i, token in enumerate(t["tokens"])]
    try:
        await open_streams(streams, 120)
        clock.phase("%d streams open and ready (%d per replica)"
                    % (len(streams), len(streams) // 2))
        for s in streams:
            ct.check_eq(s.events[0][1:], ("ready", {"seq": 0, "resumed": False}),
                        "the first event of a stream")

        admin = t["admin_session"]
        loop = asyncio.get_running_loop()
        space, thread = await loop.run_in_executor(None, create_space_thread, admin, t["run"])
        clock.phase("space and thread created")
        post_id = await loop.run_in_executor(None, post, admin, thread,
                                             "全員へのお知らせ " + t["run"])
        clock.phase("posted")

        def got(s):
            return [d for i, d in s.notifications() if post_id in (d.get("link") or "")]

        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while time.monotonic() < deadline:
            missing = [s for s in streams if not got(s)]
            if not missing:
                break
            await asyncio.sleep(0.1)
        missing = [s for s in streams if not got(s)]
        clock.phase("every stream received the post (%d missing)" % len(missing))
        ct.check(not missing, "%d of %d streams did not receive the post's notification within "
                 "%d s (e.g. one of %s:%d: %r)" % (len(missing), len(streams), DELIVERY_TIMEOUT,
                                                   missing[0].host, missing[0].port,
                                                   missing[0].events[-5:]) if missing else "")
        await asyncio.sleep(SETTLE)
        counts = {}
        for s in streams:
            counts.setdefault(len(got(s)), 0)
            counts[len(got(s))] += 1
        ct.check_eq(counts, {1: len(streams)}, "streams by how many times they received the post")
        ids = {got(s)[0]["id"] for s in streams}
        ct.check_eq(len(ids), 1, "notification ids of the post across the streams")
        nid = ids.pop()
        for s in streams:
            ct.check(not s.ended and s.error is None,
                     "a stream ended or broke: %r %r" % (s.error, s.events[-3:]))
            check_seq(s)
        item = got(streams[0])[0]
        ct.check_eq(sorted(item), sorted(["id", "kind", "title", "body", "link", "actor",
                                          "created_at", "read", "urgent", "space_id",
                                          "thread_id", "app_id", "patient_id", "seq"]),
                    "keys of the live item")
        ct.check_eq((item["space_id"], item["thread_id"], item["urgent"], item["read"]),
                    (space, thread, False, False), "space, thread, urgent, read of the live item")
    finally:
        await close_streams(streams)

    rows = notify_psql("SELECT count(*) FROM notifications WHERE tenant_id = :'tenant' "
                       "AND position(:'post' in link) > 0;", tenant=t["tenant"], post=post_id)
    ct.check_eq(rows, [["1"]], "notifications rows in notify's database for the post")
    rows = notify_psql("SELECT count(*) FROM notification_recipients "
                       "WHERE notification_id = :nid;", nid=nid)
    ct.check_eq(rows, [["0"]], "per-person rows written for a post to the whole tenant")
    feed = expect(t["offline"].request("GET", "/api/v1/feed?limit=20"), 200,
                  "GET /feed of a member without a stream")
    ct.check([n for n in feed["notifications"] if n["id"] == nid],
             "the member without a stream does not find notification %d in their feed: %r"
             % (nid, feed["notifications"][:3]))
    clock.phase("notify's rows and the unconnected member's feed checked")


if __name__ == "__main__":
    ct.run(test, budget_s=300)

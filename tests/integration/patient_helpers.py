"""Helpers of the patient-file tests (test_patients_*.py), written against
services/records/PATIENTS.md: patients, care teams, break-glass, timeline
entries, attachments, templates, rounds and the access history, all
through the gateway's public API (/api/v1/...) with real logins.

* People: demo users (workspace_helpers.login, two-factor where needed)
  and fresh people of the demo tenant invited by a tenant admin through the
  API (new_person); records learns of them from UserChanged, so
  add_member() retries a 400 unknown_user for a bounded time.
* Distinctive patient data (distinctive()): names, kana, addresses and
  texts no other test holds, so an answer or an event can be searched for
  them byte by byte.
* records' database: psql() as the owner (carelink_records), the app role
  (carelink_records_app) or the superuser (postgres, the password in
  $CARELINK_VAR/secrets/pg-superuser.pass); audit rows read as the
  superuser (row-level security does not bind it).
* The audit chain's verify command: verify_audit().

Every wait has a deadline; a failed check raises ct.TestFailure.
"""

import json
import os
import random
import re
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import auth_helpers as ah  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = "/api/v1"
expect = w.expect
q = w.q
login = w.login
uid = w.uid


# --------------------------------------------------------------------------
# distinctive data

_KATAKANA = [chr(c) for c in range(ord("ア"), ord("ン") + 1)]
_KANJI = list("山川田村林森花鳥風月雪空海星雲雨光石松竹梅桜春夏秋冬東西南北岡島崎原野沢")


def kana(n=8):
    return "".join(random.choice(_KATAKANA) for _ in range(n))


def kanji(n=6):
    return "".join(random.choice(_KANJI) for _ in range(n))


class Distinct:
    """A patient's distinctive strings: name, kana, address, a contact's
    name and phone, and note texts (note(i))."""

    def __init__(self):
        self.family, self.given = kanji(4), kanji(3)
        self.name = "%s %s" % (self.family, self.given)
        self.kana_family, self.kana_given = kana(6), kana(5)
        self.kana = "%s %s" % (self.kana_family, self.kana_given)
        self.street = kanji(5)
        self.address = "みどり市%s町%d-%d-%d" % (self.street, random.randint(1, 9),
                                              random.randint(10, 99), random.randint(100, 999))
        self.contact = "%s %s" % (self.family, kanji(3))
        self.phone = "090-%04d-%04d" % (random.randint(0, 9999), random.randint(0, 9999))
        self.notes = []

    def note(self, label=""):
        t = "記録%s %s %s" % (label, kana(10), kanji(6))
        self.notes.append(t)
        return t

    def needles(self):
        """Strings that must never reach anyone outside the team (nor any
        event): the whole and the parts."""
        return [self.name, self.family, self.given, self.kana, self.kana_family,
                self.kana_given, self.address, self.street, self.contact, self.phone] + \
            list(self.notes)


def patient_body(d, my_role="care_manager", consent=True, **extra):
    body = {"name": d.name, "kana": d.kana, "birth_date": "1938-04-02",
            "address": d.address, "care_level": "care_3",
            "contacts": [{"name": d.contact, "relation": "長男", "phone": d.phone}],
            "my_role": my_role}
    if consent:
        body["consent"] = {"given": True, "date": "2026-11-01", "scope": "care_team",
                           "note": ""}
    else:
        body["consent"] = {"given": False}
    body.update(extra)
    return body


# --------------------------------------------------------------------------
# people


_admin = None


def tenant_admin():
    """A logged-in tenant admin of the demo tenant (鈴木), to invite people."""
    global _admin
    if _admin is None:
        _admin = w.login("suzuki")
    return _admin


def new_person(label, profession="care_worker", org=None, roles=None):
    """A fresh person of the demo tenant (organisation org, default the
    care provider; roles, default member), invited by 鈴木 and joined
    through the API (two-factor enrolled when required): their logged-in
    Session; .user["id"] is their id."""
    import admin_helpers
    org = org or w.seed_org("care_provider")
    s = admin_helpers.new_user(tenant_admin(), org, label, roles=roles, profession=profession)
    if not s.user or not s.user.get("id"):
        s.user = s.get_json(API + "/me", "me")["user"]
    s.name = label
    return s


def me(session):
    return session.user["id"]


# --------------------------------------------------------------------------
# the API


def create_patient(session, d, my_role="care_manager", consent=True, **extra):
    r = session.request("POST", API + "/patients",
                        json_body=patient_body(d, my_role, consent, **extra))
    doc = expect(r, 201, "POST /patients %s" % d.name)
    p = (doc or {}).get("patient")
    ct.check(isinstance(p, dict) and p.get("id"), "201 without a patient: %s" % r.describe())
    return p


def get_patient(session, pid):
    return expect(session.request("GET", API + "/patients/" + pid), 200,
                  "GET /patients/%s" % pid)["patient"]


def my_patients(session, qtext=None):
    r = session.request("GET", q(API + "/patients", q=qtext))
    doc = expect(r, 200, "GET /patients?q=%s" % (qtext or ""))
    ct.check(isinstance(doc.get("patients"), list), "GET /patients: no list: %s"
             % r.describe())
    return doc["patients"]


def team(session, pid):
    return expect(session.request("GET", API + "/patients/%s/team" % pid), 200,
                  "GET /patients/%s/team" % pid)["members"]


def add_member_request(session, pid, user_id, role):
    return session.request("POST", API + "/patients/%s/team" % pid,
                           json_body={"user_id": user_id, "role": role})


def add_member(session, pid, user_id, role, timeout=20):
    """POST /patients/{id}/team; a 400 unknown_user is retried until
    records has its copy of the person (UserChanged), within timeout."""
    deadline = time.monotonic() + timeout
    while True:
        r = add_member_request(session, pid, user_id, role)
        if r.status == 400 and r.error_code() == "unknown_user" and \
                time.monotonic() < deadline:
            time.sleep(0.3)
            continue
        doc = expect(r, 201, "adding %s to the team of %s as %s" % (user_id, pid, role))
        return doc["member"]


def remove_member(session, pid, user_id, status=204, code=None):
    return expect(session.request("DELETE", API + "/patients/%s/team/%s" % (pid, user_id)),
                  status, "DELETE /patients/%s/team/%s" % (pid, user_id), code)


def add_entry_request(session, pid, category, fields=None, text=None, **extra):
    body = {"category": category}
    if fields is not None:
        body["fields"] = fields
    if text is not None:
        body["text"] = text
    body.update(extra)
    return session.request("POST", API + "/patients/%s/entries" % pid, json_body=body)


def add_entry(session, pid, category, fields=None, text=None, **extra):
    r = add_entry_request(session, pid, category, fields, text, **extra)
    doc = expect(r, 201, "POST /patients/%s/entries %s" % (pid, category))
    e = (doc or {}).get("entry")
    ct.check(isinstance(e, dict) and e.get("id"), "201 without an entry: %s" % r.describe())
    return e


def entries(session, pid, **params):
    return expect(session.request("GET", q(API + "/patients/%s/entries" % pid, **params)),
                  200, "GET /patients/%s/entries" % pid)["entries"]


def get_entry(session, eid):
    return expect(session.request("GET", API + "/entries/" + eid), 200,
                  "GET /entries/%s" % eid)["entry"]


def upload(session, pid, data, content_type, filename):
    return session.request("POST", q(API + "/patients/%s/attachments" % pid, filename=filename),
                           body=data, headers={"Content-Type": content_type})


def upload_ok(session, pid, data, content_type, filename):
    r = upload(session, pid, data, content_type, filename)
    doc = expect(r, 201, "POST /patients/%s/attachments %s" % (pid, filename))
    a = (doc or {}).get("attachment")
    ct.check(isinstance(a, dict) and a.get("id"), "201 without an attachment: %s"
             % r.describe())
    return a


def create_template(session, name, category="vitals", fields=None, text="", shared=False):
    r = session.request("POST", API + "/entry-templates", json_body={
        "name": name, "category": category, "fields": fields or {}, "text": text,
        "shared": shared})
    doc = expect(r, 201, "POST /entry-templates %s" % name)
    t = (doc or {}).get("template")
    ct.check(isinstance(t, dict) and t.get("id"), "201 without a template: %s" % r.describe())
    return t


def break_glass(session, pid, reason):
    r = session.request("POST", API + "/patients/%s/break-glass" % pid,
                        json_body={"reason": reason})
    doc = expect(r, 201, "POST /patients/%s/break-glass" % pid)
    g = (doc or {}).get("grant")
    ct.check(isinstance(g, dict) and g.get("id") and g.get("expires_at"),
             "201 without a grant: %s" % r.describe())
    return g


def access_history(session, pid):
    return expect(session.request("GET", API + "/patients/%s/access-history" % pid), 200,
                  "GET /patients/%s/access-history" % pid)["accesses"]


def round_request(session, items):
    return session.request("POST", API + "/rounds", json_body={"entries": items})


# --------------------------------------------------------------------------
# records' database


def _conninfo(kind):
    """libpq conninfo of records' database as kind: owner, app or super."""
    var = ct.var_dir()
    if kind == "app":
        path = os.path.join(var, "pg-records-app.conninfo")
    else:
        path = os.path.join(var, "pg-records.conninfo")
    with open(path, encoding="utf-8") as f:
        conninfo = f.read().strip()
    if kind == "super":
        with open(os.path.join(var, "secrets", "pg-superuser.pass"), encoding="utf-8") as f:
            pw = f.read().strip()
        conninfo = re.sub(r"\buser=\S+", "user=postgres", conninfo)
        conninfo = re.sub(r"\bpassword=\S+", "password=" + pw, conninfo)
    return conninfo


def psql_run(sql, kind="owner", **params):
    """(returncode, rows, stderr) of sql run on records' database as kind;
    :'name' in sql is the quoted value of params[name]."""
    cmd = [ah._psql_bin(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
           "-d", _conninfo(kind)]
    for k, v in params.items():
        cmd += ["-v", "%s=%s" % (k, v)]
    p = subprocess.run(cmd, input=sql.encode("utf-8"), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    out = p.stdout.decode("utf-8").strip()
    rows = [line.split("|") for line in out.splitlines() if line]
    return p.returncode, rows, p.stderr.decode("utf-8", "replace")


def psql(sql, kind="owner", **params):
    """Rows (lists of strings) of sql on records' database as kind; fails
    on an error."""
    rc, rows, err = psql_run(sql, kind, **params)
    if rc != 0:
        ct.fail("psql as %s failed: %s\n%s" % (kind, err[-1500:], sql[:500]))
    return rows


class _Reader:
    """One psql process on records' database as the superuser, kept open
    for the audit reads (a test makes hundreds: starting psql for each
    took most of a test's time). Only read-only statements go through it,
    so no session state carries from one to the next; parameters are
    plain ids (digits, hex and dashes)."""

    def __init__(self):
        self.proc = None
        self.err = None

    def _start(self):
        import tempfile
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [ah._psql_bin(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-d", _conninfo("super")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.err)

    def rows(self, sql, **params):
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        end = "@@end-%s@@" % uuid.uuid4().hex
        script = []
        for k, v in params.items():
            ct.check(re.fullmatch(r"[0-9A-Za-z-]*", v) is not None,
                     "audit read parameter %s=%r is not a plain id" % (k, v))
            script.append("\\set %s '%s'" % (k, v))
        script += [sql, "\\echo " + end, ""]
        out = []
        try:
            self.proc.stdin.write("\n".join(script).encode("utf-8"))
            self.proc.stdin.flush()
            while True:
                line = self.proc.stdout.readline()
                if not line:
                    break
                line = line.decode("utf-8").rstrip("\n")
                if line == end:
                    return [r.split("|") for r in out if r]
                out.append(line)
        except OSError:
            pass
        self.proc.wait(10)
        self.err.seek(0)
        err = self.err.read().decode("utf-8", "replace")
        self.proc = None
        ct.fail("psql as super failed: %s\n%s" % (err[-1500:], sql[:500]))


_reader = _Reader()


def audit_mark():
    """The highest id of patient_audit now (0 when empty)."""
    return int(_reader.rows("SELECT coalesce(max(id), 0) FROM patient_audit;")[0][0])


def audit_since(mark, user_id=None):
    """Rows of patient_audit after mark (of user_id), oldest first, as
    dicts."""
    rows = _reader.rows("SELECT row_to_json(a) FROM patient_audit a WHERE id > :'mark'"
                        " AND (:'u' = '' OR user_id::text = :'u') ORDER BY id;",
                        mark=str(mark), u=user_id or "")
    return [json.loads(r[0]) for r in rows]


def grant_table():
    """(table, patient column) of the break-glass grants: the table of
    records' database with an expires_at column whose name says
    break-glass or grant."""
    rows = psql("SELECT c.table_name FROM information_schema.columns c"
                " WHERE c.table_schema = 'public' AND c.column_name = 'expires_at'"
                " AND (c.table_name LIKE '%break%' OR c.table_name LIKE '%grant%')"
                " ORDER BY 1;", "super")
    ct.check(rows, "no break-glass grant table (with expires_at) in records' database")
    return rows[0][0]


def expire_grant(grant_id):
    """Moves a break-glass grant's expires_at into the past (superuser:
    row-level security does not bind it)."""
    table = grant_table()
    rows = psql("UPDATE %s SET expires_at = now() - interval '1 minute'"
                " WHERE id = :'g' RETURNING id;" % table, "super", g=grant_id)
    ct.check(rows, "no grant %s in %s" % (grant_id, table))


def verify_audit():
    """(exit code, output) of carelink-records --verify-audit with the
    running system's configuration."""
    binary = os.path.join(os.environ.get("CARELINK_BUILD") or
                          os.path.join(ct.home_dir(), "build"),
                          "services", "records", "carelink-records")
    ct.check(os.access(binary, os.X_OK), "no records binary at %s (CARELINK_BUILD)" % binary)
    conf = os.path.join(ct.var_dir(), "etc", "records.conf")
    p = subprocess.run([binary, "--verify-audit", "--config", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace").strip()


# --------------------------------------------------------------------------
# events


RECORDS_SCHEMAS = ["PatientEntryAdded", "CareTeamChanged", "BreakGlassOpened"]
AUDIT_SCHEMAS = ["AccessAudited"]


_decoders = {}


def _decoder(name):
    """(fingerprint bytes, parsed schema) of schemas/<name>.avsc, parsed
    once (a topic holds thousands of messages)."""
    if name not in _decoders:
        import avro.schema
        _decoders[name] = (ct.schema_fingerprint_bytes(name),
                           avro.schema.parse(ct.schema_text(name)))
    return _decoders[name]


def decode_single_object(name, value):
    """ct.decode_single_object with the schema parsed once: the datum, or
    None when the value is not encoded with that schema or does not decode
    to the last byte."""
    import io
    import avro.errors
    import avro.io
    fp, schema = _decoder(name)
    if not value or value[:2] != b"\xc3\x01" or value[2:10] != fp:
        return None
    buf = io.BytesIO(value[10:])
    try:
        d = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(buf))
    except (avro.errors.AvroException, UnicodeDecodeError):
        return None
    return d if buf.tell() == len(value) - 10 else None


def decode_any(value, names):
    """(schema name, datum) of a message value, or (None, None)."""
    for name in names:
        d = decode_single_object(name, value)
        if d is not None:
            return name, d
    return None, None


def topic_events(topic, names):
    """[(message, schema name, datum)] of every message on topic."""
    out = []
    for m in ct.consume(topic):
        name, d = decode_any(m.value, names)
        out.append((m, name, d))
    return out


def consume_many(topics):
    """{topic: every message of topic} for several topics, read by kcat
    side by side (each kcat run mostly waits for the broker)."""
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(topics) or 1) as ex:
        futures = {t: ex.submit(ct.consume, t) for t in topics}
        return {t: f.result() for t, f in futures.items()}


def raw_text(m):
    """A message's key, value and headers as one bytes blob."""
    hdrs = json.dumps(m.headers or [], ensure_ascii=False).encode("utf-8")
    return (m.key or b"") + b"\n" + (m.value or b"") + b"\n" + hdrs


def unique(label):
    return "%s-%s" % (label, uuid.uuid4().hex[:8])

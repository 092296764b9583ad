"""Helpers shared by the people directory, profile, photo and API token
tests (test_people_*.py, test_tokens_*.py). Built on carelink_test."""

import http.client
import json
import os
import re
import socket
import struct
import sys
import time
import urllib.parse
import uuid
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

API = "/api/v1"
SECRET_RE = re.compile(r"^clk_[A-Za-z0-9_-]{43}$")


# --------------------------------------------------------------------------
# logging in


def login(name):
    """A logged-in ct.Session for demo user name. Roles that must use
    two-factor (tenant_admin) answer 401 totp_required; they are then
    logged in by auth_helpers.login_demo() (the shared store of secrets and
    sessions, totp_store.py)."""
    u = ct.seed_user(name)
    password = ct.seed()["password"]
    s = ct.Session()
    r = s.request("POST", API + "/login", json_body={"email": u["email"], "password": password})
    if r.status == 401 and r.error_code() == "totp_required":
        import auth_helpers
        s = auth_helpers.login_demo(name)  # a kept session, or a code from the store
        ct.check(s.user and s.user.get("id") == u["id"], "login as %s: user %r" % (name, s.user))
        return s
    if r.status != 200:
        ct.fail("login as %s: expected 200, got %s" % (name, r.describe()))
    doc = r.json()
    m = None
    for k, v in r.headers.items():
        if k.lower() == "set-cookie":
            m = re.match(r"\s*carelink_session=([^;]*)", v) or m
    ct.check(m is not None, "login as %s: no carelink_session cookie" % name)
    s.cookie, s.csrf, s.user = m.group(1), doc.get("csrf"), doc.get("user")
    ct.check(s.user and s.user.get("id") == u["id"], "login as %s: user %r" % (name, s.user))
    return s


# --------------------------------------------------------------------------
# people of the tests' own: made in the gateway's database, so that they
# exist without an administrator who may owe a two-factor enrolment, and so
# that a second tenant exists at all


def psql(sql, **params):
    """Runs sql on the gateway's database (carelink_test.psql)."""
    return ct.psql("gateway", sql, **params)


def make_user(tenant, organisation, label, roles=("member",), profession="care_manager"):
    """A new active person with the demo password (its hash is copied from
    a demo user); a dict with id, email, name, organisation, tenant."""
    tag = uuid.uuid4().hex[:10]
    u = {"id": str(uuid.uuid4()), "email": "it-%s-%s@people-test.example.jp" % (label, tag),
         "name": "試験 %s %s" % (label, tag), "organisation": organisation, "tenant": tenant,
         "profession": profession}
    psql("""
INSERT INTO users (id, tenant_id, organisation_id, email, display_name, profession, roles,
                   password_hash)
SELECT :'id', :'tenant', :'org', :'email', :'name', :'profession', :'roles'::text[],
       password_hash
  FROM users WHERE email = :'demo';
""", id=u["id"], tenant=tenant, org=organisation, email=u["email"], name=u["name"],
         profession=profession, roles="{%s}" % ",".join(roles),
         demo=ct.seed_user("tanaka")["email"])
    return u


def fresh_tenant(label):
    """A second municipality of its own: two organisations, an organisation
    admin and a member in the first; a dict with tenant, org_a, org_b."""
    t = {"tenant": str(uuid.uuid4()), "org_a": str(uuid.uuid4()), "org_b": str(uuid.uuid4())}
    name = "試験市 %s %s" % (label, uuid.uuid4().hex[:10])
    psql("""
INSERT INTO tenants (id, name) VALUES (:'tenant', :'name');
INSERT INTO organisations (id, tenant_id, name, kind) VALUES
  (:'org_a', :'tenant', :'name' || ' 地域包括支援センター', 'support_centre'),
  (:'org_b', :'tenant', :'name' || ' 田中診療所', 'clinic');
""", name=name, **t)
    t["admin"] = make_user(t["tenant"], t["org_a"], label + "-admin", ("member", "org_admin"))
    t["member"] = make_user(t["tenant"], t["org_a"], label + "-member")
    return t


def login_user(u):
    """A logged-in ct.Session for a person made by make_user()."""
    s = ct.Session()
    s.login(u["email"], ct.seed()["password"])
    return s


# --------------------------------------------------------------------------
# checks


def check_status(r, status, what, code=None):
    """r has status (and error code); returns r.json() when the body is JSON."""
    if r.status != status or (code is not None and r.error_code() != code):
        ct.fail("%s: expected %d%s, got %s" % (what, status, " " + code if code else "",
                                                r.describe()))
    if code is not None:
        msg = r.json()["error"].get("message")
        ct.check(isinstance(msg, str) and msg, "%s: the error has no message" % what)
    ctype = r.headers.get("Content-Type", "")
    if r.body and ctype.startswith("application/json"):
        return r.json()
    return None


def header(r, name):
    return r.headers.get(name)


def q(path, **params):
    """path with a query string (values percent-encoded as UTF-8)."""
    params = {k: v for k, v in params.items() if v is not None}
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


# --------------------------------------------------------------------------
# the directory


def person(session, user_id):
    return session.get_json(API + "/people/" + user_id, "person")["person"]


def search(session, **params):
    """Every person of one page of GET /people."""
    r = session.request("GET", q(API + "/people", **params))
    doc = check_status(r, 200, "GET /people %r" % params)
    ct.check(isinstance(doc.get("people"), list) and "next_cursor" in doc,
             "GET /people %r: unexpected body %s" % (params, r.describe()))
    return doc


def search_all(session, limit=200, **params):
    """Every person matching params, walking the cursor."""
    out, cursor = [], None
    for _ in range(1000):
        doc = search(session, limit=limit, cursor=cursor, **params)
        out.extend(doc["people"])
        cursor = doc["next_cursor"]
        if cursor is None:
            return out
    ct.fail("GET /people %r: the cursor never ended" % params)


def text_of(p):
    """What q is matched against: name, organisation name, areas, help."""
    return "\n".join([p["name"], p["organisation"]["name"]] + p["areas"] + [p["can_help_with"]])


def patch_profile(session, body, **kw):
    if isinstance(body, (bytes, str)):
        return session.request("PATCH", API + "/me/profile", body=body,
                               headers={"Content-Type": kw.get("content_type",
                                                               "application/json")})
    return session.request("PATCH", API + "/me/profile", json_body=body)


# --------------------------------------------------------------------------
# images


def png(width=1, height=1, rgb=(0x33, 0x99, 0x66)):
    """A small valid PNG (8-bit RGB)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))


def png_of_size(size):
    """A PNG of exactly size bytes: a valid image followed by a private
    ancillary chunk ("ruBy") that decoders skip."""
    base = png()
    head, tail = base[:-12], base[-12:]  # IEND last
    pad = size - len(base) - 12
    ct.check(pad >= 0, "png_of_size: %d bytes is too small" % size)
    data = b"\x00" * pad
    extra = (struct.pack(">I", len(data)) + b"ruBy" + data
             + struct.pack(">I", zlib.crc32(b"ruBy" + data) & 0xFFFFFFFF))
    out = head + extra + tail
    ct.check(len(out) == size, "png_of_size: made %d bytes, not %d" % (len(out), size))
    return out


# the start of a JFIF file: SOI, APP0 "JFIF"; enough for the type check
JPEG_HEAD = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
             b"\xff\xd9")
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00" \
      b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def put_photo(session, data, content_type, csrf=True):
    hdrs = {"Content-Type": content_type}
    return session.request("PUT", API + "/me/photo", body=data, headers=hdrs, csrf=csrf)


# --------------------------------------------------------------------------
# API tokens


def bearer(method, path, secret, body=None, json_body=None, headers=None):
    """A request authenticated by an API token only (no cookie)."""
    hdrs = {"Authorization": "Bearer " + secret} if secret is not None else {}
    if json_body is not None:
        body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    return ct.http_request(ct.base_url(), method, path, body, hdrs)


def create_token(admin, name, scopes):
    """(token object, secret) of a new token made by admin."""
    r = admin.request("POST", API + "/tokens", json_body={"name": name, "scopes": scopes})
    doc = check_status(r, 201, "POST /tokens %s %r" % (name, scopes))
    tok, secret = doc.get("token"), doc.get("secret")
    ct.check(isinstance(tok, dict) and tok.get("id"), "POST /tokens: no token in %r" % doc)
    ct.check(isinstance(secret, str) and SECRET_RE.match(secret),
             "POST /tokens: the secret %r is not clk_ + base64url of 32 bytes" % secret)
    return tok, secret


def list_tokens(admin, limit=200):
    """Every token admin may see, walking the cursor."""
    out, cursor = [], None
    for _ in range(1000):
        r = admin.request("GET", q(API + "/tokens", limit=limit, cursor=cursor))
        doc = check_status(r, 200, "GET /tokens")
        ct.check(isinstance(doc.get("tokens"), list) and "next_cursor" in doc,
                 "GET /tokens: unexpected body %s" % r.describe())
        out.extend(doc["tokens"])
        cursor = doc["next_cursor"]
        if cursor is None:
            return out, r
    ct.fail("GET /tokens: the cursor never ended")


def token_by_id(admin, token_id):
    tokens, _ = list_tokens(admin)
    for t in tokens:
        if t["id"] == token_id:
            return t
    ct.fail("token %s is not in GET /tokens" % token_id)


class BearerStream:
    """GET /api/v1/stream with an API token; reads raw lines until EOF."""

    def __init__(self, secret, timeout=10):
        u = urllib.parse.urlsplit(ct.base_url())
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
        self.conn.request("GET", API + "/stream", headers={
            "Accept": "text/event-stream", "Authorization": "Bearer " + secret})
        self.resp = self.conn.getresponse()
        self.status = self.resp.status

    def read_until_end(self, timeout):
        """The lines read until the server ends the stream; None when it is
        still open after timeout seconds."""
        self.conn.sock.settimeout(timeout)
        lines = []
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                line = self.resp.readline()
                if not line:
                    return lines
                lines.append(line)
        except (socket.timeout, TimeoutError):
            return None
        except (OSError, http.client.HTTPException):
            return lines
        return None

    def close(self):
        try:
            self.conn.close()
        except Exception:
            pass


def audit_entries(admin, action=None, limit=200):
    """Audit entries from GET /audit (platform module), or None when that
    route is not served."""
    r = admin.request("GET", q(API + "/audit", limit=limit, action=action))
    if r.status in (404, 405):
        return None
    doc = check_status(r, 200, "GET /audit")
    for key in ("entries", "audit", "items"):
        if isinstance(doc.get(key), list):
            return doc[key]
    ct.fail("GET /audit: no list of entries in %s" % r.describe())

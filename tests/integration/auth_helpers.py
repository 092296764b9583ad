"""Helpers of the authentication tests (test_auth_*.py).

People of their own: each test copies a demo user's row in the gateway's
database under a new, unique e-mail address (same tenant, organisation and
password hash, so the demo password works) with the profession and roles it
needs. Nothing else refers to them, so lockouts and two-factor enrolments
disturb no other test, and the tests run again against the same system.

Also: two-factor codes made here (RFC 6238 with hmac/hashlib), the session
cookie's attributes, direct reads of the gateway's database (audit log,
throttling tables) and an extra gateway replica on the same database with
some configuration keys overridden (short lockouts, trusted proxies...).
"""

import base64
import hashlib
import hmac
import shutil
import struct
import tempfile
import time
import uuid

import carelink_test as ct
import platform_helpers

API = "/api/v1"
COOKIE = "carelink_session"
SECURE_COOKIE = "__Host-carelink_session"


def demo_password():
    return ct.seed()["password"]


# --------------------------------------------------------------------------
# the gateway's database


def _psql_bin():
    return ct.psql_bin()


def psql(sql, **params):
    """Runs sql on the gateway's database; :'name' in sql is the quoted
    value of params[name]. Rows as lists of strings."""
    return ct.psql("gateway", sql, **params)


def create_user(label, profession="care_manager", roles=("member",), like="kato"):
    """A new person copied from demo user like: {"id","email","password"}."""
    email = "auth-%s-%s@test.carelink.jp" % (label, uuid.uuid4().hex[:12])
    uid = str(uuid.uuid4())
    source = ct.seed_user(like)["email"]
    rows = psql("INSERT INTO users (id, tenant_id, organisation_id, email, display_name,"
                " profession, roles, password_hash)"
                " SELECT :'id', tenant_id, organisation_id, :'email', :'name', :'profession',"
                " string_to_array(:'roles', ','), password_hash"
                " FROM users WHERE email = :'source' RETURNING id;",
                id=uid, email=email, name="テスト " + label, profession=profession,
                roles=",".join(roles), source=source)
    ct.check(rows and rows[0][0] == uid, "could not create test user %s" % email)
    return {"id": uid, "email": email, "password": demo_password()}


def audit_rows(subject, action=None):
    """(action, actor_id, outcome, address, detail) of the audit entries
    about subject, oldest first."""
    return [tuple(r) for r in psql(
        "SELECT action, coalesce(actor_id::text, ''), outcome, coalesce(address, ''),"
        " detail::text FROM audit_log WHERE subject = :'subject'"
        " AND (:'action' = '' OR action = :'action') ORDER BY id;",
        subject=subject, action=action or "")]


def check_audited(subject, action, outcome="ok", what=None):
    rows = [r for r in audit_rows(subject, action) if r[2] == outcome]
    ct.check(rows, "no audit entry %s (%s) about %s%s"
             % (action, outcome, subject, "" if not what else " (" + what + ")"))
    ct.check(rows[-1][3], "the %s audit entry has no client address" % action)
    return rows


def password_hash(user_id):
    return psql("SELECT password_hash FROM users WHERE id = :'id';", id=user_id)[0][0]


def clear_throttle(account=None, address=None):
    """Forgets the failures and locks of an account (e-mail) or address."""
    if account:
        psql("DELETE FROM login_failures WHERE account = lower(:'a');"
             " DELETE FROM login_locks WHERE kind = 'account' AND key = lower(:'a');",
             a=account)
    if address:
        psql("DELETE FROM login_failures WHERE address = :'a';"
             " DELETE FROM login_locks WHERE kind = 'address' AND key = :'a';", a=address)


# --------------------------------------------------------------------------
# logging in


def login_request(email, password, totp=None, url=None, headers=None):
    body = {"email": email, "password": password}
    if totp is not None:
        body["totp"] = totp
    return ct.Session(url).request("POST", API + "/login", json_body=body, headers=headers)


def set_cookies(r):
    """The Set-Cookie headers of a response: [(name, value, {attr: value})],
    attribute names lowercased, flags mapped to True."""
    out = []
    for name, value in r.headers.items():
        if name.lower() != "set-cookie":
            continue
        parts = [p.strip() for p in value.split(";")]
        cname, _, cvalue = parts[0].partition("=")
        attrs = {}
        for p in parts[1:]:
            k, eq, v = p.partition("=")
            attrs[k.strip().lower()] = v.strip() if eq else True
        out.append((cname.strip(), cvalue, attrs))
    return out


class AuthSession(ct.Session):
    """A Session whose cookie name may be the __Host- one."""

    def __init__(self, url=None, cookie_name=COOKIE):
        super().__init__(url)
        self.cookie_name = cookie_name
        self.email = None
        self.totp_secret = None

    def request(self, method, path, body=None, headers=None, json_body=None,
                csrf=True, cookie=True, timeout=15):
        hdrs = dict(headers or {})
        if cookie and self.cookie:
            hdrs["Cookie"] = "%s=%s" % (self.cookie_name, self.cookie)
        return super().request(method, path, body=body, headers=hdrs, json_body=json_body,
                               csrf=csrf, cookie=False, timeout=timeout)


def session_from(r, url=None, cookie_name=COOKIE):
    """The AuthSession a 200 login answer r opened."""
    if r.status != 200:
        ct.fail("login: expected 200, got %s" % r.describe())
    s = AuthSession(url, cookie_name)
    for name, value, _ in set_cookies(r):
        if name == cookie_name:
            s.cookie = value
    ct.check(s.cookie, "login: no %s cookie in %r" % (cookie_name, set_cookies(r)))
    doc = r.json()
    s.csrf, s.user = doc.get("csrf"), doc.get("user")
    ct.check(s.csrf and s.user, "login: no user or csrf in %r" % doc)
    s.email = s.user.get("email")
    return s


def login(user, totp=None, url=None, cookie_name=COOKIE, headers=None):
    """An AuthSession of user ({"email","password"}); fails unless 200."""
    r = login_request(user["email"], user["password"], totp, url, headers)
    return session_from(r, url, cookie_name)


def expect(r, status, what, code=None):
    if r.status != status or (code is not None and r.error_code() != code):
        ct.fail("%s: expected %d%s, got %s"
                % (what, status, " " + code if code else "", r.describe()))
    return r


# --------------------------------------------------------------------------
# two-factor codes (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps)


def hotp(secret_b32, counter):
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)


def now_step():
    return int(time.time() // 30)


_used = {}


def fresh_code(secret):
    """A code for a step the gateway has not accepted for this secret yet,
    within one step of now (waiting for the clock when all three are
    used); returns (code, step)."""
    while True:
        now = now_step()
        step = max(now - 1, _used.get(secret, -2) + 1)
        if step <= now + 1:
            _used[secret] = step
            return hotp(secret, step), step
        time.sleep(0.5)


def enrol(s):
    """Two-factor on for the person of session s: setup, then confirm with
    a code made here. Returns the setup answer's JSON."""
    r = expect(s.request("POST", API + "/me/totp/setup", json_body={}), 200,
               "two-factor setup of %s" % s.email)
    doc = r.json()
    s.totp_secret = doc["secret"]
    code, _ = fresh_code(s.totp_secret)
    expect(s.request("POST", API + "/me/totp/confirm", json_body={"code": code}), 204,
           "two-factor confirmation of %s" % s.email)
    return doc


def login_demo(name):
    """A logged-in AuthSession of demo user name that also works when the
    person must use two-factor: enrolled at the first login, with the secret
    kept in the shared store (totp_store.py) for later logins, in this and
    other test processes and in the browser tests. A session opened with a
    code is kept there too and reused by later calls while it is valid, so
    that they need not wait for a new time step."""
    import totp_store
    u = dict(ct.seed_user(name))
    u["password"] = demo_password()
    email = u["email"]
    kept = totp_store.session(email)
    if kept:
        s = AuthSession()
        s.cookie, s.csrf = kept
        r = s.request("GET", API + "/me")
        if r.status == 200 and (r.json().get("user") or {}).get("id") == u["id"]:
            doc = r.json()
            s.csrf, s.user, s.email = doc.get("csrf") or s.csrf, doc["user"], email
            s.totp_secret = totp_store.secret(email)
            return s
    for attempt in range(3):
        secret = totp_store.secret(email)
        code = None
        if secret:
            step = totp_store.next_step(email)
            _used[secret] = max(_used.get(secret, -2), step)
            code = hotp(secret, step)
        r = login_request(email, u["password"], code)
        if r.status == 401 and secret and r.error_code() == "totp_invalid" and attempt < 2:
            continue  # a step another process used without recording it
        s = session_from(r)
        s.totp_secret = secret
        if s.user.get("totp_required") and not s.user.get("totp_enabled"):
            enrol(s)
            totp_store.remember(email, s.totp_secret, _used.get(s.totp_secret))
        if s.user.get("totp_required"):
            totp_store.remember_session(email, s.cookie, s.csrf)
        return s
    ct.fail("could not log in as %s" % name)


# --------------------------------------------------------------------------
# an extra gateway replica


# the extra gateway process itself lives in platform_helpers


class Replica(platform_helpers.ExtraGateway):
    """carelink-gateway on a port of its own against the running system's
    configuration and database, with overrides (config key -> value);
    tls=True serves HTTPS with a fresh self-signed certificate. A sanitizer
    report in its log fails the test. Use with `with`."""

    def __init__(self, overrides, tls=False):
        overrides = dict(overrides)
        self.tls_dir = None
        cafile = None
        if tls:
            self.tls_dir = tempfile.mkdtemp(prefix="carelink-auth-tls-")
            cafile, key = platform_helpers.self_signed(self.tls_dir)
            overrides["http.tls_cert"] = cafile
            overrides["http.tls_key"] = key
        super().__init__(overrides, tls_ca=cafile)

    def __exit__(self, *exc):
        try:
            super().__exit__(*exc)
        finally:
            if self.tls_dir:
                shutil.rmtree(self.tls_dir, ignore_errors=True)


def https_login(replica, user):
    """POST /login over the replica's TLS: (status, [Set-Cookie values])."""
    import http.client
    import json
    conn = http.client.HTTPSConnection("127.0.0.1", replica.port, timeout=15,
                                       context=replica.ssl_context())
    try:
        body = json.dumps({"email": user["email"], "password": user["password"]})
        conn.request("POST", API + "/login", body=body,
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        return resp.status, [v for k, v in resp.getheaders() if k.lower() == "set-cookie"]
    finally:
        conn.close()

"""Helpers of the administration tests (test_admin_*.py).

Each test works in a tenant of its own (Tenant): a municipality with a few
organisations is put straight into the gateway's database, together with an
invitation that makes its first tenant admin; everything else goes through
the API (invitations, accepting them, administration). So the tests neither
depend on nor disturb the demo tenant, run in any order and again against
the same system. Administrators that must use two-factor enrol through
/me/totp/setup and /me/totp/confirm with codes made here (RFC 6238).

Also: direct reads of the gateway's database (audit log, invitation rows)
and UserChanged events on carelink.identity.
"""

import base64
import hashlib
import hmac
import re
import secrets
import struct
import time
import uuid

import carelink_test as ct

API = "/api/v1"
PASSWORD = "Admin-test-pass-2026!"  # 21 characters: letters, digits, symbols
LINK_RE = re.compile(r"/#/invite/([A-Za-z0-9_-]+)$")


def unique_email(label):
    return "%s@admin-test.example.jp" % ct.unique(label)


# --------------------------------------------------------------------------
# the API


def invite(session, email, organisation, profession="care_manager", roles=None):
    """POST /invitations; the Response."""
    body = {"email": email, "organisation_id": organisation, "profession": profession}
    if roles is not None:
        body["roles"] = roles
    return session.request("POST", API + "/invitations", json_body=body)


def invite_ok(session, email, organisation, profession="care_manager", roles=None):
    """Invites and returns (invitation, token); fails unless 201 with a link."""
    r = invite(session, email, organisation, profession, roles)
    if r.status != 201:
        ct.fail("POST /invitations for %s: expected 201, got %s" % (email, r.describe()))
    doc = r.json()
    inv, link = doc.get("invitation"), doc.get("link") or ""
    ct.check(isinstance(inv, dict) and inv.get("id"), "201 without an invitation: %r" % doc)
    m = LINK_RE.search(link)
    ct.check(m is not None, "the invitation link %r is not <url>/#/invite/<token>" % link)
    return inv, m.group(1)


def show(token):
    """GET /invitations/accept/<token> without a session."""
    return ct.http_request(ct.base_url(), "GET", API + "/invitations/accept/" + token)


def accept(token, name, password=PASSWORD):
    """POST /invitations/accept/<token> without a session; the Response."""
    return ct.Session().request("POST", API + "/invitations/accept/" + token,
                                json_body={"name": name, "password": password})


def session_cookie(r):
    """The carelink_session cookie a response sets, or None."""
    for k, v in r.headers.items():
        if k.lower() == "set-cookie":
            m = re.match(r"\s*carelink_session=([^;]+)", v)
            if m:
                return m.group(1)
    return None


def accepted_session(r, email):
    """The Session an accepted invitation (201) opened."""
    doc = r.json()
    s = ct.Session()
    s.cookie, s.csrf, s.user = session_cookie(r), doc.get("csrf"), doc.get("user")
    ct.check(s.cookie and s.csrf, "accepting the invitation of %s did not log in: %s"
             % (email, r.describe()))
    ct.check_eq((s.user or {}).get("email"), email, "the person logged in by accepting")
    s.email = email
    s.totp_secret = None
    return s


def join(token, label):
    """Accepts the invitation of token; returns the logged-in Session, enrolled
    in two-factor when the role or profession requires it."""
    info = expect(show(token), 200, "GET the invitation of %s" % label).json()
    r = expect(accept(token, "試験 %s" % label), 201, "accepting the invitation of %s" % label)
    s = accepted_session(r, info["email"])
    enrol_if_required(s)
    return s


def new_user(admin, org, label, roles=None, profession="care_manager"):
    """A new person of organisation org, invited by admin; their Session."""
    _, token = invite_ok(admin, unique_email(label), org, profession, roles)
    return join(token, label)


def login(email, password=PASSWORD, totp_secret=None):
    """POST /login (with a fresh two-factor code when a secret is given);
    the Response and, on 200, a Session."""
    body = {"email": email, "password": password}
    if totp_secret:
        body["totp"] = totp_code(totp_secret)
    r = ct.Session().request("POST", API + "/login", json_body=body)
    if r.status != 200:
        return r, None
    s = ct.Session()
    doc = r.json()
    s.cookie, s.csrf, s.user = session_cookie(r), doc.get("csrf"), doc.get("user")
    s.email, s.totp_secret = email, totp_secret
    return r, s


def relogin(s):
    """A new session of the person of session s."""
    r, fresh = login(s.email, totp_secret=s.totp_secret)
    if fresh is None:
        ct.fail("logging in again as %s: expected 200, got %s" % (s.email, r.describe()))
    return fresh


# --------------------------------------------------------------------------
# two-factor (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps)

_last_step = {}


def _hotp(secret, counter):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)


def totp_code(secret):
    """A code the gateway has not seen yet: each step is accepted once, one
    step either side of now."""
    while True:
        now = int(time.time() // 30)
        step = max(now - 1, _last_step.get(secret, -1) + 1)
        if step <= now + 1:
            _last_step[secret] = step
            return _hotp(secret, step)
        time.sleep(1)


def enrol_if_required(s):
    """Enrols s in two-factor when /me says the person must use it."""
    user = s.get_json(API + "/me", "me").get("user") or {}
    if not user.get("totp_required") or user.get("totp_enabled"):
        return
    r = expect(s.request("POST", API + "/me/totp/setup", json_body={}), 200,
               "two-factor setup of %s" % s.email)
    s.totp_secret = r.json()["secret"]
    expect(s.request("POST", API + "/me/totp/confirm",
                     json_body={"code": totp_code(s.totp_secret)}), 204,
           "two-factor confirmation of %s" % s.email)


# --------------------------------------------------------------------------
# a tenant of the test's own

KINDS = ["city_hall", "support_centre", "home_care_support_office", "care_provider", "clinic",
         "hospital", "doctors_association", "pharmacy", "police", "fire",
         "social_welfare_council", "other"]


class Tenant:
    """A fresh municipality: organisations of the given kinds (orgs[i] is
    {"id","name","kind"}) and its first tenant admin (admin, a Session of
    orgs[0]) who joined through an invitation."""

    def __init__(self, label, kinds=("city_hall", "support_centre", "home_care_support_office",
                                     "clinic")):
        self.id = str(uuid.uuid4())
        self.name = ct.unique(label)
        self.orgs = [{"id": str(uuid.uuid4()), "name": "%s %d %s" % (kind, i, self.name),
                      "kind": kind} for i, kind in enumerate(kinds)]
        values = ",\n".join("(:'o%d', :'tenant', :'n%d', :'k%d')" % (i, i, i)
                            for i in range(len(self.orgs)))
        params = {"tenant": self.id, "name": self.name}
        for i, o in enumerate(self.orgs):
            params.update({"o%d" % i: o["id"], "n%d" % i: o["name"], "k%d" % i: o["kind"]})
        psql("INSERT INTO tenants (id, name) VALUES (:'tenant', :'name');\n"
             "INSERT INTO organisations (id, tenant_id, name, kind) VALUES\n" + values + ";",
             **params)
        self.admin = self.first_admin(label)

    def first_admin(self, label):
        """An invitation made in the database (there is no administrator yet)
        and accepted through the API."""
        token = secrets.token_urlsafe(32)
        psql("INSERT INTO invitations (id, tenant_id, organisation_id, email, profession,"
             " roles, token_hash, expires_at) VALUES (:'id', :'tenant', :'org', :'email',"
             " 'city_official', '{member,tenant_admin}', :'hash', now() + interval '1 hour');",
             id=str(uuid.uuid4()), tenant=self.id, org=self.orgs[0]["id"],
             email=unique_email(label + "-admin"),
             hash=hashlib.sha256(token.encode()).hexdigest())
        return join(token, label + " 管理者")

    def org(self, i):
        return self.orgs[i]["id"]


def user_action(session, user_id, action, body=None):
    """POST /users/<id>/<action> (deactivate, reactivate, transfer)."""
    return session.request("POST", "%s/users/%s/%s" % (API, user_id, action),
                           json_body=body if body is not None else {})


def set_roles(session, user_id, roles):
    return session.request("PUT", "%s/users/%s/roles" % (API, user_id),
                           json_body={"roles": roles})


def expect(r, status, what, code=None):
    """Fails unless r has status (and error code)."""
    if r.status != status or (code is not None and r.error_code() != code):
        ct.fail("%s: expected %d%s, got %s" % (what, status, " " + code if code else "",
                                               r.describe()))
    return r


def login_status(email, password=PASSWORD):
    r = ct.Session().request("POST", API + "/login",
                             json_body={"email": email, "password": password})
    return r.status


# --------------------------------------------------------------------------
# the gateway's database


def _psql_bin():
    return ct.psql_bin()


def psql(sql, **params):
    """Runs sql on the gateway's database; :'name' in sql is the quoted value
    of params[name]. Rows as lists of strings (unaligned, "|" separated)."""
    return ct.psql("gateway", sql, **params)


def audit_rows(subject, action=None):
    """(action, actor_id, outcome, address) of the audit entries about subject."""
    return [tuple(r) for r in psql(
        "SELECT action, coalesce(actor_id::text, ''), outcome, coalesce(address, '')"
        " FROM audit_log WHERE subject = :'subject' AND (:'action' = '' OR action = :'action')"
        " ORDER BY id;", subject=subject, action=action or "")]


def check_audited(subject, action, actor):
    rows = [r for r in audit_rows(subject, action) if r[2] == "ok"]
    ct.check(rows, "no audit entry %s about %s" % (action, subject))
    ct.check_eq(rows[-1][1], actor, "actor of the %s audit entry" % action)
    ct.check(rows[-1][3], "the %s audit entry has no client address" % action)


# --------------------------------------------------------------------------
# carelink.identity


def wait_user_changed(user_id, pred, what, after=None, timeout=20):
    """The first UserChanged of user_id on carelink.identity (after the
    message after, when given: a user's events share a partition) for which
    pred(datum) holds, waiting for the outbox relay; returns (message, datum)."""
    deadline = time.monotonic() + timeout
    while True:
        for m in ct.consume("carelink.identity"):
            if m.key != user_id.encode():
                continue
            if after is not None and (m.partition != after.partition or m.offset <= after.offset):
                continue
            d = ct.decode_single_object("UserChanged", m.value)
            if d is not None and d.get("user_id") == user_id and pred(d):
                return m, d
        if time.monotonic() > deadline:
            ct.fail("no UserChanged (%s) for user %s on carelink.identity within %d s"
                    % (what, user_id, timeout))
        time.sleep(0.5)

"""Helpers of the administration tests (test_admin_*.py): inviting people and
accepting invitations through the API, a fresh tenant of their own for tests
that must not disturb the demo tenant, direct reads of the gateway's
database (audit log, invitation rows) and UserChanged events on
carelink.identity.

Every person a test creates has a unique e-mail address, so the tests run in
any order and again against the same system.
"""

import glob
import hashlib
import os
import re
import secrets
import shutil
import subprocess
import time
import uuid

import carelink_test as ct

API = "/api/v1"
PASSWORD = "Admin-test-pass-2026!"  # 21 characters: letters, digits, symbols
LINK_RE = re.compile(r"/#/invite/([A-Za-z0-9_-]+)$")

MEMBER_ORG = "0f1e2d3c-0001-4000-8000-000000000003"  # 中央居宅介護支援事業所
OTHER_ORG = "0f1e2d3c-0001-4000-8000-000000000005"   # さくら診療所
THIRD_ORG = "0f1e2d3c-0001-4000-8000-000000000004"   # ひだまり訪問介護


def unique_email(label):
    return "%s@admin-test.example.jp" % ct.unique(label)


def demo_tenant():
    return ct.seed()["tenant"]["id"]


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


def new_user(admin, label, organisation=MEMBER_ORG, roles=None, profession="care_manager"):
    """Invites a new person through admin, accepts, logs them in; returns
    their Session (user, cookie, csrf)."""
    email = unique_email(label)
    _, token = invite_ok(admin, email, organisation, profession, roles)
    r = accept(token, "試験 %s" % label)
    if r.status != 201:
        ct.fail("accepting the invitation of %s: expected 201, got %s" % (email, r.describe()))
    s = ct.Session()
    s.login(email, PASSWORD)
    return s


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
    found = shutil.which("psql")
    if found:
        return found
    for p in sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), reverse=True):
        return p
    ct.fail("no psql to read the gateway's database with")


def psql(sql, **params):
    """Runs sql on the gateway's database; :'name' in sql is the quoted value
    of params[name]. Rows as lists of strings (unaligned, "|" separated)."""
    with open(os.path.join(ct.var_dir(), "pg-gateway.conninfo"), encoding="utf-8") as f:
        conninfo = f.read().strip()
    cmd = [_psql_bin(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
    for k, v in params.items():
        cmd += ["-v", "%s=%s" % (k, v)]
    p = subprocess.run(cmd, input=sql.encode("utf-8"), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    if p.returncode != 0:
        ct.fail("psql failed: %s" % p.stderr.decode("utf-8", "replace")[-1000:])
    out = p.stdout.decode("utf-8").strip()
    return [line.split("|") for line in out.splitlines() if line]


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


def fresh_tenant(label):
    """A tenant of its own with two organisations and an invitation that
    makes its first tenant admin; returns (tenant_id, org_a, org_b, token)."""
    tenant, org_a, org_b, inv = (str(uuid.uuid4()) for _ in range(4))
    token = secrets.token_urlsafe(32)
    psql("""
INSERT INTO tenants (id, name) VALUES (:'tenant', :'name');
INSERT INTO organisations (id, tenant_id, name, kind) VALUES
  (:'org_a', :'tenant', 'A ' || :'name', 'city_hall'),
  (:'org_b', :'tenant', 'B ' || :'name', 'clinic');
INSERT INTO invitations (id, tenant_id, organisation_id, email, profession, roles,
  token_hash, expires_at)
VALUES (:'inv', :'tenant', :'org_a', :'email', 'city_official', '{member,tenant_admin}',
  :'hash', now() + interval '1 hour');
""", tenant=tenant, name=ct.unique(label), org_a=org_a, org_b=org_b, inv=inv,
         email=unique_email(label), hash=hashlib.sha256(token.encode()).hexdigest())
    return tenant, org_a, org_b, token


def first_admin(label):
    """A fresh tenant and its only tenant admin, logged in:
    (session, tenant_id, org_a, org_b)."""
    tenant, org_a, org_b, token = fresh_tenant(label)
    info = expect(show(token), 200, "the fresh tenant's invitation").json()
    expect(accept(token, "管理者 %s" % label), 201, "accepting the fresh tenant's invitation")
    s = ct.Session()
    s.login(info["email"], PASSWORD)
    return s, tenant, org_a, org_b


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

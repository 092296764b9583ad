"""Helpers of the workspace tests (test_workspace_*.py): spaces, threads,
posts, comments, attachments, confirmations and search, all through the
gateway's public API (/api/v1/...) with real logins (session cookie and
CSRF token), as services/records/API.md describes them.

* People: demo users log in with the demo password; those who must use
  two-factor (tenant admins, doctors, police, fire) enrol at their first
  login (auth_helpers.login_demo) and keep the secret, with the last code
  step used, in the store every test shares (totp_store.py), so that test
  processes run one after another never offer a code the gateway has
  already accepted.
* A second tenant: no API creates a municipality, so the tenant row and the
  invitation of its first tenant admin are put into the gateway's database
  exactly as the administration tests do (admin_helpers.Tenant); everything
  else goes through the API.
* records' copy of the people: wait_member() polls
  /api/v1/spaces/{id}/members until a person appears (bounded).
* Feeds: feed_since() and wait_feed() read /api/v1/feed with a deadline.
* records directly: records_request() calls the records service with an
  identity signed by the key in $CARELINK_VAR (for tenant isolation).

Every wait has a deadline; a failed check raises ct.TestFailure.
"""

import json
import os
import random
import struct
import sys
import time
import urllib.parse
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import auth_helpers as ah  # noqa: E402

API = "/api/v1"
IDENTITY_HEADER = "X-Carelink-Identity"


# --------------------------------------------------------------------------
# demo people


def seed_org(kind):
    """Id of the demo organisation of this kind (e.g. "support_centre")."""
    for o in ct.seed()["organisations"]:
        if o["kind"] == kind:
            return o["id"]
    ct.fail("no demo organisation of kind %s" % kind)


_sessions = {}


def login(name):
    """A logged-in session (auth_helpers.AuthSession) of demo user name,
    enrolling two-factor where the person must use it (the secret is kept
    in the store every test shares, totp_store.py). One session per person
    and process."""
    if name in _sessions:
        return _sessions[name]
    u = ct.seed_user(name)
    s = ah.login_demo(name)
    ct.check_eq(s.user.get("id"), u["id"], "the person logged in as %s" % name)
    s.name = name
    _sessions[name] = s
    return s


def uid(name):
    return ct.seed_user(name)["id"]


# --------------------------------------------------------------------------
# a second tenant


def other_tenant(label):
    """A second municipality (admin_helpers.Tenant): its first tenant admin
    (tenant.admin, a logged-in Session with two-factor) joined through an
    invitation. The tenant row and that first invitation are made in the
    gateway's database: no API creates tenants."""
    import admin_helpers
    return admin_helpers.Tenant(label)


def tenant_member(tenant, label, org_index=1, profession="care_manager"):
    """A person of tenant invited by its admin through the API (POST
    /invitations, then accepting it); their logged-in Session."""
    import admin_helpers
    return admin_helpers.new_user(tenant.admin, tenant.org(org_index), label,
                                  profession=profession)


# --------------------------------------------------------------------------
# checks


def expect(r, status, what, code=None):
    """Fails unless r has status (and error code, with a message);
    returns r.json() for a JSON body, else None."""
    if r.status != status or (code is not None and r.error_code() != code):
        ct.fail("%s: expected %d%s, got %s" % (what, status, " " + code if code else "",
                                               r.describe()))
    if code is not None:
        msg = (r.json().get("error") or {}).get("message")
        ct.check(isinstance(msg, str) and msg, "%s: the error has no message" % what)
    ctype = r.headers.get("Content-Type", "") or ""
    if r.body and ctype.startswith("application/json"):
        return r.json()
    return None


def q(path, **params):
    """path with a query string (values percent-encoded as UTF-8)."""
    params = {k: v for k, v in params.items() if v is not None}
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


_KATAKANA = [chr(c) for c in range(ord("ァ"), ord("ヺ") + 1)]
_HIRAGANA = [chr(c) for c in range(ord("ぁ"), ord("ゖ") + 1)]
_KANJI = list("山川田村林森花鳥風月雪空海星雲雨光石松竹梅桜春夏秋冬東西南北")


def jp_word(n=10, alphabet="katakana"):
    """A Japanese string no other post holds (n random characters)."""
    chars = {"katakana": _KATAKANA, "hiragana": _HIRAGANA, "kanji": _KANJI}[alphabet]
    return "".join(random.choice(chars) for _ in range(n))


# --------------------------------------------------------------------------
# spaces and threads


def create_space(admin, name, description="", professions=None, organisations=None,
                 admins=None):
    body = {"name": name, "description": description,
            "visibility": {"professions": professions or [],
                           "organisations": organisations or []}}
    if admins is not None:
        body["admins"] = admins
    r = admin.request("POST", API + "/spaces", json_body=body)
    doc = expect(r, 201, "POST /spaces %s" % name)
    sp = (doc or {}).get("space")
    ct.check(isinstance(sp, dict) and sp.get("id"), "201 without a space: %s" % r.describe())
    return sp


def get_space(session, space_id):
    """{"space", "threads"} of GET /spaces/{id}."""
    return expect(session.request("GET", API + "/spaces/" + space_id), 200,
                  "GET /spaces/%s" % space_id)


def add_thread(admin, space_id, title):
    r = admin.request("POST", API + "/spaces/%s/threads" % space_id, json_body={"title": title})
    doc = expect(r, 201, "POST /spaces/%s/threads %s" % (space_id, title))
    th = (doc or {}).get("thread")
    ct.check(isinstance(th, dict) and th.get("id"), "201 without a thread: %s" % r.describe())
    return th


def patch_space(admin, space_id, **fields):
    return admin.request("PATCH", API + "/spaces/" + space_id, json_body=fields)


def patch_thread(admin, thread_id, **fields):
    return admin.request("PATCH", API + "/threads/" + thread_id, json_body=fields)


def members(session, space_id, **params):
    doc = expect(session.request("GET", q(API + "/spaces/%s/members" % space_id, **params)),
                 200, "GET /spaces/%s/members" % space_id)
    return doc.get("members") or []


def wait_member(session, space_id, user_id, timeout=20):
    """Polls the space's members until user_id is among them (records has
    its copy of that person)."""
    deadline = time.monotonic() + timeout
    while True:
        if any(m.get("id") == user_id for m in members(session, space_id)):
            return
        if time.monotonic() > deadline:
            ct.fail("person %s is not among the members of space %s within %d s"
                    % (user_id, space_id, timeout))
        time.sleep(0.3)


# --------------------------------------------------------------------------
# posts, comments, confirmations


def post_body(text, mentions=None, attachments=None):
    body = {"body": text}
    if mentions is not None:
        body["mentions"] = mentions
    if attachments is not None:
        body["attachments"] = attachments
    return body


def create_post(session, thread_id, text, mentions=None, attachments=None):
    r = session.request("POST", API + "/threads/%s/posts" % thread_id,
                        json_body=post_body(text, mentions, attachments))
    doc = expect(r, 201, "POST /threads/%s/posts" % thread_id)
    p = (doc or {}).get("post")
    ct.check(isinstance(p, dict) and p.get("id"), "201 without a post: %s" % r.describe())
    return p


def add_comment(session, post_id, text, mentions=None, attachments=None):
    r = session.request("POST", API + "/posts/%s/comments" % post_id,
                        json_body=post_body(text, mentions, attachments))
    doc = expect(r, 201, "POST /posts/%s/comments" % post_id)
    c = (doc or {}).get("comment")
    ct.check(isinstance(c, dict) and c.get("id"), "201 without a comment: %s" % r.describe())
    return c


def get_post(session, post_id):
    return expect(session.request("GET", API + "/posts/" + post_id), 200,
                  "GET /posts/%s" % post_id)["post"]


def thread_posts(session, thread_id, limit=500):
    return expect(session.request("GET", q(API + "/threads/%s/posts" % thread_id, limit=limit)),
                  200, "GET /threads/%s/posts" % thread_id)


def confirm(session, post_id):
    return expect(session.request("POST", API + "/posts/%s/confirm" % post_id, json_body={}),
                  200, "POST /posts/%s/confirm" % post_id)


def upload(session, data, content_type, filename):
    """POST /attachments?filename= with the raw bytes; the Response."""
    return session.request("POST", q(API + "/attachments", filename=filename), body=data,
                           headers={"Content-Type": content_type})


def upload_ok(session, data, content_type, filename):
    r = upload(session, data, content_type, filename)
    doc = expect(r, 201, "POST /attachments %s" % filename)
    a = (doc or {}).get("attachment")
    ct.check(isinstance(a, dict) and a.get("id"), "201 without an attachment: %s" % r.describe())
    return a


def search(session, **params):
    r = session.request("GET", q(API + "/search", **params))
    doc = expect(r, 200, "GET /search %r" % params)
    ct.check(isinstance(doc.get("hits"), list), "GET /search %r: no hits in %s"
             % (params, r.describe()))
    return doc


def search_ids(session, **params):
    return [h["post"]["id"] for h in search(session, **params)["hits"]]


def wait_search(session, post_id, timeout=10, **params):
    """Search hits of params once post_id is among them (indexing may lag)."""
    deadline = time.monotonic() + timeout
    while True:
        ids = search_ids(session, **params)
        if post_id in ids:
            return ids
        if time.monotonic() > deadline:
            ct.fail("search %r by %s does not find %s within %d s (hits %r)"
                    % (params, session.user.get("email"), post_id, timeout, ids))
        time.sleep(0.3)


# --------------------------------------------------------------------------
# files


def png(rgb=(0x33, 0x99, 0x66)):
    """A 1x1 PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb)))
            + chunk(b"IEND", b""))


def pdf(text="carelink"):
    """A minimal PDF."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% " + text.encode() +
            b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")


# --------------------------------------------------------------------------
# feeds


def feed_mark(session):
    return ct.latest_feed_id(session)


def feed_since(session, mark):
    """Every notification of session's feed with id > mark, oldest first."""
    return ct.feed_after(session, mark)


def mentions_any(n, needles):
    """Whether notification n refers to any of needles (ids, names, text)."""
    text = json.dumps(n, ensure_ascii=False)
    return any(x and x in text for x in needles)


def wait_feed(session, mark, pred, what, timeout=20):
    """The notifications after mark for which pred holds, once there is one."""
    deadline = time.monotonic() + timeout
    while True:
        found = [n for n in feed_since(session, mark) if pred(n)]
        if found:
            return found
        if time.monotonic() > deadline:
            ct.fail("no %s in the feed of %s within %d s" % (what, session.user.get("email"),
                                                             timeout))
        time.sleep(0.3)


def wait_feed_count(session, mark, pred, count, what, timeout=20):
    """The notifications after mark for which pred holds, once there are
    exactly count of them (also when fewer must remain, e.g. after a
    delete)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [n for n in feed_since(session, mark) if pred(n)]
        if len(found) == count:
            return found
        if time.monotonic() > deadline:
            ct.fail("%d %s in the feed of %s after %d s, expected %d"
                    % (len(found), what, session.user.get("email"), timeout, count))
        time.sleep(0.3)


def about(subject_id, kind=None):
    """A predicate: a notification whose link names subject_id (and of kind)."""
    def pred(n):
        return subject_id in (n.get("link") or "") and (kind is None or n.get("kind") == kind)
    return pred


# --------------------------------------------------------------------------
# records directly, with a signed identity


def records_url():
    return "http://127.0.0.1:%d" % ct.service_port("records")


def claims(user_id, org_id, profession, tenant_id, roles=("member",), name="試験 利用者",
           org_name="試験 機関"):
    return {"u": user_id, "o": org_id, "p": profession, "r": list(roles), "t": tenant_id,
            "n": name, "on": org_name, "exp": int(time.time()) + 120}


def records_request(identity_claims, method, path, json_body=None, body=None, headers=None):
    """One request to records' /v1/... with this identity, signed."""
    hdrs = {IDENTITY_HEADER: ct.sign_identity(identity_claims)}
    if json_body is not None:
        body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    return ct.http_request(records_url(), method, path, body, hdrs)


def error_of(r):
    """(status, code, message) of an answer, to compare two answers."""
    try:
        err = r.json().get("error") or {}
    except ct.TestFailure:
        err = {}
    return (r.status, err.get("code"), err.get("message"))

#!/usr/bin/env python3
"""API tokens for machine clients: an administrator creates one and sees its
secret once; the list never shows it; the token reads the feed and the live
stream as its creator with feed:read, posts only with posts:write (403
insufficient_scope otherwise); a revoked token is refused at once (401) and
its open stream ends; last_used_at is recorded; members cannot manage
tokens; bad bodies and malformed Authorization headers are refused."""

import json
import os
import re
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402

API = ph.API
THREAD_TITLE = "雑談・その他"
TOKEN_KEYS = {"id", "name", "scopes", "created_at", "last_used_at", "revoked_at", "created_by"}


def check_www_authenticate(r, error, what):
    v = ph.header(r, "WWW-Authenticate") or ""
    ct.check(v.startswith("Bearer") and ('error="%s"' % error) in v,
             "%s: WWW-Authenticate is %r" % (what, v))


def check_create_and_list(admin, marker):
    tok, secret = ph.create_token(admin, "救急連携 " + marker, ["feed:read"])
    ct.check_eq(set(tok), TOKEN_KEYS, "the fields of a new token")
    ct.check_eq(tok["scopes"], ["feed:read"], "scopes of the new token")
    ct.check_eq(tok["created_by"]["id"], admin.user["id"], "created_by")
    ct.check(tok["last_used_at"] is None and tok["revoked_at"] is None,
             "a new token has last_used_at/revoked_at: %r" % tok)
    tokens, r = ph.list_tokens(admin)
    ct.check(secret not in r.body.decode("utf-8") and secret[4:] not in r.body.decode("utf-8"),
             "GET /tokens shows the secret")
    for t in tokens:
        ct.check_eq(set(t), TOKEN_KEYS, "the fields of a listed token")
    listed = ph.token_by_id(admin, tok["id"])
    ct.check_eq(listed["name"], tok["name"], "the listed token's name")
    ct.log("ok: token created, secret %s... shown once, never listed" % secret[:8])
    return tok, secret


def check_use(admin, tok, secret, marker):
    # the feed, as the creator
    r = ph.bearer("GET", API + "/feed?limit=5", secret)
    doc = ph.check_status(r, 200, "GET /feed with a feed:read token")
    ct.check(isinstance(doc.get("notifications"), list), "GET /feed: %s" % r.describe())
    ct.check_eq(doc, admin.get_json(API + "/feed?limit=5", "feed"),
                "the token's feed and its creator's")
    used = ph.token_by_id(admin, tok["id"])["last_used_at"]
    ct.check(isinstance(used, str) and re.match(r"^\d{4}-\d\d-\d\dT", used),
             "last_used_at after a use: %r" % used)
    r = ph.bearer("GET", API + "/feed?limit=1", secret)
    ph.check_status(r, 200, "GET /feed again")
    ct.check_eq(ph.token_by_id(admin, tok["id"])["last_used_at"], used,
                "last_used_at written again within a minute")
    ct.log("ok: GET /feed with the token = the creator's feed; last_used_at %s" % used)

    # posting needs posts:write
    tid = ct.thread_id(admin, THREAD_TITLE)
    text = "token post refused " + marker
    r = ph.bearer("POST", API + "/threads/%s/posts" % tid, secret, json_body={"body": text})
    ph.check_status(r, 403, "POST posts with a feed:read token", "insufficient_scope")
    check_www_authenticate(r, "insufficient_scope", "403 insufficient_scope")
    ct.check(not [p for p in ct.thread_posts(admin, tid) if marker in p.get("body", "")],
             "a post was stored by a token without posts:write")
    ct.log("ok: POST posts with feed:read only -> 403 insufficient_scope, nothing stored")

    poster, psecret = ph.create_token(admin, "投稿連携 " + marker, ["posts:write"])
    text = "token post accepted " + marker
    r = ph.bearer("POST", API + "/threads/%s/posts" % tid, psecret, json_body={"body": text})
    doc = ph.check_status(r, 201, "POST posts with a posts:write token")
    stored = [p for p in ct.thread_posts(admin, tid) if p.get("body") == text]
    ct.check(len(stored) == 1, "the token's post is not in the thread once: %r" % stored)
    author = stored[0].get("author") or {}
    author_id = author.get("id") if isinstance(author, dict) else stored[0].get("author_id")
    ct.check_eq(author_id, admin.user["id"], "the author of the token's post")
    r = ph.bearer("GET", API + "/feed", psecret)
    ph.check_status(r, 403, "GET /feed with a posts:write token", "insufficient_scope")
    ct.log("ok: POST posts with posts:write -> 201 as the creator; it cannot read the feed")

    # session-only routes do not take tokens
    for method, path in (("GET", API + "/people"), ("GET", API + "/tokens"),
                         ("GET", API + "/spaces"), ("GET", API + "/me")):
        r = ph.bearer(method, path, secret)
        ct.check(r.status == 401, "%s %s with a token: %s" % (method, path, r.describe()))
    r = ph.bearer("POST", API + "/tokens", secret, json_body={"name": "x", "scopes": ["feed:read"]})
    ct.check(r.status in (401, 403), "POST /tokens with a token: %s" % r.describe())
    ct.log("ok: session-only routes refuse tokens")
    return poster, psecret


def check_malformed(secret):
    for name, value in (("Basic credentials", "Basic dXNlcjpwYXNz"),
                        ("Bearer without a token", "Bearer "),
                        ("another token format", "Bearer " + uuid.uuid4().hex),
                        ("an unknown secret", "Bearer clk_" + "A" * 43),
                        ("a truncated secret", "Bearer " + secret[:-1]),
                        ("the secret with a suffix", "Bearer " + secret + "x"),
                        ("the secret without the scheme", secret),
                        ("a session cookie as a token", "Bearer carelink_session")):
        r = ct.http_request(ct.base_url(), "GET", API + "/feed", None, {"Authorization": value})
        ph.check_status(r, 401, "GET /feed with " + name, "invalid_token")
        check_www_authenticate(r, "invalid_token", name)
    ct.log("ok: malformed and unknown Authorization headers -> 401 invalid_token")


def check_revoke(admin, tok, secret):
    stream = ph.BearerStream(secret)
    try:
        ct.check(stream.status == 200, "GET /stream with a feed:read token: %d" % stream.status)
        r = admin.request("DELETE", API + "/tokens/" + tok["id"])
        ph.check_status(r, 204, "DELETE /tokens/{id}")
        r = ph.bearer("GET", API + "/feed", secret)
        ph.check_status(r, 401, "GET /feed right after the revocation", "invalid_token")
        check_www_authenticate(r, "invalid_token", "revoked token")
        ct.check(stream.read_until_end(10) is not None,
                 "the token's open stream did not end after the revocation")
    finally:
        stream.close()
    r = ph.BearerStream(secret)
    ct.check(r.status == 401, "GET /stream with a revoked token: %d" % r.status)
    r.close()
    listed = ph.token_by_id(admin, tok["id"])
    ct.check(isinstance(listed["revoked_at"], str), "revoked_at is not set: %r" % listed)
    r = admin.request("DELETE", API + "/tokens/" + tok["id"])
    ph.check_status(r, 204, "DELETE of a revoked token")
    ct.check_eq(ph.token_by_id(admin, tok["id"])["revoked_at"], listed["revoked_at"],
                "revoked_at after a second DELETE")
    for bad in (str(uuid.uuid4()), "not-a-uuid"):
        r = admin.request("DELETE", API + "/tokens/" + bad)
        ph.check_status(r, 404, "DELETE /tokens/" + bad, "not_found")
    ct.log("ok: revoked -> 401 at once, its stream ended, revoked_at set, DELETE idempotent")


def check_member(marker, tok):
    member = ph.login("kato")
    r = member.request("POST", API + "/tokens", json_body={"name": "m " + marker,
                                                           "scopes": ["feed:read"]})
    ph.check_status(r, 403, "POST /tokens as a member", "forbidden")
    ph.check_status(member.request("GET", API + "/tokens"), 403, "GET /tokens as a member",
                    "forbidden")
    r = member.request("DELETE", API + "/tokens/" + tok["id"])
    ph.check_status(r, 403, "DELETE /tokens/{id} as a member", "forbidden")
    ph.check_status(ct.Session().request("GET", API + "/tokens"), 401, "GET /tokens, no session")
    ct.log("ok: a member cannot create, list or revoke tokens")


def check_invalid(admin, marker):
    before, _ = ph.list_tokens(admin)
    cases = [
        ("unknown scope", {"name": "a " + marker, "scopes": ["admin"]}, "invalid_scope"),
        ("one unknown scope among known", {"name": "b " + marker,
                                           "scopes": ["feed:read", "feed:write"]},
         "invalid_scope"),
        ("no scopes", {"name": "c " + marker, "scopes": []}, "invalid_scope"),
        ("a scope twice", {"name": "d " + marker, "scopes": ["feed:read", "feed:read"]},
         "invalid_scope"),
        ("scopes a string", {"name": "e " + marker, "scopes": "feed:read"}, "invalid_body"),
        ("no name", {"scopes": ["feed:read"]}, "invalid_body"),
        ("unknown key", {"name": "f " + marker, "scopes": ["feed:read"], "secret": "x"},
         "invalid_body"),
        ("empty name", {"name": "", "scopes": ["feed:read"]}, "invalid_name"),
        ("name of 101 characters", {"name": marker + "名" * (101 - len(marker)),
                                    "scopes": ["feed:read"]}, "invalid_name"),
    ]
    for name, body, code in cases:
        r = admin.request("POST", API + "/tokens", json_body=body)
        ph.check_status(r, 400, "POST /tokens, " + name, code)
    r = admin.request("POST", API + "/tokens", body=json.dumps({"name": "g", "scopes": ["feed:read"]}),
                      headers={"Content-Type": "text/plain"})
    ph.check_status(r, 415, "POST /tokens as text/plain", "unsupported_media_type")
    r = admin.request("POST", API + "/tokens", json_body={"name": "h", "scopes": ["feed:read"]},
                      csrf=False)
    ph.check_status(r, 403, "POST /tokens without X-CSRF-Token", "csrf")
    after, _ = ph.list_tokens(admin)
    ct.check_eq(len(after), len(before), "tokens after refused creations")
    ct.log("ok: %d invalid creations -> 400/415/403, no token made" % (len(cases) + 2))


def check_paging(admin, marker):
    made = [ph.create_token(admin, "page %d %s" % (i, marker), ["alerts:read"])[0]["id"]
            for i in range(3)]
    everyone, _ = ph.list_tokens(admin)
    paged, _ = ph.list_tokens(admin, limit=2)
    ct.check_eq([t["id"] for t in paged], [t["id"] for t in everyone], "tokens paged by 2")
    ct.check_eq(len(paged), len(set(t["id"] for t in paged)), "a token listed twice")
    pos = [[t["id"] for t in everyone].index(i) for i in made]
    ct.check(pos == sorted(pos, reverse=True), "tokens are not newest first: %r" % pos)
    r = admin.request("GET", API + "/tokens?cursor=bogus")
    ph.check_status(r, 400, "GET /tokens?cursor=bogus", "invalid_cursor")
    r = admin.request("GET", API + "/tokens?limit=201")
    ph.check_status(r, 400, "GET /tokens?limit=201", "invalid_limit")
    for i in made:
        ph.check_status(admin.request("DELETE", API + "/tokens/" + i), 204, "revoking")
    ct.log("ok: token list paged with a cursor, newest first")


def check_audit(admin, tok):
    """token.create, token.revoke and token.denied about tok in the audit
    log (read from the database: GET /audit is for tenant admins)."""
    rows = ph.psql("SELECT action, outcome, coalesce(actor_id::text, ''),"
                   " coalesce(address, '') FROM audit_log WHERE subject = :'id' ORDER BY id;",
                   id=tok["id"])
    by_action = {}
    for action, outcome, actor, address in rows:
        by_action.setdefault(action, []).append((outcome, actor, address))
    for action, outcome in (("token.create", "ok"), ("token.revoke", "ok"),
                            ("token.denied", "denied")):
        got = by_action.get(action)
        ct.check(got, "no %s about token %s in the audit log: %r" % (action, tok["id"], rows))
        ct.check(all(o == outcome and a == admin.user["id"] and addr for o, a, addr in got),
                 "%s entries: %r" % (action, got))
    ct.check_eq(len(by_action["token.revoke"]), 1, "token.revoke entries (two DELETEs)")
    ct.log("ok: token.create, token.revoke and token.denied are audited")


def check_visibility(admin, tok, marker, made):
    """Organisation admins see and revoke their organisation's tokens only;
    other tenants see none; tenant admins see all of theirs."""
    tenant = ct.seed()["tenant"]["id"]
    clinic_u = ph.make_user(tenant, ct.seed_user("sato")["organisation"], "tok-clinic",
                            ("member", "org_admin"))
    made.append(clinic_u)
    clinic = ph.login_user(clinic_u)
    other = ph.fresh_tenant("tok")
    outsider = ph.login_user(other["admin"])
    theirs, _ = ph.create_token(outsider, "other tenant " + marker, ["feed:read"])
    for who, s in (("another organisation's admin", clinic), ("another tenant's admin", outsider)):
        listed, _ = ph.list_tokens(s)
        ct.check(tok["id"] not in [t["id"] for t in listed], "%s lists the token" % who)
        r = s.request("DELETE", API + "/tokens/" + tok["id"])
        ph.check_status(r, 404, "DELETE by " + who, "not_found")
    ct.check(ph.token_by_id(admin, tok["id"])["revoked_at"] is None,
             "the token was revoked by someone who may not")
    listed, _ = ph.list_tokens(admin)
    ct.check(theirs["id"] not in [t["id"] for t in listed], "another tenant's token is listed")
    ct.check_eq([t["id"] for t in ph.list_tokens(outsider)[0]], [theirs["id"]],
                "the other tenant's tokens")

    tenant_admin = ph.login("suzuki")
    r = tenant_admin.request("GET", API + "/tokens?limit=200")
    if r.status == 403 and r.error_code() == "totp_enrolment_required":
        ct.log("skipped: the tenant admin's view (the demo tenant admin owes a two-factor "
               "enrolment)")
    else:
        listed, _ = ph.list_tokens(tenant_admin)
        ct.check(tok["id"] in [t["id"] for t in listed], "a tenant admin does not see the token")
        ct.check(theirs["id"] not in [t["id"] for t in listed],
                 "a tenant admin sees another tenant's token")
    ct.log("ok: tokens are visible to their organisation's and tenant's admins only")


def check_owner_inactive(admin, marker):
    """A token stops at once when its owner is deactivated."""
    owner_u = ph.make_user(ct.seed()["tenant"]["id"], admin.user["organisation"]["id"],
                           "tok-owner", ("member", "org_admin"))
    owner = ph.login_user(owner_u)
    tok, secret = ph.create_token(owner, "leaving " + marker, ["feed:read"])
    ph.check_status(ph.bearer("GET", API + "/feed", secret), 200, "the owner's token")
    r = admin.request("POST", API + "/users/%s/deactivate" % owner_u["id"], json_body={})
    ph.check_status(r, 200, "deactivating the token's owner")
    r = ph.bearer("GET", API + "/feed", secret)
    ph.check_status(r, 401, "a deactivated owner's token", "invalid_token")
    ct.log("ok: a deactivated owner's token -> 401 at once")


def test():
    tenant = ct.seed()["tenant"]["id"]
    made = [ph.make_user(tenant, ct.seed_user("tanaka")["organisation"], "tok-admin",
                         ("member", "org_admin"))]
    admin = ph.login_user(made[0])
    marker = uuid.uuid4().hex[:10]
    try:
        tok, secret = check_create_and_list(admin, marker)
        check_visibility(admin, tok, marker, made)
        poster, psecret = check_use(admin, tok, secret, marker)
        check_malformed(secret)
        check_revoke(admin, tok, secret)
        ph.check_status(admin.request("DELETE", API + "/tokens/" + poster["id"]), 204,
                        "revoking the posting token")
        r = ph.bearer("GET", API + "/feed", psecret)
        ph.check_status(r, 401, "the posting token after its revocation", "invalid_token")
        check_member(marker, tok)
        check_invalid(admin, marker)
        check_paging(admin, marker)
        check_owner_inactive(admin, marker)
        check_audit(admin, tok)
    finally:
        # the demo tenant's administrators made for this run leave (their
        # tokens stop too)
        for u in made:
            ph.psql("UPDATE users SET active = false WHERE id = :'id';", id=u["id"])


if __name__ == "__main__":
    ct.run(test)

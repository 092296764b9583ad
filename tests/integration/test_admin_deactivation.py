#!/usr/bin/env python3
"""Deactivation: a person with an open live stream is deactivated by an
administrator; the stream ends within seconds, every session's next API call
is 401, their API tokens are revoked, they cannot log in, the change is
audited and announced on carelink.identity with active=false. Reactivation
lets them log in again. Only administrators of the person's organisation (or
the tenant's) may do it; another tenant's administrators do not even find
them. All in a tenant of the test's own."""

import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
import carelink_test as ct  # noqa: E402

STREAM_END_S = 5


def give_token(user):
    """An API token of user, straight in the database (None when this build
    has no API tokens)."""
    if ah.psql("SELECT to_regclass('api_tokens') IS NOT NULL;")[0][0] != "t":
        return None
    tid = str(uuid.uuid4())
    ah.psql("INSERT INTO api_tokens (id, tenant_id, user_id, name, scopes, secret_hash)"
            " VALUES (:'id', :'tenant', :'user', 'deactivation test', '{feed:read}', :'hash');",
            id=tid, tenant=user["tenant"], user=user["id"], hash=uuid.uuid4().hex * 2)
    return tid


def refused(t, victim_id):
    member = ah.new_user(t.admin, t.org(2), "colleague")
    ah.expect(ah.user_action(member, victim_id, "deactivate"), 403, "a member deactivating",
              "forbidden")
    other_admin = ah.new_user(t.admin, t.org(3), "otheradmin", ["member", "org_admin"])
    ah.expect(ah.user_action(other_admin, victim_id, "deactivate"), 403,
              "an org_admin of another organisation deactivating", "forbidden")
    stranger = ah.Tenant("deactivate-stranger")
    ah.expect(ah.user_action(stranger.admin, victim_id, "deactivate"), 404,
              "another tenant's admin deactivating", "not_found")
    ah.expect(ah.user_action(t.admin, "not-a-uuid", "deactivate"), 404,
              "deactivating an id that is not a UUID")
    ah.expect(ah.user_action(t.admin, t.admin.user["id"], "deactivate"), 409,
              "deactivating oneself", "self")
    r = t.admin.request("POST", "%s/users/%s/deactivate" % (ah.API, victim_id), csrf=False)
    ah.expect(r, 403, "deactivating without the CSRF token", "csrf")
    ah.expect(ct.Session().request("POST", "%s/users/%s/deactivate" % (ah.API, victim_id)),
              401, "deactivating without a session")


def test():
    t = ah.Tenant("deactivate")
    admin = t.admin
    victim = ah.new_user(admin, t.org(2), "victim")
    vid = victim.user["id"]
    second = ah.relogin(victim)  # a second browser
    token = give_token(victim.user)
    refused(t, vid)
    ah.expect(victim.request("GET", ah.API + "/me"), 200, "the victim's session before")

    with ct.EventStream(victim) as stream:
        stream.wait_ready()
        started = time.monotonic()
        r = ah.expect(ah.user_action(admin, vid, "deactivate"), 200, "deactivating")
        ct.check_eq(r.json()["user"].get("active"), False, "active after deactivation")
        stream.thread.join(STREAM_END_S)
        ct.check(not stream.thread.is_alive(),
                 "the deactivated person's stream is still open after %d s" % STREAM_END_S)
        ct.log("stream ended within %.2f s of the deactivation request"
               % (time.monotonic() - started))

    for who, s in (("first", victim), ("second", second)):
        ah.expect(s.request("GET", ah.API + "/me"), 401, "GET /me of the %s session" % who)
        ah.expect(s.request("GET", ah.API + "/organisations"), 401,
                  "an API call of the %s session" % who)
    ct.check_eq(ah.login_status(victim.email), 401, "logging in when deactivated")
    ct.check_eq(ah.psql("SELECT count(*) FROM sessions WHERE user_id = :'id';", id=vid)[0][0],
                "0", "sessions left of the deactivated person")
    if token:
        ct.check_eq(ah.psql("SELECT revoked_at IS NOT NULL FROM api_tokens WHERE id = :'id';",
                            id=token)[0][0], "t", "the API token is revoked")
    else:
        ct.log("skipped: API tokens (no api_tokens table in this build)")
    ah.check_audited(vid, "user.deactivate", admin.user["id"])
    m, d = ah.wait_user_changed(vid, lambda d: d["active"] is False, "active=false")
    ct.check_eq(d.get("tenant_id"), t.id, "tenant of the UserChanged event")
    ct.check_eq(d.get("organisation_id"), t.org(2), "organisation of the UserChanged event")
    ct.check_eq(m.header("ce_type"), "carelink.identity.UserChanged", "ce_type header")

    # again: nothing changes, still 200
    r = ah.expect(ah.user_action(admin, vid, "deactivate"), 200, "deactivating twice")
    ct.check_eq(r.json()["user"].get("active"), False, "active after the second deactivation")

    r = ah.expect(ah.user_action(admin, vid, "reactivate"), 200, "reactivating")
    ct.check_eq(r.json()["user"].get("active"), True, "active after reactivation")
    ah.check_audited(vid, "user.reactivate", admin.user["id"])
    ah.wait_user_changed(vid, lambda d: d["active"] is True, "active=true again", after=m)
    back = ah.relogin(victim)
    ah.expect(back.request("GET", ah.API + "/me"), 200, "the reactivated person's session")
    ah.expect(victim.request("GET", ah.API + "/me"), 401,
              "a session ended by the deactivation, after reactivation")

    # an org_admin of the person's own organisation may do it too
    oa = ah.new_user(admin, t.org(2), "ownorgadmin", ["member", "org_admin"])
    ah.expect(ah.user_action(oa, vid, "deactivate"), 200, "the org_admin deactivating")
    ah.check_audited(vid, "user.deactivate", oa.user["id"])
    ah.expect(back.request("GET", ah.API + "/me"), 401, "after the org_admin's deactivation")
    ah.expect(ah.user_action(oa, vid, "reactivate"), 200, "the org_admin reactivating")


if __name__ == "__main__":
    ct.run(test)

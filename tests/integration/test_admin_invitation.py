#!/usr/bin/env python3
"""Invitations: a tenant admin invites a person, the one-time link shows who
is invited, accepting it with a good password makes a user who is logged in
at once and can log in again, and the link then answers 410. Organisation
admins invite only into their own organisation and grant only
member/org_admin; members cannot invite; an expired link answers 410; an
address already in use is refused; weak passwords are refused; invitations
are listed and can be withdrawn. All in a tenant of the test's own."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
import carelink_test as ct  # noqa: E402


def listed(session, inv_id):
    items = session.get_json(ah.API + "/invitations?limit=200", "invitations")["invitations"]
    return [i for i in items if i["id"] == inv_id]


def happy_path(t):
    admin, org = t.admin, t.orgs[2]
    email = ah.unique_email("invite")
    inv, token = ah.invite_ok(admin, email, org["id"], "care_manager", ["member"])
    ct.check(len(token) >= 22, "the token %r has fewer than 128 bits" % token)
    ct.check_eq(inv.get("email"), email, "invited email")
    ct.check_eq(inv.get("organisation_id"), org["id"], "invited organisation")
    ct.check(inv.get("expires_at"), "the invitation has no expiry: %r" % inv)
    stored = ah.psql("SELECT token_hash FROM invitations WHERE id = :'id';", id=inv["id"])
    ct.check(stored and token not in stored[0][0], "the token itself is stored")
    with open(os.path.join(ct.var_dir(), "log", "gateway.log"), encoding="utf-8",
              errors="replace") as f:
        ct.check(token in f.read(), "the link is not in the gateway's log")
    ah.check_audited(inv["id"], "invitation.create", admin.user["id"])

    mine = listed(admin, inv["id"])
    ct.check_eq(len(mine), 1, "the invitation in GET /invitations")
    ct.check_eq(mine[0].get("status"), "pending", "status of a new invitation")

    shown = ah.expect(ah.show(token), 200, "GET the invitation").json()
    ct.check_eq(shown.get("email"), email, "email shown by the link")
    ct.check_eq(shown.get("organisation"), {"id": org["id"], "name": org["name"]},
                "organisation shown by the link")
    ct.check_eq(shown.get("profession"), "care_manager", "profession shown by the link")

    ah.expect(ah.accept(token, "試験 太郎", "short-1!"), 400, "an 8-character password",
              "password_policy")
    ah.expect(ah.accept(token, "試験 太郎", "aaaaaaaaaaaaaaaa"), 400,
              "a password of letters only", "password_policy")
    ah.expect(ah.accept(token, " \u3000 ", ah.PASSWORD), 400, "a blank name", "invalid_name")
    r = ah.expect(ah.accept(token, "試験 太郎"), 201, "accepting the invitation")
    s = ah.accepted_session(r, email)
    uid = s.user["id"]
    ct.check_eq(s.user["organisation"]["id"], org["id"], "the new user's organisation")
    ct.check_eq(s.user.get("roles"), ["member"], "the new user's roles")
    me = s.get_json(ah.API + "/me", "/me of the new user")["user"]
    ct.check_eq((me["id"], me["name"]), (uid, "試験 太郎"), "/me of the new user")
    ah.check_audited(uid, "invitation.accept", uid)
    ah.wait_user_changed(uid, lambda d: d["active"] and d["display_name"] == "試験 太郎",
                         "new user")
    again = ah.relogin(s)
    ct.check_eq(again.user["id"], uid, "the new user logging in with the password")

    # one use only
    ah.expect(ah.accept(token, "別人"), 410, "the link's second use", "invitation_used")
    ah.expect(ah.show(token), 410, "GET a used link", "invitation_used")
    ct.check_eq(listed(admin, inv["id"])[0].get("status"), "accepted",
                "status of a used invitation")
    ah.expect(admin.request("DELETE", ah.API + "/invitations/" + inv["id"]), 409,
              "withdrawing a used invitation", "invitation_used")

    # that address is now taken
    ah.expect(ah.invite(admin, email, org["id"]), 409, "inviting a user's address",
              "email_taken")
    ah.expect(ah.invite(admin, email.upper(), org["id"]), 409,
              "inviting a user's address in capitals", "email_taken")


def org_admin_limits(t):
    own, other = t.org(2), t.org(3)
    oa = ah.new_user(t.admin, own, "orgadmin", ["member", "org_admin"])
    refused = ah.unique_email("other")
    ah.expect(ah.invite(oa, refused, other), 403,
              "an org_admin inviting into another organisation", "forbidden")
    ct.check([r for r in ah.audit_rows(refused, "invitation.create") if r[2] == "denied"],
             "the refused invitation is not in the audit log")
    for role in ("tenant_admin", "privacy_officer"):
        ah.expect(ah.invite(oa, ah.unique_email("x"), own, roles=["member", role]), 403,
                  "an org_admin granting %s" % role, "forbidden")

    inv, token = ah.invite_ok(oa, ah.unique_email("byorgadmin"), own,
                              roles=["member", "org_admin"])
    ah.expect(ah.show(token), 200, "an org_admin's invitation")
    # the tenant admin's invitation into another organisation
    other_inv, _ = ah.invite_ok(t.admin, ah.unique_email("elsewhere"), other)
    mine = oa.get_json(ah.API + "/invitations?limit=200", "invitations")["invitations"]
    ct.check(any(i["id"] == inv["id"] for i in mine), "the org_admin does not see their invitation")
    ct.check(all(i["organisation_id"] == own for i in mine),
             "an org_admin sees invitations of other organisations: %r" % mine)
    everything = listed(t.admin, other_inv["id"]) + listed(t.admin, inv["id"])
    ct.check_eq(len(everything), 2, "the tenant admin sees every organisation's invitations")
    ah.expect(oa.request("DELETE", ah.API + "/invitations/" + other_inv["id"]), 403,
              "an org_admin withdrawing another organisation's invitation", "forbidden")

    # withdrawn: the link no longer works
    ah.expect(oa.request("DELETE", ah.API + "/invitations/" + inv["id"]), 204,
              "withdrawing an invitation")
    ah.expect(ah.show(token), 404, "a withdrawn link", "invitation_not_found")
    ct.check_eq(listed(oa, inv["id"]), [], "a withdrawn invitation in the list")
    ah.check_audited(inv["id"], "invitation.revoke", oa.user["id"])


def member_cannot(t):
    member = ah.new_user(t.admin, t.org(2), "member")
    ah.expect(ah.invite(member, ah.unique_email("x"), t.org(2)), 403,
              "a member inviting", "forbidden")
    ah.expect(member.request("GET", ah.API + "/invitations"), 403,
              "a member listing invitations", "forbidden")
    ah.expect(ct.Session().request("POST", ah.API + "/invitations",
                                   json_body={"email": ah.unique_email("x"),
                                              "organisation_id": t.org(2),
                                              "profession": "care_manager"}),
              401, "inviting without a session")


def expired(t):
    inv, token = ah.invite_ok(t.admin, ah.unique_email("expired"), t.org(2))
    ah.psql("UPDATE invitations SET expires_at = now() - interval '1 second'"
            " WHERE id = :'id';", id=inv["id"])
    ah.expect(ah.show(token), 410, "GET an expired link", "invitation_expired")
    ah.expect(ah.accept(token, "遅刻 次郎"), 410, "accepting an expired link",
              "invitation_expired")
    ct.check_eq(listed(t.admin, inv["id"])[0].get("status"), "expired",
                "status of an expired invitation")
    ah.expect(ah.show(token[:-1]), 404, "an unknown token", "invitation_not_found")


def other_tenant(t):
    stranger = ah.Tenant("invite-stranger")
    ah.expect(ah.invite(stranger.admin, ah.unique_email("x"), t.org(2)), 404,
              "inviting into another tenant's organisation", "organisation_not_found")
    inv, _ = ah.invite_ok(t.admin, ah.unique_email("notyours"), t.org(2))
    ah.expect(stranger.admin.request("DELETE", ah.API + "/invitations/" + inv["id"]), 404,
              "withdrawing another tenant's invitation", "not_found")
    ct.check_eq(listed(stranger.admin, inv["id"]), [], "another tenant's invitation listed")


def bad_requests(t):
    admin = t.admin
    ah.expect(ah.invite(admin, "not-an-address", t.org(2)), 400, "a malformed email",
              "invalid_email")
    ah.expect(ah.invite(admin, ah.unique_email("x"), "nope"), 404,
              "an organisation id that is not a UUID")
    ah.expect(ah.invite(admin, ah.unique_email("x"), t.org(2), roles=["king"]), 400,
              "an unknown role", "invalid_role")
    ah.expect(ah.invite(admin, ah.unique_email("x"), t.org(2), profession="Care Manager"), 400,
              "a profession that is not a code", "invalid_profession")
    r = admin.request("POST", ah.API + "/invitations", body=b"{}",
                      headers={"Content-Type": "text/plain"})
    ah.expect(r, 415, "an invitation that is not JSON")
    ah.expect(admin.request("DELETE", ah.API + "/invitations/nope"), 404,
              "withdrawing an id that is not a UUID")


def test():
    t = ah.Tenant("invite")
    happy_path(t)
    org_admin_limits(t)
    member_cannot(t)
    expired(t)
    other_tenant(t)
    bad_requests(t)


if __name__ == "__main__":
    ct.run(test)

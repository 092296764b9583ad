#!/usr/bin/env python3
"""Invitations: a tenant admin invites a person, the one-time link shows who
is invited, accepting it with a good password makes a user who can log in,
and the link then answers 410. Organisation admins invite only into their
own organisation and grant only member/org_admin; members cannot invite; an
expired link answers 410; an address already in use is refused; weak
passwords are refused; invitations are listed and can be withdrawn."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
import carelink_test as ct  # noqa: E402


def happy_path(admin):
    email = ah.unique_email("invite")
    inv, token = ah.invite_ok(admin, email, ah.MEMBER_ORG, "care_manager", ["member"])
    ct.check(len(token) >= 22, "the token %r has fewer than 128 bits" % token)
    ct.check_eq(inv.get("email"), email, "invited email")
    ct.check_eq(inv.get("organisation_id"), ah.MEMBER_ORG, "invited organisation")
    ct.check(inv.get("expires_at"), "the invitation has no expiry: %r" % inv)
    ct.check(token not in repr(ah.psql("SELECT token_hash FROM invitations WHERE id = :'id';",
                                       id=inv["id"])),
             "the token itself is stored in the database")
    ct.check(token in open(os.path.join(ct.var_dir(), "log", "gateway.log"),
                           encoding="utf-8", errors="replace").read(),
             "the link is not in the gateway's log")
    ah.check_audited(inv["id"], "invitation.create", admin.user["id"])

    # the inviter's list holds it, pending
    listed = [i for i in admin.get_json(ah.API + "/invitations?limit=200")["invitations"]
              if i["id"] == inv["id"]]
    ct.check_eq(len(listed), 1, "the invitation in GET /invitations")
    ct.check_eq(listed[0].get("status"), "pending", "status of a new invitation")

    shown = ah.expect(ah.show(token), 200, "GET the invitation").json()
    ct.check_eq(shown.get("email"), email, "email shown by the link")
    ct.check_eq((shown.get("organisation") or {}).get("id"), ah.MEMBER_ORG,
                "organisation shown by the link")
    ct.check_eq((shown.get("organisation") or {}).get("name"),
                ct.organisation_name(ah.MEMBER_ORG), "organisation name shown by the link")
    ct.check_eq(shown.get("profession"), "care_manager", "profession shown by the link")

    ah.expect(ah.accept(token, "試験 太郎", "short-1!"), 400, "a 8-character password",
              "password_policy")
    ah.expect(ah.accept(token, "   ", ah.PASSWORD), 400, "a blank name", "invalid_name")
    r = ah.expect(ah.accept(token, "試験 太郎"), 201, "accepting the invitation")
    user = r.json().get("user") or {}
    ct.check_eq(user.get("email"), email, "the new user's email")
    ct.check_eq((user.get("organisation") or {}).get("id"), ah.MEMBER_ORG,
                "the new user's organisation")
    ct.check_eq(user.get("roles"), ["member"], "the new user's roles")
    ah.check_audited(user["id"], "invitation.accept", user["id"])
    ah.wait_user_changed(user["id"], lambda d: d["active"], "new user")

    s = ct.Session()
    s.login(email, ah.PASSWORD)
    ct.check_eq(s.user.get("id"), user["id"], "the new user logged in")
    me = s.get_json(ah.API + "/me", "me")
    ct.check_eq(me["user"]["name"], "試験 太郎", "the new user's name")

    # one use only
    ah.expect(ah.accept(token, "別人"), 410, "the link's second use", "invitation_used")
    ah.expect(ah.show(token), 410, "GET a used link", "invitation_used")
    listed = [i for i in admin.get_json(ah.API + "/invitations?limit=200")["invitations"]
              if i["id"] == inv["id"]]
    ct.check_eq(listed[0].get("status"), "accepted", "status of a used invitation")
    ah.expect(admin.request("DELETE", ah.API + "/invitations/" + inv["id"]), 409,
              "withdrawing a used invitation", "invitation_used")

    # that address is now taken
    ah.expect(ah.invite(admin, email, ah.MEMBER_ORG), 409, "inviting a user's address",
              "email_taken")
    ah.expect(ah.invite(admin, email.upper(), ah.MEMBER_ORG), 409,
              "inviting a user's address in capitals", "email_taken")


def org_admin_limits(admin):
    oa = ah.new_user(admin, "orgadmin", ah.MEMBER_ORG, ["member", "org_admin"])
    other = ah.unique_email("other")
    ah.expect(ah.invite(oa, other, ah.OTHER_ORG), 403,
              "an org_admin inviting into another organisation", "forbidden")
    ct.check([r for r in ah.audit_rows(other, "invitation.create") if r[2] == "denied"],
             "the refused invitation is not in the audit log")
    ah.expect(ah.invite(oa, ah.unique_email("x"), ah.MEMBER_ORG, roles=["tenant_admin"]), 403,
              "an org_admin granting tenant_admin", "forbidden")
    ah.expect(ah.invite(oa, ah.unique_email("x"), ah.MEMBER_ORG, roles=["privacy_officer"]),
              403, "an org_admin granting privacy_officer", "forbidden")
    inv, token = ah.invite_ok(oa, ah.unique_email("byorgadmin"), ah.MEMBER_ORG,
                              roles=["member", "org_admin"])
    ct.check_eq(ah.show(token).status, 200, "an org_admin's invitation opens")
    mine = oa.get_json(ah.API + "/invitations?limit=200")["invitations"]
    ct.check(any(i["id"] == inv["id"] for i in mine), "the org_admin does not see their invitation")
    ct.check(all(i["organisation_id"] == ah.MEMBER_ORG for i in mine),
             "an org_admin sees invitations of other organisations")
    # withdrawn: the link no longer works
    ah.expect(oa.request("DELETE", ah.API + "/invitations/" + inv["id"]), 204,
              "withdrawing an invitation")
    ah.expect(ah.show(token), 404, "a withdrawn link", "invitation_not_found")
    ah.check_audited(inv["id"], "invitation.revoke", oa.user["id"])


def member_cannot(admin):
    tanaka = ct.login("tanaka")
    ah.expect(ah.invite(tanaka, ah.unique_email("x"), ah.MEMBER_ORG), 403,
              "a member inviting", "forbidden")
    ah.expect(tanaka.request("GET", ah.API + "/invitations"), 403,
              "a member listing invitations", "forbidden")
    # and nobody without a session
    ah.expect(ct.Session().request("POST", ah.API + "/invitations",
                                   json_body={"email": ah.unique_email("x"),
                                              "organisation_id": ah.MEMBER_ORG,
                                              "profession": "care_manager"}),
              401, "inviting without a session")


def expired(admin):
    inv, token = ah.invite_ok(admin, ah.unique_email("expired"), ah.MEMBER_ORG)
    ah.psql("UPDATE invitations SET expires_at = now() - interval '1 second'"
            " WHERE id = :'id';", id=inv["id"])
    ah.expect(ah.show(token), 410, "GET an expired link", "invitation_expired")
    ah.expect(ah.accept(token, "遅刻 次郎"), 410, "accepting an expired link",
              "invitation_expired")
    ah.expect(ah.show(token + "x"), 404, "an unknown token", "invitation_not_found")


def bad_requests(admin):
    ah.expect(ah.invite(admin, "not-an-address", ah.MEMBER_ORG), 400, "a malformed email",
              "invalid_email")
    ah.expect(ah.invite(admin, ah.unique_email("x"), "nope"), 404, "an organisation id that is not a UUID")
    ah.expect(ah.invite(admin, ah.unique_email("x"), ah.MEMBER_ORG, roles=["king"]), 400,
              "an unknown role", "invalid_role")
    r = admin.request("POST", ah.API + "/invitations", body=b"{}",
                      headers={"Content-Type": "text/plain"})
    ah.expect(r, 415, "an invitation that is not JSON")


def test():
    admin = ct.login("suzuki")
    happy_path(admin)
    org_admin_limits(admin)
    member_cannot(admin)
    expired(admin)
    bad_requests(admin)


if __name__ == "__main__":
    ct.run(test)

#!/usr/bin/env python3
"""Transfer between organisations and roles: a tenant admin moves a person
to another organisation of the tenant (their org_admin role stays behind);
organisation admins may only grant or take away member and org_admin, and
only in their own organisation; nobody removes the last tenant admin of a
tenant; another tenant's people are not found. Every change is audited and
announced with UserChanged."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
import carelink_test as ct  # noqa: E402


def transfer(admin):
    person = ah.new_user(admin, "transfer", ah.MEMBER_ORG, ["member", "org_admin"])
    pid = person.user["id"]
    ah.expect(ah.user_action(person, pid, "transfer", {"organisation_id": ah.OTHER_ORG}), 403,
              "an org_admin transferring", "forbidden")
    ah.expect(ah.user_action(admin, pid, "transfer",
                             {"organisation_id": "0f1e2d3c-0001-4000-8000-0000000000ff"}),
              404, "a transfer to an unknown organisation", "organisation_not_found")
    ah.expect(ah.user_action(admin, pid, "transfer", {"organisation": ah.OTHER_ORG}), 400,
              "a transfer body with an unknown key", "invalid_body")
    with ct.EventStream(person) as stream:
        stream.wait_ready()
        r = ah.expect(ah.user_action(admin, pid, "transfer", {"organisation_id": ah.OTHER_ORG}),
                      200, "transferring")
        # the stream reopens with the new organisation as its audience
        stream.thread.join(5)
        ct.check(not stream.thread.is_alive(), "the transferred person's stream was not renewed")
    user = r.json()["user"]
    ct.check_eq(user["organisation"]["id"], ah.OTHER_ORG, "organisation after the transfer")
    ct.check_eq(user["organisation"]["name"], ct.organisation_name(ah.OTHER_ORG),
                "organisation name after the transfer")
    ct.check_eq(user["roles"], ["member"], "roles after the transfer (org_admin stays behind)")
    me = person.get_json(ah.API + "/me", "me after the transfer")["user"]
    ct.check_eq(me["organisation"]["id"], ah.OTHER_ORG, "/me organisation after the transfer")
    ah.check_audited(pid, "user.transfer", admin.user["id"])
    ah.wait_user_changed(pid, lambda d: d["organisation_id"] == ah.OTHER_ORG and
                         d["roles"] == ["member"], "transfer")


def roles(admin):
    oa = ah.new_user(admin, "rolesadmin", ah.MEMBER_ORG, ["member", "org_admin"])
    member = ah.new_user(admin, "rolesmember", ah.MEMBER_ORG)
    outsider = ah.new_user(admin, "rolesoutsider", ah.OTHER_ORG)
    mid = member.user["id"]

    r = ah.expect(ah.set_roles(oa, mid, ["member", "org_admin"]), 200,
                  "an org_admin making a colleague org_admin")
    ct.check_eq(r.json()["user"]["roles"], ["member", "org_admin"], "roles after the grant")
    ah.check_audited(mid, "user.roles", oa.user["id"])
    ah.wait_user_changed(mid, lambda d: "org_admin" in d["roles"], "org_admin granted")
    me = member.get_json(ah.API + "/me", "me after the grant")["user"]
    ct.check("org_admin" in me["roles"], "the grant does not show in /me: %r" % me["roles"])
    # the new org_admin may now invite into the organisation
    ah.invite_ok(member, ah.unique_email("bynewadmin"), ah.MEMBER_ORG)

    for role in ("tenant_admin", "privacy_officer"):
        ah.expect(ah.set_roles(oa, mid, ["member", role]), 403,
                  "an org_admin granting %s" % role, "forbidden")
    ah.expect(ah.set_roles(oa, outsider.user["id"], ["member", "org_admin"]), 403,
              "an org_admin changing roles in another organisation", "forbidden")
    ah.expect(ah.set_roles(member, outsider.user["id"], ["member"]), 403,
              "a member of another organisation changing roles", "forbidden")
    ah.expect(ah.set_roles(admin, mid, ["member", "wizard"]), 400, "an unknown role",
              "invalid_role")
    ah.expect(ah.set_roles(admin, "0f1e2d3c", ["member"]), 404, "roles of a non-UUID id")

    r = ah.expect(ah.set_roles(admin, mid, ["privacy_officer"]), 200,
                  "a tenant admin granting privacy_officer")
    ct.check_eq(r.json()["user"]["roles"], ["member", "privacy_officer"],
                "roles after the tenant admin's change (member always kept)")
    # an organisation admin does not manage the tenant's privacy officer
    ah.expect(ah.set_roles(oa, mid, ["member"]), 403,
              "an org_admin taking privacy_officer away", "forbidden")
    ah.expect(ah.user_action(oa, mid, "deactivate"), 403,
              "an org_admin deactivating a privacy officer", "forbidden")


def last_tenant_admin():
    first, tenant, org_a, org_b = ah.first_admin("lastadmin")
    fid = first.user["id"]
    ah.expect(ah.set_roles(first, fid, ["member"]), 409,
              "the only tenant admin dropping the role", "last_tenant_admin")

    second = ah.new_user(first, "secondadmin", org_b, ["member", "tenant_admin"],
                         profession="city_official")
    sid = second.user["id"]
    r = ah.expect(ah.set_roles(first, sid, ["member"]), 200, "removing the second tenant admin")
    ct.check_eq(r.json()["user"]["roles"], ["member"], "the second admin's roles")
    ah.expect(ah.set_roles(first, fid, ["member"]), 409,
              "the only tenant admin dropping the role, again", "last_tenant_admin")

    ah.expect(ah.set_roles(first, sid, ["member", "tenant_admin"]), 200, "granting it back")
    r = ah.expect(ah.set_roles(second, fid, ["member", "org_admin"]), 200,
                  "the second admin removing the first")
    ct.check_eq(r.json()["user"]["roles"], ["member", "org_admin"], "the first admin's roles")
    ah.expect(ah.set_roles(second, sid, ["member"]), 409,
              "the remaining tenant admin dropping the role", "last_tenant_admin")
    ah.expect(ah.user_action(second, sid, "deactivate"), 409, "deactivating oneself", "self")
    ct.check_eq(ah.psql("SELECT count(*) FROM users WHERE tenant_id = :'t' AND active"
                        " AND 'tenant_admin' = ANY (roles);", t=tenant)[0][0], "1",
                "active tenant admins left")

    # tenants do not see each other's people
    suzuki = ct.login("suzuki")
    ah.expect(ah.set_roles(suzuki, sid, ["member"]), 404, "another tenant's user's roles",
              "not_found")
    ah.expect(ah.user_action(suzuki, sid, "transfer", {"organisation_id": ah.OTHER_ORG}), 404,
              "transferring another tenant's user", "not_found")
    ah.expect(ah.user_action(second, fid, "transfer", {"organisation_id": ah.OTHER_ORG}), 404,
              "a transfer into another tenant's organisation", "organisation_not_found")
    ah.expect(ah.invite(second, ah.unique_email("x"), ah.MEMBER_ORG), 404,
              "inviting into another tenant's organisation", "organisation_not_found")
    ah.expect(ah.user_action(second, ct.seed_user("tanaka")["id"], "deactivate"), 404,
              "deactivating another tenant's user", "not_found")


def test():
    admin = ct.login("suzuki")
    transfer(admin)
    roles(admin)
    last_tenant_admin()


if __name__ == "__main__":
    ct.run(test)

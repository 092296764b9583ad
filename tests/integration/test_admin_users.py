#!/usr/bin/env python3
"""Transfer between organisations and roles: a tenant admin moves a person
to another organisation of the tenant (an org_admin role stays behind, and
their live stream is renewed); organisation admins only grant or take away
member and org_admin, only in their own organisation, and do not manage the
tenant's administrators; nobody removes the last tenant admin of a tenant;
another tenant's people and organisations are not found. Every change is
audited and announced with UserChanged. All in tenants of the test's own."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
import carelink_test as ct  # noqa: E402


def transfer(t):
    admin, src, dst = t.admin, t.orgs[2], t.orgs[3]
    person = ah.new_user(admin, src["id"], "transfer", ["member", "org_admin"])
    pid = person.user["id"]
    ah.expect(ah.user_action(person, pid, "transfer", {"organisation_id": dst["id"]}), 403,
              "an org_admin transferring", "forbidden")
    ah.expect(ah.user_action(admin, pid, "transfer",
                             {"organisation_id": "0f1e2d3c-0001-4000-8000-0000000000ff"}),
              404, "a transfer to an unknown organisation", "organisation_not_found")
    ah.expect(ah.user_action(admin, pid, "transfer", {"organisation": dst["id"]}), 400,
              "a transfer body with an unknown key", "invalid_body")
    with ct.EventStream(person) as stream:
        stream.wait_ready()
        r = ah.expect(ah.user_action(admin, pid, "transfer", {"organisation_id": dst["id"]}),
                      200, "transferring")
        # the stream ends, to be reopened with the new organisation as audience
        stream.thread.join(5)
        ct.check(not stream.thread.is_alive(), "the transferred person's stream was not renewed")
    user = r.json()["user"]
    ct.check_eq(user["organisation"], {"id": dst["id"], "name": dst["name"]},
                "organisation after the transfer")
    ct.check_eq(user["roles"], ["member"], "roles after the transfer (org_admin stays behind)")
    me = person.get_json(ah.API + "/me", "me after the transfer")["user"]
    ct.check_eq(me["organisation"]["id"], dst["id"], "/me organisation after the transfer")
    ah.check_audited(pid, "user.transfer", admin.user["id"])
    ah.wait_user_changed(pid, lambda d: d["organisation_id"] == dst["id"] and
                         d["roles"] == ["member"], "transfer")
    r = ah.expect(ah.user_action(admin, pid, "transfer", {"organisation_id": dst["id"]}), 200,
                  "a transfer to the organisation the person is in")
    ct.check_eq(r.json()["user"]["organisation"]["id"], dst["id"], "organisation unchanged")


def roles(t):
    admin, own, other = t.admin, t.org(2), t.org(3)
    oa = ah.new_user(admin, own, "rolesadmin", ["member", "org_admin"])
    member = ah.new_user(admin, own, "rolesmember")
    outsider = ah.new_user(admin, other, "rolesoutsider")
    mid = member.user["id"]

    r = ah.expect(ah.set_roles(oa, mid, ["member", "org_admin"]), 200,
                  "an org_admin making a colleague org_admin")
    ct.check_eq(r.json()["user"]["roles"], ["member", "org_admin"], "roles after the grant")
    ah.check_audited(mid, "user.roles", oa.user["id"])
    ah.wait_user_changed(mid, lambda d: "org_admin" in d["roles"], "org_admin granted")
    me = member.get_json(ah.API + "/me", "me after the grant")["user"]
    ct.check("org_admin" in me["roles"], "the grant does not show in /me: %r" % me["roles"])
    # the new org_admin may now invite into the organisation
    ah.invite_ok(member, ah.unique_email("bynewadmin"), own)

    for role in ("tenant_admin", "privacy_officer"):
        ah.expect(ah.set_roles(oa, mid, ["member", role]), 403,
                  "an org_admin granting %s" % role, "forbidden")
    ah.expect(ah.set_roles(oa, outsider.user["id"], ["member", "org_admin"]), 403,
              "an org_admin changing roles in another organisation", "forbidden")
    ah.expect(ah.set_roles(outsider, mid, ["member"]), 403,
              "a member of another organisation changing roles", "forbidden")
    ah.expect(ah.set_roles(admin, mid, ["member", "wizard"]), 400, "an unknown role",
              "invalid_role")
    ah.expect(ah.set_roles(admin, mid, "member"), 400, "roles that are not a list",
              "invalid_role")
    ah.expect(ah.set_roles(admin, "0f1e2d3c", ["member"]), 404, "roles of a non-UUID id")

    r = ah.expect(ah.set_roles(admin, mid, ["privacy_officer"]), 200,
                  "a tenant admin granting privacy_officer")
    ct.check_eq(r.json()["user"]["roles"], ["member", "privacy_officer"],
                "roles after the tenant admin's change (member is always kept)")
    ah.wait_user_changed(mid, lambda d: d["roles"] == ["member", "privacy_officer"],
                         "privacy_officer granted")
    # an organisation admin does not manage the tenant's privacy officer
    ah.expect(ah.set_roles(oa, mid, ["member"]), 403,
              "an org_admin taking privacy_officer away", "forbidden")
    ah.expect(ah.user_action(oa, mid, "deactivate"), 403,
              "an org_admin deactivating a privacy officer", "forbidden")
    ah.expect(ah.set_roles(oa, admin.user["id"], ["member"]), 403,
              "an org_admin taking tenant_admin away", "forbidden")


def last_tenant_admin(t):
    first = t.admin
    fid = first.user["id"]
    ah.expect(ah.set_roles(first, fid, ["member"]), 409,
              "the only tenant admin dropping the role", "last_tenant_admin")

    second = ah.new_user(first, t.org(1), "secondadmin", ["member", "tenant_admin"],
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
    # a deactivated tenant admin does not count
    third = ah.new_user(second, t.org(1), "thirdadmin", ["member", "tenant_admin"],
                        profession="city_official")
    ah.expect(ah.user_action(second, third.user["id"], "deactivate"), 200,
              "deactivating the third tenant admin")
    ah.expect(ah.set_roles(second, sid, ["member"]), 409,
              "dropping the role with only a deactivated admin left", "last_tenant_admin")
    ct.check_eq(ah.psql("SELECT count(*) FROM users WHERE tenant_id = :'t' AND active"
                        " AND 'tenant_admin' = ANY (roles);", t=t.id)[0][0], "1",
                "active tenant admins left")
    ah.check_audited(fid, "user.roles", sid)
    return second


def tenants_apart(t, admin):
    stranger = ah.Tenant("users-stranger")
    person = ah.new_user(admin, t.org(2), "apart")
    pid = person.user["id"]
    ah.expect(ah.set_roles(stranger.admin, pid, ["member"]), 404,
              "another tenant's user's roles", "not_found")
    ah.expect(ah.user_action(stranger.admin, pid, "transfer",
                             {"organisation_id": stranger.org(1)}), 404,
              "transferring another tenant's user", "not_found")
    ah.expect(ah.user_action(admin, pid, "transfer", {"organisation_id": stranger.org(1)}),
              404, "a transfer into another tenant's organisation", "organisation_not_found")
    ah.expect(ah.user_action(stranger.admin, pid, "reactivate"), 404,
              "reactivating another tenant's user", "not_found")


def test():
    t = ah.Tenant("users")
    transfer(t)
    roles(t)
    admin = last_tenant_admin(t)
    tenants_apart(t, admin)


if __name__ == "__main__":
    ct.run(test)

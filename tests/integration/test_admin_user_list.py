#!/usr/bin/env python3
"""GET /users: administrators list the accounts they manage, with roles and
state, deactivated ones included; an organisation admin sees only their own
organisation; members are refused; paging walks every account once. In a
tenant of the test's own."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
import carelink_test as ct  # noqa: E402

API = "/api/v1"


def users(session, query=""):
    r = ah.expect(session.request("GET", API + "/users" + query), 200, "listing " + query)
    return r.json()


def main():
    t = ah.Tenant("userlist")
    admin = t.admin
    orgadmin = ah.new_user(admin, t.org(2), "list-orgadmin", ["member", "org_admin"])
    member = ah.new_user(admin, t.org(2), "list-member")
    other = ah.new_user(admin, t.org(3), "list-other")
    ah.expect(ah.user_action(orgadmin, member.user["id"], "deactivate"), 200, "deactivating")

    # the organisation admin: their organisation only, the deactivated member included
    mine = users(orgadmin)["users"]
    ids = {u["id"]: u for u in mine}
    ct.check(member.user["id"] in ids, "the deactivated member is not listed")
    ct.check_eq(ids[member.user["id"]]["active"], False, "the member's state")
    ct.check_eq(ids[orgadmin.user["id"]]["roles"], ["member", "org_admin"], "roles")
    ct.check(other.user["id"] not in ids, "another organisation's account is listed")
    ah.expect(orgadmin.request("GET", API + "/users?organisation=" + t.org(3)), 403,
              "an org admin listing another organisation", "forbidden")

    # the tenant admin: everyone, paged two at a time, each once
    seen, cursor = [], None
    for _ in range(20):
        page = users(admin, "?limit=2" + ("&cursor=" + cursor if cursor else ""))
        seen += [u["id"] for u in page["users"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    ct.check_eq(len(seen), len(set(seen)), "accounts seen twice while paging")
    for s in (admin, orgadmin, member, other):
        ct.check(s.user["id"] in seen, "an account is missing from the tenant's list")

    # members are refused; bad queries are 400
    ah.expect(other.request("GET", API + "/users"), 403, "a member listing accounts",
              "forbidden")
    ah.expect(admin.request("GET", API + "/users?organisation=x"), 400, "a bad organisation",
              "invalid_query")
    print("PASS test_admin_user_list.py")


if __name__ == "__main__":
    main()

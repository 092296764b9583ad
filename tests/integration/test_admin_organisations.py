#!/usr/bin/env python3
"""Organisations: everyone in the tenant reads the list (by kind, then name,
paged with a cursor); tenant admins create organisations, rename them and
change their kind; others are refused; names are unique in a tenant; one
tenant never sees or changes another's organisations. In tenants of the
test's own."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
import carelink_test as ct  # noqa: E402


def all_organisations(session, limit):
    """Every organisation through pages of limit, checking the pages."""
    out, cursor = [], None
    for _ in range(1000):
        path = ah.API + "/organisations?limit=%d" % limit
        if cursor:
            path += "&cursor=" + cursor
        doc = session.get_json(path, "organisations")
        page = doc.get("organisations")
        ct.check(isinstance(page, list) and len(page) <= limit, "a page of %r" % doc)
        out.extend(page)
        cursor = doc.get("next_cursor")
        if not cursor:
            return out
    ct.fail("the organisation list does not end")


def expected_order(orgs):
    """By kind in the order of the schema, then by name (the database sorts
    names by code point: its collation is C)."""
    return sorted(orgs, key=lambda o: (ah.KINDS.index(o["kind"]), o["name"].encode("utf-8")))


def test():
    # kinds out of order, two of one kind
    t = ah.Tenant("orgs", kinds=("city_hall", "fire", "clinic", "clinic", "support_centre"))
    admin = t.admin
    member = ah.new_user(admin, t.org(2), "orgmember")
    oa = ah.new_user(admin, t.org(2), "orgorgadmin", ["member", "org_admin"])

    name = "試験組織 %s" % ct.unique("org")
    body = {"name": name, "kind": "pharmacy"}
    ah.expect(member.request("POST", ah.API + "/organisations", json_body=body), 403,
              "a member creating an organisation", "forbidden")
    ah.expect(oa.request("POST", ah.API + "/organisations", json_body=body), 403,
              "an org_admin creating an organisation", "forbidden")
    r = ah.expect(admin.request("POST", ah.API + "/organisations", json_body=body), 201,
                  "creating an organisation")
    org = r.json()["organisation"]
    ct.check_eq((org["name"], org["kind"]), (name, "pharmacy"), "the new organisation")
    ct.check_eq(org.get("members"), 0, "members of a new organisation")
    ah.check_audited(org["id"], "organisation.create", admin.user["id"])
    ah.expect(admin.request("POST", ah.API + "/organisations", json_body=body), 409,
              "the same name again", "name_taken")
    ah.expect(admin.request("POST", ah.API + "/organisations",
                            json_body={"name": name + "2", "kind": "castle"}),
              400, "an unknown kind", "invalid_kind")
    ah.expect(admin.request("POST", ah.API + "/organisations",
                            json_body={"name": " \u3000 ", "kind": "other"}),
              400, "a blank name", "invalid_name")
    ah.expect(admin.request("POST", ah.API + "/organisations", json_body={"name": name + "3"}),
              400, "no kind", "invalid_body")

    # everyone reads exactly the tenant's organisations, in order, on every page size
    everything = t.orgs + [{"id": org["id"], "name": name, "kind": "pharmacy"}]
    want = [o["id"] for o in expected_order(everything)]
    for limit in (1, 2, 50):
        got = all_organisations(member, limit)
        ct.check_eq([o["id"] for o in got], want, "organisations listed with limit %d" % limit)
    first = member.get_json(ah.API + "/organisations", "organisations")["organisations"]
    by_id = {o["id"]: o for o in first}
    ct.check_eq(by_id[t.org(2)]["members"], 2, "members of the organisation with two people")
    ah.expect(member.request("GET", ah.API + "/organisations?limit=0"), 400, "limit=0")
    ah.expect(member.request("GET", ah.API + "/organisations?limit=201"), 400, "limit=201")
    ah.expect(member.request("GET", ah.API + "/organisations?cursor=zzz"), 400, "a bad cursor")
    ah.expect(ct.Session().request("GET", ah.API + "/organisations"), 401,
              "the list without a session")

    # rename, change kind
    path = ah.API + "/organisations/" + org["id"]
    ah.expect(oa.request("PATCH", path, json_body={"name": name + " 改"}), 403,
              "an org_admin renaming", "forbidden")
    r = ah.expect(admin.request("PATCH", path, json_body={"name": name + " 改"}), 200,
                  "renaming")
    ct.check_eq(r.json()["organisation"]["name"], name + " 改", "name after renaming")
    r = ah.expect(admin.request("PATCH", path, json_body={"kind": "clinic"}), 200,
                  "changing the kind")
    ct.check_eq((r.json()["organisation"]["name"], r.json()["organisation"]["kind"]),
                (name + " 改", "clinic"), "the organisation after changing the kind")
    ah.check_audited(org["id"], "organisation.update", admin.user["id"])
    ah.expect(admin.request("PATCH", path, json_body={}), 400, "an empty change")
    ah.expect(admin.request("PATCH", path, json_body={"name": t.orgs[0]["name"]}), 409,
              "renaming to a taken name", "name_taken")
    ah.expect(admin.request("PATCH", ah.API + "/organisations/nope", json_body={"name": "x"}),
              404, "an id that is not a UUID")
    r = admin.request("PATCH", path, body=b'{"name":"x"}', headers={"Content-Type": "text/plain"})
    ah.expect(r, 415, "a change that is not JSON")

    # the new organisation takes people
    person = ah.new_user(admin, org["id"], "neworg")
    ct.check_eq(person.user["organisation"]["id"], org["id"], "organisation of the invited person")

    # another tenant sees only its own, and cannot change ours
    stranger = ah.Tenant("orgs-stranger", kinds=("city_hall",))
    theirs = [o["id"] for o in all_organisations(stranger.admin, 50)]
    ct.check_eq(theirs, [stranger.org(0)], "organisations another tenant sees")
    ah.expect(stranger.admin.request("PATCH", path, json_body={"name": "奪取"}), 404,
              "another tenant renaming", "not_found")
    ah.expect(stranger.admin.request("GET", ah.API + "/organisations?cursor=" + org["id"]),
              200, "another tenant's id as cursor")


if __name__ == "__main__":
    ct.run(test)

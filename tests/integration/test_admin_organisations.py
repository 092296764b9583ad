#!/usr/bin/env python3
"""Organisations: everyone in the tenant reads the list (by kind, then name,
paged with a cursor); tenant admins create organisations, rename them and
change their kind; others are refused; names are unique in a tenant; one
tenant never sees another's organisations."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
import carelink_test as ct  # noqa: E402

KINDS = ["city_hall", "support_centre", "home_care_support_office", "care_provider", "clinic",
         "hospital", "doctors_association", "pharmacy", "police", "fire",
         "social_welfare_council", "other"]


def all_organisations(session, limit):
    """Every organisation through pages of limit, checking the cursor."""
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


def ordered(orgs):
    """By kind in the order of the schema, then by name (the database sorts
    names by code point: its collation is C)."""
    keys = [(KINDS.index(o["kind"]), o["name"].encode("utf-8")) for o in orgs]
    return keys == sorted(keys)


def test():
    admin = ct.login("suzuki")
    tanaka = ct.login("tanaka")

    name = "試験組織 %s" % ct.unique("org")
    body = {"name": name, "kind": "pharmacy"}
    ah.expect(tanaka.request("POST", ah.API + "/organisations", json_body=body), 403,
              "a member creating an organisation", "forbidden")
    oa = ah.new_user(admin, "orgorgadmin", ah.MEMBER_ORG, ["member", "org_admin"])
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

    # everyone reads it, in order, through every page size
    for limit in (1, 5, 200):
        orgs = all_organisations(tanaka, limit)
        ids = [o["id"] for o in orgs]
        ct.check_eq(len(ids), len(set(ids)), "organisations listed twice with limit %d" % limit)
        ct.check(org["id"] in ids, "the new organisation is not listed (limit %d)" % limit)
        ct.check(ordered(orgs), "organisations not by kind, then name (limit %d): %r"
                 % (limit, [(o["kind"], o["name"]) for o in orgs]))
    ah.expect(tanaka.request("GET", ah.API + "/organisations?limit=0"), 400, "limit=0")
    ah.expect(tanaka.request("GET", ah.API + "/organisations?cursor=zzz"), 400, "a bad cursor")

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
    ah.expect(admin.request("PATCH", path,
                            json_body={"name": ct.organisation_name(ah.MEMBER_ORG)}),
              409, "renaming to a taken name", "name_taken")
    ah.expect(admin.request("PATCH", ah.API + "/organisations/nope", json_body={"name": "x"}),
              404, "an id that is not a UUID")

    # the new organisation takes people
    person = ah.new_user(admin, "neworg", org["id"])
    ct.check_eq(person.user["organisation"]["id"], org["id"], "organisation of the invited person")

    # another tenant sees only its own
    stranger, _, org_a, org_b = ah.first_admin("orgstranger")
    theirs = {o["id"] for o in all_organisations(stranger, 50)}
    ct.check_eq(theirs, {org_a, org_b}, "organisations another tenant sees")
    ah.expect(stranger.request("PATCH", path, json_body={"name": "奪取"}), 404,
              "another tenant renaming", "not_found")


if __name__ == "__main__":
    ct.run(test)

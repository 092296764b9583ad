#!/usr/bin/env python3
"""The people directory: everyone of the tenant finds colleagues by Japanese
substrings of their name, organisation, areas and what they can help with;
filters by organisation and profession; pages with an opaque cursor that
shows everyone exactly once; LIKE wildcards in q are plain characters;
deactivated people are not listed."""

import os
import re
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402

API = ph.API


def ids(people):
    return [p["id"] for p in people]


def check_all_match(people, needle, what):
    for p in people:
        ct.check(needle in ph.text_of(p),
                 "%s: %s (%s) does not contain %r anywhere searchable"
                 % (what, p["name"], p["id"], needle))


def check_search(tanaka, marker_help, marker_area):
    suzuki, sato = ct.seed_user("suzuki"), ct.seed_user("sato")

    # part of an organisation name: 「包括」 of みどり市地域包括支援センター
    found = ph.search_all(tanaka, q="包括")
    check_all_match(found, "包括", "q=包括")
    ct.check(suzuki["id"] in ids(found), "q=包括 does not find 鈴木 of the support centre: %r"
             % [p["name"] for p in found])
    ct.log("ok: q=包括 finds %d people, 鈴木 among them" % len(found))

    # part of a name: 「田中」 of 田中 花子, and one character of it
    for needle in ("田中", "花子", "田"):
        found = ph.search_all(tanaka, q=needle)
        check_all_match(found, needle, "q=" + needle)
        ct.check(tanaka.user["id"] in ids(found), "q=%s does not find 田中 花子" % needle)
    ct.log("ok: q=田中 / 花子 / 田 find 田中 花子")

    # what one can help with and the areas covered, as substrings
    for needle in (marker_help[2:-2], marker_area[1:]):
        found = ph.search_all(tanaka, q=needle)
        ct.check(ids(found) == [tanaka.user["id"]],
                 "q=%s: expected only 田中, got %r" % (needle, [p["name"] for p in found]))
    ct.log("ok: substrings of can_help_with and of an area find exactly 田中")

    # surrounding spaces (ASCII and ideographic) do not matter
    found = ph.search_all(tanaka, q="\u3000 包括 ")
    ct.check(suzuki["id"] in ids(found), "q with surrounding spaces does not find 鈴木")

    # LIKE's wildcards are ordinary characters in q
    for needle in ("%", "_", "\\"):
        found = ph.search_all(tanaka, q=needle)
        check_all_match(found, needle, "q=%r" % needle)
    ct.log("ok: %, _ and \\ in q match only themselves")

    nothing = ph.search_all(tanaka, q="存在しない" + uuid.uuid4().hex)
    ct.check_eq(nothing, [], "q matching nobody")

    # filters
    org = suzuki["organisation"]
    found = ph.search_all(tanaka, organisation=org)
    ct.check(found and all(p["organisation"]["id"] == org for p in found),
             "organisation filter: %r" % [(p["name"], p["organisation"]) for p in found])
    ct.check(suzuki["id"] in ids(found), "organisation filter misses 鈴木")
    found = ph.search_all(tanaka, profession="doctor")
    ct.check(found and all(p["profession"] == "doctor" for p in found),
             "profession filter: %r" % [(p["name"], p["profession"]) for p in found])
    ct.check(sato["id"] in ids(found), "profession=doctor misses 佐藤")
    found = ph.search_all(tanaka, q="包括", profession="doctor")
    check_all_match(found, "包括", "q=包括 and profession=doctor")
    ct.check(all(p["profession"] == "doctor" for p in found), "q and profession combined")
    ct.check(suzuki["id"] not in ids(found), "q=包括&profession=doctor lists 鈴木 (social worker)")
    found = ph.search_all(tanaka, q="田中", organisation=org)
    ct.check(tanaka.user["id"] not in ids(found),
             "q=田中 in the support centre lists 田中 of another organisation")
    ct.check_eq(ph.search_all(tanaka, organisation=str(uuid.uuid4())), [],
                "an unknown organisation")
    ct.log("ok: organisation and profession filters, alone and with q")


def check_paging(tanaka):
    everyone = ph.search_all(tanaka, limit=200)
    ct.check(len(everyone) >= len(ct.seed()["users"]),
             "the directory lists %d people; the demo alone has %d"
             % (len(everyone), len(ct.seed()["users"])))
    for u in ct.seed()["users"]:
        ct.check(u["id"] in ids(everyone), "%s is not in the directory" % u["name"])
    ct.check_eq(len(set(ids(everyone))), len(everyone), "distinct people in one page")

    seen, cursor, pages = [], None, 0
    while True:
        doc = ph.search(tanaka, limit=3, cursor=cursor)
        ct.check(len(doc["people"]) <= 3, "limit=3 gave %d people" % len(doc["people"]))
        seen.extend(ids(doc["people"]))
        pages += 1
        cursor = doc["next_cursor"]
        if cursor is None:
            break
        ct.check(len(doc["people"]) == 3, "a page before the last one is not full")
        ct.check(isinstance(cursor, str) and re.match(r"^[A-Za-z0-9_-]+$", cursor),
                 "the cursor %r is not opaque base64url" % cursor)
        ct.check(pages < 200, "paging does not end")
    ct.check_eq(len(seen), len(set(seen)), "people seen twice while paging")
    ct.check_eq(seen, ids(everyone), "people paged with limit=3, in order")
    ct.log("ok: %d people in %d pages of 3, each once, in the order of one big page"
           % (len(seen), pages))

    # paging a search
    found = ph.search_all(tanaka, q="市")
    paged = ph.search_all(tanaka, q="市", limit=2)
    ct.check_eq(ids(paged), ids(found), "q=市 paged by 2")

    # the default page size is 50, the maximum 200
    r = tanaka.request("GET", API + "/people")
    ph.check_status(r, 200, "GET /people without limit")
    ct.check(len(r.json()["people"]) <= 50, "more than 50 people without limit")

    for params, code in (({"limit": "0"}, "invalid_limit"), ({"limit": "201"}, "invalid_limit"),
                         ({"limit": "abc"}, "invalid_limit"), ({"limit": "-1"}, "invalid_limit"),
                         ({"cursor": "not-a-cursor!"}, "invalid_cursor"),
                         ({"cursor": "WyJhIl0"}, "invalid_cursor"),  # ["a"]
                         ({"organisation": "not-a-uuid"}, "invalid_query"),
                         ({"q": "あ" * 101}, "invalid_query")):
        r = tanaka.request("GET", ph.q(API + "/people", **params))
        ph.check_status(r, 400, "GET /people %r" % params, code)
    ct.log("ok: bad limit, cursor, organisation and q are 400")


def check_person(tanaka):
    sato = ct.seed_user("sato")
    p = ph.person(tanaka, sato["id"])
    ct.check_eq(p["id"], sato["id"], "GET /people/{id} id")
    ct.check_eq(p["name"], sato["name"], "GET /people/{id} name")
    ct.check_eq(p["organisation"]["id"], sato["organisation"], "organisation id")
    ct.check_eq(p["organisation"]["name"], ct.organisation_name(sato["organisation"]),
                "organisation name")
    for key in ("profession", "work_phone", "areas", "can_help_with", "has_photo"):
        ct.check(key in p, "GET /people/{id} lacks %s: %r" % (key, p))
    ct.check("language" not in p, "another person's language preference is shown: %r" % p)
    ct.check("email" not in p and "roles" not in p, "GET /people/{id} shows %r" % p)
    me = ph.person(tanaka, tanaka.user["id"])
    ct.check(me.get("language") in ("ja", "en"), "one's own language is not shown: %r" % me)
    for bad in (str(uuid.uuid4()), "not-a-uuid"):
        r = tanaka.request("GET", API + "/people/" + bad)
        ph.check_status(r, 404, "GET /people/" + bad, "not_found")

    r = ct.Session().request("GET", API + "/people")
    ph.check_status(r, 401, "GET /people without a session")
    r = ph.bearer("GET", API + "/people", "clk_" + "A" * 43)
    ct.check(r.status == 401, "GET /people with a bearer token: %s" % r.describe())
    ct.log("ok: GET /people/{id}, language only on one's own, 401/404")


def check_inactive(tanaka):
    """A person is listed; once deactivated by their organisation's admin,
    no longer."""
    tenant = ct.seed()["tenant"]["id"]
    org = ct.seed_user("tanaka")["organisation"]
    admin = ph.login_user(ph.make_user(tenant, org, "dir-admin", ("member", "org_admin")))
    leaver = ph.make_user(tenant, org, "dir-leaver")
    ct.check_eq(ids(ph.search_all(tanaka, q=leaver["name"])), [leaver["id"]],
                "the new person found by name")
    r = admin.request("POST", API + "/users/%s/deactivate" % leaver["id"], json_body={})
    ph.check_status(r, 200, "deactivating the new person")
    ct.check_eq(ph.search_all(tanaka, q=leaver["name"]), [], "a deactivated person by name")
    ct.check(leaver["id"] not in ids(ph.search_all(tanaka)), "a deactivated person is listed")
    r = tanaka.request("GET", API + "/people/" + leaver["id"])
    ph.check_status(r, 404, "GET /people/{deactivated}", "not_found")
    # the admin made for this check leaves too
    ph.psql("UPDATE users SET active = false WHERE id = :'id';", id=admin.user["id"])
    ct.log("ok: a deactivated person is neither listed nor shown")


def check_other_tenant(tanaka):
    """Each municipality sees only its own people, even when the words match."""
    other = ph.fresh_tenant("dir")
    outsider = ph.login_user(other["member"])
    theirs = [other["admin"]["id"], other["member"]["id"]]
    for needle in ("包括", "田中", "試験", other["member"]["name"]):
        found = ids(ph.search_all(tanaka, q=needle))
        ct.check(not set(theirs) & set(found),
                 "q=%s in the demo tenant lists people of another tenant" % needle)
    ct.check(not set(theirs) & set(ids(ph.search_all(tanaka))),
             "the demo directory lists people of another tenant")
    ct.check_eq(sorted(ids(ph.search_all(outsider))), sorted(theirs),
                "the other tenant's whole directory")
    ct.check_eq(ph.search_all(outsider, q="田中 花子"), [], "田中 花子 from another tenant")
    for viewer, target in ((tanaka, other["member"]["id"]), (outsider, tanaka.user["id"])):
        r = viewer.request("GET", API + "/people/" + target)
        ph.check_status(r, 404, "GET /people/{id} of another tenant", "not_found")
    r = outsider.request("GET", ph.q(API + "/people", organisation=ct.seed_user("tanaka")[
        "organisation"]))
    ct.check(r.status == 200 and r.json()["people"] == [],
             "another tenant's organisation filter: %s" % r.describe())
    ct.log("ok: the directory and profiles stop at the tenant's boundary")


def test():
    tanaka = ph.login("tanaka")
    marker = uuid.uuid4().hex[:8]
    marker_help = "認知症カフェ運営%s相談" % marker
    marker_area = "東%s地区" % marker
    r = ph.patch_profile(tanaka, {"areas": ["みどり東地区", marker_area],
                                  "can_help_with": "独居高齢者の見守り、" + marker_help})
    ph.check_status(r, 200, "PATCH /me/profile of 田中")
    check_search(tanaka, marker_help, marker_area)
    check_paging(tanaka)
    check_person(tanaka)
    check_inactive(tanaka)
    check_other_tenant(tanaka)


if __name__ == "__main__":
    ct.run(test)

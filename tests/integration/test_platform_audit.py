#!/usr/bin/env python3
"""GET /api/v1/audit: a tenant admin reads the municipality's audit log,
newest first, page by page with next_cursor, filtered by action and actor;
members get 403, strangers 401, bad paging 400. The entries are made by
refused invitations (a member may not invite: a "denied" audit row, nothing
else changes), sent with a forged X-Forwarded-For: the system trusts no
proxy, so the recorded address is the real peer, 127.0.0.1."""

import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

FORGED = "203.0.113.77"


def refused_invitation(member, email):
    r = member.request("POST", "/api/v1/invitations",
                       json_body={"email": email,
                                  "organisation_id": member.user["organisation"]["id"],
                                  "profession": "nurse"},
                       headers={"X-Forwarded-For": FORGED})
    if r.status != 403 or r.error_code() != "forbidden":
        ct.fail("a member inviting: expected 403 forbidden, got %s" % r.describe())


def audit(session, **query):
    q = urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
    return session.request("GET", "/api/v1/audit" + ("?" + q if q else ""))


def audit_ok(session, **query):
    r = audit(session, **query)
    if r.status != 200:
        ct.fail("GET /api/v1/audit %r: expected 200, got %s" % (query, r.describe()))
    doc = r.json()
    ct.check(isinstance(doc.get("entries"), list) and "next_cursor" in doc,
             "GET /api/v1/audit: not {entries, next_cursor}: %r" % doc)
    return doc


def main():
    admin = ct.login("suzuki")      # tenant_admin
    member = ct.login("tanaka")     # member
    marker = ct.unique("audit")
    emails = ["%s-%d@example.invalid" % (marker, i) for i in range(3)]
    for e in emails:
        refused_invitation(member, e)

    # the newest entries of this actor and action are ours, newest first
    doc = audit_ok(admin, action="invitation.create", actor=member.user["id"], limit=3)
    got = [e["subject"] for e in doc["entries"]]
    ct.check_eq(got, list(reversed(emails)), "subjects of the newest 3 entries")
    e = doc["entries"][0]
    ct.check_eq(e["outcome"], "denied", "outcome")
    ct.check_eq(e["action"], "invitation.create", "action")
    ct.check_eq(e["actor"]["id"], member.user["id"], "actor id")
    ct.check_eq(e["actor"]["name"], member.user["name"], "actor name")
    ct.check(e["at"].endswith("Z") and "T" in e["at"], "at is not RFC 3339 UTC: %r" % e["at"])
    ct.check(isinstance(e["detail"], dict), "detail is not an object: %r" % e)
    ct.log("refusals are listed newest first with actor, action, outcome")

    # X-Forwarded-For from a peer that is no trusted proxy is ignored
    for e in doc["entries"]:
        ct.check_eq(e["address"], "127.0.0.1", "address of %s (X-Forwarded-For %s was sent)"
                    % (e["subject"], FORGED))
    ct.log("X-Forwarded-For from an untrusted peer is ignored (address 127.0.0.1)")

    # paging: two pages of 2 and 1 over the same three, ids descending
    p1 = audit_ok(admin, action="invitation.create", actor=member.user["id"], limit=2)
    ct.check_eq(len(p1["entries"]), 2, "entries on page 1")
    ct.check(isinstance(p1["next_cursor"], str) and p1["next_cursor"],
             "page 1 has no next_cursor: %r" % p1["next_cursor"])
    p2 = audit_ok(admin, action="invitation.create", actor=member.user["id"], limit=2,
                  cursor=p1["next_cursor"])
    ids = [e["id"] for e in p1["entries"] + p2["entries"]]
    ct.check(ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids),
             "ids across pages are not strictly descending: %r" % ids)
    ct.check_eq([e["subject"] for e in p1["entries"]] + [p2["entries"][0]["subject"]],
                list(reversed(emails)), "subjects across two pages")
    # walking every page ends with next_cursor null
    cursor, pages, seen = None, 0, []
    while True:
        d = audit_ok(admin, action="invitation.create", actor=member.user["id"], limit=50,
                     cursor=cursor)
        seen += [e["id"] for e in d["entries"]]
        pages += 1
        cursor = d["next_cursor"]
        if cursor is None:
            break
        ct.check(pages < 200, "paging does not end")
    ct.check(seen == sorted(seen, reverse=True) and len(set(seen)) == len(seen),
             "ids over all pages are not strictly descending")
    ct.log("cursor paging: %d pages, next_cursor null at the end" % pages)

    # filters
    other = audit_ok(admin, action="user.roles", actor=member.user["id"])
    ct.check(all(e["action"] == "user.roles" for e in other["entries"]),
             "the action filter let other actions through")
    ct.check(not any(e["subject"] in emails for e in other["entries"]),
             "the action filter let our entries through")
    nobody = audit_ok(admin, actor="00000000-0000-4000-8000-000000000000")
    ct.check_eq(nobody["entries"], [], "entries of an unknown actor")
    everything = audit_ok(admin, limit=200)
    ct.check(len(everything["entries"]) >= 3, "the unfiltered log misses entries")
    ct.log("action and actor filters")

    # who may read it
    r = audit(member)
    ct.check(r.status == 403 and r.error_code() == "forbidden",
             "a member reading the audit log: expected 403, got %s" % r.describe())
    r = ct.Session().request("GET", "/api/v1/audit")
    ct.check(r.status == 401, "no session: expected 401, got %s" % r.describe())
    ct.log("members 403, no session 401")

    # bad paging and filters
    for query, code in (({"limit": "0"}, "invalid_limit"), ({"limit": "201"}, "invalid_limit"),
                        ({"limit": "x"}, "invalid_limit"), ({"cursor": "abc"}, "invalid_cursor"),
                        ({"cursor": "-5"}, "invalid_cursor"),
                        ({"actor": "not-a-user"}, "invalid_query"),
                        ({"action": "x' OR '1'='1"}, "invalid_query")):
        r = audit(admin, **query)
        if r.status != 400 or r.error_code() != code:
            ct.fail("GET /api/v1/audit %r: expected 400 %s, got %s" % (query, code, r.describe()))
    ct.log("bad limit, cursor, actor and action: 400")

    # the log is append-only through the API too
    r = admin.request("DELETE", "/api/v1/audit")
    ct.check_eq(r.status, 405, "DELETE /api/v1/audit")


if __name__ == "__main__":
    ct.run(main, budget_s=120)

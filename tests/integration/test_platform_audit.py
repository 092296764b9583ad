#!/usr/bin/env python3
"""GET /api/v1/audit: the municipality's audit log for its tenant admins and
privacy officers, newest first, page by page with next_cursor, filtered by
action and actor; members get 403, strangers 401, bad paging 400; another
municipality's entries never show. Works in two tenants of its own (see
admin_helpers.Tenant). The entries are made by refused invitations (a
member may not invite: a "denied" row, nothing else changes) and a failed
login, both sent with a forged X-Forwarded-For: the system trusts no proxy,
so the recorded address is the real peer, 127.0.0.1."""

import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_helpers as ah  # noqa: E402
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


def all_entries(session, **query):
    """Every entry, following next_cursor; checks ids strictly descend."""
    cursor, out, pages = None, [], 0
    while True:
        d = audit_ok(session, cursor=cursor, **query)
        out += d["entries"]
        pages += 1
        cursor = d["next_cursor"]
        if cursor is None:
            break
        ct.check(d["entries"], "a page without entries has a next_cursor")
        ct.check(pages < 500, "paging does not end")
    ids = [e["id"] for e in out]
    ct.check(ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids),
             "ids over all pages are not strictly descending: %r" % ids[:20])
    return out, pages


def check_listing(admin, member, emails):
    # the newest entries of this actor and action are ours, newest first
    doc = audit_ok(admin, action="invitation.create", actor=member.user["id"], limit=3)
    ct.check_eq([e["subject"] for e in doc["entries"]], list(reversed(emails)),
                "subjects of the newest 3 entries")
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

    # paging: pages of 2 over the same entries, ids descending, null at the end
    p1 = audit_ok(admin, action="invitation.create", actor=member.user["id"], limit=2)
    ct.check_eq(len(p1["entries"]), 2, "entries on page 1")
    ct.check(isinstance(p1["next_cursor"], str) and p1["next_cursor"],
             "page 1 has no next_cursor: %r" % p1["next_cursor"])
    p2 = audit_ok(admin, action="invitation.create", actor=member.user["id"], limit=2,
                  cursor=p1["next_cursor"])
    ct.check_eq(len(p2["entries"]), 1, "entries on page 2")
    ct.check(p2["next_cursor"] is None, "the last page has a next_cursor: %r" % p2)
    ct.check_eq([e["subject"] for e in p1["entries"] + p2["entries"]], list(reversed(emails)),
                "subjects across two pages")
    everything, pages = all_entries(admin, limit=2)
    ct.check(pages >= 2, "the whole log fitted on one page of 2")
    ct.log("cursor paging: %d entries on %d pages, next_cursor null at the end"
           % (len(everything), pages))
    return everything


def check_filters(admin, member, emails, everything):
    mine = [e for e in everything if e["subject"] in emails]
    ct.check_eq(len(mine), len(emails), "our refusals in the whole log")
    other = audit_ok(admin, action="invitation.create", actor=admin.user["id"], limit=200)
    ct.check(all(e["action"] == "invitation.create" and e["actor"]["id"] == admin.user["id"]
                 for e in other["entries"]), "the filters let other entries through")
    ct.check(other["entries"], "the admin's own invitations are not in the log")
    nobody = audit_ok(admin, actor="00000000-0000-4000-8000-000000000000")
    ct.check_eq(nobody["entries"], [], "entries of an unknown actor")
    ct.log("action and actor filters")


def check_access(admin, member):
    r = audit(member)
    ct.check(r.status == 403 and r.error_code() == "forbidden",
             "a member reading the audit log: expected 403, got %s" % r.describe())
    r = ct.Session().request("GET", "/api/v1/audit")
    ct.check(r.status == 401, "no session: expected 401, got %s" % r.describe())
    for query, code in (({"limit": "0"}, "invalid_limit"), ({"limit": "201"}, "invalid_limit"),
                        ({"limit": "x"}, "invalid_limit"), ({"cursor": "abc"}, "invalid_cursor"),
                        ({"cursor": "-5"}, "invalid_cursor"),
                        ({"actor": "not-a-user"}, "invalid_query"),
                        ({"action": "x' OR '1'='1"}, "invalid_query")):
        r = audit(admin, **query)
        if r.status != 400 or r.error_code() != code:
            ct.fail("GET /api/v1/audit %r: expected 400 %s, got %s" % (query, code, r.describe()))
    r = admin.request("DELETE", "/api/v1/audit")
    ct.check_eq(r.status, 405, "DELETE /api/v1/audit")
    ct.log("members 403, no session 401, bad paging and filters 400, no DELETE")


def check_login_failure(admin, member):
    """A wrong password with a forged X-Forwarded-For: audited, real address."""
    r = ct.Session().request("POST", "/api/v1/login",
                             json_body={"email": member.email, "password": "wrong-" + ah.PASSWORD},
                             headers={"X-Forwarded-For": FORGED})
    ct.check_eq(r.status, 401, "a wrong password")
    rows = audit_ok(admin, action="login.failure", limit=20)["entries"]
    if not rows:
        ct.fail("a failed login of %s is not in the audit log" % member.email)
    e = rows[0]
    ct.check_eq(e["address"], "127.0.0.1", "address of the login failure (X-Forwarded-For %s)"
                % FORGED)
    ct.log("a failed login is audited with the peer's address, not X-Forwarded-For")


def main():
    t = ah.Tenant("platform-audit")
    admin = t.admin  # tenant_admin, enrolled in two-factor
    member = ah.new_user(admin, t.org(1), "member")
    emails = [ah.unique_email("refused-%d" % i) for i in range(3)]
    for e in emails:
        refused_invitation(member, e)

    everything = check_listing(admin, member, emails)
    check_filters(admin, member, emails, everything)
    check_access(admin, member)
    check_login_failure(admin, member)

    # a privacy officer reads it too
    officer = ah.new_user(admin, t.org(0), "officer", roles=["privacy_officer"])
    doc = audit_ok(officer, action="invitation.create", actor=member.user["id"], limit=3)
    ct.check_eq([e["subject"] for e in doc["entries"]], list(reversed(emails)),
                "what the privacy officer sees")
    ct.log("a privacy officer reads the log")

    # another municipality sees none of it, and its entries stay its own
    other = ah.Tenant("platform-audit-other")
    theirs, _ = all_entries(other.admin, limit=200)
    ours = {e["id"] for e in all_entries(admin, limit=200)[0]}
    ct.check(not ours & {e["id"] for e in theirs},
             "another municipality's admin sees our entries")
    ct.check(not any(e["subject"] in emails for e in theirs), "our refusals leak to another tenant")
    ct.log("tenants see only their own entries")


if __name__ == "__main__":
    ct.run(main, budget_s=180)

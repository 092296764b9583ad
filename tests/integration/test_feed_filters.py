#!/usr/bin/env python3
"""GET /v1/feed's filters, cursor and catch-up (services/notify/FEED.md),
against notify directly with signed identities of a made-up tenant:

* urgent, mentions, space, app, patient, unread, and combinations;
* paging by next_before over more than one page: every item once, newest
  first, null at the end;
* after: oldest first; 0 is always fine; an id that is not a notification
  of the reader's tenant answers 410 unknown_event_id;
* every 400 of the feed (invalid_limit, invalid_before, invalid_after,
  invalid_filter) and of POST /v1/feed/read (invalid_read);
* GET /v1/notifications/:id carries the new keys.
"""

import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import feed_helpers as f  # noqa: E402

KEYS = {"id", "kind", "title", "body", "link", "actor", "created_at", "read", "urgent",
        "space_id", "thread_id", "app_id", "patient_id"}
PAGED = 23
PAGE = 10


def kinds(items):
    return sorted(n["kind"] for n in items)


def test_filters(t, a, b):
    s1, s2, s3, app, patient = (str(uuid.uuid4()) for _ in range(5))
    th1, th2, th3 = (str(uuid.uuid4()) for _ in range(3))
    f.post(a, s1, th1, "一")
    f.post(a, s1, th1, "二")
    f.post(a, s2, th2, "@b", mentioned=[b])
    f.app_record(a, app, "事業所 絞り込み")
    f.patient_incident(a, patient, [b])
    f.alert(a, "試験 絞り込み")
    for i in range(PAGED):
        f.post(a, s3, th3, "頁 %d" % i)
    items = f.wait_items(b, 6 + PAGED, "every notification", limit=100)
    ct.check_eq(len(items), 6 + PAGED, "b's feed")
    ids = [n["id"] for n in items]
    ct.check(ids == sorted(ids, reverse=True), "newest first")
    for n in items:
        ct.check_eq(set(n), KEYS, "the keys of an item")
    ct.check_eq(kinds(b.items(urgent=1)), ["alert"], "urgent=1")
    ct.check(all(n["urgent"] for n in b.items(urgent=1)), "urgent=1 items are urgent")
    ct.check_eq(kinds(b.items(mentions=1)), ["mention"], "mentions=1")
    ct.check_eq(kinds(b.items(space=s1)), ["post", "post"], "space=s1")
    ct.check(all(n["space_id"] == s1 and n["thread_id"] == th1 for n in b.items(space=s1)),
             "space=s1 items name the space and thread")
    ct.check_eq(kinds(b.items(space=s2)), ["mention"], "space=s2")
    ct.check_eq(kinds(b.items(app=app)), ["app_record"], "app=")
    ct.check_eq(kinds(b.items(patient=patient)), ["patient_incident"], "patient=")
    ct.check_eq(b.items(space=str(uuid.uuid4())), [], "an unknown space")
    ct.check_eq(kinds(b.items(space=s2, mentions=1)), ["mention"], "space=s2&mentions=1")
    ct.check_eq(b.items(space=s1, mentions=1), [], "space=s1&mentions=1")
    ct.check_eq(b.items(space=s1, urgent=1), [], "space=s1&urgent=1")
    b.read({"space_id": s3})
    unread = b.items(unread=1, limit=100)
    ct.check_eq(kinds(unread), ["alert", "app_record", "mention", "patient_incident",
                                "post", "post"], "unread=1 after reading space 3")
    ct.check(all(not n["read"] for n in unread), "unread=1 items are unread")
    ct.check_eq(kinds(b.items(unread=1, space=s1)), ["post", "post"], "unread=1&space=s1")
    b.read({"ids": [n["id"] for n in b.items(space=s1)][:1]})
    ct.check_eq(len(b.items(unread=1, space=s1)), 1, "unread=1&space=s1 after reading one")
    one = b.ok("GET", "/v1/notifications/%d" % b.items(app=app)[0]["id"])
    ct.check_eq(set(one), KEYS, "the keys of GET /v1/notifications/:id")
    ct.check_eq(one["app_id"], app, "GET /v1/notifications/:id app_id")
    ct.log("filters: urgent, mentions, space, app, patient, unread and combinations")
    return s3, ids


def test_paging(b, s3, ids):
    seen, before, pages = [], None, 0
    while True:
        page = b.feed(space=s3, limit=PAGE, before=before)
        pages += 1
        seen += [n["id"] for n in page["notifications"]]
        if page["next_before"] is None:
            ct.check(len(page["notifications"]) < PAGE, "null next_before on a short page")
            break
        ct.check_eq(page["next_before"], page["notifications"][-1]["id"],
                    "next_before is the last item's id")
        before = page["next_before"]
        ct.check(pages < 10, "paging ends")
    ct.check_eq(pages, 3, "pages of %d by %d" % (PAGED, PAGE))
    ct.check_eq(len(seen), PAGED, "items over the pages")
    ct.check_eq(len(set(seen)), PAGED, "no item twice")
    ct.check(seen == sorted(seen, reverse=True), "newest first across pages")
    whole = [n["id"] for n in b.items(space=s3, limit=100)]
    ct.check_eq(seen, whole, "the pages are the whole list, no gap")
    # the whole feed paged too
    seen, before = [], None
    while True:
        page = b.feed(limit=7, before=before)
        seen += [n["id"] for n in page["notifications"]]
        before = page["next_before"]
        if before is None:
            break
    ct.check_eq(seen, ids, "the whole feed paged by 7")
    ct.log("cursor: %d items in %d pages, no repeats or gaps" % (PAGED, pages))


def test_after(t, b, ids):
    oldest = list(reversed(ids))
    ct.check_eq([n["id"] for n in b.items(after=0, limit=100)], oldest, "after=0")
    mid = oldest[5]
    ct.check_eq([n["id"] for n in b.items(after=mid, limit=100)], oldest[6:], "after=id")
    ct.check_eq([n["id"] for n in b.items(after=mid, limit=3)], oldest[6:9],
                "after=id&limit=3")
    ct.check_eq(b.items(after=oldest[-1]), [], "after the newest")
    other = f.Tenant()
    oa, ob = other.person(), other.person()
    f.post(oa, str(uuid.uuid4()), str(uuid.uuid4()), "別の市")
    foreign = f.wait_items(ob, 1, "the other tenant's post")[0]["id"]
    f.refused(b.request("GET", "/v1/feed?after=%d" % foreign), 410, "unknown_event_id",
              "after another tenant's notification")
    f.refused(b.request("GET", "/v1/feed?after=999999999999"), 410, "unknown_event_id",
              "after an id that does not exist")
    ct.log("after: oldest first, 0 fine, 410 unknown_event_id")


def test_refusals(b):
    for query, code in [
            ("limit=0", "invalid_limit"), ("limit=501", "invalid_limit"),
            ("limit=ten", "invalid_limit"), ("limit=", "invalid_limit"),
            ("before=0", "invalid_before"), ("before=x", "invalid_before"),
            ("after=-1", "invalid_after"), ("after=x", "invalid_after"),
            ("urgent=true", "invalid_filter"), ("mentions=0", "invalid_filter"),
            ("unread=yes", "invalid_filter"), ("include_muted=2", "invalid_filter"),
            ("all=", "invalid_filter"), ("space=", "invalid_filter"),
            ("app=", "invalid_filter"), ("patient=", "invalid_filter")]:
        f.refused(b.request("GET", "/v1/feed?" + query), 400, code, "GET /v1/feed?" + query)
    for body in [{}, {"ids": []}, {"ids": [0]}, {"ids": ["1"]}, {"ids": list(range(1, 502))},
                 {"all": False}, {"space_id": ""}, {"ids": [1], "all": True},
                 {"space_id": "s", "all": True}, {"every": True}, [1]]:
        f.refused(b.request("POST", "/v1/feed/read", body), 400, "invalid_read",
                  "POST /v1/feed/read %r" % (body,))
    r = b.request("POST", "/v1/feed/read", body=b"{not json")
    ct.check_eq(r.status, 400, "POST /v1/feed/read with a body that is not JSON")
    ct.log("every 400")


def test():
    t = f.Tenant()
    a, b = t.person(), t.person()
    s3, ids = test_filters(t, a, b)
    test_paging(b, s3, ids)
    test_after(t, b, ids)
    test_refusals(b)


if __name__ == "__main__":
    ct.run(test, budget_s=120)

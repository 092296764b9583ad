#!/usr/bin/env python3
"""The feed's read state and unread counts (services/notify/FEED.md), against
notify directly with signed identities of a made-up tenant of its own:

* the hybrid fan-out as stored: a post in a tenant-wide space (10,000
  members: a sample of them read it) is one notifications row and no
  notification_recipients row; a mention is one row plus one recipients
  row per named person; a patient notice one per member of the team told;
* unread counts per space, app and patient, urgent and mentions;
* a single read, a mark of a space and a mark of everything; what one
  person reads stays unread for every other; marking again is harmless;
  ids the reader may not see are ignored; a mark covers what exists, not
  what comes later;
* each accepted mark is a NotificationsRead on carelink.notifications
  (key: the tenant).
"""

import concurrent.futures
import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import feed_helpers as f  # noqa: E402

MEMBERS = 10000
SAMPLE = 200


def by_kind(items, kind):
    return [n for n in items if n["kind"] == kind]


def ids_of(items):
    return [n["id"] for n in items]


def check_counts(person, want, what):
    got = person.unread()
    got.pop("capped", None)
    for k in ("spaces", "apps", "patients"):
        want.setdefault(k, {})
    for k in ("total", "urgent", "mentions"):
        want.setdefault(k, 0)
    ct.check_eq(got, want, "unread counts %s" % what)


def test_fan_out(t, author, sp, th):
    """A broad post for the whole tenant: one row, no recipients; a mention
    of 40 people: 40 recipients rows."""
    pid = f.post(author, sp, th, "全体への連絡")
    sample = [t.person() for _ in range(SAMPLE)]
    f.wait_items(sample[0], 1, "the broad post")

    def sees(p):
        return [n["kind"] for n in p.items(limit=5)] == ["post"]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(sees, sample))
    ct.check(all(seen), "%d of %d readers of the tenant see the post"
             % (sum(seen), SAMPLE))
    rows = f.notify_psql("SELECT id, audience_everyone FROM notifications"
                         " WHERE tenant_id = :'t' AND subject_id = :'p'", t=t.id, p=pid)
    ct.check_eq(len(rows), 1, "notifications rows of the post")
    ct.check_eq(rows[0][1], "t", "the post's audience is everyone")
    rec = f.notify_psql("SELECT count(*) FROM notification_recipients WHERE tenant_id = :'t'",
                        t=t.id)
    ct.check_eq(rec[0][0], "0", "recipients rows of a tenant with only a broad post")
    ct.log("broad post for %d members: 1 row, 0 recipients; %d sampled readers see it"
           % (MEMBERS, SAMPLE))

    named = [t.person() for _ in range(40)]
    mid = f.post(author, sp, th, "@40人", mentioned=named)
    f.wait_items(named[-1], 1, "the mention", mentions=1)
    rows = f.notify_psql("SELECT n.kind, count(r.user_id) FROM notifications n"
                         " LEFT JOIN notification_recipients r ON r.notification_id = n.id"
                         " WHERE n.tenant_id = :'t' AND n.subject_id = :'p'"
                         " GROUP BY n.kind ORDER BY n.kind", t=t.id, p=mid)
    ct.check_eq(rows, [["mention", "40"], ["post", "0"]],
                "rows of a post mentioning 40 people (kind, recipients)")
    users = f.notify_psql("SELECT user_id FROM notification_recipients r JOIN notifications n"
                          " ON n.id = r.notification_id WHERE n.subject_id = :'p'", p=mid)
    ct.check_eq(sorted(u[0] for u in users), sorted(p.id for p in named),
                "the mention's recipients are the people named")
    ct.log("mention of 40: one row and 40 recipients rows")
    return pid


def test_counts_and_marks(t, author):
    b, c = t.person(), t.person()
    s1, s2, app, patient = (str(uuid.uuid4()) for _ in range(4))
    th1, th2 = str(uuid.uuid4()), str(uuid.uuid4())
    f.post(author, s1, th1, "一つ目")
    f.post(author, s1, th1, "二つ目")
    f.post(author, s2, th2, "三つ目")
    f.post(author, s1, th1, "@b と @c", mentioned=[b, c])
    f.app_record(author, app, "事業所 試験")
    f.patient_incident(author, patient, [b])
    f.alert(author, "試験 既読")
    items = f.wait_items(b, 7, "posts, mention, record, incident and alert")
    ct.check_eq(len(items), 7, "b's feed")
    ct.check(all(n["read"] is False for n in items), "everything is unread at first")
    rows = f.notify_psql("SELECT count(*) FROM notification_recipients r JOIN notifications n"
                         " ON n.id = r.notification_id WHERE n.tenant_id = :'t'"
                         " AND n.patient_id = :'p'", t=t.id, p=patient)
    ct.check_eq(rows[0][0], "1", "recipients rows of the incident (the team but its author)")
    check_counts(b, {"total": 7, "urgent": 1, "mentions": 1, "spaces": {s1: 3, s2: 1},
                     "apps": {app: 1}, "patients": {patient: 1}}, "of b at first")
    f.wait_items(c, 6, "c's feed")
    check_counts(c, {"total": 6, "urgent": 1, "mentions": 1, "spaces": {s1: 3, s2: 1},
                     "apps": {app: 1}}, "of c at first")
    ct.log("counts per space, app and patient, urgent and mentions")

    # a single read
    first = [n for n in items if n["kind"] == "post" and n["space_id"] == s1][0]
    out = b.read({"ids": [first["id"]]})
    ct.check_eq(out["read"], {"ids": [first["id"]]}, "the answer's read")
    ct.check_eq(out["unread"]["total"], 6, "the answer's counts")
    again = b.read({"ids": [first["id"]]})
    ct.check_eq(again["read"], out["read"], "reading again")
    ct.check_eq(again["unread"], out["unread"], "counts after reading again")
    mine = {n["id"]: n["read"] for n in b.items()}
    ct.check(mine[first["id"]] is True and sum(mine.values()) == 1, "b read one: %r" % mine)
    ct.check(all(n["read"] is False for n in c.items()), "c's feed is all unread still")
    check_counts(c, {"total": 6, "urgent": 1, "mentions": 1, "spaces": {s1: 3, s2: 1},
                     "apps": {app: 1}}, "of c after b read one")
    one = b.ok("GET", "/v1/notifications/%d" % first["id"])
    ct.check(one["read"] is True and one["space_id"] == s1 and one["thread_id"] == th1,
             "GET /v1/notifications/:id: %r" % one)
    ct.log("a single read: b's only, again harmless")

    # ids b may not see: another tenant's, a withdrawn or unknown id
    other = f.Tenant()
    oa, ob = other.person(), other.person()
    f.post(oa, str(uuid.uuid4()), str(uuid.uuid4()), "別の市")
    foreign = f.wait_items(ob, 1, "the other tenant's post")[0]["id"]
    out = b.read({"ids": [foreign, 999999999999]})
    ct.check_eq(out["read"], {"ids": []}, "ids b may not see are ignored")
    ct.check(ob.items()[0]["read"] is False, "the other tenant's reader: still unread")

    # the mark of a space
    out = b.read({"space_id": s1})
    ct.check_eq(set(out["read"]), {"space_id", "up_to"}, "the answer of a space mark")
    check_counts(b, {"total": 4, "urgent": 1, "spaces": {s2: 1}, "apps": {app: 1},
                     "patients": {patient: 1}}, "of b after marking space 1")
    ct.check(all(n["read"] for n in b.items(space=s1)), "space 1 read for b")
    ct.check_eq(c.unread()["spaces"], {s1: 3, s2: 1}, "c's counts per space")
    ct.log("a mark of a space: its notifications only, b's only")

    # the mark of everything
    out = b.read({"all": True})
    ct.check(out["read"]["all"] is True and out["read"]["up_to"] >= max(ids_of(items)),
             "the answer of a mark of all: %r" % out["read"])
    check_counts(b, {}, "of b after marking all")
    ct.check_eq(b.items(unread=1), [], "b's unread feed")
    ct.check_eq(c.unread()["total"], 6, "c's total after b marked all")
    f.post(author, s2, th2, "後から")
    f.wait_until(lambda: b.unread()["total"] == 1, "a later post is unread for b")
    check_counts(b, {"total": 1, "spaces": {s2: 1}}, "of b after a later post")
    ct.log("a mark of all: up to now, not what comes later")
    return b, first["id"], s1, out["read"]["up_to"]


def test_events(t, b, nid, s1, up_to):
    def mine(d):
        return d["tenant_id"] == t.id and d["user_id"] == b.id
    evs = f.wait_until(lambda: (lambda e: e if len(e) >= 4 else None)(
        f.notifications_topic("NotificationsRead", mine)), "four NotificationsRead of b")
    ct.check_eq([(e["ids"], e["space_id"], e["up_to"] is not None) for e in evs],
                [([nid], None, False), ([nid], None, False), ([], s1, True),
                 ([], None, True)], "b's NotificationsRead (ids, space, up_to)")
    ct.check_eq(evs[3]["up_to"], up_to, "the mark of all's up_to")
    keys = [m.key for m in ct.consume("carelink.notifications")
            if (ct.decode_single_object("NotificationsRead", m.value) or {}).get("user_id")
            == b.id]
    ct.check(keys and all(k == t.id.encode() for k in keys), "keyed by the tenant: %r" % keys)
    ct.log("NotificationsRead per accepted mark (none for ids b may not see)")


def test():
    t = f.Tenant()
    author = t.person()
    test_fan_out(t, author, str(uuid.uuid4()), str(uuid.uuid4()))
    t2 = f.Tenant()
    b, nid, s1, up_to = test_counts_and_marks(t2, t2.person())
    test_events(t2, b, nid, s1, up_to)


if __name__ == "__main__":
    ct.run(test, budget_s=120)

#!/usr/bin/env python3
"""Feed preferences (services/notify/FEED.md), against notify directly with
signed identities of a made-up tenant:

* a person who never saved gets the defaults;
* every refusal is 400 invalid_preferences naming the field and stores
  nothing (no event either);
* muting a space and a thread hides their posts from the feed and the
  counts, but a mention and an urgent alert in them still show;
  include_muted=1 shows everything; another person's feed is untouched;
* urgent-only mode: only urgent ones are listed and counted, all=1 lists
  the rest too;
* each PUT is a NotificationPreferencesChanged with the whole state.
"""

import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import feed_helpers as f  # noqa: E402

DEFAULTS = {"urgent_only": False, "quiet_hours": None, "mutes": []}


def kinds(items):
    return sorted(n["kind"] for n in items)


def test_refusals(b):
    ct.check_eq(b.ok("GET", "/v1/preferences"), DEFAULTS, "the defaults")
    many = [{"kind": "space", "id": "s%d" % i} for i in range(201)]
    for body, field in [
            ({"urgent_only": "yes"}, "urgent_only"),
            ({"urgent_only": 1}, "urgent_only"),
            ({"quiet_hours": "22:00-07:00"}, "quiet_hours"),
            ({"quiet_hours": {"start": "22:00"}}, "quiet_hours.end"),
            ({"quiet_hours": {"start": "24:00", "end": "07:00"}}, "quiet_hours.start"),
            ({"quiet_hours": {"start": "22:00", "end": "7:00"}}, "quiet_hours.end"),
            ({"quiet_hours": {"start": "08:00", "end": "08:00"}}, "quiet_hours"),
            ({"mutes": "s1"}, "mutes"),
            ({"mutes": many}, "mutes"),
            ({"mutes": [{"kind": "post", "id": "p"}]}, "mutes[].kind"),
            ({"mutes": [{"kind": "space", "id": ""}]}, "mutes[].id"),
            ({"mutes": [{"kind": "space", "id": "x" * 65}]}, "mutes[].id"),
            ({"mutes": [{"kind": "thread", "id": "t"}, {"kind": "thread", "id": "t"}]},
             "mutes"),
            ({"urgent_only": True, "sound": False}, "unknown key"),
            ([], "object")]:
        body_ok = dict(body, urgent_only=True) if isinstance(body, dict) and \
            "urgent_only" not in body else body
        r = b.request("PUT", "/v1/preferences", body_ok)
        f.refused(r, 400, "invalid_preferences", "PUT %r" % (body_ok,))
        msg = r.json()["error"]["message"]
        ct.check(field in msg, "the message %r names %s" % (msg, field))
    r = b.request("PUT", "/v1/preferences", body=b"{oops")
    ct.check_eq(r.status, 400, "PUT with a body that is not JSON")
    ct.check_eq(b.ok("GET", "/v1/preferences"), DEFAULTS, "nothing stored by a refusal")
    rows = f.notify_psql("SELECT count(*) FROM feed_preferences WHERE user_id = :'u'", u=b.id)
    ct.check_eq(rows[0][0], "0", "no preferences row after refusals")
    ct.log("refusals: 400 invalid_preferences naming the field, nothing stored")


def test_mutes(t, a, b, c):
    s1, s2 = str(uuid.uuid4()), str(uuid.uuid4())
    th1, th2, th3 = (str(uuid.uuid4()) for _ in range(3))
    prefs = {"urgent_only": False, "quiet_hours": {"start": "22:00", "end": "07:00"},
             "mutes": [{"kind": "space", "id": s1}, {"kind": "thread", "id": th2}]}
    ct.check_eq(b.ok("PUT", "/v1/preferences", prefs), prefs, "PUT answers what it stored")
    ct.check_eq(b.ok("GET", "/v1/preferences"), prefs, "GET after PUT")
    f.post(a, s1, th1, "ミュートした場所")
    f.post(a, s2, th2, "ミュートしたスレッド")
    f.post(a, s2, th3, "見える投稿")
    f.post(a, s1, th1, "@b ミュート中でも", mentioned=[b])
    f.post(a, s2, th2, "@b スレッドでも", mentioned=[b])
    f.alert(a, "試験 ミュート")
    every = f.wait_items(b, 6, "every notification", include_muted=1)
    ct.check_eq(kinds(every), ["alert", "mention", "mention", "post", "post", "post"],
                "include_muted=1")
    shown = b.items()
    ct.check_eq(kinds(shown), ["alert", "mention", "mention", "post"], "the feed with mutes")
    post = [n for n in shown if n["kind"] == "post"][0]
    ct.check_eq(post["thread_id"], th3, "the post that is shown")
    counts = b.unread()
    ct.check_eq((counts["total"], counts["urgent"], counts["mentions"]), (4, 1, 2),
                "counts with mutes (total, urgent, mentions)")
    ct.check_eq(counts["spaces"], {s1: 1, s2: 2}, "counts per space with mutes")
    ct.check_eq(kinds(b.items(space=s1)), ["mention"], "space=s1 with s1 muted")
    ct.check_eq(len(b.items(space=s1, include_muted=1)), 2, "space=s1&include_muted=1")
    f.wait_items(c, 6, "c's feed")
    ct.check_eq(c.unread()["total"], 6, "c muted nothing")
    ct.log("mutes: a space's and a thread's posts hidden; mentions and the alert shown")
    return prefs


def test_urgent_only(a, b, prefs):
    on = dict(prefs, urgent_only=True, mutes=[])
    b.ok("PUT", "/v1/preferences", on)
    ct.check_eq(kinds(b.items()), ["alert"], "urgent-only feed")
    ct.check_eq(len(b.items(all=1)), 6, "urgent-only feed with all=1 (nothing muted now)")
    counts = b.unread()
    ct.check_eq((counts["total"], counts["urgent"], counts["mentions"], counts["spaces"]),
                (1, 1, 0, {}), "urgent-only counts")
    off = {"urgent_only": False, "quiet_hours": None, "mutes": []}
    b.ok("PUT", "/v1/preferences", off)
    ct.check_eq(len(b.items()), 6, "urgent-only mode off")
    ct.log("urgent-only mode: listed and counted only urgent; all=1 lists the rest")
    return [prefs, on, off]


def test_events(t, b, states):
    def mine(d):
        return d["tenant_id"] == t.id and d["user_id"] == b.id
    evs = f.wait_until(lambda: (lambda e: e if len(e) >= len(states) else None)(
        f.notifications_topic("NotificationPreferencesChanged", mine)),
        "%d NotificationPreferencesChanged" % len(states))
    ct.check_eq(len(evs), len(states), "one event per PUT (none for a refusal)")
    for ev, st in zip(evs, states):
        q = st["quiet_hours"] or {}
        want = {"urgent_only": st["urgent_only"], "quiet_start": q.get("start"),
                "quiet_end": q.get("end"),
                "muted_spaces": [m["id"] for m in st["mutes"] if m["kind"] == "space"],
                "muted_threads": [m["id"] for m in st["mutes"] if m["kind"] == "thread"]}
        ct.check_eq({k: ev[k] for k in want}, want, "NotificationPreferencesChanged")
    ct.log("NotificationPreferencesChanged per PUT with the whole state")


def test():
    t = f.Tenant()
    a, b, c = t.person(), t.person(), t.person()
    test_refusals(b)
    prefs = test_mutes(t, a, b, c)
    states = test_urgent_only(a, b, prefs)
    test_events(t, b, states)


if __name__ == "__main__":
    ct.run(test, budget_s=120)

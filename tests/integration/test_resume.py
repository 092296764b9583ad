#!/usr/bin/env python3
"""A stream that reconnects with Last-Event-ID: N first gets every
notification after N, oldest first, none missing and none at or before N
repeated, then continues live."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

THREAD_TITLE = "研修・勉強会のご案内"
MISSED = 3


def notification_events(events):
    return [e for e in events if e.event == "notification"]


def test():
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    tid = ct.thread_id(ito, THREAD_TITLE)
    run = ct.unique("resume")

    # 1. a live stream receives notification N
    with ct.EventStream(ito) as stream:
        stream.wait_ready()
        first = ct.create_post(tanaka, tid, "再接続確認 0 %s" % run)["id"]
        ev = stream.wait_for(ct.is_notification_for(first), 20, "notification for post %s" % first)
        n = int(ev.id)
        ct.check_eq(ev.json().get("id"), n, "notification id versus the SSE id: field")
    ct.log("stream closed after notification %d" % n)

    # 2. three posts while nobody listens; wait until notify has made their
    # notifications, so that the reconnect below has something to replay
    missed = [ct.create_post(tanaka, tid, "再接続確認 %d %s" % (i + 1, run))["id"]
              for i in range(MISSED)]
    missed_ids = {}
    for pid in missed:
        items = ct.wait_feed_for_post(ito, n, pid)
        ct.check_eq(len(items), 1, "notifications in ito's feed for post %s" % pid)
        missed_ids[pid] = items[0]["id"]
    ct.log("missed notifications: %s" % sorted(missed_ids.values()))

    # 3. reconnect with Last-Event-ID: N
    with ct.EventStream(ito, last_event_id=n) as stream:
        stream.wait_ready()
        for pid in missed:
            stream.wait_for(ct.is_notification_for(pid), 20,
                            "replayed notification for post %s" % pid)
        replayed = notification_events(stream.seen)
        ids = [int(e.id) for e in replayed]
        ct.check(all(i > n for i in ids),
                 "notifications at or before Last-Event-ID %d were sent again: %s" % (n, ids))
        ct.check(ids == sorted(ids) and len(set(ids)) == len(ids),
                 "replayed notifications are not in increasing id order: %s" % ids)
        for e in replayed:
            ct.check_eq(e.json().get("id"), int(e.id), "notification id versus the SSE id: field")
        got = {}
        for e in replayed:
            for pid in missed:
                if ct.is_notification_for(pid)(e):
                    got.setdefault(pid, []).append(int(e.id))
        for pid in missed:
            ct.check_eq(got.get(pid), [missed_ids[pid]],
                        "stream ids of the notification for post %s" % pid)
        ct.check(not [e for e in replayed if ct.is_notification_for(first)(e)],
                 "the notification for post %s (id %d = Last-Event-ID) was repeated" % (first, n))
        # nothing between N and the missed ones may be skipped: the replay
        # must equal the feed after N, in the same order
        expected = [item["id"] for item in ct.feed_after(ito, n)]
        ct.check(ids == expected[:len(ids)],
                 "the replay %s differs from ito's feed after %d: %s" % (ids, n, expected))

        # 4. the resumed stream continues live
        live = ct.create_post(tanaka, tid, "再接続確認 live %s" % run)["id"]
        ev = stream.wait_for(ct.is_notification_for(live), 20,
                             "live notification for post %s after the reconnect" % live)
        ct.check(int(ev.id) > max(missed_ids.values()),
                 "live notification id %s is not after the replayed ones" % ev.id)
        stream.collect(1.0)
        all_ids = [int(e.id) for e in notification_events(stream.seen)]
        ct.check(len(all_ids) == len(set(all_ids)),
                 "the resumed stream sent a notification twice: %s" % all_ids)


if __name__ == "__main__":
    ct.run(test)

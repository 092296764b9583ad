#!/usr/bin/env python3
"""The retention pass (notify.retention_days, retention.c): a notification
stored longer ago than the retention is deleted with its single reads, a
newer one stays; the feed's catch-up from the deleted id answers 410
unknown_event_id, and a stream resuming from it gets `reset` with that
reason (a full re-fetch signal), then live notifications. The test system
runs the pass every 2 s (tests/system.cmake); the notification is aged in
notify's database instead of waiting 400 days."""

import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

THREAD_TITLE = "研修・勉強会のご案内"
PASS_WAIT = 20  # s for a retention pass to run (the test system's interval is 2 s)


def notify_rows(sql, **params):
    return ct.psql("notify", sql, **params)


def test():
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    tid = ct.thread_id(ito, THREAD_TITLE)
    run = ct.unique("retention")
    mark = ct.latest_feed_id(ito)

    old_post = ct.create_post(tanaka, tid, "保存期間の確認（古い） %s" % run)["id"]
    old = ct.wait_feed_for_post(ito, mark, old_post)[0]["id"]
    new_post = ct.create_post(tanaka, tid, "保存期間の確認（新しい） %s" % run)["id"]
    new = ct.wait_feed_for_post(ito, old, new_post)[0]["id"]
    r = ito.request("POST", "/api/v1/feed/read", json_body={"ids": [old]})
    ct.check_eq(r.status, 200, "marking the old notification read")
    ct.check_eq(notify_rows("SELECT count(*) FROM notification_reads"
                            " WHERE notification_id = :id;", id=old), [["1"]],
                "single reads of the old notification")

    # older than notify.retention_days (400 by default)
    notify_rows("UPDATE notifications SET created_at = now() - interval '401 days'"
                " WHERE id = :id;", id=old)
    deadline = time.monotonic() + PASS_WAIT
    while notify_rows("SELECT count(*) FROM notifications WHERE id = :id;", id=old) != [["0"]]:
        if time.monotonic() > deadline:
            ct.fail("notification %d, aged past the retention, is still stored after %d s"
                    % (old, PASS_WAIT))
        time.sleep(0.3)
    ct.check_eq(notify_rows("SELECT count(*) FROM notification_reads"
                            " WHERE notification_id = :id;", id=old), [["0"]],
                "single reads of the deleted notification")
    ct.check_eq(notify_rows("SELECT count(*) FROM notifications WHERE id = :id;", id=new),
                [["1"]], "the newer notification")
    ids = [n["id"] for n in ct.feed_after(ito, mark)]
    ct.check(old not in ids and new in ids, "the feed after the pass: %r" % ids)

    r = ito.request("GET", "/api/v1/feed?after=%d" % old)
    ct.check_eq((r.status, r.error_code()), (410, "unknown_event_id"),
                "the catch-up from the deleted id")

    with ct.EventStream(ito, last_event_id=str(old)) as stream:
        stream.wait_ready()
        ev = stream.wait_for(lambda e: e.event == "reset", 10, "a reset")
        ct.check_eq(ev.json().get("reason"), "unknown_event_id", "the reset's reason")
        live = ct.create_post(tanaka, tid, "保存期間の確認（その後） %s" % run)["id"]
        stream.wait_for(ct.is_notification_for(live), 20, "the next notification, live")


if __name__ == "__main__":
    ct.run(test)

#!/usr/bin/env python3
"""A PostCreated delivered twice (the same bytes, key and headers put on
carelink.posts again, as a producer retry or a replay would) makes exactly
one notification: notify handles each event once, by its event id."""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

THREAD_TITLE = "みなさんへの質問"


def test():
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    tid = ct.thread_id(ito, THREAD_TITLE)
    mark = ct.latest_feed_id(ito)

    text = "重複イベント確認 %s" % ct.unique("dup")
    pid = ct.create_post(tanaka, tid, text)["id"]
    ct.wait_feed_for_post(ito, mark, pid)
    orig, datum = ct.find_post_created(pid)
    ce_id = orig.header("ce_id")
    ct.check(ce_id, "the PostCreated of post %s has no ce_id header: %r" % (pid, orig.headers))
    ct.check_eq(ce_id, datum["event_id"], "ce_id versus the datum's event_id")
    ct.log("original event %s at carelink.posts[%d]@%d" % (ce_id, orig.partition, orig.offset))

    with ct.EventStream(ito) as stream:
        stream.wait_ready()

        # the replay: same partition, key, value and headers
        ct.produce("carelink.posts", orig.key, orig.value, orig.headers, partition=orig.partition)
        copies = [m for m in ct.consume("carelink.posts", partition=orig.partition,
                                        offset=orig.offset)
                  if m.header("ce_id") == ce_id]
        ct.check(len(copies) == 2,
                 "expected the original and the replayed message with ce_id %s on partition %d, "
                 "found %d" % (ce_id, orig.partition, len(copies)))
        replay = copies[1]
        ct.check_eq(replay.value, orig.value, "replayed value")
        ct.check_eq(replay.key, orig.key, "replayed key")
        ct.check_eq(replay.headers, orig.headers, "replayed headers")
        ct.log("replayed at carelink.posts[%d]@%d" % (replay.partition, replay.offset))

        # a barrier: a later post on the same space (key, so partition) is
        # handled after the replay; once its notification is out, so is any
        # the replay could have made
        barrier_text = "重複イベント確認の後続 %s" % ct.unique("dup-barrier")
        barrier = ct.create_post(tanaka, tid, barrier_text)["id"]
        bm, _ = ct.find_post_created(barrier)
        ct.check_eq(bm.partition, orig.partition, "partition of the barrier post's event")
        ct.check(bm.offset > replay.offset, "the barrier event is not after the replay")
        stream.wait_for(ct.is_notification_for(barrier), 20,
                        "notification for the barrier post %s" % barrier)
        # notifications travel on other partitions of carelink.notifications:
        # allow a stray one a little longer to arrive
        stream.collect(2.0)
        dup_events = [e for e in stream.seen if ct.is_notification_for(pid)(e)]
        ct.check(not dup_events,
                 "the stream opened before the replay received %d notification(s) for post %s: %r"
                 % (len(dup_events), pid, dup_events))

    items = ct.post_notifications(ct.feed_after(ito, mark), pid)
    ct.check(len(items) == 1,
             "ito's feed holds %d notifications for post %s after the replay (expected 1): %r"
             % (len(items), pid, items))

    # the replay was handled, not dead-lettered
    dead = [m for m in ct.consume("carelink.deadletter")
            if m.header("dlq_topic") == "carelink.posts"
            and m.header("dlq_partition") == str(replay.partition)
            and m.header("dlq_offset") == str(replay.offset)]
    ct.check(not dead, "the replayed event was dead-lettered: %r" % dead)


if __name__ == "__main__":
    ct.run(test)

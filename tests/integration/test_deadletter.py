#!/usr/bin/env python3
"""A message notify cannot decode goes to carelink.deadletter, with the
reason and its origin in headers and the original key and value, and the
partition moves on: a valid post after it is still delivered."""

import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

THREAD_TITLE = "雑談・その他"


def bad_messages(run):
    """(label, value) of messages that are not PostCreated events."""
    good_fp = ct.schema_fingerprint_bytes("PostCreated")
    unknown_fp = bytes.fromhex("0123456789abcdef")
    if unknown_fp == good_fp:
        unknown_fp = bytes.fromhex("fedcba9876543210")
    return [
        ("not avro", b"hello, not avro " + run.encode()),
        ("unknown fingerprint", b"\xc3\x01" + unknown_fp + b"\x00" + run.encode()),
        ("right fingerprint, truncated datum", b"\xc3\x01" + good_fp + b"\x48" + run.encode()[:10]),
    ]


def find_dead(value, deadline):
    while True:
        for m in ct.consume("carelink.deadletter"):
            if m.value == value:
                return m
        if time.monotonic() > deadline:
            return None
        time.sleep(0.3)


def test():
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    space_id = ct.demo_space()["id"]
    tid = ct.thread_id(ito, THREAD_TITLE)
    run = ct.unique("dlq")

    # a valid post first: its event shows the partition the space's key
    # goes to, so the bad messages go to the same one (and could block it)
    before = ct.create_post(tanaka, tid, "デッドレター確認 前 %s" % run)["id"]
    bm, _ = ct.find_post_created(before)
    partition = bm.partition
    ct.check_eq(bm.key, space_id.encode(), "key of a PostCreated")

    cases = bad_messages(run)
    for label, value in cases:
        ct.produce("carelink.posts", space_id, value, partition=partition)
    placed = {}
    for m in ct.consume("carelink.posts", partition=partition, offset=bm.offset):
        for label, value in cases:
            if m.value == value:
                placed[label] = m
    for label, _ in cases:
        ct.check(label in placed, "the %s message did not land on carelink.posts[%d]"
                 % (label, partition))

    deadline = time.monotonic() + 20
    for label, value in cases:
        orig = placed[label]
        dead = find_dead(value, deadline)
        ct.check(dead is not None, "the %s message (carelink.posts[%d]@%d) did not reach "
                 "carelink.deadletter within 20 s" % (label, orig.partition, orig.offset))
        what = "dead letter of the %s message" % label
        ct.check_eq(dead.header("dlq_topic"), "carelink.posts", what + ": dlq_topic")
        ct.check_eq(dead.header("dlq_partition"), str(orig.partition), what + ": dlq_partition")
        ct.check_eq(dead.header("dlq_offset"), str(orig.offset), what + ": dlq_offset")
        reason = dead.header("dlq_reason") or ""
        ct.check("avro" in reason.lower(),
                 "%s: dlq_reason %r does not mention avro" % (what, reason))
        ct.check_eq(dead.key, space_id.encode(), what + ": key")
        ct.check_eq(dead.value, value, what + ": value")
        ct.log("%s -> %s[%d]@%d: %s" % (label, dead.topic, dead.partition, dead.offset, reason))

    # the partition moved on: a valid post after the bad ones is delivered
    mark = ct.latest_feed_id(ito)
    after = ct.create_post(tanaka, tid, "デッドレター確認 後 %s" % run)["id"]
    am, _ = ct.find_post_created(after)
    ct.check_eq(am.partition, partition, "partition of the later post's event")
    ct.wait_feed_for_post(ito, mark, after)


if __name__ == "__main__":
    ct.run(test)

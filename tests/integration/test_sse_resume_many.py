#!/usr/bin/env python3
"""Resuming many streams mid-flow (issue 8, done when): 100 people of a
tenant of their own each keep one live stream; a tenant admin writes 30
posts into a space they all read, spaced over a few seconds; meanwhile
every stream is killed (its socket dropped) at a random moment at least
once, some twice, and reconnected with Last-Event-ID = the last id that
connection had received. At the end every person has received every
post's notification exactly once, in increasing id order across their
connections, and every connection's seq counted 1, 2, 3... after ready 0.

Also: resuming from an id that does not exist gives `reset` with reason
`unknown_event_id` (seq 1), and live notifications still follow (seq 2).

People, sessions and the asyncio SSE client as in test_sse_fanout.py."""

import asyncio
import os
import random
import sys
import time
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import test_sse_fanout as fan  # noqa: E402

PEOPLE = 100
POSTS = 30
POST_GAP = 0.2        # s between posts
KILL_WINDOW = (0.3, 6.0)  # s after the first post: when streams are killed
SECOND_KILL = 0.3     # share of the streams killed a second time
DELIVERY_TIMEOUT = 40


class Person:
    """One person's connections, one after the other; what they received
    (notification ids in arrival order, over every connection)."""

    def __init__(self, host, port, token):
        self.host, self.port, self.token = host, port, token
        self.got = []
        self.last = None
        self.connections = []
        self.stream = None

    def on_event(self, stream, ev_id, event, data):
        if stream is not self.stream:
            return  # a killed connection's leftovers were never delivered
        if event == "notification":
            self.got.append(int(ev_id))
            self.last = int(ev_id)

    async def connect(self, deadline):
        s = fan.SseStream(self.host, self.port, self.token, last_event_id=self.last,
                          on_event=self.on_event)
        self.stream = s
        self.connections.append(s)
        await fan.open_stream(s, deadline)

    async def kill_and_resume(self, delay, deadline):
        await asyncio.sleep(delay)
        self.stream.kill()
        self.stream = None
        await asyncio.sleep(random.uniform(0, 0.3))
        await self.connect(deadline)


def post_all(admin, thread, run):
    ids = []
    for i in range(POSTS):
        ids.append(fan.post(admin, thread, "再接続 %d %s" % (i, run)))
        time.sleep(POST_GAP)
    return ids


def feed_id_of(session, post_id):
    doc = fan.expect(session.request("GET", "/api/v1/feed?limit=50"), 200, "GET /feed")
    for n in doc["notifications"]:
        if post_id in (n.get("link") or ""):
            return n["id"]
    return None


def wait_feed_id(session, post_id, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        nid = feed_id_of(session, post_id)
        if nid:
            return nid
        time.sleep(0.1)
    ct.fail("the post %s did not reach the feed within %d s" % (post_id, timeout))


def test():
    fan.raise_fd_limit()
    run = uuid.uuid4().hex[:12]
    clock = fan.Timer()
    t = fan.make_tenant(run, members=PEOPLE + 1, connected=PEOPLE)
    try:
        asyncio.run(resume_many(t, clock))
    finally:
        fan.drop_sessions(run)


async def resume_many(t, clock):
    loop = asyncio.get_running_loop()
    admin = t["admin_session"]
    space, thread = await loop.run_in_executor(None, fan.create_space_thread, admin, t["run"])
    # a first post, so that every stream starts from a known id
    first = await loop.run_in_executor(None, fan.post, admin, thread, "開始 " + t["run"])
    start = await loop.run_in_executor(None, wait_feed_id, t["offline"], first)
    main = urllib.parse.urlsplit(ct.base_url())
    people = [Person(main.hostname, main.port, token) for token in t["tokens"]]
    for p in people:
        p.last = start
    deadline = time.monotonic() + 60
    await asyncio.gather(*(p.connect(deadline) for p in people))
    clock.phase("%d streams open from notification %d" % (len(people), start))

    posting = loop.run_in_executor(None, post_all, admin, thread, t["run"])
    kills = []
    for p in people:
        kills.append(random.uniform(*KILL_WINDOW))
        if random.random() < SECOND_KILL:
            kills[-1] = (kills[-1], random.uniform(*KILL_WINDOW))

    async def killer(p, when):
        if isinstance(when, tuple):
            a, b = sorted(when)
            await p.kill_and_resume(a, deadline + 60)
            await p.kill_and_resume(max(0.0, b - a), deadline + 60)
        else:
            await p.kill_and_resume(when, deadline + 60)

    await asyncio.gather(*(killer(p, w) for p, w in zip(people, kills)))
    post_ids = await posting
    clock.phase("%d posts written, %d reconnections" % (
        len(post_ids), sum(len(p.connections) - 1 for p in people)))

    # the notification id of each post, from the feed of the person without
    # a stream (a post to the whole tenant is one notification for all)
    expected = []
    for pid in post_ids:
        expected.append(await loop.run_in_executor(None, wait_feed_id, t["offline"], pid))
    ct.check(expected == sorted(expected), "the posts' notification ids are not increasing: %s"
             % expected)
    wanted = set(expected)

    end = time.monotonic() + DELIVERY_TIMEOUT
    while time.monotonic() < end:
        if all(wanted <= set(p.got) for p in people):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.5)  # duplicates would show by now
    clock.phase("every person caught up")
    try:
        for n, p in enumerate(people):
            mine = [i for i in p.got if i in wanted]
            lost = sorted(wanted - set(p.got))
            ct.check(not lost, "person %d lost notifications %s (received %s over %d connections)"
                     % (n + 1, lost, p.got, len(p.connections)))
            ct.check_eq(mine, expected, "person %d: the posts' notifications received, in order"
                        % (n + 1))
            ct.check(p.got == sorted(set(p.got)),
                     "person %d received notifications out of order or twice: %s" % (n + 1, p.got))
            ct.check(len(p.connections) >= 2, "person %d was never reconnected" % (n + 1))
            for c in p.connections:
                ct.check_eq(c.events[0][1:], ("ready", {"seq": 0, "resumed": True}),
                            "the first event of a resumed connection")
                fan.check_seq(c)
                ct.check(not [e for e in c.events if e[1] == "reset"],
                         "a connection resuming from a real id got a reset: %r" % c.events[:5])
    finally:
        await fan.close_streams([c for p in people for c in p.connections])

    # resuming from an id that does not exist: reset, then live
    bogus = fan.SseStream(main.hostname, main.port, t["tokens"][0], last_event_id=9000000000000)
    try:
        await fan.open_stream(bogus, time.monotonic() + 20)
        end = time.monotonic() + 10
        while len(bogus.events) < 2 and time.monotonic() < end:
            await asyncio.sleep(0.05)
        ct.check_eq([e[1:] for e in bogus.events[:2]],
                    [("ready", {"seq": 0, "resumed": True}),
                     ("reset", {"seq": 1, "reason": "unknown_event_id"})],
                    "the first events after Last-Event-ID of no notification")
        live = await loop.run_in_executor(None, fan.post, admin, thread, "その後 " + t["run"])
        end = time.monotonic() + 20
        got = []
        while not got and time.monotonic() < end:
            got = [(d["seq"], d["link"]) for _, d in bogus.notifications() if live in d["link"]]
            await asyncio.sleep(0.05)
        ct.check(got, "no live notification after the reset: %r" % bogus.events)
        ct.check_eq(got[0][0], 2, "seq of the first live notification after the reset")
        fan.check_seq(bogus)
    finally:
        await fan.close_streams([bogus])
    clock.phase("reset on an unknown id, then live")


if __name__ == "__main__":
    ct.run(test, budget_s=180)

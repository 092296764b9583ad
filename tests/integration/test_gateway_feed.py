#!/usr/bin/env python3
"""The gateway's part of the feed (services/notify/FEED.md,
services/gateway/API.md): the feed's routes forwarded to notify with the
gateway's own refusals (401, 403 csrf, 403 insufficient_scope, 415, the
feed's bad query values) and notify's answers passed through; the live
stream's heartbeat events with the counter (a second gateway with
gateway.heartbeat_s = 1); preferences applied live: a muted space's posts
are not pushed but a mention there is, a muted thread, urgent-only mode,
quiet hours covering now push `"silent": true`; marking read in one tab is
a `read` event in the others; without notify, a resume gets `reset`
`unavailable`. (The mention is of the person's
organisation: records knows the people of a tenant made in the database
only by their organisation, which a gateway announces when it starts.)

Whether a person did NOT get something is judged against a second person
without preferences on the same gateway: one notification is queued to all
its streams at once, so once the other person has it, so would they."""

import datetime
import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import people_helpers as ph  # noqa: E402
import test_sse_fanout as fan  # noqa: E402

API = "/api/v1"
DEFAULTS = {"urgent_only": False, "quiet_hours": None, "mutes": []}


def person(t, g):
    s = ct.Session()
    s.cookie = t["tokens"][g - 1]
    s.csrf = "csrf-%s-%d" % (t["run"], g)
    return s


def expect(r, status, what, code=None):
    if r.status != status or (code is not None and r.error_code() != code):
        ct.fail("%s: expected %d%s, got %s" % (what, status, " " + code if code else "",
                                               r.describe()))
    ctype = r.headers.get("Content-Type", "") or ""
    return r.json() if r.body and ctype.startswith("application/json") else None


# --------------------------------------------------------------------------
# forwarding


def check_forwarding(p, admin):
    anon = ct.Session()
    for method, path in (("GET", "/feed"), ("GET", "/feed/unread"), ("GET", "/preferences"),
                         ("POST", "/feed/read"), ("PUT", "/preferences")):
        expect(anon.request(method, API + path, json_body={} if method != "GET" else None),
               401, "%s %s without a session" % (method, path), "unauthenticated")

    bad = [("limit=0", "invalid_limit"), ("limit=501", "invalid_limit"),
           ("limit=x", "invalid_limit"), ("before=abc", "invalid_before"),
           ("before=0", "invalid_before"), ("after=-1", "invalid_after"),
           ("urgent=true", "invalid_filter"), ("mentions=0", "invalid_filter"),
           ("unread=", "invalid_filter"), ("space=", "invalid_filter"),
           ("app=a%2Fb", "invalid_filter"), ("patient=" + "a" * 65, "invalid_filter")]
    for query, code in bad:
        expect(p.request("GET", API + "/feed?" + query), 400, "GET /feed?" + query, code)
    some = str(uuid.uuid4())
    doc = expect(p.request("GET", API + "/feed?urgent=1&mentions=1&unread=1&include_muted=1&all=1"
                           "&space=%s&app=%s&patient=%s&limit=5&before=1000000&other=x"
                           % (some, some, some)), 200, "GET /feed with every filter")
    ct.check_eq(doc, {"notifications": [], "next_before": None}, "the feed of nothing")
    expect(p.request("GET", API + "/feed?after=9000000000000"), 410,
           "GET /feed?after= an id that is no notification (notify's answer)", "unknown_event_id")
    doc = expect(p.request("GET", API + "/feed/unread"), 200, "GET /feed/unread")
    ct.check(isinstance(doc.get("total"), int) and isinstance(doc.get("capped"), bool),
             "GET /feed/unread: %r" % doc)

    expect(p.request("POST", API + "/feed/read", json_body={"all": True}, csrf=False), 403,
           "POST /feed/read without X-CSRF-Token", "csrf")
    expect(p.request("POST", API + "/feed/read", body=b'{"all":true}',
                     headers={"Content-Type": "text/plain"}), 415,
           "POST /feed/read as text/plain", "unsupported_media_type")
    expect(p.request("POST", API + "/feed/read", json_body={}), 400,
           "POST /feed/read {} (notify's answer)", "invalid_read")
    doc = expect(p.request("POST", API + "/feed/read", json_body={"all": True}), 200,
                 "POST /feed/read {all}")
    ct.check(doc["read"].get("all") is True and "unread" in doc, "POST /feed/read: %r" % doc)

    ct.check_eq(expect(p.request("GET", API + "/preferences"), 200, "GET /preferences"),
                DEFAULTS, "the preferences of a person who never saved")
    expect(p.request("PUT", API + "/preferences", json_body=DEFAULTS, csrf=False), 403,
           "PUT /preferences without X-CSRF-Token", "csrf")
    expect(p.request("PUT", API + "/preferences",
                     json_body=dict(DEFAULTS, urgent_only="yes")), 400,
           "PUT /preferences urgent_only \"yes\" (notify's answer)", "invalid_preferences")
    ct.check_eq(expect(p.request("GET", API + "/preferences"), 200, "GET /preferences"),
                DEFAULTS, "the preferences after a refused PUT")

    _, reader = ph.create_token(admin, "feed " + uuid.uuid4().hex[:8], ["feed:read"])
    _, writer = ph.create_token(admin, "posts " + uuid.uuid4().hex[:8], ["posts:write"])
    for path in ("/feed?limit=3", "/feed/unread", "/preferences"):
        expect(ph.bearer("GET", API + path, reader), 200, "GET %s with a feed:read token" % path)
        expect(ph.bearer("GET", API + path, writer), 403,
               "GET %s with a posts:write token" % path, "insufficient_scope")
    expect(ph.bearer("POST", API + "/feed/read", reader, json_body={"all": True}), 401,
           "POST /feed/read with a token (sessions only)", "unauthenticated")
    expect(ph.bearer("PUT", API + "/preferences", reader, json_body=DEFAULTS), 401,
           "PUT /preferences with a token (sessions only)", "unauthenticated")
    ct.log("forwarding: refusals, notify's answers and token scopes as documented")


# --------------------------------------------------------------------------
# the live stream


def events_of(stream):
    return [(e.id, e.event, e.json()) for e in stream.seen]


def about(post_id):
    return lambda e: e.event == "notification" and post_id in (e.json().get("link") or "")


def put_prefs(p, prefs):
    doc = expect(p.request("PUT", API + "/preferences", json_body=prefs), 200, "PUT /preferences")
    ct.check_eq(doc, prefs, "the preferences as stored")


def quiet_now():
    """A quiet-hours range of Asia/Tokyo around now."""
    now = datetime.datetime.utcnow() + datetime.timedelta(hours=9)
    start = now - datetime.timedelta(hours=1)
    end = now + datetime.timedelta(hours=1)
    return {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}


class Live:
    """p's stream and q's (no preferences, the witness)."""

    def __init__(self, p, q, admin, sp, sq):
        self.p, self.q, self.admin, self.sp, self.sq = p, q, admin, sp, sq

    def post(self, thread, text, org_mention=None):
        body = {"body": text}
        if org_mention:
            body["mentions"] = {"organisations": [org_mention]}
        deadline = time.monotonic() + 20
        while True:
            r = self.admin.request("POST", API + "/threads/%s/posts" % thread, json_body=body)
            # records learns of the tenant's organisation from the gateway's
            # announcement (check_heartbeat's replica made it at its start)
            if r.status == 400 and r.error_code() == "unknown_mention" and \
                    time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            break
        doc = expect(r, 201, "POST a post")
        pid = doc["post"]["id"]
        self.sq.wait_for(about(pid), 20, "the witness's notification for post %s" % pid)
        # p's stream reads past everything queued with it
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            self.sp.next(deadline)
        return pid, [e for e in self.sp.seen if about(pid)(e)]


def check_live(t, p, q, admin):
    space_a, thread_a = fan.create_space_thread(admin, "A " + t["run"])
    _, thread_b = fan.create_space_thread(admin, "B " + t["run"])
    with ct.EventStream(p) as sp, ct.EventStream(q) as sq:
        sp.wait_ready()
        sq.wait_ready()
        live = Live(p, q, admin, sp, sq)

        _, got = live.post(thread_a, "基準")
        ct.check_eq(len(got), 1, "notifications of a post in a space nobody muted")
        item = got[0].json()
        ct.check("silent" not in item, "silent outside quiet hours: %r" % got[0].data)
        item.pop("seq", None)
        feed = expect(p.request("GET", API + "/feed?after=%d&limit=1" % (item["id"] - 1)), 200,
                      "GET /feed?after=")["notifications"]
        ct.check_eq(feed[:1], [item], "the feed's item versus the live one (less its seq)")

        put_prefs(p, dict(DEFAULTS, mutes=[{"kind": "space", "id": space_a}]))
        _, got = live.post(thread_a, "ミュート中")
        ct.check_eq(got, [], "notifications pushed of a post in a muted space")
        _, got = live.post(thread_a, "ミュート中でも言及", org_mention=t["org"])
        ct.check_eq([e.json()["kind"] for e in got], ["mention"],
                    "kinds pushed of a post in a muted space that mentions the person's "
                    "organisation")
        _, got = live.post(thread_b, "他のスペース")
        ct.check_eq(len(got), 1, "notifications of a post in a space not muted")

        put_prefs(p, dict(DEFAULTS, mutes=[{"kind": "thread", "id": thread_b}]))
        _, got = live.post(thread_b, "スレッドをミュート")
        ct.check_eq(got, [], "notifications pushed of a post in a muted thread")
        _, got = live.post(thread_a, "ミュート解除")
        ct.check_eq(len(got), 1, "notifications of a post in a space no longer muted")

        put_prefs(p, dict(DEFAULTS, urgent_only=True))
        _, got = live.post(thread_b, "緊急のみ")
        ct.check_eq(got, [], "non-urgent notifications pushed in urgent-only mode")

        put_prefs(p, dict(DEFAULTS, quiet_hours=quiet_now()))
        pid, got = live.post(thread_b, "静かな時間")
        ct.check_eq(len(got), 1, "notifications of a post in quiet hours")
        ct.check_eq(got[0].json().get("silent"), True, "silent in quiet hours")
        witness = [e for e in sq.seen if about(pid)(e)][0].json()
        ct.check("silent" not in witness, "silent for a person without quiet hours: %r" % witness)

        put_prefs(p, DEFAULTS)
        _, got = live.post(thread_b, "元に戻す")
        ct.check_eq(len(got), 1, "notifications after the preferences were reset")
        ct.check("silent" not in got[0].json(), "silent after quiet hours were removed")

        nid = got[0].json()["id"]
        expect(p.request("POST", API + "/feed/read", json_body={"ids": [nid]}), 200,
               "POST /feed/read {ids}")
        ev = sp.wait_for(lambda e: e.event == "read", 20, "the read event of the marked id")
        doc = ev.json()
        ct.check_eq((doc.get("ids"), doc.get("space_id"), doc.get("up_to")), ([nid], None, None),
                    "the read event's ids, space_id, up_to")
        for s in (sp, sq):
            fan.check_seq(fan_view(s))
    ct.log("live: mutes, mentions through a mute, urgent-only, quiet hours silent, read events")


class fan_view:
    """A ct.EventStream's events as test_sse_fanout.check_seq reads them."""

    def __init__(self, stream):
        self.events = events_of(stream)


def check_heartbeat(t, p, admin):
    from platform_helpers import ExtraGateway
    _, thread = fan.create_space_thread(admin, "H " + t["run"])
    with ExtraGateway({"gateway.heartbeat_s": "1"}) as replica:
        fan.wait_ready(replica.url())
        pr = ct.Session(replica.url())
        pr.cookie, pr.csrf = p.cookie, p.csrf
        with ct.EventStream(pr) as s:
            s.wait_ready()
            for _ in range(2):
                s.wait_for(lambda e: e.event == "heartbeat", 5, "a heartbeat")
            fan.check_seq(fan_view(s))  # each repeats the last seq (0 unless the
            # notification of the space just made came first)
            ct.check_eq(s.comments, 0, "comment lines in the stream")
            ct.check(s.heartbeats >= 2, "heartbeat events counted: %d" % s.heartbeats)
            doc = expect(admin.request("POST", API + "/threads/%s/posts" % thread,
                                       json_body={"body": "鼓動"}), 201, "POST a post")
            ev = s.wait_for(about(doc["post"]["id"]), 20, "the post's notification")
            seq = ev.json()["seq"]
            ct.check(seq >= 1, "seq of the first notification: %r" % seq)
            beat = s.wait_for(lambda e: e.event == "heartbeat", 5, "a heartbeat after it")
            ct.check_eq(beat.json(), {"seq": seq}, "the heartbeat after seq %d" % seq)
            fan.check_seq(fan_view(s))
    ct.log("heartbeat events every gateway.heartbeat_s with the last seq")


def check_unavailable(p):
    """A replica whose notify does not answer: the stream still opens (the
    default preferences), a resume gets `reset` `unavailable`, the feed's
    routes 503."""
    from platform_helpers import ExtraGateway, free_port
    with ExtraGateway({"notify.url": "http://127.0.0.1:%d" % free_port()}) as replica:
        fan.wait_ready(replica.url())
        pr = ct.Session(replica.url())
        pr.cookie, pr.csrf = p.cookie, p.csrf
        with ct.EventStream(pr, last_event_id=1) as s:
            ct.check_eq(s.wait_ready().json(), {"seq": 0, "resumed": True}, "ready")
            ev = s.wait_for(lambda e: e.event != "heartbeat", 10, "the reset")
            ct.check_eq((ev.event, ev.json()), ("reset", {"seq": 1, "reason": "unavailable"}),
                        "the event after ready when notify does not answer")
        for path in ("/feed", "/feed/unread", "/preferences"):
            expect(pr.request("GET", API + path), 503, "GET %s without notify" % path,
                   "unavailable")
        log = replica.log_text()
        ct.check("stream preferences unavailable" in log,
                 "the replica did not log the preferences it could not read")
    ct.log("notify unreachable: reset unavailable, defaults logged, 503")


def test():
    run = uuid.uuid4().hex[:12]
    t = fan.make_tenant(run, members=3, connected=2)
    p, q = person(t, 1), person(t, 2)
    admin = t["admin_session"]
    try:
        check_forwarding(p, admin)
        check_heartbeat(t, p, admin)
        check_live(t, p, q, admin)
        check_unavailable(p)
    finally:
        p.request("PUT", API + "/preferences", json_body=DEFAULTS)
        fan.drop_sessions(run)


if __name__ == "__main__":
    ct.run(test, budget_s=180)

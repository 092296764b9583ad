#!/usr/bin/env python3
"""Escalation of urgent alerts (services/notify/ALERTS.md "Escalation"),
with a short timeout: levels are at least a minute, so the test moves an
alert's raised_at back in notify's database instead of waiting, and the
test system runs the escalation pass every few seconds
(CARELINK_NOTIFY_ALERT__ESCALATION__INTERVAL__S, tests/system.cmake).

* Nobody acknowledges: the level rises one step per level whose minutes
  have passed, the timeline says so, the newly reached audience can read
  the alert, finds it pending and gets the urgent notification; people
  beyond the levels reached still cannot see it.
* One acknowledgement stops further escalation, however late it gets.

Both run side by side, so they share the passes; instead of sleeping out
an interval, a check that needs a pass to have run waits for an alert
known to be due to escalate (the pass takes every due alert, one per
transaction, until none is left).
"""

import json
import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import alerts_stream_helpers as sh  # noqa: E402

PASS_S = int(os.environ.get("CARELINK_NOTIFY_ALERT__ESCALATION__INTERVAL__S", "10"))
WAIT_S = 3 * PASS_S + 8
ESCALATED_NOTE = "応答がないため通知範囲を広げました"

TENANT = "t-escalation-" + uuid.uuid4().hex[:8]
CITY = "org-city-" + uuid.uuid4().hex[:6]
FIRE = "org-fire-" + uuid.uuid4().hex[:6]
CLINIC = "org-clinic-" + uuid.uuid4().hex[:6]


def person(label, org, profession):
    return {"u": "u-%s-%s" % (label, uuid.uuid4().hex[:6]), "o": org, "p": profession,
            "r": [], "t": TENANT, "n": "%s さん" % label, "on": org,
            "exp": int(time.time()) + 600}


RAISER = person("raiser", CITY, "city_official")
FIRE1 = person("fire1", FIRE, "firefighter")
NURSE = person("nurse", CLINIC, "nurse")          # level 1: nurses
WORKER = person("worker", CLINIC, "care_worker")  # level 2: the whole tenant


def notify_url():
    return "http://127.0.0.1:%d" % ct.service_port("notify")


def call(who, method, path, body=None):
    headers = {"X-Carelink-Identity": ct.sign_identity(who)}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
    return ct.http_request(notify_url(), method, path, data, headers)


def expect(r, status, what, code=None):
    if r.status != status:
        ct.fail("%s: expected %d, got %s" % (what, status, r.describe()))
    if code is not None:
        ct.check_eq(r.error_code(), code, "error code of %s" % what)
    return r.json() if r.body else None


def psql(sql):
    """sql in notify's database; its output (alerts_stream_helpers)."""
    return sh.notify_psql(sql)


def age(alert_id, minutes):
    """the alert raised minutes earlier than it was"""
    psql("UPDATE alerts SET raised_at = raised_at - interval '%d minutes'"
         " WHERE id = %d" % (minutes, int(alert_id)))


def raise_alert():
    body = {"kind": "missing_person", "severity": "severe",
            "title": "行方不明 " + uuid.uuid4().hex[:6], "description": "80代女性",
            "area": {"districts": ["南地区"]},
            "audience": {"organisations": [FIRE]}, "requires_ack": True,
            "escalation": [{"after_minutes": 1, "audience": {"professions": ["nurse"]}},
                           {"after_minutes": 5, "audience": {"everyone": True}}]}
    return expect(call(RAISER, "POST", "/v1/alerts", body), 201, "raise")["alert"]


def get(who, aid):
    return expect(call(who, "GET", "/v1/alerts/" + aid), 200, "read")["alert"]


def wait_level(aid, level):
    deadline = time.time() + WAIT_S
    while time.time() < deadline:
        a = get(RAISER, aid)
        if a["escalation_level"] >= level:
            return a
        time.sleep(0.5)
    ct.fail("alert %s did not reach level %d within %d s (escalation pass every %d s;"
            " is notify started with CARELINK_NOTIFY_ALERT__ESCALATION__INTERVAL__S?)"
            % (aid, level, WAIT_S, PASS_S))


def pending(who):
    items = expect(call(who, "GET", "/v1/alerts?pending=1"), 200, "pending")["alerts"]
    return [a["id"] for a in items]


def feed_titles(who, aid):
    items = expect(call(who, "GET", "/v1/feed?limit=200"), 200, "feed")["notifications"]
    return [n["title"] for n in items
            if n.get("kind") == "alert" and n.get("link") == "#/alerts/%s" % aid]


def escalation_scenarios():
    """Both scenarios share the escalation passes: A (nobody acknowledges),
    C (acknowledged at once) and B (acknowledged after one escalation) are
    raised together, and each check waits for a pass that is known to have
    run (an alert seen escalating) instead of sleeping out the interval."""
    a = raise_alert()
    aid = a["id"]
    expect(call(NURSE, "GET", "/v1/alerts/" + aid), 404, "nurse before escalation",
           "alert_not_found")
    ct.check(aid not in pending(NURSE), "not pending for the nurse yet")
    ct.check_eq(feed_titles(NURSE, aid), [], "no notification for the nurse yet")

    # one acknowledgement stops it: C acknowledged at once, B by the first
    # level's audience after one escalation
    c = raise_alert()
    cid = c["id"]
    expect(call(FIRE1, "POST", "/v1/alerts/%s/ack" % cid), 200, "fire1 acknowledges")
    age(cid, 30)
    b = raise_alert()
    bid = b["id"]
    age(bid, 2)
    wait_level(bid, 1)
    # the pass that escalated B came after A was raised: A is not yet due
    ct.check_eq(get(RAISER, aid)["escalation_level"], 0, "level before a minute passed")
    expect(call(NURSE, "POST", "/v1/alerts/%s/ack" % bid), 200, "the nurse acknowledges")
    age(bid, 30)

    # nobody acknowledges A: one level per level whose minutes have passed
    age(aid, 2)
    a = wait_level(aid, 1)
    ct.check_eq(a["escalation_level"], 1, "one level reached (the next is due at 5 min)")
    ct.check_eq(a["version"], 2, "escalation counts as a change")
    last = a["timeline"][-1]
    ct.check_eq(last["action"], "escalated", "timeline: escalated")
    ct.check_eq(last["note"], ESCALATED_NOTE, "escalation note")
    ct.check_eq(last["by"], None, "escalated by the system")
    ct.check_eq(get(NURSE, aid)["id"], aid, "the nurse now reads it")
    ct.check(aid in pending(NURSE), "pending for the nurse")
    titles = feed_titles(NURSE, aid)
    ct.check(len(titles) == 1 and "通知範囲拡大" in titles[0],
             "the nurse got the escalation notification: %r" % titles)
    expect(call(WORKER, "GET", "/v1/alerts/" + aid), 404, "care worker before level 2",
           "alert_not_found")

    age(aid, 10)
    a = wait_level(aid, 2)
    ct.check_eq(a["escalation_level"], 2, "the whole tenant reached")
    ct.check_eq([t["action"] for t in a["timeline"]].count("escalated"), 2,
                "two escalations in the timeline")
    ct.check_eq(get(WORKER, aid)["id"], aid, "the care worker now reads it")
    ct.check(aid in pending(WORKER), "pending for the care worker")
    ct.check(len(feed_titles(WORKER, aid)) == 1, "the care worker got one notification")

    # one more pass after A reached the last level (seen through a probe
    # alert escalating); B and C, acknowledged, have been due for every
    # pass since A's first escalation
    probe = raise_alert()
    age(probe["id"], 2)
    wait_level(probe["id"], 1)
    ct.check_eq(get(RAISER, aid)["escalation_level"], 2, "no level beyond the last")
    expect(call(RAISER, "POST", "/v1/alerts/%s/cancel" % aid), 200, "cancel")

    c = get(RAISER, cid)
    ct.check_eq(c["escalation_level"], 0, "no escalation after an acknowledgement")
    ct.check("escalated" not in [t["action"] for t in c["timeline"]], "no escalation entry")
    expect(call(NURSE, "GET", "/v1/alerts/" + cid), 404, "the nurse still cannot see it",
           "alert_not_found")
    ct.check_eq(get(RAISER, bid)["escalation_level"], 1, "stopped at the level reached")
    expect(call(WORKER, "GET", "/v1/alerts/" + bid), 404, "the care worker never reached",
           "alert_not_found")
    for x in (cid, bid, probe["id"]):
        expect(call(RAISER, "POST", "/v1/alerts/%s/resolve" % x), 200, "resolve")


def main():
    escalation_scenarios()
    print("ok: alert escalation")


if __name__ == "__main__":
    ct.run(main, budget_s=60 + 12 * WAIT_S)

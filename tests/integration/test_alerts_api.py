#!/usr/bin/env python3
"""Urgent alerts, asked of notify directly with signed identities
(services/notify/ALERTS.md): raise, read, update, acknowledge, resolve and
cancel with every refusal; who sees what (the effective audience, the
raiser, tenant admins and the alert managers of the raiser's organisation;
404 for everyone else); the pending list; the urgent
notifications in the audience's feed; a refused request changes nothing.

The people are made up for a tenant of this run alone (notify trusts the
signed identity and keeps no list of people), so the run sees only its own
alerts.
"""

import json
import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

TENANT = "t-alerts-" + uuid.uuid4().hex[:8]
CITY = "org-city-" + uuid.uuid4().hex[:6]
FIRE = "org-fire-" + uuid.uuid4().hex[:6]
POLICE = "org-police-" + uuid.uuid4().hex[:6]
CLINIC = "org-clinic-" + uuid.uuid4().hex[:6]


def person(label, org, profession, roles=()):
    return {"u": "u-%s-%s" % (label, uuid.uuid4().hex[:6]), "o": org, "p": profession,
            "r": list(roles), "t": TENANT, "n": "%s さん" % label, "on": org,
            "exp": int(time.time()) + 600}


RAISER = person("raiser", CITY, "city_official")
MANAGER = person("manager", CITY, "social_worker", ["alert_manager"])
FAR_MANAGER = person("far-manager", CLINIC, "nurse", ["alert_manager"])
ADMIN = person("admin", CITY, "", ["tenant_admin"])
FIRE1 = person("fire1", FIRE, "firefighter")
FIRE2 = person("fire2", FIRE, "firefighter")
OFFICER = person("officer", POLICE, "police_officer")
WORKER = person("worker", CLINIC, "care_worker")      # may not raise
NURSE = person("nurse", CLINIC, "nurse")              # outside the audience


def notify_url():
    return "http://127.0.0.1:%d" % ct.service_port("notify")


def call(who, method, path, body=None, raw=None):
    headers = {"X-Carelink-Identity": ct.sign_identity(who)}
    data = raw
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    if data is not None:
        headers["Content-Type"] = "application/json"
    return ct.http_request(notify_url(), method, path, data, headers)


def expect(r, status, what, code=None):
    if r.status != status:
        ct.fail("%s: expected %d, got %s" % (what, status, r.describe()))
    if code is not None:
        ct.check_eq(r.error_code(), code, "error code of %s" % what)
    return r.json() if r.body else None


def alert_body(**kw):
    body = {"kind": "missing_person", "severity": "severe",
            "title": "認知症の方の行方不明 " + uuid.uuid4().hex[:6],
            "description": "80代男性、灰色の上着。駅方面へ",
            "instruction": "見かけたら地域包括支援センターへ",
            "area": {"districts": ["北地区"],
                     "circle": {"lat": 35.69, "lng": 139.33, "radius_km": 2.0}},
            "audience": {"organisations": [FIRE], "professions": ["police_officer"]},
            "requires_ack": True}
    body.update(kw)
    return body


def alerts(who, query=""):
    return expect(call(who, "GET", "/v1/alerts" + query), 200, "list " + query)["alerts"]


def ids(items):
    return [a["id"] for a in items]


def feed_alerts(who, alert_id):
    items = expect(call(who, "GET", "/v1/feed?limit=200"), 200, "feed")["notifications"]
    return [n for n in items if n.get("kind") == "alert"
            and n.get("link") == "#/alerts/%s" % alert_id]


def test_raise_refusals():
    expect(call(WORKER, "POST", "/v1/alerts", alert_body()), 403, "raise by a care worker",
           "forbidden")
    cases = [
        ({"area": None}, "area_required"),
        ({"area": {"districts": []}}, "area_required"),
        ({"audience": None}, "audience_required"),
        ({"audience": {"everyone": False, "organisations": []}}, "audience_required"),
        ({"kind": "earthquake"}, "invalid_kind"),
        ({"severity": "high"}, "invalid_severity"),
        ({"area": {"polygon": [[35.0, 139.0], [35.1, 139.1], [35.2, 139.0]]}},
         "invalid_area"),
        ({"area": {"circle": {"lat": 35.0, "lng": 139.0, "radius_km": 500}}},
         "invalid_area"),
        ({"audience": {"professions": [7]}}, "invalid_audience"),
        ({"title": ""}, "invalid_title"),
        ({"title": "あ" * 101}, "invalid_title"),
        ({"description": "x" * 4001}, "invalid_description"),
        ({"escalation": [{"after_minutes": 0, "audience": {"everyone": True}}]},
         "invalid_escalation"),
    ]
    for change, code in cases:
        body = alert_body(**change)
        for k, v in change.items():
            if v is None:
                del body[k]
        expect(call(RAISER, "POST", "/v1/alerts", body), 400, "raise with %r" % change, code)
    expect(call(RAISER, "POST", "/v1/alerts", raw=b"{not json"), 400, "raise with bad JSON")
    ct.check_eq(alerts(ADMIN, "?status=all"), [], "nothing stored by refused raises")


def test_lifecycle():
    body = alert_body()
    a = expect(call(RAISER, "POST", "/v1/alerts", body), 201, "raise")["alert"]
    aid = a["id"]
    ct.check_eq(a["status"], "active", "status")
    ct.check_eq(a["version"], 1, "version")
    ct.check_eq(a["escalation_level"], 0, "level")
    ct.check_eq(a["raised_by"]["id"], RAISER["u"], "raiser")
    ct.check_eq(a["raised_by"]["organisation"]["id"], CITY, "raiser's organisation")
    ct.check_eq(a["title"], body["title"], "title")
    ct.check_eq(a["area"]["districts"], ["北地区"], "districts")
    ct.check_eq(len(a["escalation"]), 1, "implied escalation level")
    ct.check_eq(a["escalation"][0]["audience"]["everyone"], True, "implied: whole tenant")
    ct.check_eq([t["action"] for t in a["timeline"]], ["raised"], "timeline")
    ct.check_eq(a["acknowledgements"], [], "no acknowledgements")
    ct.check("tenant_id" not in a, "no tenant_id in the API's alert")

    # who sees it
    for who, what in ((RAISER, "raiser"), (FIRE1, "fire org"), (OFFICER, "profession"),
                      (ADMIN, "tenant admin"), (MANAGER, "alert_manager of the raiser's")):
        expect(call(who, "GET", "/v1/alerts/" + aid), 200, "read by " + what)
        ct.check(aid in ids(alerts(who)), "%s lists it" % what)
    for who, what in ((NURSE, "outside the audience"),
                      (FAR_MANAGER, "alert_manager of another organisation")):
        expect(call(who, "GET", "/v1/alerts/" + aid), 404, "read by " + what,
               "alert_not_found")
        ct.check(aid not in ids(alerts(who)), "%s does not list it" % what)
    other = dict(FIRE1, t="t-other-" + uuid.uuid4().hex[:6])
    expect(call(other, "GET", "/v1/alerts/" + aid), 404, "read from another tenant",
           "alert_not_found")
    expect(call(FIRE1, "GET", "/v1/alerts/999999999"), 404, "unknown id", "alert_not_found")
    expect(call(FIRE1, "GET", "/v1/alerts/abc"), 404, "not an id", "alert_not_found")

    # the urgent notification reached the audience's feed
    deadline = time.time() + 10
    while not feed_alerts(FIRE1, aid) and time.time() < deadline:
        time.sleep(0.3)
    n = feed_alerts(FIRE1, aid)
    ct.check(len(n) == 1, "one alert notification in fire1's feed: %r" % n)
    ct.check(n[0].get("urgent", True) is True, "the notification is urgent")
    ct.check(feed_alerts(NURSE, aid) == [], "no notification outside the audience")

    # pending
    ct.check(aid in ids(alerts(FIRE1, "?pending=1")), "pending for fire1")
    ct.check(aid in ids(alerts(OFFICER, "?pending=1")), "pending for the officer")
    ct.check(aid not in ids(alerts(RAISER, "?pending=1")), "not pending for the raiser")
    ct.check(aid not in ids(alerts(MANAGER, "?pending=1")), "not pending for a manager")
    expect(call(FIRE1, "GET", "/v1/alerts?status=soon"), 400, "bad status", "invalid_status")

    # acknowledge
    expect(call(NURSE, "POST", "/v1/alerts/%s/ack" % aid, {}), 404, "ack from outside",
           "alert_not_found")
    expect(call(RAISER, "POST", "/v1/alerts/%s/ack" % aid, {}), 403,
           "ack by the raiser outside the audience", "forbidden")
    acked = expect(call(FIRE1, "POST", "/v1/alerts/%s/ack" % aid, {"note": "向かいます"}),
                   200, "ack")["alert"]
    ct.check_eq(acked["acknowledged_by_me"], True, "acknowledged_by_me")
    ct.check_eq([k["user"]["id"] for k in acked["acknowledgements"]], [FIRE1["u"]],
                "acknowledgements")
    ct.check_eq(acked["version"], 1, "an acknowledgement keeps the version")
    expect(call(FIRE1, "POST", "/v1/alerts/%s/ack" % aid), 409, "ack twice",
           "already_acknowledged")
    again = expect(call(FIRE1, "GET", "/v1/alerts/" + aid), 200, "read after")["alert"]
    ct.check_eq(len(again["acknowledgements"]), 1, "still one acknowledgement")
    ct.check_eq([t["action"] for t in again["timeline"]], ["raised", "acknowledged"],
                "timeline after ack")
    ct.check(aid not in ids(alerts(FIRE1, "?pending=1")), "no longer pending for fire1")
    ct.check(aid in ids(alerts(FIRE2, "?pending=1")), "still pending for fire2")
    ct.check_eq(expect(call(FIRE2, "GET", "/v1/alerts/" + aid), 200, "fire2")["alert"]
                ["acknowledged_by_me"], False, "fire2 has not acknowledged")

    # update
    expect(call(FIRE1, "PATCH", "/v1/alerts/" + aid, {"severity": "extreme"}), 403,
           "update by the audience", "forbidden")
    expect(call(FAR_MANAGER, "PATCH", "/v1/alerts/" + aid, {"severity": "extreme"}), 404,
           "update by a manager of another organisation who cannot read it",
           "alert_not_found")
    expect(call(RAISER, "PATCH", "/v1/alerts/" + aid, {"kind": "disaster"}), 400,
           "update of the kind", "invalid_body")
    expect(call(RAISER, "PATCH", "/v1/alerts/" + aid, {"area": {}}), 400,
           "update to no area", "area_required")
    up = expect(call(RAISER, "PATCH", "/v1/alerts/" + aid,
                     {"severity": "extreme", "area": {"districts": ["北地区", "東地区"]},
                      "note": "範囲を広げました"}), 200, "update")["alert"]
    ct.check_eq(up["severity"], "extreme", "severity updated")
    ct.check_eq(up["version"], 2, "version + 1")
    ct.check_eq(up["area"]["districts"], ["北地区", "東地区"], "area updated")
    ct.check_eq(up["title"], body["title"], "title kept")
    ct.check_eq(up["timeline"][-1]["action"], "updated", "timeline: updated")
    ct.check_eq(up["timeline"][-1]["note"], "範囲を広げました", "timeline note")

    # resolve
    expect(call(FIRE1, "POST", "/v1/alerts/%s/resolve" % aid, {}), 403,
           "resolve someone else's without the role", "forbidden")
    done = expect(call(RAISER, "POST", "/v1/alerts/%s/resolve" % aid, {"note": "保護"}),
                  200, "resolve")["alert"]
    ct.check_eq(done["status"], "resolved", "resolved")
    ct.check(done["ended_at"], "ended_at set")
    ct.check_eq(done["version"], 3, "version after resolving")
    for verb in ("resolve", "cancel"):
        expect(call(RAISER, "POST", "/v1/alerts/%s/%s" % (aid, verb), {}), 409,
               "%s when ended" % verb, "alert_ended")
    expect(call(RAISER, "PATCH", "/v1/alerts/" + aid, {"title": "x"}), 409,
           "update when ended", "alert_ended")
    expect(call(FIRE2, "POST", "/v1/alerts/%s/ack" % aid), 409, "ack when ended",
           "alert_ended")
    ct.check(aid not in ids(alerts(FIRE1)), "not among the active")
    ct.check(aid in ids(alerts(FIRE1, "?status=ended")), "among the ended")
    ct.check(aid in ids(alerts(FIRE1, "?status=all")), "among all")
    ct.check(aid not in ids(alerts(FIRE2, "?pending=1")), "an ended alert is pending for nobody")


def test_managers_and_cancel():
    a = expect(call(RAISER, "POST", "/v1/alerts",
                    alert_body(kind="road_closure", severity="moderate", requires_ack=False,
                               audience={"everyone": True})), 201, "raise")["alert"]
    aid = a["id"]
    ct.check_eq(a["escalation"], [], "no implied level without acknowledgement")
    ct.check(aid not in ids(alerts(NURSE, "?pending=1")),
             "an alert without acknowledgement is pending for nobody")
    ct.check(aid in ids(alerts(NURSE)), "everyone reads it")
    expect(call(FAR_MANAGER, "POST", "/v1/alerts/%s/cancel" % aid), 403,
           "cancel by alert_manager of another organisation", "forbidden")
    up = expect(call(MANAGER, "PATCH", "/v1/alerts/" + aid, {"title": "通行止め 解除見込み"}),
                200, "update by the raiser organisation's alert_manager")["alert"]
    ct.check_eq(up["timeline"][-1]["by"]["id"], MANAGER["u"], "timeline names the manager")
    c = expect(call(ADMIN, "POST", "/v1/alerts/%s/cancel" % aid, {"note": "誤報"}), 200,
               "cancel by a tenant admin")["alert"]
    ct.check_eq(c["status"], "cancelled", "cancelled")
    ct.check_eq(c["timeline"][-1]["action"], "cancelled", "timeline: cancelled")
    expect(call(ADMIN, "POST", "/v1/alerts/%s/resolve" % aid), 409, "resolve a cancelled",
           "alert_ended")


def main():
    test_raise_refusals()
    test_lifecycle()
    test_managers_and_cancel()
    print("ok: alerts API")


if __name__ == "__main__":
    ct.run(main, budget_s=120)

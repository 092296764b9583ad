#!/usr/bin/env python3
"""The independent consumer of carelink.alerts (services/notify/ALERTS.md,
issue 8 "Done when"): Debian's kcat reads the topic, Debian's python3-avro
decodes the single-object-encoded values knowing nothing but
schemas/*.avsc (the schema is found by the fingerprint in each value's
header), and the decoded fields match what was raised, edited,
acknowledged, resolved and cancelled, with the alert's whole state in every
event, keyed by the alert id, in order.
"""

import glob
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alerts_stream_helpers as h  # noqa: E402
import carelink_test as ct  # noqa: E402

TOPIC = "carelink.alerts"


def schemas_by_fingerprint():
    """{8 fingerprint bytes: schema name} of every schemas/*.avsc."""
    out = {}
    for path in glob.glob(os.path.join(ct.home_dir(), "schemas", "*.avsc")):
        name = os.path.basename(path)[:-5]
        out[ct.schema_fingerprint_bytes(name)] = name
    ct.check(out, "no schemas in schemas/")
    return out


def decode(fps, value, what):
    ct.check(value and value[:2] == b"\xc3\x01", "%s: not single-object encoded: %r"
             % (what, (value or b"")[:12]))
    name = fps.get(value[2:10])
    ct.check(name, "%s: no schema in schemas/ has fingerprint %s" % (what, value[2:10].hex()))
    return name, ct.avro_decode(name, value[10:])


def ms(rfc3339):
    """RFC 3339 UTC with milliseconds ("...T00:05:55.885Z") as epoch ms."""
    import datetime
    t = datetime.datetime.strptime(rfc3339.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(round(t.timestamp() * 1000))


def epoch_ms(v):
    """A timestamp-millis as python3-avro gives it (an aware datetime) in ms."""
    if isinstance(v, int):
        return v
    return int(round(v.timestamp() * 1000))


def check_state(d, a, what):
    """The alert's whole state in event d equals the API's alert a."""
    ct.check_eq(d["alert_id"], a["id"], what + " alert_id")
    ct.check_eq(d["version"], a["version"], what + " version")
    ct.check_eq(d["kind"], a["kind"].upper(), what + " kind")
    ct.check_eq(d["severity"], a["severity"].upper(), what + " severity")
    ct.check_eq(d["status"], a["status"].upper(), what + " status")
    for f in ("title", "description", "instruction", "requires_ack", "escalation_level"):
        ct.check_eq(d[f], a[f], what + " " + f)
    ct.check_eq(d["acknowledgements"], len(a["acknowledgements"]), what + " acknowledgements")
    area = a["area"]
    ct.check_eq(d["area"]["districts"], area.get("districts") or [], what + " districts")
    ct.check_eq(d["area"]["circle"], area.get("circle"), what + " circle")
    ct.check_eq([[p["lat"], p["lng"]] for p in d["area"]["polygon"]], area.get("polygon") or [],
                what + " polygon")
    ct.check_eq(d["audience"]["everyone"], a["audience"]["everyone"], what + " everyone")
    ct.check_eq(sorted(d["audience"]["organisations"]), sorted(a["audience"]["organisations"]),
                what + " organisations")
    ct.check_eq(sorted(d["audience"]["professions"]), sorted(a["audience"]["professions"]),
                what + " professions")
    ct.check_eq(d["raised_by_id"], a["raised_by"]["id"], what + " raised_by_id")
    ct.check_eq(d["raised_by_organisation_id"], a["raised_by"]["organisation"]["id"],
                what + " raised_by_organisation_id")
    ct.check_eq(epoch_ms(d["raised_at"]), ms(a["raised_at"]), what + " raised_at")
    ct.check_eq(epoch_ms(d["updated_at"]), ms(a["updated_at"]), what + " updated_at")
    ct.check(abs(epoch_ms(d["time"]) - time.time() * 1000) < 600000, what + ": time %r" % d["time"])
    ct.check(len(d["event_id"]) == 36, what + ": event_id %r" % d["event_id"])


def events_of(fps, alert_id, count, what):
    msgs = h.wait_messages(TOPIC, alert_id, count, what)
    ct.check_eq(len(msgs), count, "events of alert %s on %s" % (alert_id, TOPIC))
    out = []
    for m in msgs:
        w = "%s[%d]@%d" % (TOPIC, m.partition, m.offset)
        ct.check_eq(m.header("content-type"), "application/avro", w + " content-type")
        name, d = decode(fps, m.value, w)
        ct.check_eq(m.header("ce_type"), "carelink.alerts." + name, w + " ce_type")
        ct.check_eq(m.header("ce_id"), d["event_id"], w + " ce_id")
        out.append((name, d))
    ct.check(len({m.partition for m in msgs}) == 1, "alert %s spread over partitions" % alert_id)
    return out


def test():
    fps = schemas_by_fingerprint()
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    me = ct.seed_user("ito")
    org = me["organisation"]

    body = h.alert_body("missing_person", severity="severe")
    body["audience"] = {"everyone": False, "organisations": [org],
                        "professions": ["care_worker", "nurse"]}
    raised = h.raise_alert(tanaka, body)
    edited = h.change(tanaka, "PATCH", "/alerts/%s" % raised["id"],
                      {"severity": "extreme", "title": "更新: 北地区で目撃", "note": "目撃情報"},
                      "edit")
    acked = h.change(ito, "POST", "/alerts/%s/ack" % raised["id"], {"note": "捜索に向かいます"},
                     "ack")
    h.change(tanaka, "POST", "/alerts/%s/resolve" % raised["id"], {"note": "無事保護"},
             "resolve")
    r = tanaka.request("GET", h.API + "/alerts/%s" % raised["id"])
    ct.check(r.status == 200, "GET the resolved alert: %s" % r.describe())
    resolved = r.json()["alert"]

    ev = events_of(fps, raised["id"], 4, "raised, edited, acknowledged, resolved")
    ct.check_eq([n for n, _ in ev], ["AlertRaised", "AlertUpdated", "AlertAcknowledged",
                                     "AlertResolved"], "event names in order")
    check_state(ev[0][1], raised, "AlertRaised")
    ct.check_eq(ev[0][1]["kind"], "MISSING_PERSON", "raised kind")
    check_state(ev[1][1], edited, "AlertUpdated")
    ct.check_eq(ev[1][1]["change"], "EDITED", "AlertUpdated change")
    ct.check_eq(ev[1][1]["changed_by_id"], raised["raised_by"]["id"], "changed_by_id")
    ct.check_eq(ev[1][1]["note"], "目撃情報", "AlertUpdated note")
    ct.check_eq(ev[1][1]["severity"], "EXTREME", "edited severity")
    check_state(ev[2][1], acked, "AlertAcknowledged")
    ct.check_eq(ev[2][1]["user_id"], me["id"], "AlertAcknowledged user_id")
    ct.check_eq(ev[2][1]["organisation_id"], org, "AlertAcknowledged organisation_id")
    ct.check_eq(ev[2][1]["note"], "捜索に向かいます", "AlertAcknowledged note")
    ct.check_eq(ev[2][1]["acknowledgements"], 1, "acknowledgements after the ack")
    check_state(ev[3][1], resolved, "AlertResolved")
    ct.check_eq(ev[3][1]["outcome"], "RESOLVED", "outcome")
    ct.check_eq(ev[3][1]["status"], "RESOLVED", "status after resolve")
    ct.check_eq(ev[3][1]["ended_by_id"], raised["raised_by"]["id"], "ended_by_id")
    ct.check_eq(ev[3][1]["note"], "無事保護", "AlertResolved note")

    # a district-only road closure for everyone, cancelled: null circle,
    # empty polygon
    body = h.alert_body("road_closure", severity="minor")
    body["area"] = {"districts": ["東地区"]}
    body["audience"] = {"everyone": True, "organisations": [], "professions": []}
    body["requires_ack"] = False
    body["instruction"] = ""
    second = h.raise_alert(tanaka, body)
    h.change(tanaka, "POST", "/alerts/%s/cancel" % second["id"], {}, "cancel")
    r = tanaka.request("GET", h.API + "/alerts/%s" % second["id"])
    cancelled = r.json()["alert"]
    ev = events_of(fps, second["id"], 2, "raised, cancelled")
    ct.check_eq([n for n, _ in ev], ["AlertRaised", "AlertResolved"], "event names")
    check_state(ev[0][1], second, "AlertRaised (road closure)")
    ct.check(ev[0][1]["area"]["circle"] is None, "circle not null")
    ct.check_eq(ev[0][1]["area"]["polygon"], [], "polygon")
    ct.check_eq(ev[0][1]["audience"]["everyone"], True, "everyone")
    check_state(ev[1][1], cancelled, "AlertResolved (cancelled)")
    ct.check_eq(ev[1][1]["outcome"], "CANCELLED", "outcome")


if __name__ == "__main__":
    ct.run(test, budget_s=180)

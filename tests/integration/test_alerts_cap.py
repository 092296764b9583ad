#!/usr/bin/env python3
"""CAP 1.2 on the emergency-services stream (services/notify/ALERTS.md):
for every alert kind and every change (raised, edited, escalated,
acknowledged, resolved, cancelled), the CAP messages on carelink.alerts.cap
(read with kcat) and the document of GET /api/v1/alerts/{id}/cap validate
with xmllint against the official CAP-v1.2.xsd, map as the contract says,
and reference the original message (and the previous one) from updates,
acks and cancels; the Atom index parses and every link resolves to the
alert's latest CAP document.

Raised by tanaka (care_manager) for care workers; ito (care_worker)
acknowledges. One alert escalates after its one-minute level with nobody
acknowledging (the test system runs the escalation pass every few seconds).
"""

import os
import sys
import time
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alerts_stream_helpers as h  # noqa: E402
import carelink_test as ct  # noqa: E402

TOPIC = "carelink.alerts.cap"
ATOM = "{http://www.w3.org/2005/Atom}"
CATEGORY = {"missing_person": ["Rescue"], "disaster": ["Met", "Geo"],
            "road_closure": ["Transport"], "infectious_disease": ["Health"],
            "facility_emergency": ["Infra"], "other": ["Other"]}


def triple(root):
    return "%s,%s,%s" % (h.cap_field(root, "sender"), h.cap_field(root, "identifier"),
                         h.cap_field(root, "sent"))


def check_messages(alert, changes, http_doc):
    """The CAP messages of alert on the topic: one per change, valid, in
    order, each referencing the original and the previous; the last equals
    the HTTP document."""
    msgs = h.wait_messages(TOPIC, alert["id"], len(changes), ",".join(changes))
    ct.check_eq(len(msgs), len(changes), "CAP messages of alert %s" % alert["id"])
    roots, identifiers = [], set()
    for i, (m, chg) in enumerate(zip(msgs, changes)):
        what = "alert %s (%s) message %d (%s)" % (alert["id"], alert["kind"], i, chg)
        ct.check_eq(m.header("content-type"), "application/cap+xml", what + " content-type")
        root = h.cap_validate(m.value, what)
        ident = h.cap_field(root, "identifier")
        ct.check(ident not in identifiers, what + ": identifier %s repeated" % ident)
        identifiers.add(ident)
        ct.check(ident.startswith("urn:carelink:") and (":alert:%s:" % alert["id"]) in ident,
                 what + ": identifier %s" % ident)
        ct.check(h.cap_field(root, "sent").endswith("+09:00"), what + ": sent not +09:00")
        ct.check_eq(h.cap_field(root, "status"), "Actual", what + " status")
        ct.check_eq(h.cap_field(root, "scope"), "Restricted", what + " scope")
        want_type = {"raised": "Alert", "acknowledged": "Ack", "cancelled": "Cancel"}.get(
            chg, "Update")
        ct.check_eq(h.cap_field(root, "msgType"), want_type, what + " msgType")
        cats = [e.text for e in root.iter(h.CAP_NS + "category")]
        ct.check_eq(cats, CATEGORY[alert["kind"]], what + " categories")
        ct.check_eq(h.cap_info(root, "language"), "ja-JP", what + " language")
        ct.check_eq(h.cap_info(root, "certainty"), "Observed", what + " certainty")
        ended = chg in ("resolved", "cancelled")
        ct.check_eq(h.cap_info(root, "urgency"), "Past" if ended else "Immediate",
                    what + " urgency")
        if chg == "resolved":
            ct.check_eq(h.cap_info(root, "responseType"), "AllClear", what + " responseType")
        area = root.find(h.CAP_NS + "info/" + h.CAP_NS + "area")
        ct.check_eq(area.find(h.CAP_NS + "areaDesc").text, "北地区、南地区", what + " areaDesc")
        ct.check(area.find(h.CAP_NS + "circle") is not None, what + ": no circle")
        ct.check(area.find(h.CAP_NS + "polygon") is not None, what + ": no polygon")
        refs = h.cap_field(root, "references")
        if i == 0:
            ct.check(refs is None, what + ": the original references %r" % refs)
        else:
            parts = refs.split(" ") if refs else []
            ct.check(parts and parts[0] == triple(roots[0]),
                     what + ": references %r do not name the original %r"
                     % (refs, triple(roots[0])))
            ct.check(parts[-1] == triple(roots[-1]),
                     what + ": references %r do not name the previous %r"
                     % (refs, triple(roots[-1])))
        roots.append(root)
    ct.check_eq(http_doc, msgs[-1].value, "GET /cap of alert %s = the last message" % alert["id"])


def get_cap(session, alert_id, what):
    r = session.request("GET", h.API + "/alerts/%s/cap" % alert_id)
    ct.check(r.status == 200, "%s: GET /cap: %s" % (what, r.describe()))
    ct.check((r.headers.get("Content-Type") or "").startswith("application/cap+xml"),
             "%s: GET /cap Content-Type %r" % (what, r.headers.get("Content-Type")))
    h.cap_validate(r.body, what + " (GET /cap)")
    return r.body


def test():
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    sato = ct.login("yamamoto")  # a pharmacist: not in the audience

    # escalates after a minute with nobody acknowledging: raised first
    esc = h.raise_alert(tanaka, h.alert_body("disaster", escalation=[
        {"after_minutes": 1, "audience": {"everyone": False, "organisations": [],
                                          "professions": ["pharmacist"]}}]))
    esc_changes = ["raised"]

    alerts = []
    for i, kind in enumerate(h.KINDS):
        a = h.raise_alert(tanaka, h.alert_body(kind, severity=h.SEVERITIES[i % 4]))
        changes = ["raised"]
        h.change(tanaka, "PATCH", "/alerts/%s" % a["id"],
                 {"severity": "extreme", "note": "目撃情報あり"}, "edit " + kind)
        changes.append("edited")
        h.change(ito, "POST", "/alerts/%s/ack" % a["id"], {"note": "了解"}, "ack " + kind)
        changes.append("acknowledged")
        end = "resolve" if i % 2 == 0 else "cancel"
        h.change(tanaka, "POST", "/alerts/%s/%s" % (a["id"], end), {"note": "終了"},
                 end + " " + kind)
        changes.append("resolved" if end == "resolve" else "cancelled")
        alerts.append((a, changes))

    # someone outside the audience sees neither the document nor the entry
    r = sato.request("GET", h.API + "/alerts/%s/cap" % alerts[0][0]["id"])
    ct.check(r.status == 404 and r.error_code() == "alert_not_found",
             "a pharmacist reads another audience's CAP: %s" % r.describe())

    for a, changes in alerts:
        doc = get_cap(tanaka, a["id"], "alert %s (%s)" % (a["id"], a["kind"]))
        check_messages(a, changes, doc)

    # the escalation: AlertUpdated ESCALATED becomes a CAP Update
    deadline = time.monotonic() + 120
    while True:
        r = tanaka.request("GET", h.API + "/alerts/%s" % esc["id"])
        ct.check(r.status == 200, "escalating alert: %s" % r.describe())
        if r.json()["alert"]["escalation_level"] >= 1:
            break
        ct.check(time.monotonic() < deadline, "the alert did not escalate within 120 s")
        time.sleep(2)
    esc_changes.append("escalated")
    doc = get_cap(sato, esc["id"], "escalated alert (read by the widened audience)")
    check_messages(esc, esc_changes, doc)
    ct.check_eq(h.cap_field(ET.fromstring(doc), "msgType"), "Update", "escalated msgType")

    # the Atom index: parses, lists what the reader may read, links resolve
    r = tanaka.request("GET", h.API + "/alerts.atom")
    ct.check(r.status == 200, "GET alerts.atom: %s" % r.describe())
    ct.check((r.headers.get("Content-Type") or "").startswith("application/atom+xml"),
             "Atom Content-Type %r" % r.headers.get("Content-Type"))
    feed = ET.fromstring(r.body)
    ct.check_eq(feed.tag, ATOM + "feed", "Atom root")
    for name in ("id", "title", "updated"):
        ct.check(feed.find(ATOM + name) is not None, "Atom feed lacks %s" % name)
    entries = feed.findall(ATOM + "entry")
    linked = {}
    for e in entries:
        for name in ("id", "title", "updated"):
            ct.check(e.find(ATOM + name) is not None, "Atom entry lacks %s" % name)
        links = [l for l in e.findall(ATOM + "link") if l.get("rel") == "alternate"]
        ct.check(len(links) == 1, "Atom entry %s: %d alternate links"
                 % (e.find(ATOM + "id").text, len(links)))
        href = links[0].get("href")
        r = tanaka.request("GET", href)
        ct.check(r.status == 200, "Atom link %s: %s" % (href, r.describe()))
        h.cap_validate(r.body, "Atom link " + href)
        linked[e.find(ATOM + "id").text.rsplit(":", 1)[1]] = href
    for a, _ in alerts + [(esc, None)]:
        ct.check(a["id"] in linked, "alert %s (ended just now or active) is not in the "
                 "Atom index: %r" % (a["id"], sorted(linked)))
    r = sato.request("GET", h.API + "/alerts.atom")
    ct.check(r.status == 200, "GET alerts.atom as a pharmacist: %s" % r.describe())
    seen = {e.find(ATOM + "id").text.rsplit(":", 1)[1]
            for e in ET.fromstring(r.body).findall(ATOM + "entry")}
    ct.check(alerts[0][0]["id"] not in seen, "a pharmacist's Atom index lists another "
             "audience's alert")
    ct.check(esc["id"] in seen, "the escalated alert is not in its new audience's index")


if __name__ == "__main__":
    ct.run(test, budget_s=240)

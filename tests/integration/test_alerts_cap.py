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
acknowledges. One alert escalates at its one-minute level with nobody
acknowledging: its raised_at is moved two minutes back in notify's
database, so the next escalation pass (every few seconds in the test
system) widens it without a real wait. The topic is read once and every
document is validated by one xmllint run.
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


def check_messages(alert, changes, msgs, roots, http_doc):
    """The CAP messages of alert on the topic (msgs, their parsed roots,
    validated already): one per change, in order, each referencing the
    original and the previous; the last equals the HTTP document."""
    ct.check_eq(len(msgs), len(changes), "CAP messages of alert %s" % alert["id"])
    seen, identifiers = [], set()
    for i, (m, root, chg) in enumerate(zip(msgs, roots, changes)):
        what = "alert %s (%s) message %d (%s)" % (alert["id"], alert["kind"], i, chg)
        ct.check_eq(m.header("content-type"), "application/cap+xml", what + " content-type")
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
            ct.check(parts and parts[0] == triple(seen[0]),
                     what + ": references %r do not name the original %r"
                     % (refs, triple(seen[0])))
            ct.check(parts[-1] == triple(seen[-1]),
                     what + ": references %r do not name the previous %r"
                     % (refs, triple(seen[-1])))
        seen.append(root)
    ct.check_eq(http_doc, msgs[-1].value, "GET /cap of alert %s = the last message" % alert["id"])


def get_cap(session, alert_id, what):
    """The body of GET /cap (validated later with the others)."""
    r = session.request("GET", h.API + "/alerts/%s/cap" % alert_id)
    ct.check(r.status == 200, "%s: GET /cap: %s" % (what, r.describe()))
    ct.check((r.headers.get("Content-Type") or "").startswith("application/cap+xml"),
             "%s: GET /cap Content-Type %r" % (what, r.headers.get("Content-Type")))
    return r.body


def atom_links(session, what):
    """{alert id: the alternate link} of the Atom index session reads."""
    r = session.request("GET", h.API + "/alerts.atom")
    ct.check(r.status == 200, "GET alerts.atom (%s): %s" % (what, r.describe()))
    ct.check((r.headers.get("Content-Type") or "").startswith("application/atom+xml"),
             "Atom Content-Type %r" % r.headers.get("Content-Type"))
    feed = ET.fromstring(r.body)
    ct.check_eq(feed.tag, ATOM + "feed", "Atom root")
    for name in ("id", "title", "updated"):
        ct.check(feed.find(ATOM + name) is not None, "Atom feed lacks %s" % name)
    linked = {}
    for e in feed.findall(ATOM + "entry"):
        for name in ("id", "title", "updated"):
            ct.check(e.find(ATOM + name) is not None, "Atom entry lacks %s" % name)
        links = [l for l in e.findall(ATOM + "link") if l.get("rel") == "alternate"]
        ct.check(len(links) == 1, "Atom entry %s: %d alternate links"
                 % (e.find(ATOM + "id").text, len(links)))
        linked[e.find(ATOM + "id").text.rsplit(":", 1)[1]] = links[0].get("href")
    return linked


def test():
    tanaka = ct.login("tanaka")
    ito = ct.login("ito")
    sato = ct.login("yamamoto")  # a pharmacist: not in the audience

    # escalates at its one-minute level with nobody acknowledging: raised
    # first and made two minutes old, so the next pass widens it while the
    # other alerts are made
    esc = h.raise_alert(tanaka, h.alert_body("disaster", escalation=[
        {"after_minutes": 1, "audience": {"everyone": False, "organisations": [],
                                          "professions": ["pharmacist"]}}]))
    h.age_alert(esc["id"], 2)
    esc_changes = ["raised", "escalated"]

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

    # the escalation: AlertUpdated ESCALATED becomes a CAP Update
    deadline = time.monotonic() + 60
    while True:
        r = tanaka.request("GET", h.API + "/alerts/%s" % esc["id"])
        ct.check(r.status == 200, "escalating alert: %s" % r.describe())
        if r.json()["alert"]["escalation_level"] >= 1:
            break
        ct.check(time.monotonic() < deadline, "the alert did not escalate within 60 s of "
                 "being due (is notify's escalation pass running?)")
        time.sleep(0.5)

    every = alerts + [(esc, esc_changes)]
    http_docs = {a["id"]: get_cap(tanaka if a is not esc else sato, a["id"],
                                  "alert %s (%s)" % (a["id"], a["kind"]))
                 for a, _ in every}
    by_alert = h.wait_all_messages(TOPIC, {a["id"]: len(c) for a, c in every})

    # the Atom index: parses, lists what the reader may read, links resolve
    linked = atom_links(tanaka, "tanaka")
    for a, _ in every:
        ct.check(a["id"] in linked, "alert %s (ended just now or active) is not in the "
                 "Atom index: %r" % (a["id"], sorted(linked)))
    link_docs = []
    for aid, href in sorted(linked.items()):
        r = tanaka.request("GET", href)
        ct.check(r.status == 200, "Atom link %s: %s" % (href, r.describe()))
        link_docs.append((r.body, "Atom link " + href))
    seen = atom_links(sato, "a pharmacist")
    ct.check(alerts[0][0]["id"] not in seen, "a pharmacist's Atom index lists another "
             "audience's alert")
    ct.check(esc["id"] in seen, "the escalated alert is not in its new audience's index")

    # every document at once against CAP-v1.2.xsd
    docs = []
    for a, changes in every:
        msgs = by_alert[a["id"]]
        docs += [(m.value, "alert %s (%s) message %d (%s)" % (a["id"], a["kind"], i, c))
                 for i, (m, c) in enumerate(zip(msgs, changes))]
        docs.append((http_docs[a["id"]], "alert %s GET /cap" % a["id"]))
    roots = h.cap_validate_many(docs + link_docs)
    k = 0
    for a, changes in every:
        msgs = by_alert[a["id"]]
        check_messages(a, changes, msgs, roots[k:k + len(msgs)], http_docs[a["id"]])
        k += len(msgs) + 1
    ct.check_eq(h.cap_field(ET.fromstring(http_docs[esc["id"]]), "msgType"), "Update",
                "escalated msgType")
    ct.log("ok: %d CAP documents valid (%d alerts, every kind and change)"
           % (len(docs) + len(link_docs), len(every)))


if __name__ == "__main__":
    ct.run(test, budget_s=120)

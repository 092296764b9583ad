"""What the emergency-services stream tests share: raising alerts through
the gateway, the messages of one alert on carelink.alerts and
carelink.alerts.cap, CAP validation with xmllint against the official
schema."""

import os
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET

import carelink_test as ct

API = "/api/v1"
CAP_NS = "{urn:oasis:names:tc:emergency:cap:1.2}"
KINDS = ["missing_person", "disaster", "road_closure", "infectious_disease",
         "facility_emergency", "other"]
SEVERITIES = ["extreme", "severe", "moderate", "minor"]


def cap_xsd():
    path = os.path.join(ct.home_dir(), "..", "shared", "reference", "cap", "CAP-v1.2.xsd")
    ct.check(os.path.exists(path), "the CAP 1.2 schema is missing: %s" % path)
    return path


def cap_validate(doc, what):
    """Fails unless doc (bytes) is valid against CAP-v1.2.xsd."""
    with tempfile.NamedTemporaryFile(prefix="carelink-cap-", suffix=".xml",
                                     delete=False) as f:
        f.write(doc)
        path = f.name
    try:
        p = subprocess.run(["xmllint", "--noout", "--schema", cap_xsd(), path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    finally:
        os.unlink(path)
    ct.check(p.returncode == 0, "%s: not valid CAP 1.2: %s\n%s" % (
        what, p.stderr.decode("utf-8", "replace")[-1500:], doc.decode("utf-8", "replace")))
    return ET.fromstring(doc)


def cap_field(root, name):
    e = root.find(CAP_NS + name)
    return e.text if e is not None else None


def cap_info(root, name):
    e = root.find(CAP_NS + "info/" + CAP_NS + name)
    return e.text if e is not None else None


def alert_body(kind, audience_professions=("care_worker",), severity="severe",
               escalation=None, title=None):
    body = {
        "kind": kind,
        "severity": severity,
        "title": title or ("試験 %s <%s> & 連絡" % (kind, ct.unique("t")))[:100],
        "description": "白い帽子、灰色の上着。\n見かけた方は連絡を & 保護を",
        "instruction": "見かけたら地域包括支援センターへ",
        "area": {"districts": ["北地区", "南地区"],
                 "circle": {"lat": 35.69, "lng": 139.33, "radius_km": 2.5},
                 "polygon": [[35.69, 139.33], [35.70, 139.34], [35.68, 139.35],
                             [35.69, 139.33]]},
        "audience": {"everyone": False, "organisations": [],
                     "professions": list(audience_professions)},
        "requires_ack": True,
    }
    if escalation is not None:
        body["escalation"] = escalation
    return body


def raise_alert(session, body):
    r = session.request("POST", API + "/alerts", json_body=body)
    ct.check(r.status == 201, "raise %s: %s" % (body["kind"], r.describe()))
    return r.json()["alert"]


def change(session, method, path, body, what):
    r = session.request(method, API + path, json_body=body)
    ct.check(r.status == 200, "%s: %s" % (what, r.describe()))
    return r.json().get("alert")


def messages_of(topic, alert_id):
    """Every message of topic keyed by alert_id, in offset order."""
    key = str(alert_id).encode("utf-8")
    return [m for m in ct.consume(topic) if m.key == key]


def wait_messages(topic, alert_id, count, what, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        msgs = messages_of(topic, alert_id)
        if len(msgs) >= count:
            return msgs
        if time.monotonic() > deadline:
            ct.fail("%d messages of alert %s on %s after %d s, expected %d (%s)"
                    % (len(msgs), alert_id, topic, timeout, count, what))
        time.sleep(0.4)

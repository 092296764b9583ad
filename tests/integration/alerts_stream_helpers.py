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


def cap_validate_many(docs):
    """Fails unless every doc of docs ([(bytes, what)]) is valid against
    CAP-v1.2.xsd, with one xmllint run for all; their parsed roots."""
    if not docs:
        return []
    tmp = tempfile.mkdtemp(prefix="carelink-cap-")
    paths = []
    try:
        for i, (doc, _) in enumerate(docs):
            path = os.path.join(tmp, "%04d.xml" % i)
            with open(path, "wb") as f:
                f.write(doc)
            paths.append(path)
        p = subprocess.run(["xmllint", "--noout", "--schema", cap_xsd()] + paths,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if p.returncode != 0:
            err = p.stderr.decode("utf-8", "replace")
            bad = [i for i, path in enumerate(paths) if (path + " validates") not in err]
            i = bad[0] if bad else 0
            ct.fail("%s: not valid CAP 1.2 (%d of %d invalid): %s\n%s" % (
                docs[i][1], len(bad), len(docs),
                "\n".join(l for l in err.splitlines() if paths[i] in l)[-1500:],
                docs[i][0].decode("utf-8", "replace")))
    finally:
        for path in paths:
            os.unlink(path)
        os.rmdir(tmp)
    return [ET.fromstring(doc) for doc, _ in docs]


def notify_psql(sql):
    """Runs sql in notify's database (the test system's); its output, one
    line per row, columns "|" separated."""
    return "\n".join("|".join(row) for row in ct.psql("notify", sql))


def age_alert(alert_id, minutes):
    """The alert raised minutes earlier than it was (so that an escalation
    level falls due at the next pass instead of after a real wait)."""
    notify_psql("UPDATE alerts SET raised_at = raised_at - interval '%d minutes'"
                " WHERE id = %d" % (minutes, int(alert_id)))


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


def wait_all_messages(topic, counts, timeout=20):
    """{alert id: its messages of topic} once every alert of counts ({alert
    id: how many}) has at least that many, reading the topic once per try."""
    deadline = time.monotonic() + timeout
    while True:
        by = {str(k): [] for k in counts}
        for m in ct.consume(topic):
            k = (m.key or b"").decode("utf-8", "replace")
            if k in by:
                by[k].append(m)
        short = {k: (len(by[str(k)]), n) for k, n in counts.items() if len(by[str(k)]) < n}
        if not short:
            return by
        if time.monotonic() > deadline:
            ct.fail("messages on %s after %d s (alert: (got, expected)): %r"
                    % (topic, timeout, short))
        time.sleep(0.3)


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

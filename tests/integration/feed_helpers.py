"""Helpers of the feed tests (test_feed_*.py): notify called directly with a
signed identity, people of a tenant of their own that only the test uses
(notify keeps no list of people: a signed identity is all it needs), post
events injected on carelink.posts with python3-avro, and psql into notify's
database."""

import json
import os
import sys
import time
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402

IDENTITY_HEADER = "X-Carelink-Identity"


def notify_url():
    return "http://127.0.0.1:%d" % ct.service_port("notify")


class Tenant:
    """A made-up municipality: its id, organisations and people are uuids
    that exist only in the identities the test signs and in its events."""

    def __init__(self):
        self.id = str(uuid.uuid4())
        self.org_a = str(uuid.uuid4())
        self.org_b = str(uuid.uuid4())

    def person(self, org=None, profession="care_manager", roles=("member",)):
        return Person(self, org or self.org_a, profession, roles)


class Person:
    def __init__(self, tenant, org, profession, roles):
        self.tenant = tenant
        self.id = str(uuid.uuid4())
        self.org = org
        self.profession = profession
        self.roles = list(roles)
        self.name = "試験 " + self.id[:6]

    def claims(self):
        return {"u": self.id, "o": self.org, "p": self.profession, "r": self.roles,
                "t": self.tenant.id, "n": self.name, "on": "試験 機関",
                "exp": int(time.time()) + 120}

    def request(self, method, path, json_body=None, body=None):
        hdrs = {IDENTITY_HEADER: ct.sign_identity(self.claims())}
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        return ct.http_request(notify_url(), method, path, body, hdrs)

    def ok(self, method, path, json_body=None, status=200):
        r = self.request(method, path, json_body)
        if r.status != status:
            ct.fail("%s %s: expected %d, got %s" % (method, path, status, r.describe()))
        return r.json()

    def feed(self, **params):
        return self.ok("GET", q("/v1/feed", **params))

    def items(self, **params):
        return self.feed(**params)["notifications"]

    def unread(self):
        return self.ok("GET", "/v1/feed/unread")

    def read(self, body):
        return self.ok("POST", "/v1/feed/read", body)


def q(path, **params):
    params = {k: v for k, v in params.items() if v is not None}
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


def refused(r, status, code, what):
    """Fails unless r is status with error code and a message."""
    err = {}
    try:
        err = (r.json() or {}).get("error") or {}
    except ValueError:
        pass
    if r.status != status or err.get("code") != code or not err.get("message"):
        ct.fail("%s: expected %d %s, got %s" % (what, status, code, r.describe()))


def wait_until(cond, what, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            ct.fail("%s within %d s" % (what, timeout))
        time.sleep(0.2)


# --------------------------------------------------------------------------
# events injected on carelink.posts


def encode(name, datum):
    return ct.avro_encode(name, datum)


def inject(name, key, datum, topic="carelink.posts"):
    ct.produce(topic, key, encode(name, datum),
               [("ce_id", datum["event_id"]), ("ce_type", topic + "." + name),
                ("ce_source", "test"), ("ce_specversion", "1.0"),
                ("content-type", "application/avro")])


def now_ms():
    return int(time.time() * 1000)


def post(author, space_id, thread_id, text, mentioned=(), professions=(),
         organisations=()):
    """Injects a PostCreated by author (a Person) in space/thread, readable by
    professions/organisations (none: the whole tenant), mentioning
    mentioned (Persons); returns the post id."""
    pid = str(uuid.uuid4())
    t = now_ms()
    inject("PostCreated", space_id, {
        "event_id": str(uuid.uuid4()), "tenant_id": author.tenant.id, "time": t,
        "post_id": pid, "space_id": space_id, "space_name": "試験スペース",
        "thread_id": thread_id, "thread_title": "試験スレッド", "author_id": author.id,
        "author_name": author.name, "author_organisation_id": author.org,
        "author_organisation_name": "試験 機関", "body": text, "created_at": t,
        "audience": {"professions": list(professions), "organisations": list(organisations)},
        "mentions": {"users": [p.id for p in mentioned], "organisations": []},
        "attachment_count": 0})
    return pid


def comment(author, space_id, thread_id, post_id, post_author, text, participants):
    """Injects a CommentAdded on post_id for participants (Persons)."""
    cid = str(uuid.uuid4())
    t = now_ms()
    inject("CommentAdded", space_id, {
        "event_id": str(uuid.uuid4()), "tenant_id": author.tenant.id, "time": t,
        "comment_id": cid, "post_id": post_id, "space_id": space_id,
        "space_name": "試験スペース", "thread_id": thread_id, "thread_title": "試験スレッド",
        "post_author_id": post_author.id, "author_id": author.id, "author_name": author.name,
        "author_organisation_id": author.org, "author_organisation_name": "試験 機関",
        "body": text, "created_at": t, "audience": {"professions": [], "organisations": []},
        "mentions": {"users": [], "organisations": []},
        "participants": [p.id for p in participants]})
    return cid


def app_record(author, app_id, title):
    """Injects an AppRecordCreated of app_id (readable by the whole tenant)
    on carelink.directory; returns the record id."""
    rid = str(uuid.uuid4())
    inject("AppRecordCreated", rid, {
        "event_id": str(uuid.uuid4()), "tenant_id": author.tenant.id, "time": now_ms(),
        "record_id": rid, "app_id": app_id, "app_key": "facilities", "app_name": "事業所一覧",
        "title": title, "owner_organisation_id": author.org, "actor_id": author.id,
        "actor_name": author.name, "readers": {"professions": [], "organisations": []},
        "quiet": False, "values": json.dumps({"name": title}, ensure_ascii=False)},
        topic="carelink.directory")
    return rid


def patient_incident(author, patient_id, team):
    """Injects a CareTeamChanged (team: Persons, with author) and an
    incident PatientEntryAdded by author on carelink.records: a
    "patient_incident" for the team but the author."""
    members = [p.id for p in team] + [author.id]
    base = {"tenant_id": author.tenant.id, "patient_id": patient_id}
    inject("CareTeamChanged", patient_id, dict(
        base, event_id=str(uuid.uuid4()), time=now_ms(), members=members, added=members,
        removed=[]), topic="carelink.records")
    inject("PatientEntryAdded", patient_id, dict(
        base, event_id=str(uuid.uuid4()), time=now_ms() + 1, entry_id=str(uuid.uuid4()),
        category="incident", author_id=author.id, addressed_to=[], corrects=None),
        topic="carelink.records")


def alert(raiser, title):
    """Raises an alert for the whole tenant through notify (an urgent
    notification for everyone but the raiser); returns it."""
    return raiser.ok("POST", "/v1/alerts", {
        "kind": "disaster", "severity": "severe", "title": title,
        "description": "試験の緊急連絡", "area": {"districts": ["北地区"]},
        "audience": {"everyone": True}, "requires_ack": False}, status=201)["alert"]


def wait_items(person, count, what, **params):
    """person's feed (with params) once it holds at least count items."""
    return wait_until(lambda: (lambda it: it if len(it) >= count else None)(
        person.items(**params)), "%d %s in the feed" % (count, what))


# --------------------------------------------------------------------------
# notify's database


def notify_psql(sql, **params):
    """Runs sql on notify's database (carelink_test.psql)."""
    return ct.psql("notify", sql, **params)


def notifications_topic(schema, pred, timeout=20):
    """Datums of schema (a carelink.notifications type) on the topic for
    which pred holds, once there is one."""
    def found():
        out = []
        for m in ct.consume("carelink.notifications"):
            d = ct.decode_single_object(schema, m.value)
            if d is not None and pred(d):
                out.append(d)
        return out
    return wait_until(found, "a %s on carelink.notifications" % schema, timeout)

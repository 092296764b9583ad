"""Helpers of the vacancy tests (test_vacancy_*.py), as
services/vacancy/API.md describes the service.

* Facilities: many at once by a CSV import into the built-in facilities app
  as takahashi (a tenant admin of the city hall): the records are owned by
  the importer's organisation, so takahashi is the facilities' staff and
  updates their beds and capacity. make_facilities() waits (bounded) until
  vacancy's copy of the directory has every one of them.
* Calls: through the gateway (/api/v1/...) when it forwards vacancy's
  routes, else vacancy directly (/v1/...) with an identity signed by the key
  in $CARELINK_VAR; Caller hides which.
* Days: today and the 90-day horizon in Asia/Tokyo.
* Events: vacancy_changed() reads carelink.vacancy from the beginning with
  kcat and decodes each VacancyChanged with python3-avro from schemas/
  alone; topic_mark() remembers a topic's end offsets and
  messages_since() / events_since() read only what came after them (one
  kcat per partition, at once). outbox_fence() waits until a service's
  outbox relay has published every event committed so far: "nothing more
  came" for events that requests write, checked without watching the
  topic for a while.
* Reference: great-circle distance (haversine).

Every wait has a deadline; a failed check raises ct.TestFailure.
"""

import concurrent.futures
import datetime
import json
import math
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402
import apps_helpers as apps  # noqa: E402

API = "/api/v1"
JST = datetime.timezone(datetime.timedelta(hours=9), "JST")
HORIZON_DAYS = 90
CARE_LEVELS = ["support_1", "support_2", "care_1", "care_2", "care_3", "care_4", "care_5"]
CONDITIONS = ["dementia", "tube_feeding", "insulin", "dialysis", "oxygen", "suction",
              "catheter", "wheelchair", "bedridden", "stoma"]
KIND_SHORT_STAY = "短期入所生活介護"
KIND_HOSPITAL = "病院"
KIND_OFFICE = "居宅介護支援事業所"
EARTH_RADIUS_KM = 6371.0088
q = w.q


# --------------------------------------------------------------------------
# days


def today():
    return datetime.datetime.now(JST).date()


def day(offset):
    """YYYY-MM-DD of today + offset (Asia/Tokyo)."""
    return (today() + datetime.timedelta(days=offset)).isoformat()


def horizon():
    """The horizon's days, YYYY-MM-DD, today ... today + 89."""
    t = today()
    return [(t + datetime.timedelta(days=i)).isoformat() for i in range(HORIZON_DAYS)]


def days_between(frm, to):
    a = datetime.date.fromisoformat(frm)
    b = datetime.date.fromisoformat(to)
    return [(a + datetime.timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


# --------------------------------------------------------------------------
# calling vacancy


def vacancy_url():
    return "http://127.0.0.1:%d" % ct.service_port("vacancy")


_through_gateway = None
_gateway_lock = threading.Lock()


def through_gateway(session):
    """True when the gateway forwards vacancy's routes (its configuration
    names vacancy.url), decided once per process."""
    global _through_gateway
    with _gateway_lock:
        if _through_gateway is None:
            _through_gateway = bool(ct.service_conf("gateway").get("vacancy.url"))
            ct.log("vacancy is called %s" % ("through the gateway" if _through_gateway
                                             else "directly with a signed identity"))
    return _through_gateway


class Caller:
    """A demo person calling vacancy: through the gateway with a real
    session when it forwards vacancy, else directly with their identity."""

    def __init__(self, name):
        self.name = name
        self.session = w.login(name)
        self.user = ct.seed_user(name)

    def request(self, method, path, json_body=None, timeout=30):
        """path is vacancy's tail: /v1/..."""
        if through_gateway(self.session):
            return self.session.request(method, API + path[len("/v1"):], json_body=json_body,
                                        timeout=timeout)
        return self.direct(method, path, json_body, timeout)

    def direct(self, method, path, json_body=None, timeout=30):
        """The same request to vacancy itself, with a signed identity."""
        hdrs = {w.IDENTITY_HEADER: ct.sign_identity(ct.identity_claims(self.name, 120))}
        body = None
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        return ct.http_request(vacancy_url(), method, path, body, hdrs, timeout)

    def get(self, path, what=None, **params):
        r = self.request("GET", q(path, **params))
        return w.expect(r, 200, what or ("%s: GET %s %r" % (self.name, path, params)))


# --------------------------------------------------------------------------
# facilities


def import_facilities(admin_session, rows, timeout=120):
    """Imports rows (dicts of name, kind, district, latitude, longitude; a
    None coordinate is left empty) into the facilities app as one commit."""
    cols = ["name", "kind", "district", "latitude", "longitude"]
    lines = [cols] + [["" if r.get(c) is None else
                       ("%.6f" % r[c] if isinstance(r[c], float) else str(r[c]))
                       for c in cols] for r in rows]
    data = apps.csv_text(lines).encode("utf-8")
    imp = apps.run_import(admin_session, "facilities", data, "utf-8", "commit", timeout)
    ct.check(imp.get("state") == "done" and imp.get("created") == len(rows),
             "facility import: expected done with %d created, got %r"
             % (len(rows), {k: imp.get(k) for k in ("state", "created", "errors")}))


def facility_ids(admin_session, marker, count, timeout=30):
    """name -> id of the directory's facilities whose name holds marker."""
    deadline = time.monotonic() + timeout
    while True:
        out, cursor = {}, None
        for _ in range(100):
            doc = apps.facilities(admin_session, q=marker, limit=200, cursor=cursor)
            for f in doc.get("facilities") or []:
                if marker in (f.get("name") or ""):
                    out[f["name"]] = f["id"]
            cursor = doc.get("next_cursor")
            if not cursor:
                break
        if len(out) >= count:
            return out
        if time.monotonic() > deadline:
            ct.fail("the directory lists %d of the %d facilities named %s after %d s"
                    % (len(out), count, marker, timeout))
        time.sleep(0.2)


def offered_kind(kind):
    return {KIND_SHORT_STAY: "short_stay", "短期入所療養介護": "short_stay",
            KIND_HOSPITAL: "backup", "診療所": "backup"}.get(kind)


def known_to_vacancy(caller, fid, kind):
    """None when vacancy answers for facility fid (its copy has it), else
    its 404 answer."""
    bk = offered_kind(kind)
    if bk:
        r = caller.request("GET", q("/v1/facilities/%s/beds" % fid, kind=bk))
    else:
        r = caller.request("GET", "/v1/facilities/%s/capacity" % fid)
    if r.status == 200:
        return None
    if r.status == 404:
        return r.describe()
    ct.fail("vacancy's answer for facility %s: expected 200 or 404 (not yet copied), got %s"
            % (fid, r.describe()))


def wait_known(caller, facilities, timeout=60, workers=8):
    """Waits until vacancy's copy has every facility ({id: kind})."""
    left = dict(facilities)
    deadline = time.monotonic() + timeout
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
        while left:
            ids = list(left)
            answers = list(ex.map(lambda i: known_to_vacancy(caller, i, left[i]), ids))
            last = None
            for i, a in zip(ids, answers):
                if a is None:
                    del left[i]
                else:
                    last = (i, a)
            if not left:
                return
            if time.monotonic() > deadline:
                ct.fail("vacancy's copy of the directory lacks %d of %d facilities after %d s "
                        "(e.g. %s, answered %s)" % (len(left), len(facilities), timeout,
                                                     last[0], last[1]))
            time.sleep(0.2)


def make_facilities(admin_session, caller, rows, marker, timeout=90):
    """Imports rows (each name holding marker) and waits for vacancy's copy;
    returns the rows with "id" set."""
    import_facilities(admin_session, rows)
    ids = facility_ids(admin_session, marker, len(rows))
    for r in rows:
        ct.check(r["name"] in ids, "imported facility %r is not in the directory" % r["name"])
        r["id"] = ids[r["name"]]
    wait_known(caller, {r["id"]: r["kind"] for r in rows}, timeout)
    return rows


# --------------------------------------------------------------------------
# beds, capacity, holds


def beds_body(kind, frm, to, men, women, either, care_levels, conditions):
    return {"kind": kind, "from": frm, "to": to, "men": men, "women": women,
            "either": either, "care_levels": list(care_levels),
            "conditions": list(conditions)}


def put_beds(caller, fid, kind, frm, to, men, women, either, care_levels=(), conditions=()):
    r = caller.request("PUT", "/v1/facilities/%s/beds" % fid,
                       beds_body(kind, frm, to, men, women, either, care_levels, conditions))
    return w.expect(r, 200, "PUT /v1/facilities/%s/beds %s %s..%s" % (fid, kind, frm, to))


def get_beds(caller, fid, kind, frm, to):
    return caller.get("/v1/facilities/%s/beds" % fid, kind=kind, **{"from": frm, "to": to})


def put_capacity(caller, fid, levels, capabilities=None, note=None):
    body = {"levels": levels}
    if capabilities is not None:
        body["capabilities"] = capabilities
    if note is not None:
        body["note"] = note
    r = caller.request("PUT", "/v1/facilities/%s/capacity" % fid, body)
    return w.expect(r, 200, "PUT /v1/facilities/%s/capacity" % fid)["capacity"]


def get_capacity(caller, fid):
    return caller.get("/v1/facilities/%s/capacity" % fid)["capacity"]


def place_hold(caller, fid, kind, room, beds, frm, to, label="A様 要介護3"):
    """The Response of POST /v1/holds."""
    return caller.request("POST", "/v1/holds", {
        "facility_id": fid, "kind": kind, "room": room, "beds": beds, "from": frm, "to": to,
        "client_label": label})


def take_hold(avail, room, beds):
    """Takes a hold of beds for room out of avail {"men","women","either"}
    as API.md says (a men's or women's hold: its own room type first, then
    either beds; an either hold: either beds, then women's, then men's);
    False (avail unchanged) when there are not enough."""
    order = ["either", "women", "men"] if room == "either" else [room, "either"]
    if sum(avail[t] for t in order) < beds:
        return False
    for t in order:
        n = min(avail[t], beds)
        avail[t] -= n
        beds -= n
    return True


# --------------------------------------------------------------------------
# distance


def great_circle_km(lat1, lng1, lat2, lng2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# --------------------------------------------------------------------------
# events


def vacancy_changed():
    """[(message, datum)] of every VacancyChanged on carelink.vacancy, in
    offset order per partition (undecodable messages are skipped)."""
    out = []
    for m in ct.consume("carelink.vacancy", with_headers=False):
        d = ct.decode_single_object("VacancyChanged", m.value)
        if d is not None:
            out.append((m, d))
    return out


def latest_per_key(pairs):
    """facility id (the message key) -> the datum of its latest
    VacancyChanged (the one with the highest offset of its partition)."""
    latest = {}
    for m, d in pairs:
        key = (m.key or b"").decode("utf-8", "replace")
        prev = latest.get(key)
        if prev is None or (m.partition, m.offset) > (prev[0].partition, prev[0].offset):
            latest[key] = (m, d)
    return {k: d for k, (m, d) in latest.items()}


# --------------------------------------------------------------------------
# facilities owned by a chosen organisation, vacancy's database


def create_owned_facility(admin_session, name, kind, district, owner, lat=None, lng=None):
    """One facility record created by admin_session (a tenant admin) in the
    facilities app, owned by organisation owner (its members are the
    facility's staff); {"id","name","kind","district","lat","lng"}."""
    values = {"name": name, "kind": kind, "district": district}
    if lat is not None:
        values["latitude"] = lat
        values["longitude"] = lng
    rec = apps.create_record(admin_session, "facilities", values, owner)
    return {"id": rec["id"], "name": name, "kind": kind, "district": district,
            "lat": lat, "lng": lng}


def vacancy_psql(sql, **params):
    """Runs sql on vacancy's database (psql variables from params, used as
    :'name'); rows as lists of strings."""
    return service_psql("vacancy", sql, **params)


def service_psql(service, sql, **params):
    """Runs sql on service's own database (carelink_test.psql)."""
    return ct.psql(service, sql, **params)


# --------------------------------------------------------------------------
# availability as API.md's rule computes it (men's and women's holds)


def available_after(declared, held_men, held_women):
    """{"men","women","either"} left of declared {"men","women","either"}
    when men's holds take held_men beds and women's holds held_women
    (each its own room type first, then either beds); None when they do
    not fit."""
    m = declared["men"] - min(held_men, declared["men"])
    wo = declared["women"] - min(held_women, declared["women"])
    e = (declared["either"] - (held_men - min(held_men, declared["men"]))
         - (held_women - min(held_women, declared["women"])))
    if e < 0:
        return None
    return {"men": m, "women": wo, "either": e}


def room_count(avail, room):
    """Beds of avail a person of room (men, women, any) may use."""
    if room == "men":
        return avail["men"] + avail["either"]
    if room == "women":
        return avail["women"] + avail["either"]
    return avail["men"] + avail["women"] + avail["either"]


# --------------------------------------------------------------------------
# events on carelink.vacancy from a mark on


def topic_mark(topic="carelink.vacancy"):
    """carelink_test.topic_mark() of carelink.vacancy by default."""
    return ct.topic_mark(topic)


def messages_since(mark, topic="carelink.vacancy", with_headers=False):
    """carelink_test.messages_since() of carelink.vacancy by default."""
    return ct.messages_since(mark, topic, with_headers)


def events_since(mark, name, topic="carelink.vacancy"):
    """[(message, datum)] of the name events (decoded from schemas/ alone)
    on topic after mark, in offset order per partition."""
    out = []
    for m in messages_since(mark, topic):
        d = ct.decode_single_object(name, m.value)
        if d is not None:
            out.append((m, d))
    return out


def outbox_fence(service="vacancy", timeout=20):
    """carelink_test.outbox_fence() of vacancy by default."""
    ct.outbox_fence(service, timeout)


def wait_events(mark, name, pred, count, what, timeout=20, settle=0.0, fence=False):
    """The name events after mark for which pred holds, once there are at
    least count of them (fails after timeout); then fails when more than
    count have come: with fence, once vacancy's outbox has published all it
    holds (outbox_fence(): for events that requests write), with settle,
    after waiting that long more (for events of background passes)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [(m, d) for m, d in events_since(mark, name) if pred(d)]
        if len(found) >= count:
            break
        if time.monotonic() > deadline:
            ct.fail("%d %s (%s) on carelink.vacancy after %d s, expected %d"
                    % (len(found), name, what, timeout, count))
        time.sleep(0.1)
    if fence:
        outbox_fence()
    if settle:
        time.sleep(settle)
    if fence or settle:
        found = [(m, d) for m, d in events_since(mark, name) if pred(d)]
    ct.check(len(found) == count, "%d %s (%s) on carelink.vacancy, expected %d: %r"
             % (len(found), name, what, count, [d for _, d in found][:5]))
    return found

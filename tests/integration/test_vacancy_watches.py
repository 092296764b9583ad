#!/usr/bin/env python3
"""Watches (saved bed searches) of vacancy (services/vacancy/API.md,
Watches; Events of watches and freshness; What notify makes of
carelink.vacancy), end to end through Kafka and notify.

* The API: create (201 and the watch's shape, defaults), list (newest
  first, ?active=1), get, delete (204, then 404); another person's watch
  is 404 watch_not_found; every refusal of the contract saves nothing; 409
  too_many_watches past 20 active watches (watanabe's).
* Matching: takahashi (the staff of the facilities this test imports)
  updates beds; tanaka's watch "a women's bed, 要介護3, a condition only
  this run uses, 北地区, within 5 km, three nights".
  Facilities that match when the watch is saved are in its matches with no
  event. Changes that do not make a facility match (wrong room, care
  level, condition, district, outside the radius, a night missing) give no
  VacancyWatchMatched; one that does gives exactly one (decoded with
  python3-avro from schemas/ alone, keyed by the facility, naming the watch
  and its owner) and one vacancy_match notification in tanaka's feed
  (link #/vacancy/watches/<id>), none in ito's, sato's or takahashi's.
  The first match is also told live on tanaka's event stream. A change
  that keeps it matching says nothing; beds lowered (un-match)
  then raised (re-match) notify again; so do a hold by ito taking the last
  bed, then its release; and a hold that expires (moved into the past in
  vacancy's database; the expiry thread). A watch from a night before
  today checks today ... to; one whose last night has passed is inactive
  and matches nothing; a backup-bed watch matches a hospital's beds.
* A brute-force reference: a few dozen generated facilities, several
  watches of two people, random bed updates and holds; after each change
  the test computes which facilities match which watch. Every watch's
  matches (ids, min_available, rank order) equal the reference, and the
  VacancyWatchMatched events per (watch, facility) are exactly the
  reference's not-matching -> matching transitions. The seed is printed
  (CARELINK_SEED=<n> repeats a run). Then 40 bed updates of 4 of them
  at once: every watch's matches equal what the beds read back make match.
"""

import math
import os
import random
import string
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402
import vacancy_helpers as v  # noqa: E402

# a condition only this run's facilities accept, so that the watches match
# none of the demo's or other tests' facilities
TAG = "wt_" + "".join(random.choice(string.ascii_lowercase) for _ in range(8))
CENTRE = (35.6812, 139.7671)
NOTIFY_S = 20           # a notification within seconds
EXPIRY_WAIT_S = 40      # vacancy.expiry_interval_s is 10 by default
MAX_WATCHES = 20
GEN_FACILITIES = 36
GEN_CHANGES = 80
CONCURRENT_PUTS = 40
DIST_EPS_KM = 0.06
NOBODY = "00000000-0000-4000-8000-00000000dead"


def point(km_north, km_east):
    """A point km_north / km_east of CENTRE."""
    return (CENTRE[0] + km_north / 111.0,
            CENTRE[1] + km_east / (111.0 * math.cos(math.radians(CENTRE[0]))))


def refused(caller, method, path, body, status, code, what):
    r = caller.request(method, path, body)
    w.expect(r, status, what, code)
    return r


def watch_body(name, frm, to, **kw):
    b = {"name": name, "kind": "short_stay", "from": frm, "to": to}
    b.update(kw)
    return b


def create_watch(caller, body, what="POST /v1/watches"):
    r = caller.request("POST", "/v1/watches", body)
    return w.expect(r, 201, "%s %r" % (what, body))["watch"]


def get_watch(caller, wid):
    return caller.get("/v1/watches/%s" % wid)["watch"]


def delete_watch(caller, wid):
    r = caller.request("DELETE", "/v1/watches/%s" % wid)
    ct.check(r.status == 204 and not r.body, "DELETE watch %s: expected 204 without a body, "
             "got %s" % (wid, r.describe()))


def list_watches(caller, **params):
    return caller.get("/v1/watches", **params)["watches"]


def match_ids(watch):
    return [m["facility"]["id"] for m in watch["matches"]]


def matched(mark, wid, fid=None):
    """The VacancyWatchMatched events of watch wid (at facility fid) after
    mark."""
    return [(m, d) for m, d in v.events_since(mark, "VacancyWatchMatched")
            if d["watch_id"] == wid and (fid is None or d["facility_id"] == fid)]


def quiet(mark, wid, count, what):
    """Checks that watch wid has exactly count VacancyWatchMatched after
    mark once vacancy's outbox has published everything the changes so far
    wrote (a watch is re-checked in the change's transaction)."""
    v.outbox_fence()
    got = matched(mark, wid)
    ct.check(len(got) == count, "%s: %d VacancyWatchMatched of the watch, expected %d: %r"
             % (what, len(got), count, [(d["facility_name"], d["min_available"])
                                        for _, d in got]))


# --------------------------------------------------------------------------
# the API


def check_api(tanaka, ito, police, marker):
    frm, to = v.day(10), v.day(12)
    before = list_watches(tanaka)
    full = create_watch(tanaka, watch_body(
        "%s 北の女性" % marker, frm, to, room="women", beds=2, care_level="care_3",
        conditions=[TAG, "dementia"], district="北地区", near="35.6812,139.7671",
        radius_km=5))
    ct.check(full["id"] and full["name"] == "%s 北の女性" % marker and
             full["kind"] == "short_stay" and full["from"] == frm and full["to"] == to and
             full["room"] == "women" and full["beds"] == 2 and full["care_level"] == "care_3"
             and sorted(full["conditions"]) == sorted([TAG, "dementia"]) and
             full["district"] == "北地区" and full["active"] is True and full["created_at"]
             and full["matches"] == [], "the watch as created: %r" % full)
    near = full["near"]
    ct.check(isinstance(near, dict) and abs(near["lat"] - 35.6812) < 1e-9 and
             abs(near["lng"] - 139.7671) < 1e-9 and full["radius_km"] == 5,
             "near and radius_km of the watch: %r %r" % (near, full["radius_km"]))
    plain = create_watch(tanaka, watch_body("%s 何でも" % marker, frm, frm))
    ct.check(plain["room"] == "any" and plain["beds"] == 1 and plain["care_level"] is None
             and plain["conditions"] == [] and plain["district"] is None and
             plain["near"] is None and plain["radius_km"] is None and plain["active"] is True,
             "a watch's defaults: %r" % {k: plain.get(k) for k in (
                 "room", "beds", "care_level", "conditions", "district", "near", "radius_km")})
    backup = create_watch(tanaka, watch_body("%s 後方" % marker, v.day(0), v.day(89),
                                             kind="backup", room="men", conditions=[TAG]))
    ct.check(backup["kind"] == "backup" and backup["room"] == "men",
             "a backup watch: %r" % backup)

    ct.check_eq(get_watch(tanaka, full["id"]), full, "GET the watch")
    listed = list_watches(tanaka)
    ids = [x["id"] for x in listed]
    ct.check(ids[:3] == [backup["id"], plain["id"], full["id"]],
             "GET /watches: not newest first: %r" % ids[:3])
    ct.check_eq(len(listed), len(before) + 3, "watches listed")
    active = list_watches(tanaka, active="1")
    ct.check(all(x["active"] for x in active) and
             {backup["id"], plain["id"], full["id"]} <= {x["id"] for x in active},
             "GET /watches?active=1: %r" % [(x["id"], x["active"]) for x in active])
    ct.check(all(x["id"] not in ids for x in list_watches(ito)), "ito lists tanaka's watches")

    # another person's watch is like an unknown one
    for who, method in ((ito, "GET"), (ito, "DELETE"), (tanaka, "GET"), (tanaka, "DELETE")):
        wid = full["id"] if who is ito else NOBODY
        refused(who, method, "/v1/watches/%s" % wid, None, 404, "watch_not_found",
                "%s %s watch %s" % (who.name, method, wid))
    refused(tanaka, "GET", "/v1/watches/not-a-uuid", None, 404, "watch_not_found",
            "GET a watch by a bad id")
    ct.check_eq(get_watch(tanaka, full["id"]), full, "the watch after ito's DELETE")
    for method, path in (("GET", "/v1/watches"), ("POST", "/v1/watches")):
        body = watch_body("x", frm, to) if method == "POST" else None
        refused(police, method, path, body, 404, "not_found", "police %s %s" % (method, path))
    # one watch's routes answer like the holds' routes (hold_not_found)
    for method in ("GET", "DELETE"):
        refused(police, method, "/v1/watches/%s" % full["id"], None, 404, "watch_not_found",
                "police %s a watch" % method)

    check_refusals(tanaka, marker)

    delete_watch(tanaka, plain["id"])
    refused(tanaka, "GET", "/v1/watches/%s" % plain["id"], None, 404, "watch_not_found",
            "GET a deleted watch")
    refused(tanaka, "DELETE", "/v1/watches/%s" % plain["id"], None, 404, "watch_not_found",
            "DELETE a deleted watch")
    ct.check(plain["id"] not in [x["id"] for x in list_watches(tanaka)],
             "a deleted watch is listed")
    for x in (full, backup):
        delete_watch(tanaka, x["id"])
    ct.check_eq([x["id"] for x in list_watches(tanaka)], [x["id"] for x in before],
                "tanaka's watches after the deletes")
    ct.log("watches API: create, defaults, list, get, delete, 404s and refusals")


def check_refusals(tanaka, marker):
    frm, to = v.day(10), v.day(12)

    def body(**kw):
        b = watch_body("%s 拒否" % marker, frm, to, room="women", care_level="care_3",
                       conditions=[TAG], district="北地区")
        b.update(kw)
        return {k: val for k, val in b.items() if val is not _DROP}
    cases = [
        (body(name=""), "invalid_name"), (body(name="あ" * 61), "invalid_name"),
        (body(name=_DROP), "invalid_name"), (body(name=7), "invalid_name"),
        (body(kind="hotel"), "invalid_kind"), (body(kind=_DROP), "invalid_kind"),
        (body(**{"from": v.day(12), "to": v.day(10)}), "invalid_range"),
        (body(**{"from": "2026-02-30"}), "invalid_range"),
        (body(**{"from": "tomorrow"}), "invalid_range"),
        (body(**{"to": _DROP}), "invalid_range"),
        (body(**{"to": v.day(90)}), "out_of_horizon"),
        (body(**{"from": v.day(-3), "to": v.day(-1)}), "out_of_horizon"),
        (body(**{"from": v.day(-1)}), "out_of_horizon"),
        (body(beds=0), "invalid_count"), (body(beds=11), "invalid_count"),
        (body(beds="1"), "invalid_count"), (body(beds=1.5), "invalid_count"),
        (body(care_level="care_9"), "invalid_code"),
        (body(conditions=["Bad!"]), "invalid_code"),
        (body(conditions=["x" * 41]), "invalid_code"),
        (body(near="abc", radius_km=3), "invalid_query"),
        (body(near="91,139.7", radius_km=3), "invalid_query"),
        (body(near="35.6,139.7", radius_km=0.05), "invalid_query"),
        (body(near="35.6,139.7", radius_km=201), "invalid_query"),
        (body(radius_km=3), "invalid_query"),
        (body(room="child"), "invalid_body"), (body(room="either"), "invalid_body"),
    ]
    before = list_watches(tanaka)
    for b, code in cases:
        refused(tanaka, "POST", "/v1/watches", b, 400, code, "POST /v1/watches %r" % b)
    r = tanaka.request("POST", "/v1/watches", None)
    ct.check(r.status in (400, 415), "POST /v1/watches without a body: %s" % r.describe())
    ct.check_eq(list_watches(tanaka), before, "tanaka's watches after the refusals")


_DROP = object()


def check_too_many(watanabe, marker):
    """20 active watches per person; the 21st is 409 and saves nothing."""
    mine = list_watches(watanabe, active="1")
    made = []
    try:
        # a watch whose last night has passed is inactive and does not count
        old = create_watch(watanabe, watch_body("%s 過去" % marker, v.day(0), v.day(1)))["id"]
        made.append(old)
        v.vacancy_psql("UPDATE watches SET day_from = day_from - 5, day_to = day_to - 3"
                       " WHERE id = :'id';", id=old)
        ct.check([x["active"] for x in list_watches(watanabe) if x["id"] == old] == [False],
                 "a watch whose last night has passed is listed as active")
        ct.check(old not in [x["id"] for x in list_watches(watanabe, active="1")],
                 "?active=1 lists a watch whose last night has passed")
        ct.check(get_watch(watanabe, old)["active"] is False, "GET an inactive watch")
        for i in range(MAX_WATCHES - len(mine)):
            made.append(create_watch(watanabe, watch_body(
                "%s 上限%02d" % (marker, i), v.day(20), v.day(21)))["id"])
        before = list_watches(watanabe)
        refused(watanabe, "POST", "/v1/watches",
                watch_body("%s 上限超" % marker, v.day(20), v.day(21)), 409,
                "too_many_watches", "the 21st active watch")
        ct.check_eq(list_watches(watanabe), before, "watches after too_many_watches")
        delete_watch(watanabe, made.pop())
        made.append(create_watch(watanabe, watch_body(
            "%s 上限再" % marker, v.day(20), v.day(21)))["id"])
    finally:
        for wid in made:
            watanabe.request("DELETE", "/v1/watches/%s" % wid)
    ct.log("too_many_watches past %d active watches" % MAX_WATCHES)


# --------------------------------------------------------------------------
# matching, end to end


class Feeds:
    """Feed marks of several people, taken now."""

    def __init__(self, callers):
        self.callers = callers
        self.marks = {c.name: w.feed_mark(c.session) for c in callers}

    def of(self, caller, pred):
        return [n for n in w.feed_since(caller.session, self.marks[caller.name]) if pred(n)]


def check_matching(tanaka, staff, ito, sato, marker):
    frm, to = v.day(10), v.day(12)
    rows = [
        {"name": "%s 北既" % marker, "kind": v.KIND_SHORT_STAY, "district": "北地区",
         "pos": point(1, 0)},
        {"name": "%s 北新" % marker, "kind": v.KIND_SHORT_STAY, "district": "北地区",
         "pos": point(0, 2)},
        {"name": "%s 北遠" % marker, "kind": v.KIND_SHORT_STAY, "district": "北地区",
         "pos": point(8, 0)},
        {"name": "%s 南近" % marker, "kind": v.KIND_SHORT_STAY, "district": "南地区",
         "pos": point(-1, 0)},
        {"name": "%s 北病院" % marker, "kind": v.KIND_HOSPITAL, "district": "北地区",
         "pos": point(0, 1)},
    ]
    for r in rows:
        r["latitude"], r["longitude"] = r.pop("pos")
    v.make_facilities(w.login("takahashi"), staff, rows, marker)
    pre, new, far, south, hosp = rows
    ok = dict(care_levels=["care_2", "care_3"], conditions=["dementia", TAG])

    def put(f, men, women, either, frm_=frm, to_=to, **kw):
        args = dict(ok)
        args.update(kw)
        v.put_beds(staff, f["id"], "short_stay", frm_, to_, men, women, either,
                   args["care_levels"], args["conditions"])

    put(pre, 0, 2, 0)
    feeds = Feeds([tanaka, ito, sato, staff])
    mark = v.topic_mark()
    watch = create_watch(tanaka, watch_body(
        "%s 北の女性 要介護3" % marker, frm, to, room="women", care_level="care_3",
        conditions=[TAG], district="北地区", near="%.6f,%.6f" % CENTRE, radius_km=5))
    wid = watch["id"]
    ct.check_eq(match_ids(watch), [pre["id"]], "a new watch's matches")
    m0 = watch["matches"][0]
    dist = v.great_circle_km(CENTRE[0], CENTRE[1], pre["latitude"], pre["longitude"])
    ct.check(m0["min_available"] == 2 and abs(m0["distance_km"] - dist) < 0.02 and
             m0["matched_at"] and m0["facility"]["name"] == pre["name"] and
             m0["facility"]["district"] == "北地区" and
             m0["facility"]["kind"] == v.KIND_SHORT_STAY,
             "the match at creation: %r (distance %.3f)" % (m0, dist))
    ct.check_eq(get_watch(tanaka, wid)["matches"], watch["matches"], "GET the watch's matches")

    # changes that do not make a facility match
    put(new, 3, 0, 0)                                      # men's rooms only
    put(new, 0, 1, 0, care_levels=["care_1"])              # another care level
    put(new, 0, 1, 0, conditions=["dementia"])             # the condition lacking
    put(new, 0, 0, 0)
    put(new, 0, 1, 0, to_=v.day(11))                       # the last night missing
    put(south, 0, 2, 2)                                    # another district
    put(far, 0, 2, 2)                                      # outside the radius
    put(pre, 0, 3, 0)                                      # still matching
    quiet(mark, wid, 0, "changes that make nothing match")
    ct.check_eq(match_ids(get_watch(tanaka, wid)), [pre["id"]], "matches after them")

    # the change that makes it match, told live on tanaka's event stream
    with ct.EventStream(tanaka.session) as stream:
        stream.wait_ready()
        put(new, 0, 1, 0, frm_=v.day(12), to_=v.day(12))
        ev = stream.wait_for(lambda e: e.event == "notification" and
                             wid in (e.json().get("link") or ""), NOTIFY_S,
                             "vacancy_match of watch %s" % wid)
        ct.check(ev.json().get("kind") == "vacancy_match", "the live notification: %r"
                 % ev.json())
    (m, d), = v.wait_events(mark, "VacancyWatchMatched", lambda d: d["watch_id"] == wid, 1,
                            "of the watch", timeout=NOTIFY_S, fence=True)
    ct.check((m.key or b"").decode() == new["id"], "VacancyWatchMatched key: %r" % m.key)
    ct.check(d["facility_id"] == new["id"] and d["facility_name"] == new["name"] and
             d["user_id"] == tanaka.user["id"] and d["watch_name"] == watch["name"] and
             d["kind"] == "short_stay" and d["from"] == frm and d["to"] == to and
             d["min_available"] == 1 and d["tenant_id"] == ct.seed()["tenant"]["id"] and
             d["event_id"], "VacancyWatchMatched: %r" % d)
    got = get_watch(tanaka, wid)
    ct.check_eq(match_ids(got), [pre["id"], new["id"]], "matches (fit, then distance)")
    ct.check(got["matches"][1]["min_available"] == 1, "min_available of the new match: %r"
             % got["matches"][1])
    check_feeds(feeds, tanaka, (ito, sato, staff), wid, 1, "the first match")

    # un-match by lowering beds, re-match: notified again
    put(new, 0, 0, 0, frm_=v.day(11), to_=v.day(11))
    ct.check_eq(match_ids(get_watch(tanaka, wid)), [pre["id"]], "matches after lowering")
    quiet(mark, wid, 1, "lowering beds")
    put(new, 0, 0, 1, frm_=v.day(11), to_=v.day(11))
    v.wait_events(mark, "VacancyWatchMatched", lambda d: d["watch_id"] == wid, 2,
                  "after the re-match", timeout=NOTIFY_S, fence=True)
    check_feeds(feeds, tanaka, (ito, sato, staff), wid, 2, "the re-match")

    # a hold taking the last bed, then its release
    r = v.place_hold(ito, new["id"], "short_stay", "women", 1, v.day(11), v.day(11), "F様")
    hold = w.expect(r, 201, "ito holds the last bed of a night")["hold"]
    ct.check_eq(match_ids(get_watch(tanaka, wid)), [pre["id"]], "matches under the hold")
    quiet(mark, wid, 2, "the hold")
    w.expect(ito.request("POST", "/v1/holds/%s/release" % hold["id"]), 200, "release")
    v.wait_events(mark, "VacancyWatchMatched", lambda d: d["watch_id"] == wid, 3,
                  "after the release", timeout=NOTIFY_S, fence=True)
    ct.check_eq(match_ids(get_watch(tanaka, wid)), [pre["id"], new["id"]],
                "matches after the release")

    # a hold that expires
    r = v.place_hold(ito, new["id"], "short_stay", "either", 1, v.day(10), v.day(12), "G様")
    hold = w.expect(r, 201, "ito holds the last beds of three nights")["hold"]
    ct.check_eq(match_ids(get_watch(tanaka, wid)), [pre["id"]], "matches under the 2nd hold")
    quiet(mark, wid, 3, "the second hold")
    v.vacancy_psql("UPDATE holds SET expires_at = now() - interval '1 second'"
                   " WHERE id = :'id';", id=hold["id"])
    v.wait_events(mark, "VacancyWatchMatched", lambda d: d["watch_id"] == wid, 4,
                  "after the hold expired", timeout=EXPIRY_WAIT_S)
    probe = expiry_probe(ito, far, frm)
    check_feeds(feeds, tanaka, (ito, sato, staff), wid, 4, "after the expiry")

    check_past_nights(tanaka, staff, south, marker)
    check_backup(tanaka, staff, hosp, wid, marker)

    # one more expiry pass has run (meanwhile): the expiry was told once
    expiry_probe_wait(probe)
    quiet(mark, wid, 4, "the expiry pass after the one that released the hold")
    check_feeds(feeds, tanaka, (ito, sato, staff), wid, 4, "after one more expiry pass")

    # nothing about the other facilities, ever
    for f in (far, south, pre):
        ct.check(not matched(mark, wid, f["id"]), "VacancyWatchMatched of %s" % f["name"])
    delete_watch(tanaka, wid)
    put(new, 0, 0, 0, frm_=v.day(11), to_=v.day(11))
    put(new, 0, 0, 1, frm_=v.day(11), to_=v.day(11))
    quiet(mark, wid, 4, "changes after the watch was deleted")
    ct.log("matching: at creation without an event, 6 non-matching changes quiet, "
           "match / re-match / hold / release / expiry notified once each")


def expiry_probe(ito, f, night):
    """A women's hold of ito at facility f on night, moved into the past
    now: the expiry pass that releases it began after this. For
    expiry_probe_wait()."""
    mark = v.topic_mark()
    r = v.place_hold(ito, f["id"], "short_stay", "women", 1, night, night, "P様")
    hold = w.expect(r, 201, "a probe hold at %s" % f["name"])["hold"]
    v.vacancy_psql("UPDATE holds SET expires_at = now() - interval '1 second'"
                   " WHERE id = :'id';", id=hold["id"])
    return mark, hold["id"]


def expiry_probe_wait(probe):
    """Waits until vacancy's expiry pass has released the probe hold (so it
    has run once more since expiry_probe()), then until vacancy's outbox is
    published."""
    mark, hid = probe
    v.wait_events(mark, "HoldReleased", lambda d: d["hold_id"] == hid, 1,
                  "of the probe hold", timeout=EXPIRY_WAIT_S, fence=True)


def check_past_nights(tanaka, staff, f, marker):
    """A watch from a night before today checks today ... to; a watch whose
    last night has passed checks nothing."""
    cond = TAG + "p"
    mark = v.topic_mark()
    past = create_watch(tanaka, watch_body("%s 昨日から" % marker, v.day(0), v.day(1),
                                           conditions=[cond], district=f["district"]))
    gone = create_watch(tanaka, watch_body("%s 終了" % marker, v.day(0), v.day(1),
                                           conditions=[cond], district=f["district"]))
    ct.check(past["matches"] == [] and gone["matches"] == [], "new watches match: %r"
             % ([past["matches"], gone["matches"]],))
    v.vacancy_psql("UPDATE watches SET day_from = day_from - 1 WHERE id = :'id';"
                   "UPDATE watches SET day_from = day_from - 3, day_to = day_to - 2"
                   " WHERE id = :'gone';", id=past["id"], gone=gone["id"])
    try:
        v.put_beds(staff, f["id"], "short_stay", v.day(0), v.day(1), 1, 0, 0, ["care_1"], [cond])
        (m, d), = v.wait_events(mark, "VacancyWatchMatched",
                                lambda d: d["watch_id"] in (past["id"], gone["id"]), 1,
                                "of a watch from yesterday", timeout=NOTIFY_S, fence=True)
        ct.check(d["watch_id"] == past["id"] and d["facility_id"] == f["id"] and
                 d["from"] == v.day(0) and d["to"] == v.day(1) and d["min_available"] == 1,
                 "VacancyWatchMatched of a watch from yesterday (nights today ... to): %r" % d)
        ct.check_eq(match_ids(get_watch(tanaka, past["id"])), [f["id"]],
                    "matches of the watch from yesterday")
        ct.check(get_watch(tanaka, gone["id"])["active"] is False, "a watch that ended is active")
    finally:
        for x in (past, gone):
            tanaka.request("DELETE", "/v1/watches/%s" % x["id"])


def check_backup(tanaka, staff, hosp, short_wid, marker):
    """A backup-bed watch matches a hospital's backup beds; the short-stay
    watch does not."""
    mark = v.topic_mark()
    bw = create_watch(tanaka, watch_body("%s 後方支援" % marker, v.day(10), v.day(12),
                                         kind="backup", conditions=[TAG, "oxygen"],
                                         district="北地区", room="any", beds=2))
    try:
        v.put_beds(staff, hosp["id"], "backup", v.day(10), v.day(12), 1, 0, 0, [], [TAG, "oxygen"])
        quiet(mark, bw["id"], 0, "one backup bed for a watch of two")
        v.put_beds(staff, hosp["id"], "backup", v.day(10), v.day(12), 1, 1, 0, [],
                   [TAG, "oxygen"])
        (m, d), = v.wait_events(mark, "VacancyWatchMatched",
                                lambda d: d["watch_id"] in (bw["id"], short_wid), 1,
                                "of the backup watch", timeout=NOTIFY_S, fence=True)
        ct.check(d["watch_id"] == bw["id"] and d["kind"] == "backup" and
                 d["facility_id"] == hosp["id"] and d["min_available"] == 2,
                 "VacancyWatchMatched of the backup watch: %r" % d)
        ct.check_eq(match_ids(get_watch(tanaka, bw["id"])), [hosp["id"]],
                    "the backup watch's matches")
    finally:
        tanaka.request("DELETE", "/v1/watches/%s" % bw["id"])


def check_feeds(feeds, owner, others, wid, count, what):
    pred = w.about(wid, "vacancy_match")
    deadline = time.monotonic() + NOTIFY_S
    while len(feeds.of(owner, pred)) < count:
        if time.monotonic() > deadline:
            ct.fail("%s: %d vacancy_match notifications of watch %s in %s's feed after %d s,"
                    " expected %d" % (what, len(feeds.of(owner, pred)), wid, owner.name,
                                      NOTIFY_S, count))
        time.sleep(0.15)
    got = feeds.of(owner, pred)
    ct.check(len(got) == count, "%s: %d vacancy_match in %s's feed, expected %d"
             % (what, len(got), owner.name, count))
    link = got[-1].get("link") or ""
    ct.check(link.endswith("#/vacancy/watches/%s" % wid) or link == "#/vacancy/watches/%s"
             % wid, "the notification's link: %r" % link)
    for o in others:
        ct.check(not feeds.of(o, w.about(wid)),
                 "%s: %s's feed has notifications of tanaka's watch: %r"
                 % (what, o.name, feeds.of(o, w.about(wid))))


# --------------------------------------------------------------------------
# a brute-force reference


DISTRICTS = ["北地区", "南地区", "東地区"]
NIGHTS = 8  # the nights the generated set plays in: day(30) ... day(37)


def gen_rows(rnd, marker):
    rows = []
    for i in range(GEN_FACILITIES):
        r = 6.0 * (rnd.random() ** 0.5)
        a = rnd.random() * 2 * math.pi
        lat, lng = point(r * math.cos(a), r * math.sin(a))
        if rnd.random() < 0.08:
            lat = lng = None
        rows.append({"name": "%s 生成%02d" % (marker, i), "kind": v.KIND_SHORT_STAY,
                     "district": rnd.choice(DISTRICTS), "latitude": lat, "longitude": lng})
    return rows


def gen_watches(rnd, nights):
    """Watch bodies (without name) of random conditions, all needing TAG."""
    out = []
    for i in range(6):
        a = rnd.randrange(0, len(nights))
        b = min(len(nights) - 1, a + rnd.choice([0, 1, 1, 2, 3]))
        body = {"kind": "short_stay", "from": nights[a], "to": nights[b],
                "room": rnd.choice(["men", "women", "any"]), "beds": rnd.choice([1, 1, 2]),
                "conditions": [TAG] + (["dementia"] if rnd.random() < 0.3 else [])}
        if rnd.random() < 0.4:
            body["care_level"] = rnd.choice(["care_1", "care_3", "care_5"])
        if rnd.random() < 0.4:
            body["district"] = rnd.choice(DISTRICTS)
        if rnd.random() < 0.5:
            lat, lng = point(rnd.uniform(-3, 3), rnd.uniform(-3, 3))
            body["near"] = "%.6f,%.6f" % (lat, lng)
            if rnd.random() < 0.7:
                body["radius_km"] = rnd.choice([2, 3.5, 5])
        out.append(body)
    return out


class Reference:
    """What the test wrote: declared beds per (facility, night) and the
    active holds; from them, which facilities match a watch."""

    def __init__(self, rows, nights):
        self.rows = {r["id"]: r for r in rows}
        self.nights = nights
        zero = {"men": 0, "women": 0, "either": 0, "care_levels": set(), "conditions": set()}
        self.decl = {(f, n): dict(zero) for f in self.rows for n in nights}
        self.holds = {}  # hold id -> (fid, room, beds, nights)

    def declare(self, fid, nights, men, women, either, levels, conds):
        for n in nights:
            self.decl[(fid, n)] = {"men": men, "women": women, "either": either,
                                   "care_levels": set(levels), "conditions": set(conds)}

    def avail(self, fid, night, extra=None):
        hm = hw = 0
        for (f, room, beds, ns) in list(self.holds.values()) + ([extra] if extra else []):
            if f == fid and night in ns:
                if room == "men":
                    hm += beds
                else:
                    hw += beds
        d = self.decl[(fid, night)]
        return v.available_after(d, hm, hw)

    def fits(self, hold):
        fid, room, beds, ns = hold
        return all(self.avail(fid, n, hold) is not None for n in ns)

    def distance(self, body, fid):
        f = self.rows[fid]
        if not body.get("near") or f["latitude"] is None:
            return None
        lat, lng = (float(x) for x in body["near"].split(","))
        return v.great_circle_km(lat, lng, f["latitude"], f["longitude"])

    def unsure(self, body, fid):
        dist = self.distance(body, fid)
        return (body.get("radius_km") is not None and dist is not None and
                abs(dist - body["radius_km"]) < DIST_EPS_KM)

    def matches(self, body):
        """{fid: min_available} of the facilities that match body."""
        out = {}
        for fid, f in self.rows.items():
            if body.get("district") and f["district"] != body["district"]:
                continue
            if body.get("radius_km") is not None:
                dist = self.distance(body, fid)
                if dist is None or dist > body["radius_km"]:
                    continue
            counts = []
            for n in v.days_between(body["from"], body["to"]):
                d = self.decl[(fid, n)]
                if body.get("care_level") and body["care_level"] not in d["care_levels"]:
                    break
                if not set(body["conditions"]) <= d["conditions"]:
                    break
                counts.append(v.room_count(self.avail(fid, n), body["room"]))
            else:
                if counts and min(counts) >= body["beds"]:
                    out[fid] = min(counts)
        return out


def check_watch_against(ref, caller, watch, body, what):
    got = get_watch(caller, watch["id"])
    want = ref.matches(body)
    ours = [m for m in got["matches"] if m["facility"]["id"] in ref.rows]
    ct.check(len(ours) == len(got["matches"]),
             "%s: watch %s matches facilities of other tests: %r" % (
                 what, watch["id"], [m["facility"]["name"] for m in got["matches"]
                                     if m["facility"]["id"] not in ref.rows]))
    have = {m["facility"]["id"]: m for m in ours}
    sure = lambda ids: {i for i in ids if not ref.unsure(body, i)}  # noqa: E731
    ct.check(sure(have) == sure(want), "%s: watch %r matches %r, the reference %r" % (
        what, body, sorted(ref.rows[i]["name"] for i in sure(have)),
        sorted(ref.rows[i]["name"] for i in sure(want))))
    for fid in sure(have):
        m = have[fid]
        ct.check(m["min_available"] == want[fid], "%s: min_available of %s: %r, expected %d"
                 % (what, ref.rows[fid]["name"], m["min_available"], want[fid]))
        dist = ref.distance(body, fid)
        ct.check((dist is None and m["distance_km"] is None) or
                 (dist is not None and m["distance_km"] is not None and
                  abs(m["distance_km"] - dist) < 0.02),
                 "%s: distance of %s: %r, expected %r" % (what, fid, m["distance_km"], dist))
    # ranked as search results: fit (min_available) descending, then
    # distance (none last), then name
    keys = [(-m["min_available"],
             m["distance_km"] if m["distance_km"] is not None else float("inf"))
            for m in ours]
    for a, b in zip(keys, keys[1:]):
        ct.check(a[0] < b[0] or (a[0] == b[0] and a[1] <= b[1] + DIST_EPS_KM),
                 "%s: matches of watch %s not ranked: %r" % (what, watch["id"], keys))
    return want


def check_brute_force(tanaka, sato, staff, ito, marker):
    seed = int(os.environ.get("CARELINK_SEED") or random.randrange(1 << 30))
    ct.log("brute-force watches: seed %d (CARELINK_SEED=%d repeats it)" % (seed, seed))
    rnd = random.Random(seed)
    rows = gen_rows(rnd, marker + "g")
    v.make_facilities(w.login("takahashi"), staff, rows, marker + "g")
    nights = [v.day(30 + i) for i in range(NIGHTS)]
    ref = Reference(rows, nights)

    def random_decl():
        def one():
            return 0 if rnd.random() < 0.4 else rnd.randint(1, 3)
        levels = sorted(rnd.sample(v.CARE_LEVELS, rnd.randint(3, 7)))
        conds = [TAG] if rnd.random() < 0.9 else []
        conds += [c for c in ("dementia", "insulin") if rnd.random() < 0.6]
        return one(), one(), one(), levels, conds

    def declare(fid, a, b):
        men, women, either, levels, conds = random_decl()
        ns = nights[a:b + 1]
        # never lower a night below what the holds take (that is 409 beds_held)
        for n in ns:
            hm = sum(h[2] for h in ref.holds.values() if h[0] == fid and n in h[3]
                     and h[1] == "men")
            hw = sum(h[2] for h in ref.holds.values() if h[0] == fid and n in h[3]
                     and h[1] == "women")
            if v.available_after({"men": men, "women": women, "either": either},
                                 hm, hw) is None:
                either += hm + hw
        v.put_beds(staff, fid, "short_stay", ns[0], ns[-1], men, women, either, levels, conds)
        ref.declare(fid, ns, men, women, either, levels, conds)

    for f in rows:
        declare(f["id"], 0, NIGHTS - 1)
    mark = v.topic_mark()
    watches = []
    for i, body in enumerate(gen_watches(rnd, nights)):
        owner = tanaka if i % 2 == 0 else sato
        body = dict(body, name="%s 生成%d" % (marker, i))
        wt = create_watch(owner, body)
        want = check_watch_against(ref, owner, wt, body, "watch %d at creation" % i)
        watches.append((owner, wt, body, set(want)))
    expected = {}  # (watch id, fid) -> number of VacancyWatchMatched
    try:
        for step in range(GEN_CHANGES):
            fid = rnd.choice(rows)["id"]
            op = rnd.random()
            if op < 0.6 or (op >= 0.85 and not ref.holds):
                a = rnd.randrange(NIGHTS)
                declare(fid, a, min(NIGHTS - 1, a + rnd.randint(0, 4)))
            elif op < 0.85:
                a = rnd.randrange(NIGHTS)
                hold = (fid, rnd.choice(["men", "women"]), rnd.randint(1, 2),
                        nights[a:min(NIGHTS, a + rnd.randint(1, 3))])
                if not ref.fits(hold):
                    continue
                r = v.place_hold(ito, fid, "short_stay", hold[1], hold[2], hold[3][0],
                                 hold[3][-1], "H様")
                hid = w.expect(r, 201, "step %d: a hold the reference has room for %r"
                               % (step, hold))["hold"]["id"]
                ref.holds[hid] = hold
            else:
                hid = rnd.choice(sorted(ref.holds))
                w.expect(ito.request("POST", "/v1/holds/%s/release" % hid), 200,
                         "step %d: releasing a hold" % step)
                del ref.holds[hid]
            for i, (owner, wt, body, before) in enumerate(watches):
                now = set(ref.matches(body))
                for f in now - before:
                    if not ref.unsure(body, f):
                        expected[(wt["id"], f)] = expected.get((wt["id"], f), 0) + 1
                watches[i] = (owner, wt, body, now)
        for i, (owner, wt, body, _) in enumerate(watches):
            check_watch_against(ref, owner, wt, body, "watch %d after %d changes"
                                % (i, GEN_CHANGES))
        check_matched_events(mark, ref, watches, expected)
        check_concurrent(rnd, staff, ref, watches, nights)
    finally:
        for owner, wt, _, _ in watches:
            owner.request("DELETE", "/v1/watches/%s" % wt["id"])
        for hid in ref.holds:
            ito.request("POST", "/v1/holds/%s/release" % hid)
    ct.log("brute force: %d facilities, %d watches, %d changes, %d matches notified"
           % (len(rows), len(watches), GEN_CHANGES, sum(expected.values())))


def check_concurrent(rnd, staff, ref, watches, nights):
    """Bed updates of a few facilities at once (every watch is re-checked
    in each update's transaction): afterwards every watch's matches equal
    what the facilities' beds, read back, make match."""
    pool = rnd.sample(sorted(ref.rows), 4)
    jobs = []
    for _ in range(CONCURRENT_PUTS):
        fid = rnd.choice(pool)
        a = rnd.randrange(NIGHTS)
        b = min(NIGHTS - 1, a + rnd.randint(0, 4))
        levels = sorted(rnd.sample(v.CARE_LEVELS, rnd.randint(3, 7)))
        conds = [TAG] + [c for c in ("dementia", "insulin") if rnd.random() < 0.6]
        counts = [rnd.choice([0, 1, 2, 3]) for _ in range(3)]
        # room enough under every hold of the facility, on any night
        counts[2] += sum(h[2] for h in ref.holds.values() if h[0] == fid)
        jobs.append((fid, nights[a], nights[b], counts, levels, conds))
    errors = []

    def put(job):
        fid, frm, to, (men, women, either), levels, conds = job
        r = staff.direct("PUT", "/v1/facilities/%s/beds" % fid,
                         v.beds_body("short_stay", frm, to, men, women, either, levels, conds))
        if r.status != 200:
            errors.append("PUT beds %s %s..%s: %s" % (fid, frm, to, r.describe()))
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
        list(ex.map(put, jobs))
    ct.check(not errors, "concurrent bed updates failed: %r" % errors[:3])
    for fid in pool:  # the state they left, as vacancy tells it
        for d in v.get_beds(staff, fid, "short_stay", nights[0], nights[-1])["days"]:
            ref.declare(fid, [d["day"]], d["men"], d["women"], d["either"],
                        d["care_levels"], d["conditions"])
    for i, (owner, wt, body, _) in enumerate(watches):
        check_watch_against(ref, owner, wt, body, "watch %d after %d concurrent updates"
                            % (i, CONCURRENT_PUTS))
    ct.log("%d concurrent bed updates of %d facilities: every watch's matches agree"
           % (CONCURRENT_PUTS, len(pool)))


def check_matched_events(mark, ref, watches, expected):
    wids = {wt["id"]: (owner, body) for owner, wt, body, _ in watches}
    total = sum(expected.values())
    deadline = time.monotonic() + NOTIFY_S
    while True:
        evs = [d for _, d in v.events_since(mark, "VacancyWatchMatched") if d["watch_id"] in wids]
        sure = [d for d in evs if not ref.unsure(wids[d["watch_id"]][1], d["facility_id"])]
        if len(sure) >= total or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    v.outbox_fence()  # every change was a request: all it wrote is out now
    evs = [d for _, d in v.events_since(mark, "VacancyWatchMatched") if d["watch_id"] in wids]
    got = {}
    for d in evs:
        owner, body = wids[d["watch_id"]]
        ct.check(d["user_id"] == owner.user["id"] and d["from"] == body["from"] and
                 d["to"] == body["to"] and d["kind"] == "short_stay",
                 "VacancyWatchMatched of a generated watch: %r" % d)
        if not ref.unsure(body, d["facility_id"]):
            k = (d["watch_id"], d["facility_id"])
            got[k] = got.get(k, 0) + 1
    if got != expected:
        diff = sorted((ref.rows[f]["name"], wid, got.get((wid, f), 0), expected.get((wid, f), 0))
                      for wid, f in set(got) | set(expected)
                      if got.get((wid, f), 0) != expected.get((wid, f), 0))
        ct.fail("VacancyWatchMatched per (watch, facility) differ from the reference's "
                "transitions to matching (facility, watch, events, expected): %r" % diff[:10])


def test():
    marker = "見守り" + "".join(random.choice(string.ascii_lowercase) for _ in range(6))
    tanaka, ito, sato = v.Caller("tanaka"), v.Caller("ito"), v.Caller("sato")
    police, watanabe, staff = v.Caller("nakamura"), v.Caller("watanabe"), v.Caller("takahashi")
    try:
        check_api(tanaka, ito, police, marker)
        check_too_many(watanabe, marker)
        check_matching(tanaka, staff, ito, sato, marker)
        check_brute_force(tanaka, sato, staff, ito, marker)
    finally:  # this run's watches go, also after a failure
        for c in (tanaka, sato, watanabe):
            r = c.request("GET", "/v1/watches")
            for x in (r.json().get("watches") or []) if r.status == 200 else []:
                if marker in x["name"]:
                    c.request("DELETE", "/v1/watches/%s" % x["id"])


if __name__ == "__main__":
    ct.run(test, budget_s=280)

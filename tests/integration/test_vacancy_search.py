"""Bed search correctness on a generated data set (services/vacancy/API.md,
Search): a few hundred facilities (short-stay homes and hospitals, random
districts, coordinates within about 10 km of one point, a few without
coordinates) get random beds for the whole 90-day horizon (random segments
of men/women/either counts with many zeros, random care levels and
conditions) and a few holds; then many random searches are compared with a
brute-force reference the test computes from what it wrote.

The random seed is printed (CARELINK_SEED=<n> repeats a run). The answer
may hold facilities of other tests and the demo: they are only checked to
be in rank order; every facility of this test must be where the reference
puts it.
"""

import concurrent.futures
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402
import vacancy_helpers as v  # noqa: E402

SHORT_STAY_COUNT = 200
HOSPITAL_COUNT = 40
QUERY_COUNT = 300
QUERY_BUDGET_S = 60
QUERY_WORKERS = 4   # searches asked (and checked) at once
DISTRICTS = ["中央地区", "北地区", "南地区", "東地区", "西地区", "山手地区"]
CENTRE = (35.6812, 139.7671)
DIST_EPS_KM = 0.06  # distances this close to a radius or to each other are not judged


def random_point(rnd):
    """A point within about 10 km of CENTRE."""
    r = 10.0 * (rnd.random() ** 0.5)
    a = rnd.random() * 6.283185307179586
    dlat = r * math.cos(a) / 111.0
    dlng = r * math.sin(a) / (111.0 * 0.8121)
    return CENTRE[0] + dlat, CENTRE[1] + dlng


def make_rows(rnd, marker):
    rows = []
    for i in range(SHORT_STAY_COUNT + HOSPITAL_COUNT):
        kind = v.KIND_SHORT_STAY if i < SHORT_STAY_COUNT else v.KIND_HOSPITAL
        lat, lng = random_point(rnd)
        if rnd.random() < 0.05:
            lat = lng = None
        rows.append({"name": "%s 施設%03d" % (marker, i), "kind": kind,
                     "district": rnd.choice(DISTRICTS), "latitude": lat, "longitude": lng})
    return rows


def random_counts(rnd):
    def one():
        return 0 if rnd.random() < 0.55 else rnd.randint(1, 4)
    if rnd.random() < 0.25:
        return 0, 0, 0
    return one(), one(), one()


def random_segments(rnd, days):
    """The horizon cut into 1..6 consecutive ranges."""
    cuts = sorted(rnd.sample(range(1, len(days)), rnd.randint(0, 5)))
    bounds = [0] + cuts + [len(days)]
    return [(days[a], days[b - 1]) for a, b in zip(bounds, bounds[1:])]


def declare_beds(rnd, caller, rows, days):
    """Random beds for every facility; the reference state
    ref[(fid, kind)][day] = {"men","women","either","care_levels","conditions",
    "avail":{...}}."""
    jobs = []
    ref = {}
    for f in rows:
        kind = v.offered_kind(f["kind"])
        state = ref.setdefault((f["id"], kind), {})
        for frm, to in random_segments(rnd, days):
            men, women, either = random_counts(rnd)
            levels = sorted(rnd.sample(v.CARE_LEVELS, rnd.randint(1, 7)))
            conds = sorted(rnd.sample(v.CONDITIONS, rnd.randint(0, 5)))
            jobs.append((f["id"], kind, frm, to, men, women, either, levels, conds))
            for d in v.days_between(frm, to):
                state[d] = {"men": men, "women": women, "either": either,
                            "care_levels": set(levels), "conditions": set(conds),
                            "avail": {"men": men, "women": women, "either": either}}

    def put(job):
        fid, kind, frm, to, men, women, either, levels, conds = job
        doc = v.put_beds(caller, fid, kind, frm, to, men, women, either, levels, conds)
        got = [(d.get("day"), d.get("men"), d.get("women"), d.get("either"))
               for d in doc.get("days") or []]
        want = [(d, men, women, either) for d in v.days_between(frm, to)]
        ct.check(got == want, "PUT beds %s %s %s..%s answered days %r, expected %r"
                 % (fid, kind, frm, to, got[:3], want[:3]))

    t = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
        list(ex.map(put, jobs))
    ct.log("%d bed updates (PUT) for %d facilities in %.1f s"
           % (len(jobs), len(rows), time.monotonic() - t))
    return ref


def place_holds(rnd, holder, rows, ref, days, count=20):
    """A few holds (men's, women's or either rooms) where the reference has room;
    applied to the reference. Skipped when vacancy has no hold route yet."""
    placed = 0
    tries = 0
    while placed < count and tries < 200:
        tries += 1
        f = rnd.choice(rows)
        kind = v.offered_kind(f["kind"])
        state = ref[(f["id"], kind)]
        start = rnd.randrange(0, len(days) - 5)
        span = days[start:start + rnd.randint(1, 5)]
        room = rnd.choice(["men", "women", "either"])
        beds = rnd.randint(1, 2)
        trial = {d: dict(state[d]["avail"]) for d in span}
        if not all(v.take_hold(trial[d], room, beds) for d in span):
            continue
        r = v.place_hold(holder, f["id"], kind, room, beds, span[0], span[-1])
        if placed == 0 and r.status in (404, 405) and r.error_code() in (None, "not_found"):
            ct.log("holds skipped: POST /v1/holds answers %s" % r.describe())
            return 0
        w.expect(r, 201, "POST /v1/holds %s %s %s x%d %s..%s (the reference has room)"
                 % (f["id"], kind, room, beds, span[0], span[-1]))
        for d in span:
            state[d]["avail"] = trial[d]
        placed += 1
    ct.log("%d holds placed" % placed)
    return placed


def room_count(avail, room):
    if room == "men":
        return avail["men"] + avail["either"]
    if room == "women":
        return avail["women"] + avail["either"]
    return avail["men"] + avail["women"] + avail["either"]


def random_query(rnd, days):
    a = rnd.randrange(0, len(days))
    b = min(len(days) - 1, a + rnd.choice([0, 0, 1, 2, 3, 6, 13, 20]))
    qp = {"kind": rnd.choice(["short_stay", "short_stay", "short_stay", "backup"]),
          "from": days[a], "to": days[b], "room": rnd.choice(["men", "women", "any"])}
    if rnd.random() < 0.5:
        qp["care_level"] = rnd.choice(v.CARE_LEVELS)
    if rnd.random() < 0.5:
        qp["conditions"] = ",".join(rnd.sample(v.CONDITIONS, rnd.randint(1, 2)))
    if rnd.random() < 0.4:
        qp["district"] = rnd.choice(DISTRICTS)
    if rnd.random() < 0.5:
        lat, lng = random_point(rnd)
        qp["near"] = "%.6f,%.6f" % (lat, lng)
        if rnd.random() < 0.8:
            qp["radius_km"] = rnd.choice(["1", "2.5", "4", "6", "10"])
    if rnd.random() < 0.6:
        qp["limit"] = str(rnd.choice([1, 5, 20, 50, 100, 200]))
    return qp


def reference(qp, rows, ref):
    """{fid: (min_available, distance or None, name, nights)} of this test's
    facilities that match, and the set of those too close to call (a
    distance at the radius)."""
    kind = qp["kind"]
    nights = v.days_between(qp["from"], qp["to"])
    conds = set(qp["conditions"].split(",")) if qp.get("conditions") else set()
    near = tuple(float(x) for x in qp["near"].split(",")) if qp.get("near") else None
    radius = float(qp["radius_km"]) if qp.get("radius_km") else None
    out, unsure = {}, set()
    for f in rows:
        if v.offered_kind(f["kind"]) != kind:
            continue
        if qp.get("district") and f["district"] != qp["district"]:
            continue
        dist = None
        if near and f["latitude"] is not None:
            dist = v.great_circle_km(near[0], near[1], f["latitude"], f["longitude"])
        if near and radius is not None:
            if dist is None:
                continue
            if abs(dist - radius) < DIST_EPS_KM:
                unsure.add(f["id"])
            if dist > radius:
                continue
        state = ref[(f["id"], kind)]
        counts = []
        ok = True
        for d in nights:
            s = state[d]
            n = room_count(s["avail"], qp["room"])
            if n < 1 or (qp.get("care_level") and qp["care_level"] not in s["care_levels"]) \
                    or not conds <= s["conditions"]:
                ok = False
                break
            counts.append((d, n))
        if ok:
            out[f["id"]] = (min(n for _, n in counts), dist, f["name"], counts)
    return out, unsure


def rank_key(min_available, dist, name):
    return (-min_available, 0 if dist is not None else 1, dist or 0.0, name)


def better(a, b):
    """True when a ranks clearly before b (not within the distance slack)."""
    if a[0] != b[0]:
        return a[0] > b[0]
    if (a[1] is None) != (b[1] is None):
        return a[1] is not None
    if a[1] is not None and abs(a[1] - b[1]) >= DIST_EPS_KM:
        return a[1] < b[1]
    if a[1] is not None and a[1] != b[1]:
        return False  # too close to call
    return a[2] < b[2]


def check_query(caller, qp, rows, ref):
    path = w.q("/v1/search/beds", **qp)
    r = caller.request("GET", path)
    if r.status == 503:
        t = time.monotonic()
        d = caller.direct("GET", path, timeout=60)
        ct.fail("GET %s: expected 200, got %s; vacancy itself answered %d in %.1f s"
                % (path, r.describe(), d.status, time.monotonic() - t))
    doc = w.expect(r, 200, "GET %s" % path)
    results = doc.get("results")
    ct.check(isinstance(results, list), "GET %s: no results list: %r" % (path, doc))
    want, unsure = reference(qp, rows, ref)
    limit = int(qp.get("limit", 50))
    ct.check(len(results) <= limit, "GET %s: %d results over the limit %d"
             % (path, len(results), limit))
    seen = []
    mine_ids = {f["id"] for f in rows}
    for i, res in enumerate(results):
        fac = res.get("facility") or {}
        fid = fac.get("id")
        dist = res.get("distance_km")
        item = (res.get("min_available"), dist, fac.get("name") or "")
        ct.check(isinstance(item[0], int) and item[0] >= 1,
                 "GET %s: result %d (%s) has min_available %r" % (path, i, fid, item[0]))
        if qp.get("near"):
            ct.check(dist is None or isinstance(dist, (int, float)),
                     "GET %s: result %s distance_km %r" % (path, fid, dist))
        else:
            ct.check(dist is None, "GET %s: result %s has distance_km %r without near"
                     % (path, fid, dist))
        if seen:
            ct.check(not better(item, seen[-1]),
                     "GET %s: result %d %s (min_available %r, distance %r, name %r) ranks "
                     "before result %d (min_available %r, distance %r, name %r) per API.md"
                     % (path, i, fid, item[0], item[1], item[2], i - 1, seen[-1][0],
                        seen[-1][1], seen[-1][2]))
        seen.append(item)
        if fid not in mine_ids:
            continue
        if fid not in want:
            if fid in unsure:
                continue
            ct.fail("GET %s: facility %s (%s) is in the results but does not match per the "
                    "reference (answer %r)" % (path, fid, fac.get("name"), res))
        mn, wdist, name, nights = want[fid]
        ct.check(res.get("min_available") == mn,
                 "GET %s: facility %s min_available %r, expected %d"
                 % (path, fid, res.get("min_available"), mn))
        got_n = [(n.get("day"), n.get("available")) for n in res.get("nights") or []]
        ct.check(got_n == nights, "GET %s: facility %s nights %r, expected %r"
                 % (path, fid, got_n, nights))
        if wdist is None:
            ct.check(dist is None, "GET %s: facility %s (no coordinates or no near) has "
                     "distance_km %r" % (path, fid, dist))
        else:
            ct.check(isinstance(dist, (int, float)) and abs(dist - wdist) <= 0.06,
                     "GET %s: facility %s distance_km %r, expected %.3f"
                     % (path, fid, dist, wdist))
        ct.check(res.get("stale") is False,
                 "GET %s: facility %s updated just now is stale: %r" % (path, fid, res))
        ct.check(res.get("updated_at"), "GET %s: facility %s has no updated_at" % (path, fid))
    got_mine = {(r.get("facility") or {}).get("id") for r in results} & mine_ids
    full = len(results) == limit
    for fid, (mn, wdist, name, _) in want.items():
        if fid in got_mine or fid in unsure:
            continue
        item = (mn, wdist, name)
        if not full or better(item, seen[-1]):
            ct.fail("GET %s: facility %s (%s, min_available %d, distance %r) matches per the "
                    "reference but is missing (%d results, limit %d)"
                    % (path, fid, name, mn, wdist, len(results), limit))
    return len(want)


def check_refusals(caller, days):
    """Bad searches: 400 with API.md's codes."""
    yesterday = v.day(-1)
    beyond = v.day(v.HORIZON_DAYS)
    for qp, code in (
            ({"kind": "short_stay", "to": days[3]}, "invalid_query"),
            ({"kind": "short_stay", "from": days[3]}, "invalid_query"),
            ({"kind": "short_stay", "from": "2026-13-01", "to": days[3]}, "invalid_query"),
            ({"kind": "short_stay", "from": days[3], "to": days[5], "near": "35.6,"},
             "invalid_query"),
            ({"kind": "short_stay", "from": days[3], "to": days[5], "near": "north"},
             "invalid_query"),
            ({"kind": "short_stay", "from": yesterday, "to": days[2]}, "out_of_horizon"),
            ({"kind": "short_stay", "from": days[80], "to": beyond}, "out_of_horizon")):
        path = w.q("/v1/search/beds", **qp)
        w.expect(caller.request("GET", path), 400, "GET %s" % path, code)


def test():
    seed = int(os.environ.get("CARELINK_SEED") or random.randrange(1 << 30))
    ct.log("random seed %d (CARELINK_SEED=%d repeats this run)" % (seed, seed))
    rnd = random.Random(seed)
    marker = ct.unique("vsearch")
    admin = w.login("takahashi")
    staff = v.Caller("takahashi")
    holder = v.Caller("tanaka")
    t = time.monotonic()
    rows = v.make_facilities(admin, staff, make_rows(rnd, marker), marker)
    ct.log("%d facilities imported and copied by vacancy in %.1f s"
           % (len(rows), time.monotonic() - t))
    days = v.horizon()
    check_refusals(holder, days)
    ref = declare_beds(rnd, staff, rows, days)
    place_holds(rnd, holder, rows, ref, days)

    # the searches, drawn in order from the seed, are asked a few at once
    # (nothing changes the data while they run)
    queries = [random_query(rnd, days) for _ in range(QUERY_COUNT)]
    t = time.monotonic()

    def one(qp):
        if time.monotonic() - t > QUERY_BUDGET_S:
            return None
        t1 = time.monotonic()
        n = check_query(holder, qp, rows, ref)
        return n, (time.monotonic() - t1, w.q("/v1/search/beds", **qp))

    done = matched = 0
    slowest = (0.0, "")
    with concurrent.futures.ThreadPoolExecutor(max_workers=QUERY_WORKERS) as ex:
        for res in ex.map(one, queries):
            if res is None:
                continue
            matched += res[0]
            slowest = max(slowest, res[1])
            done += 1
    ct.check(done >= 40, "only %d searches in %d s" % (done, QUERY_BUDGET_S))
    ct.log("%d searches agree with the reference (%d matches of this test's facilities) "
           "in %.1f s; the slowest took %.2f s: %s"
           % (done, matched, time.monotonic() - t, slowest[0], slowest[1]))


if __name__ == "__main__":
    ct.run(test, budget_s=240)

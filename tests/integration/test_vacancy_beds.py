#!/usr/bin/env python3
"""vacancy's core (services/vacancy/API.md): the facility copy, care-manager
capacity, beds, the board, bed search and VacancyChanged.

takahashi (a tenant admin) creates a few facility records through the
gateway, owned by 中央居宅介護支援事業所 (tanaka's) and ひだまり訪問介護
(ito's); once vacancy's copy has them, tanaka and ito update capacity and
beds of their own facilities and read them back. Every 400/403/404 of the
contract is tried and shown to change nothing; search is checked on the
small hand-made data set; the board shows the coming 14 days; and the
facility's VacancyChanged on carelink.vacancy (decoded from schemas/ alone)
carries what was declared. The police (nakamura) get 404 everywhere.
"""

import os
import random
import string
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402
import apps_helpers as apps  # noqa: E402
import vacancy_helpers as v  # noqa: E402

# a condition only this run's facilities accept, so that searches find them
# among the facilities of other tests
TAG = "vt_" + "".join(random.choice(string.ascii_lowercase) for _ in range(8))
ORG_TANAKA = "0f1e2d3c-0001-4000-8000-000000000003"
ORG_ITO = "0f1e2d3c-0001-4000-8000-000000000004"
NOBODY = "00000000-0000-4000-8000-00000000dead"


def create_facility(admin, name, kind, district, owner, lat=None, lng=None):
    values = {"name": name, "kind": kind, "district": district}
    if lat is not None:
        values["latitude"] = lat
        values["longitude"] = lng
    rec = apps.create_record(admin, "facilities", values, owner)
    return {"id": rec["id"], "name": name, "kind": kind, "district": district,
            "lat": lat, "lng": lng}


def refused(caller, method, path, body, status, code, what):
    r = caller.request(method, path, body)
    w.expect(r, status, what, code)


def check_capacity(tanaka, ito, police, office, short1):
    fid = office["id"]
    cap = v.get_capacity(tanaka, fid)
    ct.check(cap["updated_at"] is None and cap["stale"] is True and
             all(n == 0 for n in cap["levels"].values()) and len(cap["levels"]) == 7,
             "a never-set capacity: %r" % cap)
    cap = v.put_capacity(tanaka, fid, {"care_1": 2, "care_3": 1}, ["dementia", "lang_en"],
                         "月末まで")
    ct.check_eq(cap["levels"], {"support_1": 0, "support_2": 0, "care_1": 2, "care_2": 0,
                                "care_3": 1, "care_4": 0, "care_5": 0}, "capacity levels")
    ct.check_eq(cap["capabilities"], ["dementia", "lang_en"], "capabilities")
    ct.check(cap["note"] == "月末まで" and cap["stale"] is False and cap["updated_at"] and
             cap["updated_by"]["id"] == tanaka.user["id"], "capacity after PUT: %r" % cap)
    ct.check_eq(cap["facility"]["id"], fid, "capacity's facility")
    path = "/v1/facilities/%s/capacity" % fid
    for body, code in (({"levels": {"care_1": -1}}, "invalid_count"),
                       ({"levels": {"care_1": 100}}, "invalid_count"),
                       ({"levels": {"care_1": "2"}}, "invalid_count"),
                       ({"levels": {"care_9": 1}}, "invalid_code"),
                       ({"levels": {}, "capabilities": ["Bad!"]}, "invalid_code"),
                       ({"levels": {}, "capabilities": ["c%d" % i for i in range(21)]},
                        "invalid_code")):
        refused(tanaka, "PUT", path, body, 400, code, "PUT capacity %r" % body)
    refused(ito, "PUT", path, {"levels": {"care_1": 5}}, 403, "forbidden",
            "ito PUT another organisation's capacity")
    refused(tanaka, "PUT", "/v1/facilities/%s/capacity" % NOBODY, {"levels": {}}, 404,
            "not_found", "PUT capacity of an unknown facility")
    refused(tanaka, "PUT", "/v1/facilities/%s/capacity" % short1["id"], {"levels": {}}, 400,
            "invalid_kind", "PUT capacity of a short-stay home")
    refused(police, "GET", path, None, 404, "not_found", "police GET capacity")
    refused(police, "GET", "/v1/capacity", None, 404, "not_found", "police GET /capacity")
    ct.check_eq(v.get_capacity(ito, fid), cap, "capacity after the refusals (read by ito)")
    offices = tanaka.get("/v1/capacity", care_level="care_3")["offices"]
    ids = [o["facility"]["id"] for o in offices]
    ct.check(fid in ids, "GET /capacity?care_level=care_3 lacks the office")
    ct.check(all(o["levels"]["care_3"] > 0 for o in offices),
             "GET /capacity?care_level=care_3 holds an office without a place")
    offices = tanaka.get("/v1/capacity", care_level="care_5")["offices"]
    ct.check(fid not in [o["facility"]["id"] for o in offices],
             "GET /capacity?care_level=care_5 holds the office")
    offices = tanaka.get("/v1/capacity", capability="lang_en")["offices"]
    ct.check(fid in [o["facility"]["id"] for o in offices], "capability filter")


def check_beds_refusals(tanaka, ito, police, s1):
    fid = s1["id"]
    path = "/v1/facilities/%s/beds" % fid
    before = v.get_beds(tanaka, fid, "short_stay", v.day(0), v.day(89))

    def body(**kw):
        b = v.beds_body("short_stay", v.day(1), v.day(3), 1, 1, 1, ["care_1"], ["dementia"])
        b.update(kw)
        return b
    cases = [(body(men=-1), "invalid_count"), (body(women=1000), "invalid_count"),
             (body(either="2"), "invalid_count"), (body(men=1.5), "invalid_count"),
             (body(**{"from": v.day(5), "to": v.day(3)}), "invalid_range"),
             (body(**{"from": v.day(0), "to": v.day(90)}), "invalid_range"),
             (body(**{"from": v.day(-1), "to": v.day(2)}), "out_of_horizon"),
             (body(**{"from": v.day(88), "to": v.day(90)}), "out_of_horizon"),
             (body(**{"from": "2026-02-30", "to": v.day(2)}), "invalid_range"),
             (body(kind="backup"), "invalid_kind"), (body(kind="hotel"), "invalid_kind"),
             (body(care_levels=["care_9"]), "invalid_code"),
             (body(conditions=["Insulin"]), "invalid_code")]
    for b, code in cases:
        refused(tanaka, "PUT", path, b, 400, code, "PUT beds %r" % b)
    refused(ito, "PUT", path, body(), 403, "forbidden", "ito PUT another organisation's beds")
    refused(tanaka, "PUT", "/v1/facilities/%s/beds" % NOBODY, body(), 404, "not_found",
            "PUT beds of an unknown facility")
    refused(police, "GET", v.q(path, kind="short_stay"), None, 404, "not_found",
            "police GET beds")
    refused(police, "PUT", path, body(), 404, "not_found", "police PUT beds")
    for qs, code in (({"kind": "backup"}, "invalid_kind"),
                     ({"kind": "short_stay", "from": "x"}, "invalid_query"),
                     ({"kind": "short_stay", "from": v.day(-1)}, "out_of_horizon")):
        refused(tanaka, "GET", v.q(path, **qs), None, 400, code, "GET beds %r" % qs)
    after = v.get_beds(tanaka, fid, "short_stay", v.day(0), v.day(89))
    ct.check_eq(after, before, "beds after the refusals")


def check_beds(tanaka, ito, s1, s2, s3, hospital):
    doc = v.put_beds(tanaka, s1["id"], "short_stay", v.day(1), v.day(5), 1, 0, 2,
                     ["care_2", "care_3"], ["dementia", TAG])
    ct.check_eq([d["day"] for d in doc["days"]], [v.day(i) for i in range(1, 6)],
                "PUT beds answers the range")
    d = doc["days"][0]
    ct.check(d["men"] == 1 and d["women"] == 0 and d["either"] == 2 and d["held"] == 0 and
             d["available"] == {"men": 1, "women": 0, "either": 2} and
             d["care_levels"] == ["care_2", "care_3"] and d["conditions"] == ["dementia", TAG],
             "a day after PUT: %r" % d)
    ct.check(doc["stale"] is False and doc["updated_by"]["id"] == tanaka.user["id"],
             "beds after PUT: %r" % {k: doc[k] for k in ("updated_at", "updated_by", "stale")})
    got = v.get_beds(ito, s1["id"], "short_stay", v.day(0), v.day(6))["days"]
    ct.check(got[0]["either"] == 0 and got[1]["either"] == 2 and got[6]["either"] == 0,
             "GET beds: undeclared days have 0 beds: %r" % got)
    dflt = tanaka.get("/v1/facilities/%s/beds" % s1["id"])
    ct.check(dflt["kind"] == "short_stay" and len(dflt["days"]) == 14 and
             dflt["days"][0]["day"] == v.day(0), "GET beds defaults (kind, today … +13)")
    v.put_beds(ito, s2["id"], "short_stay", v.day(1), v.day(5), 0, 1, 0, ["care_3"],
               ["dementia", "insulin", TAG])
    v.put_beds(tanaka, s3["id"], "short_stay", v.day(1), v.day(5), 2, 2, 2, ["care_1"], [TAG])
    v.put_beds(ito, hospital["id"], "backup", v.day(0), v.day(89), 0, 0, 1, [], ["oxygen"])
    # a range of 90 days is allowed, and lowering a range works
    v.put_beds(tanaka, s3["id"], "short_stay", v.day(0), v.day(89), 0, 0, 0, [], [])
    v.put_beds(tanaka, s3["id"], "short_stay", v.day(1), v.day(5), 2, 2, 2, ["care_1"], [TAG])


def ours(results, fs):
    ids = {f["id"] for f in fs}
    return [r["facility"]["id"] for r in results if r["facility"]["id"] in ids]


def check_search(tanaka, s1, s2, s3):
    fs = (s1, s2, s3)

    def search(**qp):
        qp.setdefault("kind", "short_stay")
        qp["conditions"] = ",".join(filter(None, [qp.get("conditions"), TAG]))
        res = tanaka.get("/v1/search/beds", **qp)["results"]
        fits = [r["fit"] for r in res]
        ct.check(fits == sorted(fits, reverse=True), "results not ranked by fit: %r" % fits)
        for r in res:
            ct.check(r["min_available"] == min(n["available"] for n in r["nights"]) and
                     r["fit"] == r["min_available"], "fit and nights of %r" % r)
        return res
    rng = {"from": v.day(1), "to": v.day(3)}
    res = search(room="women", care_level="care_3", **rng)
    ct.check_eq(ours(res, fs), [s1["id"], s2["id"]], "women, care_3")
    ct.check_eq([n["available"] for n in res[[r["facility"]["id"] for r in res].index(
        s1["id"])]["nights"]], [2, 2, 2], "s1's nights for a woman")
    ct.check_eq(ours(search(room="men", **rng), fs), [s3["id"], s1["id"]], "men")
    ct.check_eq(ours(search(room="any", **rng), fs), [s3["id"], s1["id"], s2["id"]], "any")
    ct.check_eq(ours(search(conditions="dementia,insulin", **rng), fs), [s2["id"]],
                "conditions")
    ct.check_eq(ours(search(room="any", **{"from": v.day(1), "to": v.day(6)}), fs), [],
                "a night without beds")
    ct.check_eq(ours(search(district=s2["district"], **rng), fs),
                [f["id"] for f in (s3, s1, s2) if f["district"] == s2["district"]], "district")
    near = "%f,%f" % (s1["lat"], s1["lng"])
    res = search(near=near, radius_km="1", **rng)
    ct.check_eq(ours(res, fs), [s1["id"]], "within 1 km of s1")
    res = search(near=near, **rng)
    by_id = {r["facility"]["id"]: r for r in res}
    exp = v.great_circle_km(s1["lat"], s1["lng"], s2["lat"], s2["lng"])
    ct.check(abs(by_id[s2["id"]]["distance_km"] - exp) < 0.02,
             "distance of s2: %r, expected %.3f" % (by_id[s2["id"]]["distance_km"], exp))
    ct.check(by_id[s3["id"]]["distance_km"] is None, "a facility without coordinates")
    ct.check(len(search(limit="1", **rng)) <= 1, "limit=1")
    for qp, code in (({"kind": "short_stay"}, "invalid_query"),
                     ({"kind": "short_stay", "from": v.day(1), "to": "x"}, "invalid_query"),
                     (dict(rng, kind="short_stay", near="91,0"), "invalid_query"),
                     (dict(rng, kind="short_stay", room="kids"), "invalid_query"),
                     (dict(rng, kind="short_stay", limit="0"), "invalid_query"),
                     ({"kind": "short_stay", "from": v.day(-1), "to": v.day(1)},
                      "out_of_horizon"),
                     (dict(rng, kind="nope"), "invalid_kind")):
        refused(tanaka, "GET", v.q("/v1/search/beds", **qp), None, 400, code,
                "search %r" % qp)


def check_board(tanaka, police, s1, hospital):
    board = tanaka.get("/v1/board", kind="short_stay")
    ct.check_eq(board["days"], [v.day(i) for i in range(14)], "the board's days")
    row = [f for f in board["facilities"] if f["facility"]["id"] == s1["id"]]
    ct.check(len(row) == 1, "s1 is not on the board")
    ct.check_eq([d["available"] for d in row[0]["days"]][:3],
                [{"men": 0, "women": 0, "either": 0}, {"men": 1, "women": 0, "either": 2},
                 {"men": 1, "women": 0, "either": 2}], "s1 on the board")
    ct.check(row[0]["stale"] is False and row[0]["updated_at"], "s1's freshness on the board")
    ct.check(hospital["id"] not in [f["facility"]["id"] for f in board["facilities"]],
             "a hospital on the short-stay board")
    backup = tanaka.get("/v1/board", kind="backup")
    ct.check(hospital["id"] in [f["facility"]["id"] for f in backup["facilities"]],
             "the hospital is not on the backup board")
    refused(police, "GET", "/v1/board", None, 404, "not_found", "police GET board")
    refused(police, "GET", v.q("/v1/search/beds", kind="short_stay", **{
        "from": v.day(1), "to": v.day(1)}), None, 404, "not_found", "police search")


def check_event(s1, office):
    deadline = time.monotonic() + 30
    while True:
        latest = v.latest_per_key(v.vacancy_changed())
        d = latest.get(s1["id"])
        o = latest.get(office["id"])
        if d and o and len([b for b in d["beds"] if b["kind"] == "short_stay"]) == 5:
            break
        if time.monotonic() > deadline:
            ct.fail("VacancyChanged of s1 and the office not on carelink.vacancy within 30 s")
        time.sleep(0.5)
    ct.check(d["facility_name"] == s1["name"] and d["owner_organisation_id"] == ORG_TANAKA and
             d["horizon_from"] == v.day(0) and d["horizon_to"] == v.day(89),
             "VacancyChanged of s1: %r" % {k: d[k] for k in ("facility_name", "horizon_from")})
    days = sorted(b["day"] for b in d["beds"])
    ct.check_eq(days, [v.day(i) for i in range(1, 6)], "VacancyChanged's bed days")
    b = d["beds"][0]
    ct.check(b["men"] == 1 and b["either"] == 2 and b["available_either"] == 2 and
             b["conditions"] == ["dementia", TAG] and d["capacity"] is None and
             d["beds_updated_at"], "VacancyChanged bed day: %r" % b)
    ct.check(o["capacity"] and o["capacity"]["levels"]["care_1"] == 2 and
             o["capacity"]["capabilities"] == ["dementia", "lang_en"],
             "VacancyChanged of the office: %r" % o["capacity"])


def check_beds_held(tanaka, ito, s1):
    """A hold takes beds; lowering beds below what it takes is 409 beds_held."""
    r = v.place_hold(ito, s1["id"], "short_stay", "women", 1, v.day(2), v.day(3))
    hold = w.expect(r, 201, "ito places a hold on s1")["hold"]
    days = v.get_beds(tanaka, s1["id"], "short_stay", v.day(1), v.day(3))["days"]
    ct.check_eq([(d["held"], d["available"]) for d in days],
                [(0, {"men": 1, "women": 0, "either": 2}),
                 (1, {"men": 1, "women": 0, "either": 1}),
                 (1, {"men": 1, "women": 0, "either": 1})], "beds with a women's hold")
    before = v.get_beds(tanaka, s1["id"], "short_stay", v.day(0), v.day(89))
    r = tanaka.request("PUT", "/v1/facilities/%s/beds" % s1["id"],
                       v.beds_body("short_stay", v.day(1), v.day(5), 1, 0, 0, [], []))
    w.expect(r, 409, "lowering beds under a hold", "beds_held")
    ct.check(v.day(2) in r.json()["error"]["message"], "beds_held names the day: %s"
             % r.describe())
    ct.check_eq(v.get_beds(tanaka, s1["id"], "short_stay", v.day(0), v.day(89)), before,
                "beds after beds_held")
    # a lowering the hold still fits is fine: a women's room takes it
    doc = v.put_beds(tanaka, s1["id"], "short_stay", v.day(2), v.day(2), 0, 1, 0, [], [])
    ct.check_eq((doc["days"][0]["held"], doc["days"][0]["available"]),
                (1, {"men": 0, "women": 0, "either": 0}), "a women's bed under the hold")
    r = ito.request("POST", "/v1/holds/%s/release" % hold["id"])
    w.expect(r, 200, "ito releases the hold")
    v.put_beds(tanaka, s1["id"], "short_stay", v.day(1), v.day(5), 1, 0, 2,
               ["care_2", "care_3"], ["dementia", TAG])


def test():
    marker = "空床試験" + "".join(random.choice(string.ascii_lowercase) for _ in range(6))
    admin = w.login("takahashi")
    tanaka, ito, police = v.Caller("tanaka"), v.Caller("ito"), v.Caller("nakamura")
    office = create_facility(admin, marker + " 居宅", v.KIND_OFFICE, "中央地区", ORG_TANAKA,
                             35.6600, 139.3400)
    s1 = create_facility(admin, marker + " 短期A", v.KIND_SHORT_STAY, "北地区", ORG_TANAKA,
                         35.6900, 139.3300)
    s2 = create_facility(admin, marker + " 短期B", "短期入所療養介護", "南地区", ORG_ITO,
                         35.6200, 139.3600)
    s3 = create_facility(admin, marker + " 短期C", v.KIND_SHORT_STAY, "北地区", ORG_TANAKA)
    hospital = create_facility(admin, marker + " 病院", v.KIND_HOSPITAL, "東地区", ORG_ITO,
                               35.6400, 139.3500)
    v.wait_known(tanaka, {f["id"]: f["kind"] for f in (office, s1, s2, s3, hospital)})
    ct.log("vacancy's copy has the 5 facilities")
    check_capacity(tanaka, ito, police, office, s1)
    check_beds_refusals(tanaka, ito, police, s1)
    check_beds(tanaka, ito, s1, s2, s3, hospital)
    check_search(tanaka, s1, s2, s3)
    check_beds_held(tanaka, ito, s1)
    check_board(tanaka, police, s1, hospital)
    check_event(s1, office)
    # a deleted facility drops out of every answer
    r = admin.request("DELETE", w.API + "/app-records/" + s3["id"])
    ct.check(r.status in (200, 204), "DELETE the record: %s" % r.describe())
    deadline = time.monotonic() + 30
    while True:
        res = tanaka.get("/v1/search/beds", kind="short_stay", conditions=TAG,
                         **{"from": v.day(1), "to": v.day(3)})["results"]
        if s3["id"] not in [x["facility"]["id"] for x in res]:
            break
        if time.monotonic() > deadline:
            ct.fail("a deleted facility is still found by search after 30 s")
        time.sleep(0.5)
    refused(tanaka, "GET", v.q("/v1/facilities/%s/beds" % s3["id"], kind="short_stay"), None,
            404, "not_found", "GET beds of a deleted facility")
    board = tanaka.get("/v1/board", kind="short_stay")["facilities"]
    ct.check(s3["id"] not in [x["facility"]["id"] for x in board], "a deleted facility on the board")

if __name__ == "__main__":
    ct.run(test, budget_s=180)

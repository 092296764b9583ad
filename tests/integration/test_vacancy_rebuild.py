"""Rebuilding current state from the VacancyChanged topic alone equals the
database (services/vacancy/API.md, Events; schemas/VacancyChanged.avsc).

A home-care support office, two short-stay homes and a hospital get a
series of capacity and bed updates (and holds placed, confirmed and
released, when vacancy has its hold routes); then carelink.vacancy is read
from the beginning with kcat, each message decoded with python3-avro from
schemas/ alone, the latest VacancyChanged kept per key (the facility id),
and each facility's rebuilt state (capacity, every bed day of the horizon
declared and available) compared with what the API answers.
"""

import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402
import vacancy_helpers as v  # noqa: E402

WAIT_S = 30


def make(marker):
    admin = w.login("takahashi")
    staff = v.Caller("takahashi")
    rows = [
        {"name": "%s 居宅" % marker, "kind": v.KIND_OFFICE, "district": "北地区",
         "latitude": 35.68, "longitude": 139.76},
        {"name": "%s 短期A" % marker, "kind": v.KIND_SHORT_STAY, "district": "南地区",
         "latitude": 35.69, "longitude": 139.77},
        {"name": "%s 短期B" % marker, "kind": v.KIND_SHORT_STAY, "district": "東地区",
         "latitude": None, "longitude": None},
        {"name": "%s 病院" % marker, "kind": v.KIND_HOSPITAL, "district": "中央地区",
         "latitude": 35.70, "longitude": 139.75},
    ]
    v.make_facilities(admin, staff, rows, marker)
    labels = [v.KIND_OFFICE, "短期A", "短期B", v.KIND_HOSPITAL]
    return staff, dict(zip(labels, rows))


def updates(staff, holder, fac):
    office = fac[v.KIND_OFFICE]["id"]
    a = fac["短期A"]["id"]
    b = fac["短期B"]["id"]
    hosp = fac[v.KIND_HOSPITAL]["id"]
    lv = {k: 0 for k in v.CARE_LEVELS}
    v.put_capacity(staff, office, dict(lv, care_1=2, care_3=1), ["dementia"], "初回")
    v.put_capacity(staff, office, dict(lv, support_2=1, care_2=3, care_5=1),
                   ["dementia", "lang_en"], "更新しました")

    v.put_beds(staff, a, "short_stay", v.day(0), v.day(89), 1, 1, 2, ["care_1", "care_3"],
               ["dementia"])
    v.put_beds(staff, a, "short_stay", v.day(10), v.day(19), 0, 3, 0, ["care_3"],
               ["insulin", "oxygen"])
    v.put_beds(staff, a, "short_stay", v.day(40), v.day(45), 0, 0, 0, [], [])
    v.put_beds(staff, b, "short_stay", v.day(3), v.day(30), 2, 0, 1, v.CARE_LEVELS, [])
    v.put_beds(staff, b, "short_stay", v.day(85), v.day(89), 0, 2, 0, ["care_5"], ["suction"])
    v.put_beds(staff, hosp, "backup", v.day(0), v.day(13), 0, 0, 2, ["care_4", "care_5"],
               ["oxygen", "dialysis"])
    v.put_beds(staff, hosp, "backup", v.day(5), v.day(6), 1, 0, 2, ["care_4"], ["oxygen"])

    # holds: placed, confirmed, released (skipped when the routes are missing)
    r = v.place_hold(holder, a, "short_stay", "women", 2, v.day(11), v.day(14))
    if r.status in (404, 405) and r.error_code() in (None, "not_found"):
        ct.log("holds skipped: POST /v1/holds answers %s" % r.describe())
        return
    h1 = w.expect(r, 201, "POST /v1/holds (women x2 at A)")["hold"]
    h2 = w.expect(v.place_hold(holder, a, "short_stay", "men", 1, v.day(0), v.day(2)), 201,
                  "POST /v1/holds (men x1 at A)")["hold"]
    h3 = w.expect(v.place_hold(holder, b, "short_stay", "women", 1, v.day(5), v.day(8)), 201,
                  "POST /v1/holds (women x1 at B, an either bed)")["hold"]
    h4 = w.expect(v.place_hold(holder, hosp, "backup", "either", 1, v.day(5), v.day(5)), 201,
                  "POST /v1/holds (either x1 at the hospital)")["hold"]
    w.expect(staff.request("POST", "/v1/holds/%s/confirm" % h1["id"]), 200,
             "POST /v1/holds/%s/confirm" % h1["id"])
    w.expect(holder.request("POST", "/v1/holds/%s/release" % h2["id"]), 200,
             "POST /v1/holds/%s/release" % h2["id"])
    w.expect(staff.request("POST", "/v1/holds/%s/confirm" % h4["id"]), 200,
             "POST /v1/holds/%s/confirm" % h4["id"])
    ct.log("holds: %s confirmed, %s released, %s held, %s confirmed"
           % (h1["id"], h2["id"], h3["id"], h4["id"]))
    # what the holds leave, per API.md (own room type first, either beds last)
    for fid, kind, d, want in (
            (a, "short_stay", v.day(12), {"men": 0, "women": 1, "either": 0}),
            (a, "short_stay", v.day(1), {"men": 1, "women": 1, "either": 2}),
            (b, "short_stay", v.day(6), {"men": 2, "women": 0, "either": 0}),
            (hosp, "backup", v.day(5), {"men": 1, "women": 0, "either": 1})):
        got = v.get_beds(staff, fid, kind, d, d)["days"][0].get("available")
        ct.check_eq(got, want, "available on %s at %s after the holds" % (d, fid))
    # one more bed update after the holds
    v.put_beds(staff, b, "short_stay", v.day(20), v.day(22), 3, 3, 3, ["care_2"], ["dementia"])


def api_state(staff, f):
    """What the API answers for facility f: (capacity, {kind: {day: bed day}})."""
    cap = v.get_capacity(staff, f["id"]) if f["kind"] == v.KIND_OFFICE else None
    beds = {}
    kind = v.offered_kind(f["kind"])
    if kind:
        doc = v.get_beds(staff, f["id"], kind, v.day(0), v.day(89))
        days = doc.get("days") or []
        ct.check([d.get("day") for d in days] == v.horizon(),
                 "GET beds of %s for the horizon: days %r ... (%d), expected %s ... %s"
                 % (f["id"], [d.get("day") for d in days[:2]], len(days), v.day(0), v.day(89)))
        beds[kind] = {d["day"]: d for d in days}
    return cap, beds


def ms_of(text):
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def differences(f, datum, cap, beds):
    """What the rebuilt state of f lacks or has wrong (empty when equal)."""
    out = []
    if datum is None:
        return ["no VacancyChanged with key %s" % f["id"]]
    if datum.get("facility_id") != f["id"]:
        out.append("facility_id %r" % datum.get("facility_id"))
    if datum.get("facility_name") != f["name"]:
        out.append("facility_name %r, expected %r" % (datum.get("facility_name"), f["name"]))
    if datum.get("horizon_from") != v.day(0) or datum.get("horizon_to") != v.day(89):
        out.append("horizon %r..%r" % (datum.get("horizon_from"), datum.get("horizon_to")))
    if cap is not None:
        c = datum.get("capacity")
        if c is None:
            out.append("capacity null, the API has %r" % cap.get("levels"))
        else:
            if dict(c.get("levels") or {}) != cap.get("levels"):
                out.append("capacity levels %r, the API %r" % (c.get("levels"), cap.get("levels")))
            if sorted(c.get("capabilities") or []) != sorted(cap.get("capabilities") or []):
                out.append("capabilities %r, the API %r"
                           % (c.get("capabilities"), cap.get("capabilities")))
            if c.get("note") != (cap.get("note") or ""):
                out.append("note %r, the API %r" % (c.get("note"), cap.get("note")))
            upd = c.get("updated_at")
            if isinstance(upd, datetime.datetime):
                upd = int(upd.timestamp() * 1000)
            if cap.get("updated_at") and (upd is None or abs(upd - ms_of(cap["updated_at"])) > 1000):
                out.append("capacity updated_at %r, the API %r" % (upd, cap["updated_at"]))
    rebuilt = {}
    for bd in datum.get("beds") or []:
        key = (bd.get("kind"), bd.get("day"))
        if key in rebuilt:
            out.append("bed day %s %s twice" % key)
        rebuilt[key] = bd
    for kind, days in beds.items():
        for d, a in days.items():
            bd = rebuilt.pop((kind, d), None)
            avail = a.get("available") or {}
            want = (a.get("men"), a.get("women"), a.get("either"), avail.get("men"),
                    avail.get("women"), avail.get("either"),
                    sorted(a.get("care_levels") or []), sorted(a.get("conditions") or []))
            if bd is None:
                if any(want[:6]):
                    out.append("%s %s missing; the API has %r" % (kind, d, want))
                continue
            got = (bd["men"], bd["women"], bd["either"], bd["available_men"],
                   bd["available_women"], bd["available_either"], sorted(bd["care_levels"]),
                   sorted(bd["conditions"]))
            if not any(want[:6]) and not any(got[:6]):
                continue  # a day declared 0 0 0: nothing either way
            if got != want:
                out.append("%s %s: rebuilt %r, the API %r" % (kind, d, got, want))
    for (kind, d), bd in rebuilt.items():
        if any(bd[k] for k in ("men", "women", "either")):
            out.append("%s %s in the event but not in the API's answer: %r" % (kind, d, bd))
    return out


def test():
    marker = ct.unique("vrebuild")
    staff, fac = make(marker)
    holder = v.Caller("tanaka")
    updates(staff, holder, fac)
    state = {f["id"]: api_state(staff, f) for f in fac.values()}

    deadline = time.monotonic() + WAIT_S
    while True:
        pairs = v.vacancy_changed()
        latest = v.latest_per_key(pairs)
        diffs = {f["id"]: differences(f, latest.get(f["id"]), *state[f["id"]])
                 for f in fac.values()}
        diffs = {k: d for k, d in diffs.items() if d}
        if not diffs:
            break
        if time.monotonic() > deadline:
            ct.fail("the state rebuilt from %d VacancyChanged on carelink.vacancy differs from "
                    "the API after %d s: %r" % (len(pairs), WAIT_S,
                                                {k: d[:5] for k, d in diffs.items()}))
        time.sleep(0.5)
    mine = [(m, d) for m, d in pairs if d["facility_id"] in state]
    for m, d in mine:
        ct.check(m.key == d["facility_id"].encode("utf-8"),
                 "VacancyChanged at %s[%d]@%d: key %r, facility_id %s"
                 % (m.topic, m.partition, m.offset, m.key, d["facility_id"]))
        ct.check(d["owner_organisation_id"] == ct.seed_user("takahashi")["organisation"],
                 "VacancyChanged of %s: owner_organisation_id %r, expected takahashi's "
                 "organisation" % (d["facility_id"], d["owner_organisation_id"]))
    ct.log("%d VacancyChanged of this test's facilities; the latest per key equals the API "
           "for all %d facilities" % (len(mine), len(fac)))
    # state unchanged by reading: the API still answers the same
    for f in fac.values():
        ct.check(api_state(staff, f) == state[f["id"]],
                 "facility %s changed while nothing was written" % f["id"])


if __name__ == "__main__":
    ct.run(test, budget_s=180)

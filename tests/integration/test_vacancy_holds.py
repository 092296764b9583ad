"""Holds at a short-stay facility (services/vacancy/API.md, Holds): never
overbook, expiry, confirm and release rules, bad input, and the hold events
on carelink.vacancy decoded with python3-avro from schemas/ alone.

* Never overbook: 20 rounds, each on a fresh night with exactly 3 free
  beds: 50 threads, each with its own connection straight to vacancy (a
  signed identity of the care manager tanaka), released together by a
  barrier, each ask for one bed; exactly 3 get 201, the other 47 get 409
  not_enough_beds naming that night, the night's availability ends at 0
  with 3 beds held, and the facility lists exactly 3 holds on that night.
* Expiry: a hold whose expires_at is moved into the past in vacancy's
  database (psql) stops taking its bed at once (another hold on the last
  bed succeeds, the hold reads as expired), is marked expired in the
  database and announced with HoldReleased (reason EXPIRED) within a
  bounded wait (vacancy.expiry_interval_s, default 10 s); two holds of
  one facility expiring together give one VacancyChanged.
* Rules: only the facility's staff confirm (the holder gets 403); an
  expired hold can be neither confirmed nor released (409 hold_expired); a
  released one neither (409 hold_released); a stranger sees no hold (404).
* Bad input: clear 400s and nothing changes.
"""

import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402
import vacancy_helpers as v  # noqa: E402

ROUNDS = 20
HOLDERS = 50
FREE_BEDS = 3
EXPIRY_WAIT_S = 40
MARK = {}  # carelink.vacancy's end offsets before this run's first hold


def vacancy_psql(sql, **params):
    """Runs sql on vacancy's database; rows as lists of strings."""
    return ct.psql("vacancy", sql, **params)


def hold_body(fid, night_from, night_to, room="either", beds=1, label="A様 要介護3",
              kind="short_stay"):
    return {"facility_id": fid, "kind": kind, "room": room, "beds": beds, "from": night_from,
            "to": night_to, "client_label": label}


def expect_error(r, status, code, what):
    err = {}
    try:
        err = r.json().get("error") or {}
    except ct.TestFailure:
        pass
    ct.check(r.status == status and err.get("code") == code,
             "%s: expected %d %s, got %s" % (what, status, code, r.describe()))
    ct.check(err.get("message"), "%s: the error has no message" % what)
    return err


def night_of(caller, fid, night):
    days = v.get_beds(caller, fid, "short_stay", night, night)["days"]
    ct.check(len(days) == 1 and days[0]["day"] == night,
             "GET beds of %s: expected the one night, got %r" % (night, days))
    return days[0]


def free(d):
    a = d["available"]
    return a["men"] + a["women"] + a["either"]


# --------------------------------------------------------------------------
# never overbook


def race(fid, night):
    """50 holds of one bed on night at once; [(status, code or None)]."""
    url = v.vacancy_url()
    barrier = threading.Barrier(HOLDERS)
    results = [None] * HOLDERS
    body = json.dumps(hold_body(fid, night, night), ensure_ascii=False).encode("utf-8")

    def one(i):
        hdrs = {w.IDENTITY_HEADER: ct.sign_identity(ct.identity_claims("tanaka", 300)),
                "Content-Type": "application/json"}
        try:
            barrier.wait(timeout=60)
            r = ct.http_request(url, "POST", "/v1/holds", body, hdrs, timeout=60)
            code = None
            if r.status != 201:
                try:
                    code = (r.json().get("error") or {}).get("code")
                except ct.TestFailure:
                    code = r.body[:200]
            results[i] = (r.status, code, r)
        except Exception as e:  # noqa: BLE001 - reported below
            results[i] = (0, repr(e), None)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(HOLDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    ct.check(all(r is not None for r in results), "a holder thread did not finish")
    return results


def check_never_overbook(staff, fid):
    for rnd in range(ROUNDS):
        night = v.day(50 + rnd)
        v.put_beds(staff, fid, "short_stay", night, night, 0, 0, FREE_BEDS)
        results = race(fid, night)
        won = [r for r in results if r[0] == 201]
        lost = [r for r in results if r[0] == 409 and r[1] == "not_enough_beds"]
        other = [r for r in results if r not in won and r not in lost]
        ct.check(not other, "round %d (%s): answers other than 201 and 409 not_enough_beds: %r"
                 % (rnd, night, [(s, c) for s, c, _ in other][:5]))
        ct.check(len(won) == FREE_BEDS,
                 "round %d (%s): %d of %d holds on %d free beds succeeded (overbooked or lost)"
                 % (rnd, night, len(won), HOLDERS, FREE_BEDS))
        ct.check(len(lost) == HOLDERS - FREE_BEDS, "round %d: %d refusals" % (rnd, len(lost)))
        msg = lost[0][2].json()["error"]["message"]
        ct.check(night in msg, "round %d: the refusal does not name the night %s: %r"
                 % (rnd, night, msg))
        d = night_of(staff, fid, night)
        ct.check(free(d) == 0 and d["held"] == FREE_BEDS,
                 "round %d (%s): expected 0 available and %d held, got %r"
                 % (rnd, night, FREE_BEDS, d))
        rows = vacancy_psql("SELECT count(*), coalesce(sum(beds), 0) FROM holds"
                            " WHERE facility_id = :'fid' AND day_from <= :'night'"
                            " AND day_to >= :'night' AND status = 'held';",
                            fid=fid, night=night)
        ct.check(rows == [[str(FREE_BEDS), str(FREE_BEDS)]],
                 "round %d (%s): the database holds %r holds/beds, expected %d"
                 % (rnd, night, rows, FREE_BEDS))
    ct.log("never overbook: %d rounds of %d concurrent holds on %d free beds, "
           "exactly %d won each time" % (ROUNDS, HOLDERS, FREE_BEDS, FREE_BEDS))


# --------------------------------------------------------------------------
# rules, bad input, expiry


def check_bad_input(holder, fid, other_fid):
    night = v.day(5)
    before = night_of(holder, fid, night)
    cases = [
        (hold_body(fid, night, night, beds=0), 400, "invalid_count"),
        (hold_body(fid, night, night, beds=11), 400, "invalid_count"),
        (hold_body(fid, night, night, beds="1"), 400, "invalid_count"),
        (hold_body(fid, night, night, label=""), 400, "invalid_label"),
        (hold_body(fid, night, night, label="あ" * 41), 400, "invalid_label"),
        (hold_body(fid, v.day(6), v.day(5)), 400, "invalid_range"),
        (hold_body(fid, "2026-13-01", night), 400, "invalid_range"),
        (hold_body(fid, v.day(-1), night), 400, "out_of_horizon"),
        (hold_body(fid, night, v.day(90)), 400, "out_of_horizon"),
        (hold_body(fid, night, night, kind="backup"), 400, "invalid_kind"),
        (hold_body(fid, night, night, kind="hotel"), 400, "invalid_kind"),
        (hold_body(other_fid, night, night), 400, "invalid_kind"),
        (hold_body(fid, night, night, room="child"), 400, "invalid_body"),
        (hold_body("00000000-0000-4000-8000-000000000000", night, night), 404,
         "facility_not_found"),
        (dict(hold_body(fid, night, night), extra=1), 400, "invalid_body"),
        (hold_body(fid, night, night, beds=2), 409, "not_enough_beds"),
    ]
    for body, status, code in cases:
        r = holder.request("POST", "/v1/holds", body)
        expect_error(r, status, code, "POST /v1/holds %r" % body)
    after = night_of(holder, fid, night)
    ct.check(after == before, "refused holds changed the night: %r -> %r" % (before, after))


def hold_events(name):
    """[(message, datum)] of the name events on carelink.vacancy since MARK."""
    return v.events_since(MARK, name)


def wait_event(name, hold_id, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        found = [(m, d) for m, d in hold_events(name) if d["hold_id"] == hold_id]
        if found:
            return found
        if time.monotonic() > deadline:
            ct.fail("no %s of hold %s on carelink.vacancy after %d s" % (name, hold_id, timeout))
        time.sleep(0.1)


def check_rules_and_expiry(staff, holder, stranger, fid):
    a, b = v.day(5), v.day(6)
    v.put_beds(staff, fid, "short_stay", a, b, 0, 0, 1)
    r = holder.request("POST", "/v1/holds", hold_body(fid, a, b, label="B様 要介護2"))
    first = w.expect(r, 201, "the first hold")["hold"]
    ct.check(first["status"] == "held" and first["expires_at"] and first["beds"] == 1
             and first["from"] == a and first["to"] == b and first["room"] == "either"
             and first["facility"]["id"] == fid and first["client_label"] == "B様 要介護2"
             and first["holder"]["id"] == holder.user["id"] and first["confirmed_at"] is None,
             "the hold as placed: %r" % first)
    expect_error(holder.request("POST", "/v1/holds", hold_body(fid, a, b)), 409,
                 "not_enough_beds", "a second hold on the last bed")

    # HoldPlaced, decoded from the schema files alone
    (m, d), = wait_event("HoldPlaced", first["id"])
    ct.check((m.key or b"").decode() == fid, "HoldPlaced key: %r" % m.key)
    ct.check(d["facility_id"] == fid and d["beds"] == 1 and d["from"] == a and d["to"] == b
             and d["room"] == "either" and d["kind"] == "short_stay"
             and d["client_label"] == "B様 要介護2" and d["holder_id"] == holder.user["id"]
             and d["tenant_id"] == ct.seed()["tenant"]["id"],
             "HoldPlaced: %r" % d)
    exp = d["expires_at"]
    exp_ms = exp.timestamp() * 1000 if hasattr(exp, "timestamp") else exp
    placed_ms = v.datetime.datetime.fromisoformat(
        first["expires_at"].replace("Z", "+00:00")).timestamp() * 1000
    ct.check(abs(exp_ms - placed_ms) < 1000, "HoldPlaced expires_at %r vs %s"
             % (exp, first["expires_at"]))

    # who sees and who confirms
    expect_error(stranger.request("GET", "/v1/holds/%s" % first["id"]), 404, "hold_not_found",
                 "a stranger reading the hold")
    expect_error(stranger.request("POST", "/v1/holds/%s/release" % first["id"]), 404,
                 "hold_not_found", "a stranger releasing the hold")
    expect_error(holder.request("POST", "/v1/holds/%s/confirm" % first["id"]), 403,
                 "forbidden", "the holder confirming")
    expect_error(holder.request("GET", "/v1/holds?facility=%s" % fid), 403, "forbidden",
                 "the holder listing the facility's holds")
    got = holder.get("/v1/holds/%s" % first["id"])["hold"]
    ct.check(got == first, "GET the hold: %r != %r" % (got, first))
    mine = holder.get("/v1/holds", mine="1", status="held")["holds"]
    ct.check(any(h["id"] == first["id"] for h in mine), "?mine=1&status=held lacks the hold")

    # expiry: moved into the past, it stops taking the bed at once
    vacancy_psql("UPDATE holds SET expires_at = now() - interval '1 second' WHERE id = :'id';",
                 id=first["id"])
    got = holder.get("/v1/holds/%s" % first["id"])["hold"]
    ct.check(got["status"] == "expired", "a hold past its expiry reads %r" % got["status"])
    ct.check(free(night_of(staff, fid, a)) == 1, "the expired hold still takes the bed")
    expect_error(staff.request("POST", "/v1/holds/%s/confirm" % first["id"]), 409,
                 "hold_expired", "confirming an expired hold")
    expect_error(holder.request("POST", "/v1/holds/%s/release" % first["id"]), 409,
                 "hold_expired", "releasing an expired hold")
    r = holder.request("POST", "/v1/holds", hold_body(fid, a, b, label="C様"))
    second = w.expect(r, 201, "a hold on the bed the expired hold gave back")["hold"]

    # confirm, then release; over is over
    r = staff.request("POST", "/v1/holds/%s/confirm" % second["id"])
    conf = w.expect(r, 200, "the staff confirming")["hold"]
    ct.check(conf["status"] == "confirmed" and conf["expires_at"] is None
             and conf["confirmed_at"], "the confirmed hold: %r" % conf)
    (m, d), = wait_event("HoldConfirmed", second["id"])
    ct.check(d["confirmed_by_id"] == staff.user["id"], "HoldConfirmed: %r" % d)
    listed = staff.get("/v1/holds", facility=fid, status="confirmed")["holds"]
    ct.check([h["id"] for h in listed] == [second["id"]],
             "the facility's confirmed holds: %r" % [h["id"] for h in listed])
    ct.check(free(night_of(staff, fid, a)) == 0, "the confirmed hold does not take the bed")
    r = holder.request("POST", "/v1/holds/%s/release" % second["id"])
    rel = w.expect(r, 200, "the holder releasing")["hold"]
    ct.check(rel["status"] == "released" and rel["released_at"], "released: %r" % rel)
    (m, d), = wait_event("HoldReleased", second["id"])
    ct.check(d["reason"] == "RELEASED" and d["released_by_id"] == holder.user["id"],
             "HoldReleased of the release: %r" % d)
    ct.check(free(night_of(staff, fid, a)) == 1, "the released hold still takes the bed")
    expect_error(staff.request("POST", "/v1/holds/%s/release" % second["id"]), 409,
                 "hold_released", "releasing twice")
    expect_error(staff.request("POST", "/v1/holds/%s/confirm" % second["id"]), 409,
                 "hold_released", "confirming a released hold")

    # meanwhile the expiry pass has released the expired hold, or does soon
    (m, d), = wait_event("HoldReleased", first["id"], EXPIRY_WAIT_S)
    ct.check(d["reason"] == "EXPIRED" and d["released_by_id"] is None
             and (m.key or b"").decode() == fid, "HoldReleased of the expiry: %r" % d)
    rows = vacancy_psql("SELECT status FROM holds WHERE id = :'id';", id=first["id"])
    ct.check(rows == [["expired"]], "the expired hold in the database: %r" % rows)


def changes_of(fid):
    """VacancyChanged of facility fid (the message key) since MARK."""
    return sum(1 for m, d in v.events_since(MARK, "VacancyChanged")
               if (m.key or b"").decode() == fid)


def expire_batch(staff, holder, fid):
    """Two holds of one facility moved into the past together (their beds
    free again at once); for check_expiry_batch(), which follows after
    other work while the expiry pass releases them."""
    night = v.day(8)
    v.put_beds(staff, fid, "short_stay", night, night, 0, 0, 2)
    ids = [w.expect(holder.request("POST", "/v1/holds", hold_body(fid, night, night, label=l)),
                    201, "hold %s" % l)["hold"]["id"] for l in ("D様", "E様")]
    ct.check(free(night_of(staff, fid, night)) == 0, "two holds do not take the two beds")
    v.outbox_fence()  # every VacancyChanged of the placements is out
    before = changes_of(fid)
    vacancy_psql("UPDATE holds SET expires_at = now() - interval '1 second'"
                 " WHERE id IN (:'a', :'b');", a=ids[0], b=ids[1])
    ct.check(free(night_of(staff, fid, night)) == 2, "expired holds still take their beds")
    return ids, before


def check_expiry_batch(fid, ids, before):
    """Two holds of one facility expiring together: two HoldReleased
    (EXPIRED), one VacancyChanged."""
    for i in ids:
        (m, d), = wait_event("HoldReleased", i, EXPIRY_WAIT_S)
        ct.check(d["reason"] == "EXPIRED", "HoldReleased of %s: %r" % (i, d))
    # the expiry pass writes each HoldReleased and the facility's VacancyChanged in one
    # transaction: once both HoldReleased are out, the relay publishing what is
    # committed brings every VacancyChanged of the expiries
    v.outbox_fence()
    ct.check(changes_of(fid) == before + 1,
             "two holds of one facility expiring together: %d VacancyChanged, expected 1"
             % (changes_of(fid) - before))
    rows = vacancy_psql("SELECT status FROM holds WHERE id IN (:'a', :'b');",
                        a=ids[0], b=ids[1])
    ct.check(rows == [["expired"], ["expired"]], "expired holds in the database: %r" % rows)


def test():
    marker = ct.unique("vholds")
    admin = w.login("takahashi")
    staff = v.Caller("takahashi")
    holder = v.Caller("tanaka")
    stranger = v.Caller("ito")
    rows = [
        {"name": "%s 短期A" % marker, "kind": v.KIND_SHORT_STAY, "district": "南地区",
         "latitude": 35.69, "longitude": 139.77},
        {"name": "%s 短期B" % marker, "kind": v.KIND_SHORT_STAY, "district": "東地区",
         "latitude": 35.70, "longitude": 139.78},
        {"name": "%s 病院" % marker, "kind": v.KIND_HOSPITAL, "district": "中央地区",
         "latitude": 35.70, "longitude": 139.75},
    ]
    MARK.update(v.topic_mark())
    v.make_facilities(admin, staff, rows, marker)
    a, b, hosp = (r["id"] for r in rows)
    v.put_beds(staff, b, "short_stay", v.day(5), v.day(5), 0, 0, 1)
    check_bad_input(holder, b, hosp)
    check_rules_and_expiry(staff, holder, stranger, b)
    batch = expire_batch(staff, holder, b)
    check_never_overbook(staff, a)  # meanwhile the expiry pass releases the batch
    check_expiry_batch(b, *batch)


if __name__ == "__main__":
    ct.run(test, budget_s=240)

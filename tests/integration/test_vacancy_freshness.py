#!/usr/bin/env python3
"""Freshness of vacancy data and its reminders (services/vacancy/API.md,
Freshness; Events of watches and freshness; What notify makes of
carelink.vacancy), end to end through Kafka and notify.

takahashi (a tenant admin) creates facilities in 山手地区 (named with a
marker only this run uses): a short-stay home and a home-care support office of tanaka's
organisation (中央居宅介護支援事業所), a hospital of ito's (ひだまり訪問介護),
a short-stay home of tanaka's that is never updated, a home-help office
(offers nothing), and a short-stay home of tanaka's in 西地区.

* GET /v1/freshness lists every facility that offers vacancies, by
  district and name, with offers, updated_at, stale and own (true only for
  the caller's organisation's facilities); ?district= filters; the police
  get 404.
* Stale reminders: the data of the three updated facilities is made 100
  hours old in vacancy's database (psql); within the freshness interval
  (the test system looks every 5 s) each gets one VacancyStale on
  carelink.vacancy (decoded with python3-avro from schemas/ alone) and one
  vacancy_stale notification in the feed of its organisation's member
  (tanaka, ito), none in the others'; no second reminder in the following
  sweeps; freshness, beds, search and the board say stale. After the
  staff update the data, all of them say fresh again and no reminder
  follows. The facility never updated, known to vacancy for minutes, is
  stale but not reminded; once known for longer than the stale age (moved
  back in the database) it is reminded, with updated_at null. A reminder
  made more than the stale age ago (moved back) is followed by another.

"The following sweeps" are observed, not waited out: a probe facility of
this run (owned by ito's organisation, in 東地区) has its reminder deleted
and is made known for longer than the stale age; the sweep that reminds it
again has looked at every facility after that; two such rounds are two
whole sweeps, and once vacancy's outbox is published (every cl_outbox row
marked sent) all they wrote is on carelink.vacancy.
"""

import datetime
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

TAG = "ft_" + "".join(random.choice(string.ascii_lowercase) for _ in range(8))
ORG_TANAKA = "0f1e2d3c-0001-4000-8000-000000000003"
ORG_ITO = "0f1e2d3c-0001-4000-8000-000000000004"
# the test system sweeps every few seconds (tests/system.cmake); the relay
# and notify follow within a few more
SWEEP_S = int(os.environ.get("CARELINK_VACANCY_FRESHNESS__INTERVAL__S", "5"))
REMIND_S = 6 * SWEEP_S + 15
SWEEPS = 2          # the sweeps after which nothing more may have come
AGE_HOURS = 100      # past vacancy.stale_hours (72)
STALE_HOURS = 72


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def ms(t):
    """Milliseconds since the epoch of an Avro timestamp (python3-avro gives
    a datetime, or an int without logical types)."""
    if t is None:
        return None
    return int(t.timestamp() * 1000) if hasattr(t, "timestamp") else int(t)


def hours_ago(stamp_ms):
    return (time.time() * 1000 - stamp_ms) / 3600000.0


def freshness(caller, **params):
    return caller.get("/v1/freshness", **params)["facilities"]


def by_id(entries):
    return {e["facility"]["id"]: e for e in entries}


def check_list(caller, district, expected, what):
    """expected: [(facility, offers, own)] in the answer's order (the
    district's other facilities, the demo's and other tests', may come in
    between)."""
    got = freshness(caller, district=district)
    ct.check(all(e["facility"]["district"] == district for e in got),
             "%s: ?district=%s lists others: %r" % (what, district, sorted(
                 {e["facility"]["district"] for e in got})))
    want = [f["id"] for f, _, _ in expected]
    got = [e for e in got if e["facility"]["id"] in want]
    ct.check_eq([e["facility"]["id"] for e in got], want,
                "%s: our facilities of %s for %s" % (what, district, caller.name))
    for e, (f, offers, own) in zip(got, expected):
        fac = e["facility"]
        ct.check(fac["name"] == f["name"] and fac["district"] == district and
                 fac["kind"] == f["kind"] and e["offers"] == offers and e["own"] is own and
                 isinstance(e["stale"], bool) and "updated_at" in e,
                 "%s: freshness of %s for %s: %r" % (what, f["name"], caller.name, e))
    return got


# --------------------------------------------------------------------------
# GET /v1/freshness


def check_listing(tanaka, ito, admin, police, fs, district, district2):
    s1, o1, h1, s0, x1, s2 = (fs[k] for k in ("s1", "o1", "h1", "s0", "x1", "s2"))
    # by name: A短期 (s1), B居宅 (o1), C病院 (h1), D短期 (s0); the home-help
    # office offers nothing
    order = [(s1, "short_stay"), (o1, "capacity"), (h1, "backup"), (s0, "short_stay")]
    for who, own_org in ((tanaka, ORG_TANAKA), (ito, ORG_ITO), (admin, None)):
        got = check_list(who, district, [(f, offers, f["owner"] == own_org)
                                         for f, offers in order], "never updated")
        for e in got:
            ct.check(e["updated_at"] is None and e["stale"] is True,
                     "a facility never updated: %r" % e)
    every = freshness(tanaka)
    ids = [e["facility"]["id"] for e in every]
    ct.check(x1["id"] not in ids, "a home-help office (offers nothing) is listed")
    ct.check(all(e["offers"] in ("short_stay", "backup", "capacity") for e in every),
             "offers outside short_stay, backup, capacity: %r"
             % sorted({e["offers"] for e in every}))
    ours = [i for i in ids if i in (s1["id"], o1["id"], h1["id"], s0["id"], s2["id"])]
    ct.check_eq([i for i in ours if i != s2["id"]], [s1["id"], o1["id"], h1["id"], s0["id"]],
                "our facilities of one district in the whole list (by name)")
    ct.check(s2["id"] in ours, "the whole list lacks %s" % s2["name"])
    runs = [e["facility"]["district"] for i, e in enumerate(every)
            if i == 0 or every[i - 1]["facility"]["district"] != e["facility"]["district"]]
    ct.check(len(runs) == len(set(runs)), "the whole list is not by district: %r" % runs)
    ct.check(all(e["own"] is (e["facility"]["id"] in (s1["id"], o1["id"], s0["id"], s2["id"]))
                 for e in every if e["facility"]["id"] in ours),
             "own in the whole list")
    check_list(tanaka, district2, [(s2, "short_stay", True)], "the second district")
    r = police.request("GET", "/v1/freshness")
    w.expect(r, 404, "police GET /v1/freshness", "not_found")
    r = police.request("GET", v.q("/v1/freshness", district=district))
    w.expect(r, 404, "police GET /v1/freshness?district=", "not_found")
    ct.log("freshness: listing, district filter, own, police 404")


def update_all(tanaka, ito, fs, label):
    v.put_beds(tanaka, fs["s1"]["id"], "short_stay", v.day(1), v.day(3), 0, 1, 1,
               ["care_3"], [TAG])
    v.put_capacity(tanaka, fs["o1"]["id"], {"care_2": 1}, ["dementia"], label)
    v.put_beds(ito, fs["h1"]["id"], "backup", v.day(0), v.day(5), 0, 0, 1, [], [TAG])


def check_fresh(tanaka, fs, district, stale, what):
    """freshness, beds, capacity, search and the board agree on stale."""
    entries = by_id(freshness(tanaka, district=district))
    for k in ("s1", "o1", "h1"):
        e = entries[fs[k]["id"]]
        ct.check(e["stale"] is stale and e["updated_at"],
                 "%s: freshness of %s: %r" % (what, fs[k]["name"], e))
        if stale:
            age = (datetime.datetime.now(datetime.timezone.utc) -
                   parse_time(e["updated_at"])).total_seconds() / 3600
            ct.check(abs(age - AGE_HOURS) < 0.5, "%s: updated_at of %s is %.2f h ago, "
                     "expected %d" % (what, fs[k]["name"], age, AGE_HOURS))
    beds = tanaka.get("/v1/facilities/%s/beds" % fs["s1"]["id"], kind="short_stay")
    ct.check(beds["stale"] is stale, "%s: GET beds says stale %r" % (what, beds["stale"]))
    backup = tanaka.get("/v1/facilities/%s/beds" % fs["h1"]["id"], kind="backup")
    ct.check(backup["stale"] is stale, "%s: GET backup beds says stale %r"
             % (what, backup["stale"]))
    cap = v.get_capacity(tanaka, fs["o1"]["id"])
    ct.check(cap["stale"] is stale, "%s: GET capacity says stale %r" % (what, cap["stale"]))
    offices = tanaka.get("/v1/capacity", district=district)["offices"]
    ct.check([o["stale"] for o in offices if o["facility"]["id"] == fs["o1"]["id"]] == [stale],
             "%s: GET /capacity's stale of the office" % what)
    res = tanaka.get("/v1/search/beds", kind="short_stay", conditions=TAG, district=district,
                     **{"from": v.day(1), "to": v.day(3)})["results"]
    ct.check([r["stale"] for r in res if r["facility"]["id"] == fs["s1"]["id"]] == [stale],
             "%s: search's stale of %s: %r" % (what, fs["s1"]["name"], res))
    res = tanaka.get("/v1/search/beds", kind="backup", conditions=TAG, district=district,
                     **{"from": v.day(1), "to": v.day(3)})["results"]
    ct.check([r["stale"] for r in res if r["facility"]["id"] == fs["h1"]["id"]] == [stale],
             "%s: search's stale of %s: %r" % (what, fs["h1"]["name"], res))
    board = tanaka.get("/v1/board", kind="short_stay", district=district)["facilities"]
    ct.check([b["stale"] for b in board if b["facility"]["id"] == fs["s1"]["id"]] == [stale],
             "%s: the board's stale of %s" % (what, fs["s1"]["name"]))
    board = tanaka.get("/v1/board", kind="backup", district=district)["facilities"]
    ct.check([b["stale"] for b in board if b["facility"]["id"] == fs["h1"]["id"]] == [stale],
             "%s: the backup board's stale of %s" % (what, fs["h1"]["name"]))


# --------------------------------------------------------------------------
# reminders


def stale_events(mark, fids):
    return [(m, d) for m, d in v.events_since(mark, "VacancyStale") if d["facility_id"] in fids]


def count_by_facility(mark, fids):
    out = {f: 0 for f in fids}
    for _, d in stale_events(mark, fids):
        out[d["facility_id"]] += 1
    return out


def sweeps_pass(probe, count=SWEEPS):
    """Waits until the freshness sweep has looked at every facility count
    more times, and then until vacancy's outbox is published: each time
    the probe's reminder is deleted and the probe made known for longer
    than the stale age, and the sweep that reminds it again is one whose
    look started after that."""
    for i in range(count):
        v.vacancy_psql("BEGIN;"
                       "DELETE FROM freshness_reminders WHERE facility_id = :'id';"
                       "UPDATE facilities SET first_seen = now() - make_interval(hours => :hours)"
                       " WHERE id = :'id';"
                       "COMMIT;", id=probe["id"], hours=AGE_HOURS)
        deadline = time.monotonic() + REMIND_S
        while not v.vacancy_psql("SELECT 1 FROM freshness_reminders WHERE facility_id = :'id';",
                                 id=probe["id"]):
            if time.monotonic() > deadline:
                ct.fail("the freshness sweep did not remind the probe %s within %d s (sweep %d)"
                        % (probe["name"], REMIND_S, i + 1))
            time.sleep(0.1)
    v.outbox_fence()


def check_reminders(tanaka, ito, admin, sato, fs, district, probe):
    s1, o1, h1, s0 = fs["s1"], fs["o1"], fs["h1"], fs["s0"]
    watched = [f["id"] for f in (s1, o1, h1, s0)]
    people = {c.name: c for c in (tanaka, ito, admin, sato)}
    marks = {n: w.feed_mark(c.session) for n, c in people.items()}
    mark = v.topic_mark()
    v.vacancy_psql("UPDATE bed_days SET updated_at = now() - make_interval(hours => :hours)"
                   " WHERE facility_id IN (:'s1', :'h1');"
                   "UPDATE capacity SET updated_at = now() - make_interval(hours => :hours)"
                   " WHERE facility_id = :'o1';",
                   s1=s1["id"], h1=h1["id"], o1=o1["id"], hours=AGE_HOURS)
    aged_at = time.monotonic()

    # one VacancyStale each, within the interval
    deadline = time.monotonic() + REMIND_S
    while True:
        counts = count_by_facility(mark, watched)
        if all(counts[f["id"]] >= 1 for f in (s1, o1, h1)):
            break
        if time.monotonic() > deadline:
            ct.fail("VacancyStale per facility after %d s: %r (expected one for %s, %s, %s;"
                    " is vacancy started with CARELINK_VACANCY_FRESHNESS__INTERVAL__S=5 as"
                    " tests/system.cmake does?)"
                    % (REMIND_S, {fs_name(fs, k): n for k, n in counts.items()},
                       s1["name"], o1["name"], h1["name"]))
        time.sleep(0.1)
    ct.log("VacancyStale of the three facilities %.1f s after their data was aged"
           % (time.monotonic() - aged_at))
    tenant = ct.seed()["tenant"]["id"]
    for (m, d) in stale_events(mark, watched):
        f = {x["id"]: x for x in (s1, o1, h1, s0)}[d["facility_id"]]
        offers = {"s1": "short_stay", "o1": "capacity", "h1": "backup"}.get(
            [k for k in fs if fs[k] is f][0])
        ct.check(f is not s0, "VacancyStale of a facility never updated and new: %r" % d)
        ct.check((m.key or b"").decode() == f["id"], "VacancyStale key: %r" % m.key)
        ct.check(d["facility_name"] == f["name"] and d["owner_organisation_id"] == f["owner"]
                 and d["offers"] == offers and d["stale_hours"] == STALE_HOURS and
                 d["tenant_id"] == tenant and d["event_id"] and d["updated_at"] is not None and
                 abs(hours_ago(ms(d["updated_at"])) - AGE_HOURS) < 0.5,
                 "VacancyStale of %s: %r" % (f["name"], d))
    check_fresh(tanaka, fs, district, True, "aged")

    # notify: the facility's organisation, nobody else
    want = {"tanaka": [s1["id"], o1["id"]], "ito": [h1["id"]], "takahashi": [], "sato": []}
    deadline = time.monotonic() + REMIND_S
    while True:
        got = stale_notes(people, marks, watched)
        if all(sorted(got[n]) == sorted(want[n]) for n in want):
            break
        if time.monotonic() > deadline:
            ct.fail("vacancy_stale notifications (person -> facilities) after %d s: %r, "
                    "expected %r" % (REMIND_S, names(fs, got), names(fs, want)))
        time.sleep(0.15)
    for n, c in people.items():
        for note in w.feed_since(c.session, marks[n]):
            if note.get("kind") == "vacancy_stale" and any(f in (note.get("link") or "")
                                                           for f in watched):
                fid = [f for f in watched if f in note["link"]][0]
                ct.check(note["link"].endswith("#/vacancy/facilities/%s" % fid),
                         "the link of vacancy_stale: %r" % note["link"])

    # once per stale period: nothing more in the next sweeps
    sweeps_pass(probe)
    counts = count_by_facility(mark, watched)
    ct.check(counts == {s1["id"]: 1, o1["id"]: 1, h1["id"]: 1, s0["id"]: 0},
             "VacancyStale per facility %d sweeps later: %r, expected one each and none for %s"
             % (SWEEPS, {fs_name(fs, k): n for k, n in counts.items()}, s0["name"]))
    got = stale_notes(people, marks, watched)
    ct.check(all(sorted(got[n]) == sorted(want[n]) for n in want),
             "vacancy_stale notifications %d sweeps later: %r" % (SWEEPS, names(fs, got)))

    # the last reminder more than stale_hours ago: reminded again; a
    # facility never updated, known for more than stale_hours: reminded
    v.vacancy_psql("UPDATE freshness_reminders SET reminded_at = now() - interval '73 hours'"
                   " WHERE facility_id = :'s1';"
                   "UPDATE facilities SET first_seen = now() - make_interval(hours => :hours)"
                   " WHERE id = :'s0';", s1=s1["id"], s0=s0["id"], hours=AGE_HOURS)
    want2 = {s1["id"]: 2, o1["id"]: 1, h1["id"]: 1, s0["id"]: 1}
    deadline = time.monotonic() + REMIND_S
    while count_by_facility(mark, watched) != want2:
        if time.monotonic() > deadline:
            ct.fail("VacancyStale per facility %d s after the last reminder was aged and %s "
                    "made known for %d h: %r" % (REMIND_S, s0["name"], AGE_HOURS, {
                        fs_name(fs, k): n for k, n in count_by_facility(mark, watched).items()}))
        time.sleep(0.1)
    m, d = [(m, d) for m, d in stale_events(mark, [s0["id"]])][0]
    ct.check(d["updated_at"] is None and d["offers"] == "short_stay" and
             d["owner_organisation_id"] == ORG_TANAKA and d["facility_name"] == s0["name"],
             "VacancyStale of a facility never updated: %r" % d)
    want = {"tanaka": [s1["id"], o1["id"], s1["id"], s0["id"]], "ito": [h1["id"]],
            "takahashi": [], "sato": []}
    deadline = time.monotonic() + REMIND_S
    while True:
        got = stale_notes(people, marks, watched)
        if all(sorted(got[n]) == sorted(want[n]) for n in want):
            break
        if time.monotonic() > deadline:
            ct.fail("vacancy_stale notifications after the second round, after %d s: %r, "
                    "expected %r" % (REMIND_S, names(fs, got), names(fs, want)))
        time.sleep(0.15)

    # updated again: fresh everywhere, and no reminder follows
    update_all(tanaka, ito, fs, "更新しました")
    check_fresh(tanaka, fs, district, False, "updated again")
    sweeps_pass(probe)
    counts = count_by_facility(mark, watched)
    ct.check(counts == want2, "VacancyStale per facility after the update: %r"
             % {fs_name(fs, k): n for k, n in counts.items()})
    got = stale_notes(people, marks, watched)
    ct.check(all(sorted(got[n]) == sorted(want[n]) for n in want),
             "vacancy_stale notifications after the update: %r" % names(fs, got))
    ct.log("stale reminders: one each, to the owning organisation only, none after the update")


def stale_notes(people, marks, fids):
    """person -> [facility id] of their vacancy_stale notifications about fids."""
    out = {}
    for n, c in people.items():
        out[n] = [f for note in w.feed_since(c.session, marks[n])
                  if note.get("kind") == "vacancy_stale"
                  for f in fids if f in (note.get("link") or "")]
    return out


def fs_name(fs, fid):
    return [f["name"] for f in fs.values() if f["id"] == fid][0]


def names(fs, got):
    return {n: [fs_name(fs, f) for f in ids] for n, ids in got.items()}


def test():
    marker = "鮮度" + "".join(random.choice(string.ascii_lowercase) for _ in range(6))
    district = "山手地区"
    district2 = "西地区"
    admin = w.login("takahashi")
    tanaka, ito, sato = v.Caller("tanaka"), v.Caller("ito"), v.Caller("sato")
    police, takahashi = v.Caller("nakamura"), v.Caller("takahashi")
    specs = {"s1": ("A短期", v.KIND_SHORT_STAY, district, ORG_TANAKA),
             "o1": ("B居宅", v.KIND_OFFICE, district, ORG_TANAKA),
             "h1": ("C病院", v.KIND_HOSPITAL, district, ORG_ITO),
             "s0": ("D短期", "短期入所療養介護", district, ORG_TANAKA),
             "x1": ("E訪問", "訪問介護", district, ORG_TANAKA),
             "s2": ("F短期", v.KIND_SHORT_STAY, district2, ORG_TANAKA)}
    fs = {}
    probe = v.create_owned_facility(admin, "%s 探針" % marker, v.KIND_SHORT_STAY, "東地区",
                                    ORG_ITO, 35.68, 139.76)
    for k, (suffix, kind, dist, owner) in specs.items():
        fs[k] = v.create_owned_facility(admin, "%s %s" % (marker, suffix), kind, dist, owner,
                                        35.68, 139.76)
        fs[k]["owner"] = owner
    v.wait_known(tanaka, {f["id"]: f["kind"] for f in list(fs.values()) + [probe]})
    check_listing(tanaka, ito, takahashi, police, fs, district, district2)
    update_all(tanaka, ito, fs, "初回")
    check_fresh(tanaka, fs, district, False, "updated")
    got = check_list(tanaka, district, [(fs["s1"], "short_stay", True),
                                        (fs["o1"], "capacity", True),
                                        (fs["h1"], "backup", False),
                                        (fs["s0"], "short_stay", True)], "updated")
    ct.check(got[3]["updated_at"] is None and got[3]["stale"] is True,
             "the facility never updated: %r" % got[3])
    check_reminders(tanaka, ito, takahashi, sato, fs, district, probe)


if __name__ == "__main__":
    ct.run(test, budget_s=200)

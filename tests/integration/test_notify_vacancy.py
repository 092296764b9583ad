#!/usr/bin/env python3
"""notify turns the events of carelink.vacancy into exactly the right
notifications (services/vacancy/API.md, "What notify makes of
carelink.vacancy").

Injected on carelink.vacancy with python3-avro (every case, whatever vacancy
emits), 田中 (a care manager) holding and watching, the facility owned by
伊藤's organisation, 加藤 a bystander who is never told:

* VacancyWatchMatched: "vacancy_match" for the watch's owner only, with the
  watch's name, the facility, the nights and the free beds; the same event
  twice makes it once;
* VacancyStale: "vacancy_stale" for the facility's organisation, with the
  last update in Asia/Tokyo, or "まだ登録されていません";
* HoldPlaced: "hold_placed" for the facility's organisation, never the
  holder (a hold placed by the facility's own staff tells nobody);
* HoldConfirmed: "hold_confirmed" for the holder, not when the holder
  confirmed;
* HoldReleased: expired → the holder and the facility; released by the
  holder → the facility; by the facility → the holder;
* events of the first versions of the hold schemas (no facility name or
  owner): the holder is still told where that applies, the facility is
  not, and nothing is dead-lettered;
* VacancyChanged (a facility's whole 90-day state) makes nothing and is not
  dead-lettered;
* a message that is not Avro goes to the dead-letter topic once (notify's
  group), and the next event of its partition is still delivered.

Every "nobody was told" check comes after a later event on the same key
(the same partition, handled in order) has been delivered.
"""

import datetime
import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

JST = datetime.timezone(datetime.timedelta(hours=9), "JST")
PEOPLE = ("tanaka", "ito", "kato")
TOPIC = "carelink.vacancy"
NAMESPACE = "carelink.vacancy."


# --------------------------------------------------------------------------
# Avro encoding with python3-avro, for the injected events


def encode(name, datum, version=None):
    """Single-object encoding of datum with schemas/<name>.avsc, or with an
    earlier version of it (carelink_test.avro_encode)."""
    return ct.avro_encode(name, datum, version)


def inject(name, datum, version=None, raw=None):
    """Puts the event on carelink.vacancy keyed by its facility id; returns
    the bytes (raw: these bytes again)."""
    value = raw if raw is not None else encode(name, datum, version)
    ct.produce(TOPIC, datum["facility_id"], value,
               [("ce_id", datum["event_id"]), ("ce_type", NAMESPACE + name),
                ("ce_source", "test"), ("ce_specversion", "1.0"),
                ("content-type", "application/avro")])
    return value


def now_ms():
    return int(time.time() * 1000)


def base(facility_id):
    return {"event_id": str(uuid.uuid4()), "tenant_id": ct.seed()["tenant"]["id"],
            "time": now_ms(), "facility_id": facility_id}


def matched(facility_id, facility_name, watch_id, watch_name, owner, frm, to, free):
    return dict(base(facility_id), watch_id=watch_id, watch_name=watch_name,
                user_id=w.uid(owner), facility_name=facility_name, kind="short_stay",
                to=to, min_available=free, **{"from": frm})


def stale(facility_id, facility_name, owner_org, updated_at):
    return dict(base(facility_id), facility_name=facility_name,
                owner_organisation_id=owner_org, offers="short_stay",
                updated_at=updated_at, stale_hours=48)


def hold(facility_id, hold_id, holder, facility_name=None, facility_org=None, label="A様"):
    """The fields every hold event has; without facility_name and
    facility_organisation_id when facility_org is None (the first version
    of the schemas)."""
    u = ct.seed_user(holder)
    ev = dict(base(facility_id), hold_id=hold_id, kind="short_stay", room="women", beds=2,
              to="2026-12-03", holder_id=u["id"], holder_organisation_id=u["organisation"],
              client_label=label, **{"from": "2026-12-01"})
    if facility_org is not None:
        ev["facility_name"] = facility_name
        ev["facility_organisation_id"] = facility_org
    return ev


def placed(*args, **kw):
    return dict(hold(*args, **kw), expires_at=now_ms() + 15 * 60 * 1000)


def confirmed(*args, by, **kw):
    return dict(hold(*args, **kw), confirmed_by_id=w.uid(by))


def released(*args, reason, by=None, **kw):
    return dict(hold(*args, **kw), reason=reason, released_by_id=w.uid(by) if by else None)


def vacancy_changed(facility_id, facility_name, owner_org):
    """A facility's whole state: every day of 90 for both kinds of beds."""
    start = datetime.datetime.now(JST).date()
    beds = []
    for kind in ("short_stay", "backup"):
        for i in range(90):
            beds.append({"kind": kind, "day": (start + datetime.timedelta(days=i)).isoformat(),
                         "men": 2, "women": 3, "either": 1, "available_men": 1,
                         "available_women": 2, "available_either": 1,
                         "care_levels": ["care_1", "care_2", "care_3", "care_4", "care_5"],
                         "conditions": ["dementia", "insulin", "oxygen"]})
    return dict(base(facility_id), facility_name=facility_name,
                owner_organisation_id=owner_org, horizon_from=beds[0]["day"],
                horizon_to=beds[89]["day"], capacity=None, beds=beds,
                beds_updated_at=now_ms())


# --------------------------------------------------------------------------
# feeds


def kinds(items, ident):
    """Sorted kinds of the notifications whose link names ident."""
    return sorted(n.get("kind") for n in items if ident in (n.get("link") or ""))


def wait_kinds(s, mark, ident, want, what, timeout=25):
    """Waits until the kinds about ident in s's feed are exactly want."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = kinds(w.feed_since(s, mark), ident)
        if last == sorted(want):
            return
        if time.monotonic() > deadline:
            ct.fail("%s: %s's notifications about %s are not %r within %d s (last seen %r)"
                    % (what, s.name, ident, sorted(want), timeout, last))
        time.sleep(0.3)


def none_for(s, mark, ident, what):
    got = kinds(w.feed_since(s, mark), ident)
    ct.check(got == [], "%s: %s was told about %s: %r" % (what, s.name, ident, got))


def one(s, mark, ident, kind):
    found = [n for n in w.feed_since(s, mark) if ident in (n.get("link") or "")
             and n.get("kind") == kind]
    ct.check(len(found) == 1, "%s has %d %s notifications about %s"
             % (s.name, len(found), kind, ident))
    return found[0]


def dead_lettered(keys):
    """Messages of carelink.deadletter keyed by one of keys."""
    keys = {k.encode() for k in keys}
    return [m for m in ct.consume("carelink.deadletter") if m.key in keys]


# --------------------------------------------------------------------------


def test_watch_and_stale(s, marks, word):
    org_ito = ct.seed_user("ito")["organisation"]

    # a watch of 田中 matches: 田中 only; the same event twice is once
    fid = str(uuid.uuid4())
    wid = str(uuid.uuid4())
    ev = matched(fid, "ひだまり苑 %s" % word, wid, "北地区 女性 %s" % word, "tanaka",
                 "2026-12-01", "2026-12-03", 2)
    raw = inject("VacancyWatchMatched", ev)
    inject("VacancyWatchMatched", ev, raw=raw)
    wait_kinds(s["tanaka"], marks["tanaka"], wid, ["vacancy_match"], "a watch matched")
    item = one(s["tanaka"], marks["tanaka"], wid, "vacancy_match")
    ct.check_eq(item.get("title"), "空きが見つかりました: 「北地区 女性 %s」" % word,
                "title of vacancy_match")
    ct.check_eq(item.get("body"),
                "ひだまり苑 %s ・ 12月1日〜12月3日 ・ 空き2床 ・ ショートステイ" % word,
                "body of vacancy_match")
    ct.check_eq(item.get("link"), "#/vacancy/watches/" + wid, "link of vacancy_match")

    # the facility reminded: 伊藤's organisation only; a second reminder
    # with the last update; the first is the barrier for the match
    upd = int(datetime.datetime(2026, 11, 20, 9, 5, tzinfo=JST).timestamp() * 1000)
    inject("VacancyStale", stale(fid, "ひだまり苑 %s" % word, org_ito, None))
    wait_kinds(s["ito"], marks["ito"], fid, ["vacancy_stale"], "stale reminder (never updated)")
    item = one(s["ito"], marks["ito"], fid, "vacancy_stale")
    ct.check_eq(item.get("title"), "空き情報の更新をお願いします: ひだまり苑 %s" % word,
                "title of vacancy_stale")
    ct.check_eq(item.get("body"), "ショートステイ ・ まだ登録されていません",
                "body of vacancy_stale (never updated)")
    ct.check_eq(item.get("link"), "#/vacancy/facilities/" + fid, "link of vacancy_stale")
    fid2 = str(uuid.uuid4())
    inject("VacancyStale", stale(fid2, "あおぞら荘 %s" % word, org_ito, upd))
    wait_kinds(s["ito"], marks["ito"], fid2, ["vacancy_stale"], "stale reminder (old data)")
    ct.check_eq(one(s["ito"], marks["ito"], fid2, "vacancy_stale").get("body"),
                "ショートステイ ・ 最終更新: 11月20日(金) 09:05", "body of vacancy_stale")
    for n in ("ito", "kato"):
        none_for(s[n], marks[n], wid, "a watch of 田中")
    for n in ("tanaka", "kato"):
        for f in (fid, fid2):
            none_for(s[n], marks[n], "/vacancy/facilities/" + f,
                     "a stale reminder of another organisation")
    ct.check_eq(kinds(w.feed_since(s["tanaka"], marks["tanaka"]), wid), ["vacancy_match"],
                "田中's match, once though the event came twice")
    ct.log("VacancyWatchMatched: the owner, once; VacancyStale: the facility's organisation")


def test_holds(s, marks, word):
    org_ito = ct.seed_user("ito")["organisation"]
    fid = str(uuid.uuid4())
    name = "ひだまり苑 %s" % word
    h1 = str(uuid.uuid4())
    h2 = str(uuid.uuid4())

    # a hold placed by 田中: the facility's organisation, not 田中
    inject("HoldPlaced", placed(fid, h1, "tanaka", name, org_ito))
    # one placed by the facility's own 伊藤 (for a client of theirs): nobody
    inject("HoldPlaced", placed(fid, h2, "ito", name, org_ito))
    # confirmed by 伊藤: 田中; the holder confirming tells nobody
    inject("HoldConfirmed", confirmed(fid, h2, "tanaka", name, org_ito, by="tanaka"))
    inject("HoldConfirmed", confirmed(fid, h1, "tanaka", name, org_ito, by="ito"))
    wait_kinds(s["tanaka"], marks["tanaka"], h1, ["hold_confirmed"], "hold confirmed")
    wait_kinds(s["ito"], marks["ito"], h1, ["hold_placed"], "hold placed")
    item = one(s["ito"], marks["ito"], h1, "hold_placed")
    ct.check_eq(item.get("title"), "仮押さえが入りました: %s" % name, "title of hold_placed")
    ct.check_eq(item.get("body"), "ショートステイ ・ 12月1日〜12月3日(3泊) ・ 2床(女性) ・ 利用者: A様",
                "body of hold_placed")
    ct.check_eq(item.get("link"), "#/vacancy/holds/" + h1, "link of hold_placed")
    ct.check_eq((item.get("actor") or {}).get("id"), w.uid("tanaka"), "actor of hold_placed")
    item = one(s["tanaka"], marks["tanaka"], h1, "hold_confirmed")
    ct.check_eq(item.get("title"), "仮押さえが確定しました: %s" % name, "title of hold_confirmed")
    ct.check_eq(item.get("link"), "#/vacancy/holds/" + h1, "link of hold_confirmed")
    for n in PEOPLE:
        none_for(s[n], marks[n], h2, "a hold placed and confirmed by its own people")
    none_for(s["kato"], marks["kato"], h1, "a bystander")
    ct.log("HoldPlaced: the facility, never the holder; HoldConfirmed: the holder")

    # released: expired → both; by the holder → the facility; by the
    # facility → the holder
    h3 = str(uuid.uuid4())
    h4 = str(uuid.uuid4())
    inject("HoldReleased", released(fid, h3, "tanaka", name, org_ito, reason="RELEASED",
                                    by="tanaka"))
    inject("HoldReleased", released(fid, h4, "tanaka", name, org_ito, reason="RELEASED",
                                    by="ito"))
    inject("HoldReleased", released(fid, h1, "tanaka", name, org_ito, reason="EXPIRED"))
    for n in ("tanaka", "ito"):
        wait_kinds(s[n], marks[n], h1,
                   ["hold_released", "hold_confirmed" if n == "tanaka" else "hold_placed"],
                   "hold expired")
    ct.check_eq(one(s["ito"], marks["ito"], h1, "hold_released").get("title"),
                "仮押さえの期限が切れました: %s" % name, "title of an expired hold")
    ct.check_eq(kinds(w.feed_since(s["ito"], marks["ito"]), h3), ["hold_released"],
                "伊藤 (the facility) told of the holder's release")
    ct.check_eq(one(s["ito"], marks["ito"], h3, "hold_released").get("title"),
                "仮押さえが解除されました: %s" % name, "title of a released hold")
    none_for(s["tanaka"], marks["tanaka"], h3, "the holder's own release")
    ct.check_eq(kinds(w.feed_since(s["tanaka"], marks["tanaka"]), h4), ["hold_released"],
                "田中 (the holder) told of the facility's release")
    none_for(s["ito"], marks["ito"], h4, "the facility's own release")
    for h in (h1, h3, h4):
        none_for(s["kato"], marks["kato"], h, "a bystander")
    ct.log("HoldReleased: expired both, released by one side tells the other")
    return fid


def test_old_events_and_bad_messages(s, marks, word):
    org_ito = ct.seed_user("ito")["organisation"]
    fid = str(uuid.uuid4())
    h5 = str(uuid.uuid4())
    h6 = str(uuid.uuid4())
    h7 = str(uuid.uuid4())

    # events of the first schema versions: no facility name or owner
    inject("HoldPlaced", placed(fid, h5, "tanaka"), version="001")
    inject("HoldReleased", released(fid, h6, "tanaka", reason="RELEASED", by="tanaka"),
           version="001")
    inject("HoldConfirmed", confirmed(fid, h7, "tanaka", by="ito"), version="001")
    inject("HoldReleased", released(fid, h5, "tanaka", reason="EXPIRED"), version="001")
    wait_kinds(s["tanaka"], marks["tanaka"], h5, ["hold_released"], "an old expired hold")
    wait_kinds(s["tanaka"], marks["tanaka"], h7, ["hold_confirmed"], "an old confirmed hold")
    ct.check_eq(one(s["tanaka"], marks["tanaka"], h5, "hold_released").get("title"),
                "仮押さえの期限が切れました: 施設", "title of an old expired hold")
    for h in (h5, h6, h7):
        none_for(s["ito"], marks["ito"], h, "an old event without the facility's owner")
        none_for(s["kato"], marks["kato"], h, "a bystander")
    none_for(s["tanaka"], marks["tanaka"], h6, "the holder's own release (old event)")

    # the facility's whole state: nothing, not dead-lettered; the next event
    # of the key is the barrier
    big = encode("VacancyChanged", vacancy_changed(fid, "ひだまり苑 %s" % word, org_ito))
    ct.check(len(big) > 8000, "VacancyChanged is a large message (%d bytes)" % len(big))
    ct.produce(TOPIC, fid, big)
    h8 = str(uuid.uuid4())
    inject("HoldConfirmed", confirmed(fid, h8, "tanaka", "ひだまり苑 %s" % word, org_ito,
                                      by="ito"))
    wait_kinds(s["tanaka"], marks["tanaka"], h8, ["hold_confirmed"], "after VacancyChanged")
    for n in PEOPLE:
        none_for(s[n], marks[n], "/vacancy/facilities/" + fid, "VacancyChanged")
    ct.log("old hold events: the holder only; VacancyChanged: nothing")

    # not Avro: dead-lettered by notify once; the next event still delivered
    fx = str(uuid.uuid4())
    bad = b"not avro " + fx.encode()
    ct.produce(TOPIC, fx, bad)
    wx = str(uuid.uuid4())
    inject("VacancyWatchMatched", matched(fx, "後続 %s" % word, wx, "後続 %s" % word, "tanaka",
                                          "2026-12-05", "2026-12-05", 1))
    wait_kinds(s["tanaka"], marks["tanaka"], wx, ["vacancy_match"], "a match after a bad message")
    dead = [m for m in ct.consume("carelink.deadletter")
            if m.value == bad and dict(m.headers or []).get("dlq_group") == "notify"]
    ct.check(len(dead) == 1, "the bad message is dead-lettered once by notify: %r" % dead)
    good = [m for m in dead_lettered([fid]) if dict(m.headers or []).get("dlq_group") == "notify"]
    ct.check(not good, "valid events were dead-lettered by notify: %r" % good)
    ct.log("a message that is not Avro is dead-lettered, the partition moves on")


def test():
    s = {n: w.login(n) for n in PEOPLE}
    marks = {n: w.feed_mark(s[n]) for n in PEOPLE}
    test_watch_and_stale(s, marks, w.jp_word(8))
    hold_fid = test_holds(s, marks, w.jp_word(8))
    good = [m for m in dead_lettered([hold_fid])
            if dict(m.headers or []).get("dlq_group") == "notify"]
    ct.check(not good, "hold events were dead-lettered by notify: %r" % good)
    test_old_events_and_bad_messages(s, marks, w.jp_word(8))


if __name__ == "__main__":
    ct.run(test, budget_s=240)

#!/usr/bin/env python3
"""The event calendar and the demo facility directory (services/records/APPS.md).

* The demo directory holds at least 40 facilities across the six districts
  of みどり市; the demo calendar has trainings of this month.
* Registration through the gateway: 田中 (care manager) creates an event
  with a capacity; 伊藤 (another organisation) registers (201, then 200),
  the record's "registration" says so, cancels (204, twice), the event
  fills up (409 event_full, and a full event says so), an event that has
  started refuses registering and cancelling (409 event_started); the list
  of registrations is for the event's writers (403 for a reader, 404 for
  an unknown id and for a record that is not an event).
* Concurrency: 20 people register for an event with capacity 7 at the same
  time (records directly, each with a signed identity of the demo tenant):
  exactly 7 succeed, the others get 409 event_full, the count is 7; then 8
  demo users race through the gateway for 3 places.
* iCalendar: GET /calendar.ics parses with python3-icalendar; the event is
  there with TZID Asia/Tokyo and its local times, escaped text coming back
  intact, CATEGORIES the kind; scope=mine holds only the caller's
  registrations.
* Reminders: an event starting in one hour with 伊藤 registered yields one
  EventReminderDue on carelink.directory (keyed by the record id, python3-
  avro decodes it from schemas/ alone) within a bounded wait, not a second
  one; moving its start re-arms it.
"""

import concurrent.futures
import datetime
import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402
import apps_helpers as a  # noqa: E402

API = a.API
DISTRICTS = ["中央地区", "北地区", "南地区", "東地区", "西地区", "山手地区"]
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def demo_directory(s):
    doc = a.expect(s.request("GET", API + "/facilities/districts"), 200,
                   "GET /facilities/districts")
    counts = {d.get("name"): d.get("count") for d in doc.get("districts") or []}
    for d in DISTRICTS:
        ct.check((counts.get(d) or 0) >= 1, "no demo facility in %s: %r" % (d, counts))
    seen, cursor = [], None
    for _ in range(20):
        page = a.facilities(s, limit=200, cursor=cursor)
        seen.extend(page.get("facilities") or [])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    # other tests add facilities of their own: the demo's have the seed's ids
    seen = [f for f in seen if str(f.get("id", "")).startswith("fac1d000-")]
    ct.check(len(seen) >= 40, "the demo directory holds %d facilities, not 40" % len(seen))
    ct.check_eq(sorted({f.get("district") for f in seen}), sorted(DISTRICTS),
                "districts of the demo facilities")
    kinds = {f.get("kind") for f in seen}
    ct.check(len(kinds) >= 8, "the demo directory has only the kinds %r" % sorted(kinds))
    for f in seen:
        ct.check(isinstance(f.get("latitude"), (int, float)) and
                 35.5 < f["latitude"] < 35.8 and 139.2 < f["longitude"] < 139.5,
                 "demo facility %s lies elsewhere: %r" % (f.get("name"), f))
    owned = {f["name"]: (f.get("organisation") or {}).get("id") for f in seen}
    ct.check_eq(owned.get("さくら診療所"), a.org_of("sato"), "さくら診療所's organisation")
    ct.check_eq(owned.get("あおば薬局"), a.org_of("yamamoto"), "あおば薬局's organisation")
    return seen


def demo_calendar(s):
    now = a.jst_now()
    first = now.replace(day=1).date().isoformat()
    nxt = (now.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    last = (nxt - datetime.timedelta(days=1)).date().isoformat()
    recs = a.all_records(s, "events", **{"from.starts_at": first, "to.starts_at": last})
    kinds = {r["values"].get("kind") for r in recs}
    ct.check(len(recs) >= 4 and "研修" in kinds,
             "this month's demo events: %r" % [r["values"].get("title") for r in recs])
    ct.check(any(isinstance(r.get("registration"), dict) and r["registration"].get("count")
                 for r in recs), "no demo event of this month has registrations")


def registration_flow(tanaka, ito, sato, facility_id):
    starts = a.jst_now() + datetime.timedelta(days=3)
    ev = a.create_event(tanaka, "連携研修 %s" % a.new_word(6), starts,
                        ends_at=starts + datetime.timedelta(hours=2), capacity=2,
                        place="みどり市役所 3階", organiser=a.org_of("tanaka"))
    eid = ev["id"]
    reg = ev.get("registration")
    ct.check_eq(reg, {"count": 0, "capacity": 2, "full": False, "registered": False,
                      "open": True}, "registration of a new event")

    doc = a.expect(a.register(ito, eid), 201, "伊藤 registers")
    ct.check_eq(doc["registration"]["count"], 1, "count after 伊藤 registered")
    ct.check_eq(doc["registration"]["registered"], True, "伊藤 registered")
    doc = a.expect(a.register(ito, eid), 200, "伊藤 registers again")
    ct.check_eq(doc["registration"]["count"], 1, "count after registering twice")
    ct.check_eq(a.get_record(ito, eid)["registration"]["registered"], True,
                "the record says 伊藤 is registered")
    ct.check_eq(a.get_record(tanaka, eid)["registration"]["registered"], False,
                "the record says 田中 is not registered")

    people = a.registrations(tanaka, eid)
    ct.check_eq([p.get("id") for p in people], [a.uid("ito")], "registrations for 田中")
    ct.check_eq((people[0].get("organisation") or {}).get("id"), a.org_of("ito"),
                "the registered person's organisation")
    ct.check(people[0].get("name") and people[0].get("registered_at"),
             "a registration without name or time: %r" % people[0])
    a.expect(ito.request("GET", API + "/events/%s/registrations" % eid), 403,
             "伊藤 (a reader) lists the registrations", "forbidden")
    a.expect(tanaka.request("GET", API + "/events/%s/registrations" % a.fake_id()), 404,
             "registrations of an unknown event", "record_not_found")
    a.expect(a.register(ito, facility_id), 404, "registering for a facility",
             "record_not_found")
    a.expect(a.register(ito, "not-an-id"), 404, "registering for a malformed id",
             "record_not_found")

    a.expect(a.unregister(ito, eid), 204, "伊藤 cancels")
    a.expect(a.unregister(ito, eid), 204, "伊藤 cancels again")
    ct.check_eq(a.get_record(ito, eid)["registration"]["count"], 0, "count after cancelling")

    a.expect(a.register(ito, eid), 201, "伊藤 registers once more")
    a.expect(a.register(sato, eid), 201, "佐藤 takes the last place")
    a.expect(a.register(tanaka, eid), 409, "田中 registers for a full event", "event_full")
    reg = a.get_record(tanaka, eid)["registration"]
    ct.check_eq((reg["count"], reg["full"], reg["registered"]), (2, True, False),
                "a full event says so")
    a.expect(a.register(ito, eid), 200, "伊藤, registered, on a full event")
    a.expect(a.unregister(sato, eid), 204, "佐藤 cancels")
    a.expect(a.register(tanaka, eid), 201, "田中 takes the freed place")

    past = a.create_event(tanaka, "開始済みの会議 %s" % a.new_word(6),
                          a.jst_now() - datetime.timedelta(minutes=30), kind="会議")
    ct.check_eq(past["registration"]["open"], False, "a started event is not open")
    a.expect(a.register(ito, past["id"]), 409, "registering for a started event",
             "event_started")
    a.expect(a.unregister(ito, past["id"]), 409, "cancelling for a started event",
             "event_started")
    return eid, starts


def concurrent_direct(tanaka):
    """20 people of the demo tenant at once for 7 places, on records."""
    ev = a.create_event(tanaka, "同時申込 %s" % a.new_word(6),
                        a.jst_now() + datetime.timedelta(days=5), capacity=7)
    tenant = a.tenant_id()
    org = a.org_of("ito")

    def one(i):
        c = w.claims(str(uuid.uuid4()), org, "care_worker", tenant, name="同時 %d" % i)
        r = w.records_request(c, "POST", "/v1/events/%s/registration" % ev["id"], json_body={})
        return r.status, r.error_code() if r.status >= 400 else None

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as ex:
        results = list(ex.map(one, range(20)))
    ok = [r for r in results if r[0] == 201]
    full = [r for r in results if r == (409, "event_full")]
    ct.check(len(ok) == 7 and len(full) == 13,
             "20 concurrent registrations for 7 places: %r" % sorted(results))
    reg = a.get_record(tanaka, ev["id"])["registration"]
    ct.check_eq((reg["count"], reg["full"]), (7, True), "the count after the race")
    ct.check_eq(len(a.registrations(tanaka, ev["id"])), 7, "registrations after the race")


def concurrent_gateway(tanaka):
    """8 demo users through the gateway at once for 3 places."""
    names = ["ito", "sato", "suzuki", "takahashi", "watanabe", "yamamoto", "kato", "nakamura"]
    sessions = [w.login(n) for n in names]
    ev = a.create_event(tanaka, "先着3名 %s" % a.new_word(6),
                        a.jst_now() + datetime.timedelta(days=6), capacity=3)
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(sessions)) as ex:
        results = list(ex.map(lambda s: a.register(s, ev["id"]), sessions))
    statuses = sorted((r.status, r.error_code() if r.status >= 400 else None) for r in results)
    ct.check_eq(statuses, [(201, None)] * 3 + [(409, "event_full")] * 5,
                "8 demo users racing for 3 places")
    ct.check_eq(a.get_record(tanaka, ev["id"])["registration"]["count"], 3,
                "the count after the gateway race")


def calendar_check(tanaka, ito, eid, starts):
    import icalendar
    r = a.calendar_ics(tanaka)
    a.expect(r, 200, "GET /calendar.ics")
    ctype = r.headers.get("Content-Type", "")
    ct.check(ctype.startswith("text/calendar") and "utf-8" in ctype.lower(),
             "calendar Content-Type: %r" % ctype)
    body = r.body
    ct.check(body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b""),
             "the calendar's lines do not all end in CRLF")
    for line in body.split(b"\r\n"):
        ct.check(len(line) <= 75, "a line of %d octets: %r" % (len(line), line[:90]))
        line.decode("utf-8")  # no character split by a fold
    cal = icalendar.Calendar.from_ical(body)
    ct.check_eq(str(cal.get("X-WR-TIMEZONE")), "Asia/Tokyo", "X-WR-TIMEZONE")
    tzs = [str(t.get("TZID")) for t in cal.walk("VTIMEZONE")]
    ct.check_eq(tzs, ["Asia/Tokyo"], "VTIMEZONE")
    events = {str(e.get("UID")): e for e in cal.walk("VEVENT")}
    ours = events.get(eid + "@carelink")
    ct.check(ours is not None, "event %s is not in the calendar" % eid)
    ct.check_eq(ours["DTSTART"].params.get("TZID"), "Asia/Tokyo", "DTSTART's TZID")
    start = ours.decoded("DTSTART")
    ct.check_eq(start.utcoffset(), datetime.timedelta(hours=9), "DTSTART's offset")
    ct.check_eq(start, starts.replace(microsecond=0), "DTSTART")
    ct.check_eq(start.astimezone(TOKYO).strftime("%H:%M"),
                starts.astimezone(TOKYO).strftime("%H:%M"), "local start time")
    ct.check_eq(ours.decoded("DTEND") - start, datetime.timedelta(hours=2), "DTEND")
    ct.check_eq(str(ours.get("LOCATION")), "みどり市役所 3階", "LOCATION")
    ct.check(str(ours.get("SUMMARY")).startswith("連携研修 "), "SUMMARY: %r" % ours.get("SUMMARY"))
    ct.check("研修" in str(ours.get("CATEGORIES").to_ical().decode()), "CATEGORIES")
    ct.check(ours.get("DTSTAMP") is not None and ours.get("SEQUENCE") is not None,
             "DTSTAMP or SEQUENCE missing")

    # text that needs escaping and folding comes back intact
    text = "持ち物: 筆記用具, 名札; 資料\\メモ\n二行目 " + "長" * 40
    tricky = a.create_event(tanaka, "研修, 第2回; 特別編", a.jst_now() + datetime.timedelta(days=9),
                            description=text)
    cal = icalendar.Calendar.from_ical(a.calendar_ics(tanaka).body)
    got = [e for e in cal.walk("VEVENT") if str(e.get("UID")) == tricky["id"] + "@carelink"]
    ct.check(got, "the event with escaped text is not in the calendar")
    ct.check_eq(str(got[0].get("SUMMARY")), "研修, 第2回; 特別編", "escaped SUMMARY")
    ct.check_eq(str(got[0].get("DESCRIPTION")), text, "escaped, folded DESCRIPTION")

    # scope=mine: only 伊藤's registrations
    rm = a.calendar_ics(ito, "mine")
    a.expect(rm, 200, "GET /calendar.ics?scope=mine")
    mine = icalendar.Calendar.from_ical(rm.body)
    mine_ids = [str(e.get("UID")).split("@")[0] for e in mine.walk("VEVENT")]
    ct.check(eid in mine_ids, "伊藤's feed lacks the event 伊藤 registered for")
    ct.check(tricky["id"] not in mine_ids, "伊藤's feed holds an event 伊藤 did not register for")
    for i in mine_ids:
        ct.check(a.get_record(ito, i)["registration"]["registered"],
                 "伊藤's feed holds event %s without a registration" % i)
    a.expect(ito.request("GET", API + "/calendar.ics?scope=everything"), 400,
             "an unknown scope", "invalid_query")


def reminder_events(record_id):
    out = []
    for m in ct.consume("carelink.directory", with_headers=False):
        d = ct.decode_single_object("EventReminderDue", m.value)
        if d is not None and d.get("record_id") == record_id:
            out.append((m, d))
    return out


def wait_reminders(record_id, count, timeout):
    deadline = time.monotonic() + timeout
    while True:
        got = reminder_events(record_id)
        if len(got) >= count:
            return got
        if time.monotonic() > deadline:
            ct.fail("%d EventReminderDue for %s within %d s, wanted %d"
                    % (len(got), record_id, timeout, count))
        time.sleep(0.3)


def reminders(tanaka, ito):
    starts = a.jst_now() + datetime.timedelta(hours=1)
    ev = a.create_event(tanaka, "明日の研修 %s" % a.new_word(6), starts, place="会議室B")
    a.expect(a.register(ito, ev["id"]), 201, "伊藤 registers for the event in an hour")
    (m, d), = wait_reminders(ev["id"], 1, 45)
    key = m.key.decode() if isinstance(m.key, bytes) else m.key
    ct.check_eq(key, ev["id"], "key of EventReminderDue")
    ct.check_eq(d["users"], [a.uid("ito")], "users of EventReminderDue")
    ct.check_eq(d["tenant_id"], a.tenant_id(), "tenant of EventReminderDue")
    ct.check_eq(d["place"], "会議室B", "place of EventReminderDue")
    ct.check_eq(d["readers"], {"professions": [], "organisations": []},
                "readers of EventReminderDue")
    ct.check(abs(d["starts_at"] - int(starts.timestamp() * 1000)) < 1000
             if isinstance(d["starts_at"], int) else
             abs(d["starts_at"].timestamp() - starts.timestamp()) < 1,
             "starts_at of EventReminderDue: %r" % d["starts_at"])
    # one per start: the next passes do not remind again. A pass known to
    # have run since: the reminder of a second event, created after the
    # first reminder was seen (a pass lists every due event, then reminds
    # each)
    probe = a.create_event(tanaka, "次の研修 %s" % a.new_word(6), starts, place="会議室C")
    a.expect(a.register(ito, probe["id"]), 201, "伊藤 registers for the second event")
    wait_reminders(probe["id"], 1, 45)
    ct.check_eq(len(reminder_events(ev["id"])), 1, "EventReminderDue after another pass")
    # a moved start re-arms it
    moved = a.jst_iso(starts + datetime.timedelta(hours=2))
    a.expect(a.patch_record(tanaka, ev["id"], {"starts_at": moved}), 200, "moving the start")
    wait_reminders(ev["id"], 2, 45)


def test():
    tanaka, ito, sato = w.login("tanaka"), w.login("ito"), w.login("sato")
    seen = demo_directory(tanaka)
    ct.log("demo directory: %d facilities in %d districts" % (len(seen), len(DISTRICTS)))
    demo_calendar(tanaka)
    eid, starts = registration_flow(tanaka, ito, sato, seen[0]["id"])
    ct.log("registration, cancelling, full and started events")
    concurrent_direct(tanaka)
    concurrent_gateway(tanaka)
    ct.log("concurrent registrations never exceed the capacity")
    calendar_check(tanaka, ito, eid, starts)
    ct.log("iCalendar parses with python3-icalendar")
    reminders(tanaka, ito)
    ct.log("EventReminderDue once per start")


if __name__ == "__main__":
    ct.run(test, budget_s=240)

#!/usr/bin/env python3
"""The event calendar (issue 5: "the iCalendar output parses with an
independent iCalendar parser (Debian's python3-icalendar) and holds the
events with correct time zones (Asia/Tokyo); registration limits under
concurrent registrations never exceed capacity"; reminders the day before;
"the calendar view shows this month's trainings").

* iCalendar: GET /api/v1/calendar.ics?scope=tenant and ?scope=mine, and
  the gateway's feed URL (/ical/<secret> from POST /me/calendar-feeds,
  read without a session), are parsed by `icalendar` (python3-icalendar):
  VCALENDAR properties, a VTIMEZONE for Asia/Tokyo (+0900, no daylight
  saving), a VEVENT per event with UID <id>@carelink, DTSTART/DTEND with
  TZID=Asia/Tokyo equal to the event's times (an hour when no end), UTC
  DTSTAMP, SUMMARY, LOCATION, DESCRIPTION (Japanese text and the escaped
  characters ; , \\ and line breaks intact), CATEGORIES, ORGANIZER's CN,
  SEQUENCE counting changes; events from 90 days ago on. Raw checks: CRLF
  line ends, lines of at most 75 octets, no UTF-8 character split.
* Registration: 16 new people (invited through the admin API, waited for
  in records' people copy) register at once from threads for an event of
  capacity 5: exactly 5 get 201, the others 409 event_full, the count is 5
  and the list of registrations holds exactly those 5. A cancel frees a
  place; registering twice is 200; an event that has started refuses both
  registering and cancelling (409 event_started).
* The calendar view (from./to. on starts_at, sorted) lists this month's
  demo trainings, all in the month (Asia/Tokyo) and in order.
* Reminders: an event starting within the next hours reaches its
  registered person's feed within 90 s (EventReminderDue through notify);
  a person not registered gets nothing.
"""

import calendar
import datetime
import os
import sys
import threading
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import apps_helpers as ap  # noqa: E402
import workspace_helpers as w  # noqa: E402

try:
    import icalendar  # python3-icalendar (scripts/deps.sh)
except ImportError:
    icalendar = None

API = ap.API
JST = ap.JST
SUPPORT_CENTRE = "0f1e2d3c-0001-4000-8000-000000000002"


# --------------------------------------------------------------------------
# iCalendar


def raw_checks(body, what):
    """CRLF line ends, lines folded at 75 octets without splitting UTF-8."""
    ct.check(body.startswith(b"BEGIN:VCALENDAR\r\n"), "%s: does not start with BEGIN:VCALENDAR"
             % what)
    ct.check(body.endswith(b"END:VCALENDAR\r\n"), "%s: does not end with END:VCALENDAR CRLF"
             % what)
    ct.check(b"\n" not in body.replace(b"\r\n", b""), "%s: a line end that is not CRLF" % what)
    for i, line in enumerate(body.split(b"\r\n")):
        ct.check(len(line) <= 75, "%s: line %d has %d octets: %r" % (what, i + 1, len(line),
                                                                    line[:80]))
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            ct.fail("%s: line %d splits a UTF-8 character: %r" % (what, i + 1, line))


def parse(r, what):
    ap.expect(r, 200, what)
    ctype = (r.headers.get("Content-Type") or "").replace(" ", "").lower()
    ct.check_eq(ctype, "text/calendar;charset=utf-8", "%s: Content-Type" % what)
    raw_checks(r.body, what)
    try:
        cal = icalendar.Calendar.from_ical(r.body)
    except Exception as e:  # the parser's own error
        ct.fail("%s: python3-icalendar cannot parse it: %s" % (what, e))
    ct.check_eq(cal.name, "VCALENDAR", "%s: the component" % what)
    for prop, want in (("PRODID", "-//carelink//calendar//JA"), ("VERSION", "2.0"),
                       ("CALSCALE", "GREGORIAN"), ("X-WR-TIMEZONE", "Asia/Tokyo")):
        ct.check_eq(str(cal.get(prop)), want, "%s: %s" % (what, prop))
    ct.check(str(cal.get("X-WR-CALNAME") or ""), "%s: no X-WR-CALNAME" % what)
    tzs = cal.walk("VTIMEZONE")
    ct.check_eq([str(t.get("TZID")) for t in tzs], ["Asia/Tokyo"], "%s: VTIMEZONE TZIDs" % what)
    std = tzs[0].walk("STANDARD")
    ct.check(std and not tzs[0].walk("DAYLIGHT"),
             "%s: Asia/Tokyo needs one STANDARD and no DAYLIGHT" % what)
    off = std[0].decoded("TZOFFSETTO")
    ct.check_eq(off, datetime.timedelta(hours=9), "%s: TZOFFSETTO" % what)
    ct.check_eq(str(std[0].get("TZNAME")), "JST", "%s: TZNAME" % what)
    return cal


def vevents(cal):
    return {str(e.get("UID")): e for e in cal.walk("VEVENT")}


def local_time(ev, prop, what):
    """The aware datetime of a DTSTART/DTEND with TZID=Asia/Tokyo."""
    p = ev.get(prop)
    ct.check(p is not None, "%s: no %s" % (what, prop))
    ct.check_eq(p.params.get("TZID"), "Asia/Tokyo", "%s: %s;TZID" % (what, prop))
    dt = p.dt
    ct.check(isinstance(dt, datetime.datetime), "%s: %s is not a date-time: %r" % (what, prop, dt))
    if dt.tzinfo is None:  # the parser left the wall time; it is Asia/Tokyo
        dt = dt.replace(tzinfo=JST)
    ct.check_eq(dt.utcoffset(), datetime.timedelta(hours=9), "%s: %s offset" % (what, prop))
    return dt


def check_vevent(ev, rec, what, end=None, organiser_name=None):
    v = rec["values"]
    start = ap.parse_time(v["starts_at"])
    ct.check_eq(local_time(ev, "DTSTART", what), start, "%s: DTSTART" % what)
    want_end = ap.parse_time(v["ends_at"]) if v.get("ends_at") else \
        start + datetime.timedelta(hours=1)
    ct.check_eq(local_time(ev, "DTEND", what), end or want_end, "%s: DTEND" % what)
    stamp = ev.get("DTSTAMP")
    ct.check(stamp is not None and stamp.dt.utcoffset() == datetime.timedelta(0) and
             "TZID" not in stamp.params, "%s: DTSTAMP is not UTC: %r" % (what, stamp))
    ct.check_eq(str(ev.get("SUMMARY")), v["title"], "%s: SUMMARY" % what)
    if v.get("place"):
        ct.check_eq(str(ev.get("LOCATION")), v["place"], "%s: LOCATION" % what)
    if v.get("description"):
        ct.check_eq(str(ev.get("DESCRIPTION")), v["description"], "%s: DESCRIPTION" % what)
    got = ev.get("CATEGORIES")
    items = got if isinstance(got, list) else [got]
    cats = [str(x) for it in items if it is not None for x in getattr(it, "cats", [it])]
    ct.check(v["kind"] in cats, "%s: CATEGORIES %r lack %s" % (what, cats, v["kind"]))
    if organiser_name:
        org = ev.get("ORGANIZER")
        ct.check(org is not None and org.params.get("CN") == organiser_name,
                 "%s: ORGANIZER %r, expected CN=%s" % (what, org, organiser_name))
    ct.check(ev.get("LAST-MODIFIED") is not None, "%s: no LAST-MODIFIED" % what)
    ct.check(ev.get("SEQUENCE") is not None, "%s: no SEQUENCE" % what)
    return int(ev.get("SEQUENCE"))


def ical(f):
    tanaka, ito = f.tanaka, f.ito
    word = f.word
    start_a = (ap.jst_now() + datetime.timedelta(days=5)).replace(hour=14, minute=0, second=0)
    a = ap.create_event(
        tanaka, "多職種連携研修「在宅医療と介護の連携」第3回；セミコロン; カンマ, 円記号\\ %s" % word,
        start_a, ends_at=start_a + datetime.timedelta(hours=2, minutes=30), kind="勉強会",
        place="みどり市役所 3階 大会議室, 第1", organiser=SUPPORT_CENTRE, capacity=30,
        description="一行目 ①髙橋\n二行目; 持ち物: 筆記用具, 名札\n\n四行目 ～")
    start_b = (ap.jst_now() + datetime.timedelta(days=6)).replace(hour=9, minute=30, second=0)
    b = ap.create_event(tanaka, "終了時刻なしの会議 %s" % word, start_b, kind="会議")
    old = ap.create_event(tanaka, "百日前の研修 %s" % word,
                          ap.jst_now() - datetime.timedelta(days=100))
    recent = ap.create_event(tanaka, "三十日前の研修 %s" % word,
                             ap.jst_now() - datetime.timedelta(days=30))
    ct.check_eq(a["values"]["starts_at"], ap.jst_iso(start_a), "starts_at answered in +09:00")
    ap.expect(ap.register(tanaka, a["id"]), 201, "田中 registers for A")
    uid_a, uid_b = a["id"] + "@carelink", b["id"] + "@carelink"

    cal = parse(ap.calendar_ics(ito, "tenant"), "calendar.ics?scope=tenant (伊藤)")
    evs = vevents(cal)
    for rec, name in ((a, "A"), (b, "B"), (recent, "30 days ago")):
        ct.check(rec["id"] + "@carelink" in evs, "scope=tenant lacks event %s" % name)
    ct.check(old["id"] + "@carelink" not in evs, "scope=tenant holds an event of 100 days ago")
    seq = check_vevent(evs[uid_a], a, "event A", organiser_name=ct.organisation_name(
        SUPPORT_CENTRE))
    check_vevent(evs[uid_b], b, "event B (no end: an hour)")
    ct.check(ap.jst_iso(start_a).replace("-", "").replace(":", "")[:15] in
             ap.text_of(ap.calendar_ics(ito, "tenant")).replace("\r\n ", ""),
             "DTSTART of A is not written as the local time %s" % ap.jst_iso(start_a))

    # a change counts in SEQUENCE
    ap.expect(ap.patch_record(tanaka, a["id"], {"place": "みどり市役所 5階 ホール"}), 200,
              "PATCH the place of A")
    a2 = ap.get_record(tanaka, a["id"])
    evs = vevents(parse(ap.calendar_ics(ito, "tenant"), "calendar.ics after a change"))
    seq2 = check_vevent(evs[uid_a], a2, "event A changed")
    ct.check(seq2 > seq, "SEQUENCE of A after a change: %d, before %d" % (seq2, seq))

    # mine: the caller's registrations
    mine = vevents(parse(ap.calendar_ics(tanaka, "mine"), "calendar.ics?scope=mine (田中)"))
    ct.check(uid_a in mine and uid_b not in mine,
             "田中's scope=mine: A %s, B %s (registered for A only)" % (uid_a in mine,
                                                                        uid_b in mine))
    mine_ito = vevents(parse(ap.calendar_ics(ito, "mine"), "calendar.ics?scope=mine (伊藤)"))
    ct.check(uid_a not in mine_ito, "伊藤's scope=mine holds A, which he did not register for")
    r = ito.request("GET", w.q(API + "/calendar.ics", scope="everything"))
    ct.check(r.status == 400, "scope=everything: expected 400, got %s" % r.describe())

    # the gateway's feed URLs, read without a session
    path = ap.feed_url(tanaka, "mine")
    anon = ct.Session()
    feed = vevents(parse(anon.request("GET", path), "the feed %s (mine)" % path[:12]))
    ct.check(uid_a in feed and uid_b not in feed, "田中's feed of scope mine: A %s, B %s"
             % (uid_a in feed, uid_b in feed))
    check_vevent(feed[uid_a], a2, "event A in the feed")
    parse(anon.request("GET", path + ".ics"), "the feed with .ics")
    path_t = ap.feed_url(ito, "tenant")
    feed_t = vevents(parse(anon.request("GET", path_t), "伊藤's feed (tenant)"))
    ct.check(uid_a in feed_t and uid_b in feed_t, "伊藤's feed of scope tenant lacks A or B")
    r = anon.request("GET", "/ical/" + ct.unique("x").replace("-", "")[:43])
    ct.check(r.status == 404, "an unknown feed secret: expected 404, got %s" % r.describe())
    ct.log("iCalendar: tenant, mine and feed URLs parse; A, B at the right times")


# --------------------------------------------------------------------------
# registration


def concurrent_registrations(f, n=16, capacity=5):
    ev = ap.create_event(f.tanaka, "定員%d名の研修 %s" % (capacity, f.word),
                         ap.jst_now() + datetime.timedelta(days=7), capacity=capacity)
    people = f.people[:n]
    barrier = threading.Barrier(len(people))
    results = [None] * len(people)

    def one(i):
        try:
            barrier.wait(timeout=20)
        except threading.BrokenBarrierError:
            pass
        results[i] = ap.register(people[i], ev["id"])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(people))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    ct.check(all(r is not None for r in results), "a registration did not answer")
    ok = [i for i, r in enumerate(results) if r.status == 201]
    full = [i for i, r in enumerate(results) if r.status == 409 and r.error_code() == "event_full"]
    other = [r.describe() for r in results if r.status not in (201, 409) or
             (r.status == 409 and r.error_code() != "event_full")]
    ct.log("%d at once: %d registered, %d event_full, %d other" % (n, len(ok), len(full),
                                                                   len(other)))
    ct.check(not other, "unexpected answers to concurrent registrations: %r" % other[:3])
    ct.check_eq(len(ok), capacity, "registrations that succeeded (capacity %d)" % capacity)
    ct.check_eq(len(full), n - capacity, "registrations refused with event_full")
    reg = ap.get_record(f.tanaka, ev["id"]).get("registration") or {}
    ct.check_eq((reg.get("count"), reg.get("capacity"), reg.get("full"), reg.get("open")),
                (capacity, capacity, True, True), "the registration of the full event")
    listed = {p["id"] for p in ap.registrations(f.tanaka, ev["id"])}
    ct.check_eq(listed, {people[i].user["id"] for i in ok}, "the people registered")
    for i in ok[:1]:
        mine = (ap.get_record(people[i], ev["id"]).get("registration") or {})
        ct.check(mine.get("registered") is True, "registered is not true for a registered person")
    # registering again: 200, no second place
    ap.expect(ap.register(people[ok[0]], ev["id"]), 200, "registering twice")
    # a cancel frees a place for one of those refused
    ap.expect(ap.unregister(people[ok[0]], ev["id"]), 204, "a registered person cancels")
    ap.expect(ap.unregister(people[ok[0]], ev["id"]), 204, "cancelling again")
    reg = ap.get_record(f.tanaka, ev["id"])["registration"]
    ct.check_eq((reg["count"], reg["full"]), (capacity - 1, False), "after the cancel")
    ap.expect(ap.register(people[full[0]], ev["id"]), 201, "a refused person registers after it")
    ap.expect(ap.register(people[full[1]], ev["id"]), 409, "the next one", "event_full")
    reg = ap.get_record(f.tanaka, ev["id"])["registration"]
    ct.check_eq((reg["count"], reg["full"]), (capacity, True), "full again")
    ct.check_eq(len(ap.registrations(f.tanaka, ev["id"])), capacity, "registrations listed")


def started_event(f):
    ev = ap.create_event(f.tanaka, "開始済みの会議 %s" % f.word,
                         ap.jst_now() - datetime.timedelta(hours=1), kind="会議", capacity=10)
    ct.check_eq((ev.get("registration") or {}).get("open"), False, "open of a started event")
    ap.expect(ap.register(f.ito, ev["id"]), 409, "registering for a started event",
              "event_started")
    ap.expect(ap.unregister(f.ito, ev["id"]), 409, "cancelling for a started event",
              "event_started")
    ct.check_eq(ap.get_record(f.tanaka, ev["id"])["registration"]["count"], 0,
                "registrations of the started event")


# --------------------------------------------------------------------------
# the calendar view


def month_view(f):
    app = ap.get_app(f.ito, "events")
    ct.check_eq(app.get("calendar_field"), "starts_at", "calendar_field of the events app")
    today = ap.jst_now().date()
    first = today.replace(day=1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    recs = ap.all_records(f.ito, "events", **{"from.starts_at": first.isoformat(),
                                              "to.starts_at": last.isoformat(),
                                              "sort": "starts_at"})
    starts = [ap.parse_time(r["values"]["starts_at"]).astimezone(JST) for r in recs]
    ct.check(starts == sorted(starts), "the month view is not sorted by starts_at")
    outside = [s for s in starts if not first <= s.date() <= last]
    ct.check(not outside, "the month view holds events outside %s..%s: %r" % (first, last,
                                                                               outside[:3]))
    demo = [r for r in recs if r["values"].get("kind") == "研修" and "it-" not in
            r["values"]["title"] and f.word not in r["values"]["title"]]
    ct.check(demo, "no demo training (研修) in the month view %s..%s (%d events)"
             % (first, last, len(recs)))
    ct.log("month view: %d events, %d demo trainings" % (len(recs), len(demo)))


# --------------------------------------------------------------------------
# reminders


def reminder_setup(f):
    ev = ap.create_event(f.tanaka, "リマインダー試験 %s" % f.word,
                         ap.jst_now() + datetime.timedelta(hours=2), kind="会議",
                         place="包括支援センター 相談室")
    f.marks = {"ito": w.feed_mark(f.ito), "kato": w.feed_mark(f.kato)}
    ap.expect(ap.register(f.ito, ev["id"]), 201, "伊藤 registers for the reminded event")
    f.reminded = ev
    f.reminder_deadline = time.monotonic() + 90


def reminder_check(f):
    ev = f.reminded
    # notify's kind "reminder" (services/notify/README.md); the record's
    # announcement (kind app_record) reaches everyone and is not it
    def pred(n):
        return n.get("kind") == "reminder" and w.mentions_any(n, [ev["id"]])
    timeout = max(5, f.reminder_deadline - time.monotonic())
    got = w.wait_feed(f.ito, f.marks["ito"], pred, "reminder of the event (EventReminderDue)",
                      timeout=timeout)
    ct.log("reminder reached 伊藤: %r" % {k: got[0].get(k) for k in ("kind", "title", "link")})
    ct.check(ev["values"]["title"] in got[0].get("title", "") + got[0].get("body", ""),
             "the reminder does not name the event: %r" % got[0])
    other = [n for n in w.feed_since(f.kato, f.marks["kato"]) if pred(n)]
    ct.check(not other, "加藤, not registered, was reminded: %r" % other)


class Fixture:
    pass


def test():
    ct.check(icalendar is not None, "python3-icalendar is not installed (scripts/deps.sh)")
    f = Fixture()
    f.word = ap.new_word(10)
    f.admin = ap.login("takahashi")
    f.tanaka, f.ito, f.kato = ap.login("tanaka"), ap.login("ito"), ap.login("kato")
    problems = []
    reminder_setup(f)
    t0 = time.monotonic()
    f.people = ap.new_people(f.admin, 16, "cal-" + uuid.uuid4().hex[:6])
    ct.log("16 people invited and in records' copy in %.1f s" % (time.monotonic() - t0))
    for part in (ical, concurrent_registrations, started_event, month_view, reminder_check):
        try:
            part(f)
        except ct.TestFailure as e:
            problems.append("%s: %s" % (part.__name__, e))
    if problems:
        ct.fail("%d parts failed:\n  %s" % (len(problems), "\n  ".join(problems)))


if __name__ == "__main__":
    ct.run(test, budget_s=170)

#!/usr/bin/env python3
"""notify turns the events of carelink.directory (app records, the facility
directory, the event calendar) into exactly the right notifications.

Injected on carelink.directory with python3-avro (every case, whatever
records already emits):

* AppRecordCreated: an "app_record" notification for the app's readers
  (everyone, or a restricted app's professions and organisations), never
  the actor; the same event twice makes it once; a quiet one makes nothing;
* AppRecordUpdated: "app_record_updated" for the watchers but the actor;
  nothing when quiet;
* EventReminderDue: a "reminder" for exactly the registered people, with
  the start in Asia/Tokyo and the place;
* the copy of an app's readers: a newer event narrowing the app hides its
  notifications from the people taken out at once; an older event does
  not open it again; a tenant admin named by the audience keeps seeing it
  (tenant admins read every app), a tenant admin not named by it is not
  told;
* AppRecordDeleted: every notification about the record vanishes from
  every feed and from /v1/notifications/:id, and the watchers are told
  "中止になりました";
* a message that is not Avro goes to the dead-letter topic.

Then through the gateway's API, when records serves the apps: an event
created by 田中 reaches the others, registrations make 伊藤 and 加藤
watchers (the change of the start is theirs to hear, the reminder of an
event starting within the lead time reaches exactly them), a restricted
app's record reaches its readers only and narrowing the app hides it, and
deleting the event withdraws everything about it.
"""

import datetime
import json
import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = w.API
JST = datetime.timezone(datetime.timedelta(hours=9), "JST")
PEOPLE = ("tanaka", "ito", "kato", "suzuki")


def feed(s, mark):
    return w.feed_since(s, mark)


def kinds(items, record_id):
    """Sorted kinds of the notifications whose link names record_id."""
    return sorted(n.get("kind") for n in items if record_id in (n.get("link") or ""))


def wait_until(cond, what, timeout=25):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            ct.fail("%s within %d s" % (what, timeout))
        time.sleep(0.3)


def wait_kinds(s, mark, record_id, want, what, timeout=25):
    """Waits until the kinds about record_id in s's feed are exactly want."""
    last = []

    def ok():
        last[:] = [kinds(feed(s, mark), record_id)]
        return last[0] == sorted(want)
    try:
        wait_until(ok, "%s: %s's notifications about %s are %r"
                   % (what, s.name, record_id, sorted(want)), timeout)
    except ct.TestFailure as e:
        raise ct.TestFailure("%s (last seen %r)" % (e, last[0] if last else None))


def one(s, mark, record_id, kind):
    found = [n for n in feed(s, mark) if record_id in (n.get("link") or "")
             and n.get("kind") == kind]
    ct.check(len(found) == 1, "%s has %d %s notifications about %s"
             % (s.name, len(found), kind, record_id))
    return found[0]


def notify_request(claims, path):
    """GET notify's path with a signed identity of claims."""
    hdrs = {w.IDENTITY_HEADER: ct.sign_identity(claims)}
    return ct.http_request("http://127.0.0.1:%d" % ct.service_port("notify"), "GET", path,
                           None, hdrs)


def notify_kinds(claims, mark, record_id):
    r = notify_request(claims, "/v1/feed?after=%d&limit=500" % mark)
    ct.check(r.status == 200, "notify's feed: %s" % r.describe())
    return kinds(r.json().get("notifications", []), record_id)


# --------------------------------------------------------------------------
# Avro encoding with python3-avro, for the injected events


def encode(name, datum):
    return ct.avro_encode(name, datum)


def inject(name, datum, raw=None):
    """Puts the event on carelink.directory keyed by its record id; returns
    the bytes (raw: these bytes again)."""
    value = raw if raw is not None else encode(name, datum)
    ct.produce("carelink.directory", datum["record_id"], value,
               [("ce_id", datum["event_id"]), ("ce_type", "carelink.directory." + name),
                ("ce_source", "test"), ("ce_specversion", "1.0"),
                ("content-type", "application/avro")])
    return value


def now_ms():
    return int(time.time() * 1000)


def readers(professions=(), organisations=()):
    return {"professions": list(professions), "organisations": list(organisations)}


def record_event(app_id, app_key, app_name, record_id, title, rd, t, actor="suzuki",
                 quiet=False, values=None):
    u = ct.seed_user(actor)
    return {"event_id": str(uuid.uuid4()), "tenant_id": ct.seed()["tenant"]["id"],
            "time": t, "record_id": record_id, "app_id": app_id, "app_key": app_key,
            "app_name": app_name, "title": title, "owner_organisation_id": u["organisation"],
            "actor_id": u["id"], "actor_name": u["name"], "readers": rd, "quiet": quiet,
            "values": json.dumps(values or {"name": title}, ensure_ascii=False)}


def created(*args, **kw):
    return record_event(*args, **kw)


def updated(*args, watchers=(), changed=("name",), **kw):
    ev = record_event(*args, **kw)
    ev["changed_fields"] = list(changed)
    ev["watchers"] = [w.uid(n) for n in watchers]
    return ev


def deleted(*args, watchers=(), **kw):
    ev = record_event(*args, **kw)
    del ev["values"]
    ev["watchers"] = [w.uid(n) for n in watchers]
    return ev


def reminder(app_id, record_id, title, starts_ms, place, users, t, rd=None):
    return {"event_id": str(uuid.uuid4()), "tenant_id": ct.seed()["tenant"]["id"],
            "time": t, "record_id": record_id, "app_id": app_id, "title": title,
            "starts_at": starts_ms, "place": place, "users": [w.uid(n) for n in users],
            "readers": rd or readers()}


# --------------------------------------------------------------------------


def test_injected(s, marks, word):
    t0 = now_ms()
    kato_org = ct.seed_user("kato")["organisation"]

    # an app everyone reads: everyone but the actor; twice is once
    app_a = str(uuid.uuid4())
    ra = str(uuid.uuid4())
    ev = created(app_a, "facilities", "事業所一覧", ra, "みどり訪問看護 %s" % word, readers(), t0)
    raw = inject("AppRecordCreated", ev)
    inject("AppRecordCreated", ev, raw)
    for n in ("tanaka", "ito", "kato"):
        wait_kinds(s[n], marks[n], ra, ["app_record"], "record of an app everyone reads")
    item = one(s["ito"], marks["ito"], ra, "app_record")
    ct.check_eq(item.get("title"), "「事業所一覧」に「みどり訪問看護 %s」が追加されました" % word,
                "title of the app_record notification")
    ct.check_eq(item.get("link"), "#/app-records/" + ra, "link of the app_record notification")
    ct.check_eq((item.get("actor") or {}).get("id"), w.uid("suzuki"), "actor of it")
    ct.log("AppRecordCreated: announced to everyone but the actor, once")

    # a restricted app: care managers and 加藤's organisation
    app_b = str(uuid.uuid4())
    rb = str(uuid.uuid4())
    rd_b = readers(["care_manager"], [kato_org])
    inject("AppRecordCreated", created(app_b, "kenshu", "研修記録", rb, "研修 %s" % word, rd_b,
                                       t0 + 1000))
    wait_kinds(s["tanaka"], marks["tanaka"], rb, ["app_record"], "restricted app (care manager)")
    wait_kinds(s["kato"], marks["kato"], rb, ["app_record"], "restricted app (organisation)")

    # quiet records and changes make nothing; a later event on the same key
    # (same partition, handled after them) is the barrier
    rq = str(uuid.uuid4())
    inject("AppRecordCreated", created(app_a, "facilities", "事業所一覧", rq, "一括 %s" % word,
                                       readers(), t0 + 1000, quiet=True))
    inject("AppRecordUpdated", updated(app_a, "facilities", "事業所一覧", rq, "一括 %s" % word,
                                       readers(), t0 + 1100, quiet=True, watchers=["tanaka"]))
    inject("AppRecordUpdated", updated(app_a, "facilities", "事業所一覧", rq, "一括 %s" % word,
                                       readers(), t0 + 1200, watchers=["ito", "suzuki"]))
    wait_kinds(s["ito"], marks["ito"], rq, ["app_record_updated"], "barrier after quiet events")
    for n in ("tanaka", "kato"):
        ct.check(kinds(feed(s[n], marks[n]), rq) == [],
                 "%s was told of a quiet record: %r" % (n, kinds(feed(s[n], marks[n]), rq)))
    ct.check(kinds(feed(s["suzuki"], marks["suzuki"]), rq) == [],
             "the actor was told of her own change")
    ct.check(kinds(feed(s["ito"], marks["ito"]), rb) == [],
             "伊藤 (a care worker of another organisation) sees the restricted app's record")
    ct.log("quiet events: nothing; restricted app: its readers only")

    # a reminder for exactly the registered (an event app everyone reads)
    app_e = str(uuid.uuid4())
    re_ = str(uuid.uuid4())
    starts = int(datetime.datetime(2026, 12, 1, 14, 0, tzinfo=JST).timestamp() * 1000)
    inject("EventReminderDue", reminder(app_e, re_, "地域ケア会議 %s" % word, starts,
                                        "市民会館 2階", ["tanaka", "kato"], t0 + 1000))
    inject("AppRecordUpdated", updated(app_e, "events", "イベントカレンダー", re_,
                                       "地域ケア会議 %s" % word, readers(), t0 + 1300,
                                       watchers=["ito"], changed=["place"],
                                       values={"title": "地域ケア会議 %s" % word,
                                               "starts_at": "2026-12-01T14:00:00+09:00",
                                               "place": "市民会館 3階"}))
    for n in ("tanaka", "kato"):
        wait_kinds(s[n], marks[n], re_, ["reminder"], "reminder of the registered")
    wait_kinds(s["ito"], marks["ito"], re_, ["app_record_updated"], "the change, after it")
    item = one(s["tanaka"], marks["tanaka"], re_, "reminder")
    ct.check_eq(item.get("title"), "明日のイベント: 「地域ケア会議 %s」" % word, "reminder title")
    ct.check_eq(item.get("body"), "12月1日(火) 14:00 ・ 市民会館 2階", "reminder body")
    ct.check_eq(item.get("link"), "#/app-records/" + re_, "reminder link")
    upd = one(s["ito"], marks["ito"], re_, "app_record_updated")
    ct.check("地域ケア会議" in upd.get("title", "") and "市民会館 3階" in upd.get("body", ""),
             "the change notification names the event and its new place: %r" % upd)
    ct.check(kinds(feed(s["suzuki"], marks["suzuki"]), re_) == [],
             "鈴木 (not registered) was reminded")
    ct.log("EventReminderDue: the registered only")

    # narrowing app B to 加藤's organisation hides 田中's notification; a
    # tenant admin named by the audience keeps it; one not named never had it
    tenant = ct.seed()["tenant"]["id"]
    admin_cm = w.claims(str(uuid.uuid4()), ct.seed_user("tanaka")["organisation"],
                        "care_manager", tenant, roles=("member", "tenant_admin"))
    member_cm = dict(admin_cm, r=["member"], u=str(uuid.uuid4()))
    ct.check_eq(notify_kinds(admin_cm, 0, rb), ["app_record"],
                "a care-manager tenant admin's kinds about the restricted record")
    rb2 = str(uuid.uuid4())
    inject("AppRecordUpdated", updated(app_b, "kenshu", "研修記録", rb, "研修 %s" % word,
                                       readers([], [kato_org]), t0 + 5000))
    wait_kinds(s["tanaka"], marks["tanaka"], rb, [], "the app narrowed to 加藤's organisation")
    ct.check_eq(notify_kinds(member_cm, 0, rb), [], "a care manager once the app is narrowed")
    ct.check_eq(notify_kinds(admin_cm, 0, rb), ["app_record"],
                "a care-manager tenant admin once the app is narrowed")
    ct.check_eq(kinds(feed(s["kato"], marks["kato"]), rb), ["app_record"],
                "加藤 keeps the record of the narrowed app")
    ct.check(kinds(feed(s["suzuki"], marks["suzuki"]), rb) == [],
             "鈴木, a tenant admin the audience did not name, was told")
    # an older event does not open it again; its own record is the barrier
    inject("AppRecordCreated", created(app_b, "kenshu", "研修記録", rb2, "後続 %s" % word,
                                       rd_b, t0 + 4000))
    wait_kinds(s["kato"], marks["kato"], rb2, ["app_record"], "older event's record (加藤)")
    ct.check(kinds(feed(s["tanaka"], marks["tanaka"]), rb) == [],
             "an older event opened the narrowed app again to 田中")
    ct.check(kinds(feed(s["tanaka"], marks["tanaka"]), rb2) == [],
             "田中 sees a record of the app she may no longer read")
    ct.log("the app copy: narrowing hides at once, older events change nothing, admins read")

    # AppRecordDeleted: every notification about the event goes; the
    # watchers are told it was cancelled
    before = {n: [x["id"] for x in feed(s[n], marks[n]) if re_ in (x.get("link") or "")]
              for n in ("tanaka", "kato", "ito")}
    ct.check(all(before.values()), "notifications about %s before the delete: %r"
             % (re_, before))
    inject("AppRecordDeleted", deleted(app_e, "events", "イベントカレンダー", re_,
                                       "地域ケア会議 %s" % word, readers(), t0 + 6000,
                                       watchers=["tanaka", "suzuki"]))
    wait_kinds(s["tanaka"], marks["tanaka"], re_, ["app_record_deleted"], "event cancelled")
    wait_kinds(s["kato"], marks["kato"], re_, [], "event cancelled (加藤)")
    wait_kinds(s["ito"], marks["ito"], re_, [], "event cancelled (伊藤)")
    ct.check(kinds(feed(s["suzuki"], marks["suzuki"]), re_) == [],
             "the actor was told of her own delete")
    gone = one(s["tanaka"], marks["tanaka"], re_, "app_record_deleted")
    ct.check_eq(gone.get("title"), "イベント「地域ケア会議 %s」は中止になりました" % word,
                "title of the cancellation")
    for n, ids in before.items():
        for nid in ids:
            r = notify_request(ct.identity_claims(n), "/v1/notifications/%d" % nid)
            ct.check(r.status == 404, "notification %d of deleted %s still served to %s: %s"
                     % (nid, re_, n, r.describe()))
    ct.log("AppRecordDeleted: %d notifications withdrawn, the watchers told"
           % sum(len(v) for v in before.values()))

    # not Avro: dead-lettered, and the partition moves on
    rx = str(uuid.uuid4())
    bad = b"not avro " + rx.encode()
    ct.produce("carelink.directory", rx, bad)
    inject("AppRecordCreated", created(app_a, "facilities", "事業所一覧", rx, "後続 %s" % word,
                                       readers(), t0 + 7000))
    wait_kinds(s["ito"], marks["ito"], rx, ["app_record"], "a record after a bad message")
    # every group reading the topic (vacancy's too) dead-letters it once; notify's:
    dead = [m for m in ct.consume("carelink.deadletter")
            if m.value == bad and dict(m.headers).get("dlq_group") == "notify"]
    ct.check(len(dead) == 1, "the bad message is dead-lettered once by notify: %r" % dead)
    good = [m for m in ct.consume("carelink.deadletter")
            if m.key in (ra.encode(), rb.encode(), rq.encode(), re_.encode())]
    ct.check(not good, "valid events were dead-lettered: %r" % good)
    ct.log("a message that is not Avro is dead-lettered")


# --------------------------------------------------------------------------
# through the API


def apps_served(s):
    r = s.request("GET", API + "/apps")
    return r.status == 200


def jst_iso(dt):
    return dt.astimezone(JST).replace(microsecond=0).isoformat()


def test_through_the_api(s, marks, word):
    import apps_helpers as a
    now = datetime.datetime.now(JST).replace(microsecond=0)

    # an event beyond the reminder lead time, so that no reminder goes out
    # before the registrations
    ev = a.create_event(s["tanaka"], "認知症サポーター研修 %s" % word,
                        now + datetime.timedelta(hours=30), place="市民会館")
    eid = ev["id"]
    for n in ("ito", "kato", "suzuki"):
        wait_kinds(s[n], marks[n], eid, ["app_record"], "event created through the API")
    item = one(s["ito"], marks["ito"], eid, "app_record")
    ct.check("イベントカレンダー" in item.get("title", "") and word in item.get("title", ""),
             "the event's notification names the calendar and the event: %r" % item)
    ct.check(kinds(feed(s["tanaka"], marks["tanaka"]), eid) == [],
             "田中 was told of her own event")

    for n in ("ito", "kato"):
        r = a.register(s[n], eid)
        ct.check(r.status in (200, 201), "%s registers: %s" % (n, r.describe()))
    # moving it within the lead time tells the registered and re-arms the
    # reminder, which reaches exactly them
    r = a.patch_record(s["tanaka"], eid,
                       {"starts_at": jst_iso(now + datetime.timedelta(hours=3))})
    w.expect(r, 200, "moving the event")
    for n in ("ito", "kato"):
        wait_kinds(s[n], marks[n], eid, ["app_record", "app_record_updated", "reminder"],
                   "the change and the reminder of a registered person", timeout=60)
    rem = one(s["ito"], marks["ito"], eid, "reminder")
    ct.check("認知症サポーター研修" in rem.get("title", "") and "市民会館" in rem.get("body", ""),
             "the reminder names the event and its place: %r" % rem)
    ct.check_eq(kinds(feed(s["suzuki"], marks["suzuki"]), eid), ["app_record"],
                "鈴木 (not registered) has only the announcement")
    ct.log("events through the API: announcement, change and reminder for the registered")

    # a restricted app: care managers and social workers read, 伊藤 (a care
    # worker) does not
    app = a.create_app(s["suzuki"], "通知確認 %s" % word,
                       [a.field("name", "text", "名称", required=True)],
                       read={"professions": ["care_manager", "social_worker"],
                             "organisations": []},
                       write={"professions": [], "organisations": [],
                              "owner_organisation": True})
    rec = a.create_record(s["tanaka"], app["id"], {"name": "記録 %s" % word})
    wait_kinds(s["kato"], marks["kato"], rec["id"], ["app_record"], "restricted app's record")
    wait_kinds(s["suzuki"], marks["suzuki"], rec["id"], ["app_record"],
               "restricted app's record (鈴木, a social worker)")
    # narrowing it to care managers reaches notify with the app's next event
    r = a.patch_app(s["suzuki"], app["id"], read={"professions": ["care_manager"],
                                                  "organisations": []})
    w.expect(r, 200, "narrowing the app")
    rec2 = a.create_record(s["tanaka"], app["id"], {"name": "次の記録 %s" % word})
    wait_kinds(s["kato"], marks["kato"], rec["id"], [], "the app narrowed (加藤)")
    ct.check(kinds(feed(s["kato"], marks["kato"]), rec2["id"]) == [],
             "加藤 told of a record of an app she may no longer read")
    # 鈴木 is a tenant admin: she reads every app and keeps what she was told
    ct.check_eq(kinds(feed(s["suzuki"], marks["suzuki"]), rec["id"]), ["app_record"],
                "鈴木 (tenant admin) after the narrowing")
    ct.check(not kinds(feed(s["ito"], marks["ito"]), rec["id"])
             and not kinds(feed(s["ito"], marks["ito"]), rec2["id"]),
             "伊藤 told of a restricted app's records")
    ct.log("a restricted app: its readers only; narrowing hides at once")

    # deleting the event withdraws everything about it and tells the
    # registered it is cancelled
    w.expect(s["tanaka"].request("DELETE", API + "/app-records/" + eid), 204,
             "deleting the event")
    for n in ("ito", "kato"):
        wait_kinds(s[n], marks[n], eid, ["app_record_deleted"], "event deleted")
    wait_kinds(s["suzuki"], marks["suzuki"], eid, [], "event deleted (鈴木)")
    ct.check("中止" in one(s["ito"], marks["ito"], eid, "app_record_deleted").get("title", ""),
             "the registered are told the event is cancelled")
    ct.log("a deleted event: its notifications vanish, the registered are told")


def test():
    s = {n: w.login(n) for n in PEOPLE}
    marks = {n: w.feed_mark(s[n]) for n in PEOPLE}
    test_injected(s, marks, w.jp_word(10))
    if not apps_served(s["tanaka"]):
        ct.log("records does not serve the apps yet: the API part did not run")
        return
    marks = {n: w.feed_mark(s[n]) for n in PEOPLE}
    test_through_the_api(s, marks, w.jp_word(10))


if __name__ == "__main__":
    ct.run(test, budget_s=240)

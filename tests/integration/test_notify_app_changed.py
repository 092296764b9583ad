#!/usr/bin/env python3
"""Changing an app's read rule reaches notify at once, through the
AppChanged event, without waiting for a record event.

Through the gateway's API: 高橋 (a tenant admin) creates an app readable by
everyone, 田中 adds a record, and 伊藤 (a care worker) and 加藤 (a social
worker) have its "app_record" notification. 高橋 narrows the app to care
managers and social workers: within a bounded wait 伊藤's feed (the newest
page, the catch-up and the notification by id) no longer shows it while 加藤
keeps it, and no further record event of the app was produced (notify's
/v1/notifications/:id answers 404 to 伊藤 as well). Widening
the app again shows it to 伊藤 again.

On carelink.directory: the app's AppChanged events (CREATED, then UPDATED
for each change, none for a PATCH that changes nothing) are keyed by the
app id, carry the CloudEvents type and decode with python3-avro from
schemas/ alone (single-object encoding), with the app's name, key, current
read rule and the actor. A change of a built-in app sends one too.
"""

import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402
import apps_helpers as a  # noqa: E402

API = w.API
TOPIC = "carelink.directory"
RECORD_SCHEMAS = ("AppRecordCreated", "AppRecordUpdated", "AppRecordDeleted")
OPEN = {"professions": [], "organisations": []}
NARROW = {"professions": ["care_manager", "social_worker"], "organisations": []}
WAIT_S = 20
MARK = {}  # carelink.directory's end offsets before this run's first change


def about(items, record_id, kind="app_record"):
    return [n for n in items if n.get("kind") == kind and record_id in (n.get("link") or "")]


def newest_page(s):
    return s.get_json(API + "/feed?limit=50", "feed").get("notifications", [])


def sees(s, mark, record_id):
    """Whether s's feed shows the record's announcement (catch-up and the
    newest page agree, or the check fails). The two are separate requests:
    a notification committed between them is in the second only, so a
    disagreement is asked again before it counts."""
    for _ in range(3):
        caught = bool(about(w.feed_since(s, mark), record_id))
        newest = bool(about(newest_page(s), record_id))
        if caught == newest:
            return caught
        time.sleep(0.3)
    ct.fail("%s: the catch-up (%s) and the newest page (%s) disagree about %s"
            % (s.name, caught, newest, record_id))


def wait_sees(s, mark, record_id, want, what):
    deadline = time.monotonic() + WAIT_S
    while sees(s, mark, record_id) != want:
        if time.monotonic() > deadline:
            ct.fail("%s: %s %s the record's notification within %d s"
                    % (what, s.name, "does not see" if want else "still sees", WAIT_S))
        time.sleep(0.15)


def by_id(name, nid):
    """Status of notify's GET /v1/notifications/:id for demo user name (the
    gateway has no route of its own for it: asked with a signed identity)."""
    hdrs = {w.IDENTITY_HEADER: ct.sign_identity(ct.identity_claims(name))}
    return ct.http_request("http://127.0.0.1:%d" % ct.service_port("notify"), "GET",
                           "/v1/notifications/%d" % nid, None, hdrs).status


def directory_events(app_id):
    """(AppChanged messages and data, record event names) of app_id on
    carelink.directory since MARK, in the order of its partition."""
    changed, records = [], []
    for m in ct.messages_since(MARK, TOPIC, with_headers=True):
        d = ct.decode_single_object("AppChanged", m.value)
        if d is not None and d.get("app_id") == app_id:
            changed.append((m, d))
            continue
        for name in RECORD_SCHEMAS:
            d = ct.decode_single_object(name, m.value)
            if d is not None and d.get("app_id") == app_id:
                records.append(name)
    changed.sort(key=lambda md: (md[0].partition, md[0].offset))
    return changed, records


def wait_app_changed(app_id, count, what):
    deadline = time.monotonic() + WAIT_S
    while True:
        changed, records = directory_events(app_id)
        if len(changed) >= count:
            return changed, records
        if time.monotonic() > deadline:
            ct.fail("%s: %d AppChanged of app %s on %s within %d s, not %d"
                    % (what, len(changed), app_id, TOPIC, WAIT_S, count))
        time.sleep(0.1)


def check_app_changed(m, d, app, change, readers, admin, what):
    problems = []
    if m.key != app["id"].encode():
        problems.append("key %r, not the app id" % m.key)
    if m.header("ce_type") != "carelink.directory.AppChanged":
        problems.append("ce_type %r" % m.header("ce_type"))
    if m.header("ce_id") != d.get("event_id"):
        problems.append("ce_id %r versus event_id %r" % (m.header("ce_id"), d.get("event_id")))
    want = {"tenant_id": a.tenant_id(), "app_key": app["key"], "name": app["name"],
            "change": change, "readers": readers, "actor_id": admin.user["id"],
            "actor_name": ct.seed_user("takahashi")["name"]}
    for k, v in want.items():
        if d.get(k) != v:
            problems.append("%s %r, not %r" % (k, d.get(k), v))
    if not d.get("time"):
        problems.append("no time")
    if problems:
        ct.fail("%s: AppChanged %s" % (what, "; ".join(problems)))


def test():
    s = {n: w.login(n) for n in ("takahashi", "tanaka", "ito", "kato")}
    admin = s["takahashi"]
    word = w.jp_word(10)
    marks = {n: w.feed_mark(s[n]) for n in ("ito", "kato")}
    MARK.update(ct.topic_mark(TOPIC))

    app = a.create_app(admin, "閲覧範囲 %s" % word, [a.field("name", "text", "名称", required=True)],
                       read=OPEN, write={"professions": [], "organisations": [],
                                         "owner_organisation": True})
    rec = a.create_record(s["tanaka"], app["id"], {"name": "記録 %s" % word})
    rid = rec["id"]
    for n in ("ito", "kato"):
        wait_sees(s[n], marks[n], rid, True, "a record of an app everyone reads")
    nid = about(w.feed_since(s["ito"], marks["ito"]), rid)[0]["id"]
    ct.check_eq(by_id("ito", nid), 200, "伊藤 opens the notification by id")
    ct.log("app %s record %s: 伊藤 and 加藤 are told" % (app["id"], rid))

    # narrowing: 伊藤 (a care worker) is taken out, 加藤 (a social worker) stays
    app = w.expect(a.patch_app(admin, app["id"], read=NARROW), 200, "narrowing the app")["app"]
    wait_sees(s["ito"], marks["ito"], rid, False, "the app narrowed")
    ct.check_eq(by_id("ito", nid), 404, "伊藤 opens the notification by id once narrowed")
    ct.check(sees(s["kato"], marks["kato"], rid), "加藤 (a social worker) lost the record")
    changed, records = directory_events(app["id"])
    ct.check_eq(records, ["AppRecordCreated"],
                "record events of the app (the narrowing needed no other)")
    ct.log("narrowed: hidden from 伊藤 without a record event")

    # widening shows it again
    app = w.expect(a.patch_app(admin, app["id"], read=OPEN), 200, "widening the app")["app"]
    wait_sees(s["ito"], marks["ito"], rid, True, "the app opened again")
    ct.check_eq(by_id("ito", nid), 200, "伊藤 opens the notification by id once widened")
    ct.log("widened: shown to 伊藤 again")

    # a PATCH that changes nothing sends nothing; a rename does (and only
    # that: nobody is notified of an app's change)
    w.expect(a.patch_app(admin, app["id"], read=OPEN, name=app["name"]), 200,
             "a PATCH that changes nothing")
    mark_ito = w.feed_mark(s["ito"])
    renamed = w.expect(a.patch_app(admin, app["id"], name="改名 %s" % word), 200,
                       "renaming the app")["app"]
    changed, records = wait_app_changed(app["id"], 4, "create, narrow, widen, rename")
    # anything wrongly sent with the changes is out once records' outbox is published
    ct.outbox_fence("records")
    changed, records = directory_events(app["id"])
    ct.check_eq([d.get("change") for _, d in changed],
                ["CREATED", "UPDATED", "UPDATED", "UPDATED"],
                "AppChanged of create, narrow, widen, rename (none for the empty PATCH)")
    ct.check_eq(records, ["AppRecordCreated"], "record events of the app")
    first = dict(app, name="閲覧範囲 %s" % word)
    check_app_changed(*changed[0], first, "CREATED", OPEN, admin, "created")
    check_app_changed(*changed[1], first, "UPDATED", NARROW, admin, "narrowed")
    check_app_changed(*changed[2], first, "UPDATED", OPEN, admin, "widened")
    check_app_changed(*changed[3], renamed, "UPDATED", OPEN, admin, "renamed")
    ct.check(len({d["event_id"] for _, d in changed}) == 4, "AppChanged event ids repeat")
    ct.check_eq(w.feed_since(s["ito"], mark_ito), [], "伊藤's feed after the app's changes")
    ct.log("AppChanged on %s: keyed by the app, decodes from schemas/, none for no change"
           % TOPIC)

    # a built-in app: created without one, its change sends UPDATED
    fac = a.get_app(admin, "facilities")
    before = len(directory_events(fac["id"])[0])
    note = "地域の介護・医療の事業所の一覧です（%s）" % word
    w.expect(a.patch_app(admin, fac["id"], description=note), 200, "describing the directory")
    try:
        changed, _ = wait_app_changed(fac["id"], before + 1, "a change of the built-in")
        check_app_changed(*changed[-1], fac, "UPDATED", fac["read"], admin, "built-in")
    finally:
        w.expect(a.patch_app(admin, fac["id"], description=fac.get("description", "")), 200,
                 "restoring the directory's description")
    ct.log("a built-in app's change sends AppChanged UPDATED")


if __name__ == "__main__":
    ct.run(test, budget_s=180)

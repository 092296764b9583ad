#!/usr/bin/env python3
"""Apps (services/records/APPS.md, "Apps and their fields", "Records", the
facility directory) through the gateway's /api/v1 with real logins:

* the built-in apps exist with their field lists; a tenant admin defines an
  app (bad definitions 400 naming the field, a taken key 409), a member may
  not (403);
* records: every invalid field listed in one 400 invalid_record, nothing
  written; create, change (null clears), history from/to, comments, soft
  delete (404 after); datetimes answered at +09:00; AppRecordCreated on
  carelink.directory keyed by the record id;
* the read rule hides the app and its records (404 like a missing id); a
  reader outside the write rule gets 403; the owner organisation rule;
* list: q (Japanese substring), f., from./to., sort by a number field
  numerically, paging with total and next_cursor, bad parameters 400;
* field changes that would orphan data are refused 409 naming the field
  and change nothing;
* the facility directory: districts in choice order with counts, filters.
"""

import os
import sys
import time
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = w.API


def app_created(record_id, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        for m in ct.consume("carelink.directory"):
            d = ct.decode_single_object("AppRecordCreated", m.value)
            if d is not None and d.get("record_id") == record_id:
                ct.check_eq(m.key, record_id.encode(), "key of AppRecordCreated")
                return d
        if time.monotonic() > deadline:
            ct.fail("no AppRecordCreated of %s within %d s" % (record_id, timeout))
        time.sleep(0.3)


def builtins(tanaka):
    doc = w.expect(tanaka.request("GET", API + "/apps"), 200, "GET /apps")
    keys = [a["key"] for a in doc["apps"]]
    ct.check_eq(keys[:2], ["facilities", "events"], "built-ins first")
    fac = w.expect(tanaka.request("GET", API + "/apps/facilities"), 200, "facilities")["app"]
    ct.check_eq([f["key"] for f in fac["fields"]],
                ["name", "kind", "address", "district", "latitude", "longitude", "phone", "fax",
                 "hours", "capacity", "contact_person", "organisation", "note"],
                "facility fields")
    ev = w.expect(tanaka.request("GET", API + "/apps/events"), 200, "events")["app"]
    ct.check_eq([(f["key"], f["type"], f["required"]) for f in ev["fields"]],
                [("title", "text", True), ("kind", "choice", True),
                 ("starts_at", "datetime", True), ("ends_at", "datetime", False),
                 ("place", "text", False), ("organiser", "organisation", False),
                 ("capacity", "number", False), ("description", "long_text", False)],
                "event fields")
    ct.check(ev["builtin"] and ev["calendar_field"] == "starts_at" and ev["can_write"]
             and not ev["can_admin"], "events app for a member")


def define(admin, tanaka, word):
    fields = [{"key": "name", "label": "名前", "type": "text", "required": True},
              {"key": "size", "label": "人数", "type": "number", "min": 0},
              {"key": "kind", "label": "種別", "type": "choice", "choices": ["甲", "乙", "丙"]},
              {"key": "day", "label": "日付", "type": "date"},
              {"key": "note", "label": "メモ", "type": "long_text"}]
    body = {"key": "t_" + word, "name": "試験アプリ " + word, "fields": fields,
            "read": {"professions": ["care_manager", "care_worker"]},
            "write": {"professions": [], "organisations": [], "owner_organisation": True}}
    w.expect(tanaka.request("POST", API + "/apps", json_body=body), 403, "member defines",
             "forbidden")
    bad = dict(body, fields=fields + [{"key": "bad", "label": "x", "type": "choice"}])
    r = w.expect(admin.request("POST", API + "/apps", json_body=bad), 400, "choice without choices",
                 "invalid_field")
    ct.check("bad" in r["error"]["message"], "the message names the field: %s" % r["error"])
    bad = dict(body, fields=[{"key": "Bad", "label": "x", "type": "text"}])
    w.expect(admin.request("POST", API + "/apps", json_body=bad), 400, "bad key", "invalid_field")
    app = w.expect(admin.request("POST", API + "/apps", json_body=body), 201, "define")["app"]
    ct.check_eq((app["key"], app["builtin"], app["calendar_field"], app["record_count"]),
                ("t_" + word, False, "day", 0), "the new app")
    w.expect(admin.request("POST", API + "/apps", json_body=body), 409, "taken key",
             "app_key_taken")
    return app


def records(app, tanaka, ito, nakamura, word):
    path = API + "/apps/%s/records" % app["id"]
    r = w.expect(tanaka.request("POST", path, json_body={
        "values": {"size": -1, "kind": "丁", "day": "2026-02-30", "colour": "赤"}}), 400,
        "four bad fields", "invalid_record")
    ct.check_eq(sorted(f["field"] for f in r["error"]["fields"]),
                ["colour", "day", "kind", "name", "size"], "every bad field listed")
    ct.check_eq(w.expect(tanaka.request("GET", path), 200, "list")["total"], 0, "nothing written")
    rec = w.expect(tanaka.request("POST", path, json_body={
        "values": {"name": " 訪問 %s " % word, "size": 12, "kind": "甲", "day": "2026-12-01"}}),
        201, "create")["record"]
    ct.check_eq((rec["values"]["name"], rec["can_write"], rec["owner_organisation"]["id"]),
                ("訪問 %s" % word, True, ct.seed_user("tanaka")["organisation"]), "the record")
    d = app_created(rec["id"])
    ct.check_eq((d["app_key"], d["title"], d["actor_id"], d["readers"]["professions"], d["quiet"]),
                (app["key"], "訪問 %s" % word, w.uid("tanaka"), ["care_manager", "care_worker"],
                 False), "AppRecordCreated")
    rid = rec["id"]
    # police do not read the app: 404 like a missing id
    for p in ["/apps/%s" % app["id"], "/apps/%s/records" % app["id"], "/app-records/%s" % rid]:
        r = nakamura.request("GET", API + p)
        ct.check(r.status == 404, "police read %s: %s" % (p, r.describe()))
    # ito reads, but the record belongs to tanaka's organisation
    w.expect(ito.request("GET", API + "/app-records/" + rid), 200, "ito reads")
    w.expect(ito.request("PATCH", API + "/app-records/" + rid, json_body={"values": {"size": 1}}),
             403, "ito changes another organisation's record", "forbidden")
    w.expect(ito.request("DELETE", API + "/app-records/" + rid), 403, "ito deletes", "forbidden")
    # changes, null clears, history
    doc = w.expect(tanaka.request("PATCH", API + "/app-records/" + rid, json_body={
        "values": {"size": 30, "day": None, "note": "一行目\n二行目"}}), 200, "change")
    ct.check_eq((doc["record"]["values"]["size"], "day" in doc["record"]["values"]),
                (30, False), "changed and cleared")
    w.expect(tanaka.request("PATCH", API + "/app-records/" + rid, json_body={
        "values": {"name": None}}), 400, "clear a required field", "invalid_record")
    hist = w.expect(tanaka.request("GET", API + "/app-records/%s/history" % rid), 200,
                    "history")["changes"]
    ct.check_eq([h["action"] for h in hist], ["created", "updated"], "history actions")
    ct.check_eq(hist[1]["fields"]["size"], {"from": 12, "to": 30}, "size from/to")
    ct.check_eq(hist[1]["fields"]["day"], {"from": "2026-12-01", "to": None}, "day cleared")
    c = w.expect(ito.request("POST", API + "/app-records/%s/comments" % rid,
                             json_body={"body": " 了解です "}), 201, "comment")["comment"]
    ct.check_eq((c["body"], c["author"]["id"]), ("了解です", w.uid("ito")), "the comment")
    w.expect(ito.request("POST", API + "/app-records/%s/comments" % rid,
                         json_body={"body": "  "}), 400, "empty comment", "invalid_body")
    cs = w.expect(tanaka.request("GET", API + "/app-records/%s/comments" % rid), 200,
                  "comments")["comments"]
    ct.check_eq(len(cs), 1, "one comment")
    # more records for the list
    for i, (n, k, day) in enumerate([(5, "乙", "2026-11-30"), (100, "乙", "2026-12-02"),
                                     (7, "丙", None)]):
        v = {"name": "記録%d %s" % (i, word), "size": n, "kind": k}
        if day:
            v["day"] = day
        w.expect(ito.request("POST", path, json_body={"values": v}), 201, "record %d" % i)
    lst = w.expect(tanaka.request("GET", path + "?sort=size"), 200, "by size")
    ct.check_eq([r["values"]["size"] for r in lst["records"]], [5, 7, 30, 100],
                "numbers sort numerically")
    lst = w.expect(tanaka.request("GET", path + "?sort=-day"), 200, "by day")
    ct.check_eq([r["values"].get("day") for r in lst["records"]],
                ["2026-12-02", "2026-11-30", None, None], "dates descending, none last")
    lst = w.expect(tanaka.request("GET", path + "?f.kind=%E4%B9%99"), 200, "f.kind")
    ct.check_eq(lst["total"], 2, "two of kind 乙")
    lst = w.expect(tanaka.request("GET", path + "?from.size=7&to.size=30"), 200, "size range")
    ct.check_eq(lst["total"], 2, "sizes 7..30")
    lst = w.expect(tanaka.request("GET", path + "?from.day=2026-12-01&to.day=2026-12-31"), 200,
                   "day range")
    ct.check_eq(lst["total"], 1, "days in December")
    lst = w.expect(tanaka.request("GET", path + "?q=" + urllib.parse.quote("訪問")), 200, "q")
    ct.check_eq([r["id"] for r in lst["records"]], [rid], "q finds the Japanese substring")
    page = w.expect(tanaka.request("GET", path + "?sort=size&limit=3"), 200, "page 1")
    ct.check(page["total"] == 4 and len(page["records"]) == 3 and page["next_cursor"],
             "first page of 3 of 4")
    page2 = w.expect(tanaka.request("GET", path + "?sort=size&limit=3&cursor=" +
                                    page["next_cursor"]), 200, "page 2")
    ct.check_eq(([r["values"]["size"] for r in page2["records"]], page2["next_cursor"]),
                ([100], None), "second page")
    for q in ["?sort=nope", "?f.note=x", "?from.kind=a", "?f.size=abc", "?limit=0"]:
        w.expect(tanaka.request("GET", path + q), 400, "bad query " + q, "invalid_query")
    return rid


def orphans(admin, app, rid, tanaka):
    p = API + "/apps/" + app["id"]
    fields = app["fields"]

    def without(key):
        return [f for f in fields if f["key"] != key]

    r = w.expect(admin.request("PATCH", p, json_body={"fields": without("size")}), 409,
                 "remove a field in use", "field_in_use")
    ct.check("size" in r["error"]["message"], "names size: %s" % r["error"]["message"])
    retyped = [dict(f, type="text") if f["key"] == "size" else f for f in fields]
    retyped = [{k: v for k, v in f.items() if k not in ("min", "max") or f["key"] != "size"}
               for f in retyped]
    w.expect(admin.request("PATCH", p, json_body={"fields": retyped}), 409, "retype in use",
             "field_in_use")
    nochoice = [dict(f, choices=["甲", "丙"]) if f["key"] == "kind" else f for f in fields]
    r = w.expect(admin.request("PATCH", p, json_body={"fields": nochoice}), 409,
                 "remove a used choice", "choice_in_use")
    ct.check("乙" in r["error"]["message"], "names the choice")
    req = [dict(f, required=True) if f["key"] == "day" else f for f in fields]
    w.expect(admin.request("PATCH", p, json_body={"fields": req}), 409, "require a missing field",
             "field_required_missing")
    cur = w.expect(admin.request("GET", p), 200, "app")["app"]
    ct.check_eq(cur["fields"], fields, "nothing changed")
    # allowed: a label, a new choice, a new field, an unused field removed
    ok = [dict(f, label="人数（名）") if f["key"] == "size" else f for f in fields]
    ok = [dict(f, choices=f["choices"] + ["丁"]) if f["key"] == "kind" else f for f in ok]
    ok.append({"key": "link", "label": "URL", "type": "link"})
    doc = w.expect(admin.request("PATCH", p, json_body={"fields": ok, "name": app["name"] + "改"}),
                   200, "allowed change")
    ct.check_eq(len(doc["app"]["fields"]), 6, "field added")
    w.expect(tanaka.request("PATCH", p, json_body={"name": "x"}), 403, "member changes app",
             "forbidden")
    fac = w.expect(admin.request("GET", API + "/apps/facilities"), 200, "facilities")["app"]
    r = w.expect(admin.request("PATCH", API + "/apps/" + fac["id"], json_body={
        "fields": [f for f in fac["fields"] if f["key"] != "fax"]}), 409,
        "remove a built-in field", "builtin_field")
    ct.check("fax" in r["error"]["message"], "names fax")
    # soft delete
    w.expect(tanaka.request("DELETE", API + "/app-records/" + rid), 204, "delete")
    w.expect(tanaka.request("GET", API + "/app-records/" + rid), 404, "deleted record",
             "record_not_found")


def facilities(tanaka):
    d = w.expect(tanaka.request("GET", API + "/facilities/districts"), 200, "districts")
    names = [x["name"] for x in d["districts"]]
    ct.check_eq(names, ["中央地区", "北地区", "南地区", "東地区", "西地区", "山手地区"],
                "districts in choice order")
    north = [x["count"] for x in d["districts"] if x["name"] == "北地区"][0]
    lst = w.expect(tanaka.request("GET", API + "/facilities?district=" + urllib.parse.quote("北地区") +
                                  "&limit=200"), 200, "north")["facilities"]
    ct.check_eq(len(lst), north, "north count")
    ct.check(all(f["district"] == "北地区" for f in lst), "north only")
    ct.check_eq([f["name"] for f in lst], sorted(f["name"] for f in lst), "by name")
    if lst:
        one = w.expect(tanaka.request("GET", API + "/facilities/" + lst[0]["id"]), 200,
                       "one facility")["facility"]
        ct.check_eq(one["id"], lst[0]["id"], "the facility")
    w.expect(tanaka.request("GET", API + "/facilities/" + str(uuid.uuid4())), 404,
             "missing facility")


def test():
    admin, tanaka = w.login("takahashi"), w.login("tanaka")
    ito, nakamura = w.login("ito"), w.login("nakamura")
    builtins(tanaka)
    word = uuid.uuid4().hex[:8]
    app = define(admin, tanaka, word)
    rid = records(app, tanaka, ito, nakamura, word)
    orphans(admin, app, rid, tanaka)
    facilities(tanaka)


if __name__ == "__main__":
    ct.run(test, budget_s=240)

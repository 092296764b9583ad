#!/usr/bin/env python3
"""Field validation per type of apps (issue 5: "field validation per type";
"a record that violates its field definitions ... a field definition change
that would orphan data: a clear error naming the field, and nothing
half-written").

An app made by 高橋 (tenant admin) holds one field of every type of
services/records/APPS.md (text, long_text, number with min/max, date,
datetime, choice, multi_choice, user, organisation, facility, phone,
link) and a required text field. For each type (CASES) good values are
accepted, through POST and PATCH, and answered as the contract says
(trimmed text, datetimes normalised to +09:00); bad values are refused
with 400 invalid_record whose error.fields names exactly that field, and
nothing is stored (the record count and the patched record unchanged).
Required fields (absent, null, blank), unknown keys, several bad fields at
once (all listed). Bad definitions (400 invalid_field / invalid_app, 409
app_key_taken). Definition changes that would orphan data (409
field_in_use, choice_in_use, field_required_missing, builtin_field with
the field named in the message) change nothing; harmless ones pass.
"""

import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import apps_helpers as ap  # noqa: E402

API = ap.API
LONG_OK = "一" * 10000

# key -> (type, extra definition, [(good value, answered value)], [bad values])
CASES = {
    "t_text": ("text", {}, [("  こんにちは 世界  ", "こんにちは 世界"), ("a" * 1000, "a" * 1000),
                            ("髙橋①～", "髙橋①～")],
               ["一行目\n二行目", "改行\r途中", "a" * 1001, 5, True, ["x"], {"a": 1}]),
    "t_long": ("long_text", {}, [("一行目\n二行目\n\n三行目", "一行目\n二行目\n\n三行目"),
                                 (LONG_OK, LONG_OK)],
               ["あ" * 10001, 12, ["x"]]),
    "t_num": ("number", {"min": -10, "max": 100}, [(0, 0), (100, 100), (-10, -10), (42.5, 42.5)],
              [-10.5, 101, 1e9, "5", True, [1], {"n": 1}]),
    "t_free": ("number", {}, [(-1e6, -1e6), (123456789, 123456789)], ["abc", "1e3"]),
    "t_date": ("date", {}, [("2026-02-28", "2026-02-28"), ("2024-02-29", "2024-02-29")],
               ["2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026/01/01",
                "26-01-01", "2026-1-1", "2026-01-01T00:00:00+09:00", 20260101]),
    "t_dt": ("datetime", {}, [("2026-12-01T05:00:00Z", "2026-12-01T14:00:00+09:00"),
                              ("2026-12-01T14:00:00+09:00", "2026-12-01T14:00:00+09:00"),
                              ("2026-11-30T20:30:00-05:00", "2026-12-01T10:30:00+09:00")],
             ["2026-12-01T14:00:00", "2026-12-01", "2026-12-32T10:00:00+09:00",
              "2026-12-01T25:00:00+09:00", "2026-12-01 14:00", "明日", 1764565200]),
    "t_choice": ("choice", {"choices": ["赤", "青", "①番"]}, [("赤", "赤"), ("①番", "①番")],
                 ["紫", ["赤"], 1]),
    "t_multi": ("multi_choice", {"choices": ["赤", "青", "緑"]},
                [(["赤", "青"], ["赤", "青"]), (["緑"], ["緑"])],
                [["赤", "赤"], ["紫"], "赤", [1], [["赤"]]]),
    "t_user": ("user", {}, [], []),          # filled in test() (demo ids)
    "t_org": ("organisation", {}, [], []),
    "t_fac": ("facility", {}, [], []),
    "t_phone": ("phone", {}, [("03-1234-5678", "03-1234-5678"),
                              ("+81 (3) 1234-5678", "+81 (3) 1234-5678"), ("110", "110")],
                ["1", "03-1234-abcd", "0" * 21, "03_1234_5678", "電話", 312345678]),
    "t_link": ("link", {}, [("https://example.jp/a?b=c&d=%E3%81%82", None),
                            ("http://example.jp", None),
                            ("https://example.jp/" + "a" * 1970, None)],
               ["ftp://example.jp/x", "example.jp", "javascript:alert(1)", "/relative",
                "https://example.jp/" + "a" * 1990, "https://", 7]),
}
LABELS = {"t_text": "件名", "t_long": "本文", "t_num": "人数", "t_free": "金額", "t_date": "日付",
          "t_dt": "日時", "t_choice": "色", "t_multi": "色々", "t_user": "担当者",
          "t_org": "機関", "t_fac": "事業所", "t_phone": "電話", "t_link": "リンク"}


def definition():
    fields = [ap.field("req", "text", "必須項目", required=True)]
    for key, (type_, extra, _, _) in CASES.items():
        fields.append(ap.field(key, type_, LABELS[key], **extra))
    return fields


def expect_invalid(r, keys, what):
    """400 invalid_record listing exactly the field keys."""
    ap.expect(r, 400, what, "invalid_record")
    got = ap.invalid_fields(r)
    if sorted(set(got or [])) != sorted(keys):
        ct.fail("%s: error.fields names %r, expected %r" % (what, got, sorted(keys)))
    for f in r.json()["error"]["fields"]:
        ct.check(isinstance(f.get("reason"), str) and f["reason"],
                 "%s: field %s has no reason" % (what, f.get("field")))


def check_values(app, admin, tanaka):
    aid = app["id"]
    base = ap.create_record(tanaka, aid, {"req": "基準"})
    count = ap.record_total(admin, aid)
    problems = []
    for key, (type_, _, goods, bads) in CASES.items():
        for good, answered in goods:
            want = good if answered is None else answered
            r = ap.create_record_request(tanaka, aid, {"req": "良 " + key, key: good})
            if r.status != 201:
                problems.append("%s (%s): POST %r: expected 201, got %s"
                                % (key, type_, good if len(str(good)) < 60 else str(good)[:60],
                                   r.describe()))
                continue
            got = r.json()["record"]["values"].get(key)
            if got != want:
                problems.append("%s (%s): %r answered as %r, expected %r"
                                % (key, type_, str(good)[:60], str(got)[:60], str(want)[:60]))
            # the same through GET and through PATCH of the base record
            got2 = ap.get_record(tanaka, r.json()["record"]["id"])["values"].get(key)
            if got2 != want:
                problems.append("%s: GET answers %r, expected %r" % (key, str(got2)[:60],
                                                                     str(want)[:60]))
            rp = ap.patch_record(tanaka, base["id"], {key: good})
            if rp.status != 200 or rp.json()["record"]["values"].get(key) != want:
                problems.append("%s: PATCH %r: %s" % (key, str(good)[:60], rp.describe()))
            count += 1
        before = ap.get_record(tanaka, base["id"])
        for bad in bads:
            what = "%s (%s) = %r" % (key, type_, bad if len(str(bad)) < 40 else str(bad)[:40])
            try:
                expect_invalid(ap.create_record_request(tanaka, aid, {"req": "悪", key: bad}),
                               [key], "POST " + what)
                expect_invalid(ap.patch_record(tanaka, base["id"], {key: bad}), [key],
                               "PATCH " + what)
            except ct.TestFailure as e:
                problems.append(str(e))
        after = ap.get_record(tanaka, base["id"])
        if after["values"] != before["values"] or after["updated_at"] != before["updated_at"]:
            problems.append("%s: refused PATCHes changed the record: %r -> %r"
                            % (key, before["values"], after["values"]))
        n = ap.record_total(admin, aid)
        if n != count:
            problems.append("%s: %d records after the refused POSTs, expected %d"
                            % (key, n, count))
            count = n
    return base, problems


BLANKS = {"t_text": ["", "   "], "t_long": ["", "  \n "], "t_date": [""], "t_choice": [""],
          "t_phone": [""], "t_link": [""], "t_user": [""]}


def check_blanks(app, tanaka):
    """A blank string for a field that is not required: APPS.md does not
    say whether it is refused or means no value; either is accepted here,
    but never a stored blank."""
    problems = []
    for key, blanks in BLANKS.items():
        for blank in blanks:
            r = ap.create_record_request(tanaka, app["id"], {"req": "空 " + key, key: blank})
            if r.status == 400 and r.error_code() == "invalid_record" and \
                    ap.invalid_fields(r) == [key]:
                continue
            if r.status == 201 and r.json()["record"]["values"].get(key) is None:
                continue
            problems.append("%s = %r: expected 400 naming it or no value, got %s"
                            % (key, blank, r.describe()))
    return problems


def check_required(app, tanaka, admin):
    aid = app["id"]
    count = ap.record_total(admin, aid)
    expect_invalid(ap.create_record_request(tanaka, aid, {"t_text": "必須なし"}), ["req"],
                   "a record without the required field")
    expect_invalid(ap.create_record_request(tanaka, aid, {"req": None}), ["req"],
                   "the required field null")
    expect_invalid(ap.create_record_request(tanaka, aid, {"req": "   "}), ["req"],
                   "the required field blank")
    expect_invalid(ap.create_record_request(tanaka, aid, {"req": "有", "nope": "x"}), ["nope"],
                   "an unknown key")
    expect_invalid(ap.create_record_request(tanaka, aid, {"t_num": 1000, "t_date": "2026-02-30",
                                                          "t_choice": "紫", "other": 1}),
                   ["req", "t_num", "t_date", "t_choice", "other"],
                   "five invalid fields at once (every one listed)")
    ap.expect(ap.create_record_request(tanaka, aid, {"req": "有", "t_text": None,
                                                     "t_multi": None}),
              201, "null for fields that are not required")
    r = tanaka.request("POST", API + "/apps/%s/records" % aid, json_body={"values": "x"})
    ap.expect(r, 400, "values not an object", "invalid_record")
    r = tanaka.request("POST", API + "/apps/%s/records" % aid, body=b"{not json",
                       headers={"Content-Type": "application/json"})
    ct.check(r.status == 400, "a body that is not JSON: expected 400, got %s" % r.describe())
    count += 1
    ct.check_eq(ap.record_total(admin, aid), count, "records after the refused POSTs")
    # PATCH: null clears what is not required; the required field stays
    rec = ap.create_record(tanaka, aid, {"req": "消す", "t_text": "あり", "t_num": 5})
    r = ap.patch_record(tanaka, rec["id"], {"t_text": None})
    doc = ap.expect(r, 200, "PATCH t_text null")
    ct.check(doc["record"]["values"].get("t_text") is None,
             "null did not clear t_text: %r" % doc["record"]["values"])
    ct.check_eq(doc["record"]["values"].get("t_num"), 5, "t_num kept by a PATCH of t_text")
    expect_invalid(ap.patch_record(tanaka, rec["id"], {"req": None}), ["req"],
                   "PATCH the required field to null")
    expect_invalid(ap.patch_record(tanaka, rec["id"], {"ghost": 1}), ["ghost"],
                   "PATCH an unknown key")
    ct.check_eq(ap.get_record(tanaka, rec["id"])["values"].get("req"), "消す",
                "the required field after refused PATCHes")


def check_definitions(admin):
    """Bad app definitions are refused and nothing is made."""
    word = ap.new_word(8)
    bad = [
        ("a bad key", [ap.field("Bad-Key", "text")]),
        ("a duplicate key", [ap.field("a", "text"), ap.field("a", "number")]),
        ("an unknown type", [ap.field("a", "colour")]),
        ("a choice without choices", [ap.field("a", "choice", choices=[])]),
        ("duplicate choices", [ap.field("a", "multi_choice", choices=["x", "x"])]),
        ("an empty label", [ap.field("a", "text", label="")]),
        ("min above max", [ap.field("a", "number", min=10, max=1)]),
        ("51 fields", [ap.field("f%d" % i, "text") for i in range(51)]),
    ]
    for what, fields in bad:
        r = ap.create_app_request(admin, "不正 %s %s" % (what, word), fields)
        if r.status != 400 or r.error_code() not in ("invalid_field", "invalid_app"):
            ct.fail("POST /apps with %s: expected 400 invalid_field, got %s"
                    % (what, r.describe()))
    r = ap.create_app_request(admin, "", [ap.field("a", "text")])
    ap.expect(r, 400, "POST /apps without a name", "invalid_app")
    key = "k" + uuid.uuid4().hex[:20]
    ap.create_app(admin, "鍵 %s" % word, [ap.field("a", "text")], key=key)
    ap.expect(ap.create_app_request(admin, "鍵2 %s" % word, [ap.field("a", "text")], key=key),
              409, "a second app with the same key", "app_key_taken")
    made = [a["name"] for a in ap.list_apps(admin) if word in a["name"]]
    ct.check_eq(made, ["鍵 %s" % word], "the apps made by the definitions above")
    r = ap.create_app_request(ap.login("tanaka"), "権限なし %s" % word, [ap.field("a", "text")])
    ap.expect(r, 403, "POST /apps by a care manager", "forbidden")


def check_orphans(admin, tanaka):
    """Definition changes that would orphan data: 409 naming the field,
    nothing changed; harmless ones pass."""
    word = ap.new_word(8)
    fields = [ap.field("name", "text", "名前", required=True),
              ap.field("size", "number", "大きさ"),
              ap.field("colour", "choice", "色彩", choices=["赤", "青", "緑"]),
              ap.field("memo", "text", "メモ"),
              ap.field("spare", "text", "予備")]
    app = ap.create_app(admin, "定義変更 %s" % word, fields)
    aid = app["id"]
    ap.create_record(tanaka, aid, {"name": "一", "size": 3, "colour": "赤"})
    ap.create_record(tanaka, aid, {"name": "二", "memo": "メモあり"})
    orig = ap.get_app(admin, aid)

    def without(key):
        return [f for f in fields if f["key"] != key]

    def replaced(key, **changes):
        return [dict(f, **changes) if f["key"] == key else f for f in fields]

    refusals = [
        ("removing size (has a value)", without("size"), "field_in_use", ("size", "大きさ")),
        ("changing the type of size", replaced("size", type="text"), "field_in_use",
         ("size", "大きさ")),
        ("removing the choice 赤 (used)", replaced("colour", choices=["青", "緑"]),
         "choice_in_use", ("赤", "colour", "色彩")),
        ("making memo required (one record lacks it)", replaced("memo", required=True),
         "field_required_missing", ("memo", "メモ")),
    ]
    for what, new_fields, code, names in refusals:
        r = ap.patch_app(admin, aid, fields=new_fields)
        ap.expect(r, 409, "PATCH fields: " + what, code)
        msg = ap.error_message(r)
        ct.check(any(n in msg for n in names), "%s: the message %r names none of %r"
                 % (what, msg, names))
        ct.check_eq(ap.get_app(admin, aid)["fields"], orig["fields"],
                    "the fields after refusing " + what)
    # harmless: remove the unused field, relabel, add a choice, a required
    # field every record has, an unused choice removed
    ok = [dict(f) for f in fields if f["key"] != "spare"]
    ok[2] = dict(ok[2], label="色（変更）", choices=["赤", "青", "紫"])
    r = ap.patch_app(admin, aid, fields=ok)
    doc = ap.expect(r, 200, "PATCH fields: removing an unused field and an unused choice")
    ct.check_eq([f["key"] for f in doc["app"]["fields"]], ["name", "size", "colour", "memo"],
                "keys after the harmless change")
    ct.check_eq(doc["app"]["fields"][2]["choices"], ["赤", "青", "紫"], "choices after it")
    # builtin: the events app's fields
    events = ap.get_app(admin, "events")
    ev_fields = events["fields"]
    for f in ev_fields:
        ct.check(f.get("builtin") is True, "built-in field %s of events is not builtin: %r"
                 % (f.get("key"), f))
    builtin_refusals = [
        ("removing place", [f for f in ev_fields if f["key"] != "place"], ("place",)),
        ("changing the type of capacity",
         [{k: v for k, v in f.items() if k not in ("min", "max")} | {"type": "text"}
          if f["key"] == "capacity" else f for f in ev_fields],
         ("capacity",)),
    ]
    for what, new_fields, names in builtin_refusals:
        r = ap.patch_app(admin, events["id"], fields=new_fields)
        if r.status == 200:  # put it back before failing
            ap.patch_app(admin, events["id"], fields=ev_fields)
        ap.expect(r, 409, "PATCH the events app: " + what, "builtin_field")
        msg = ap.error_message(r)
        ct.check(any(n in msg for n in names), "%s: the message %r names none of %r"
                 % (what, msg, names))
    ct.check_eq(ap.get_app(admin, "events")["fields"], ev_fields,
                "the events app's fields after the refusals")


def test():
    admin = ap.login("takahashi")
    tanaka = ap.login("tanaka")
    fac = ap.facilities(tanaka, limit=5)["facilities"]
    ct.check(fac, "the demo's facility directory is empty")
    other_app = ap.create_app(admin, "他アプリ %s" % ap.new_word(8), [ap.field("x", "text")])
    other_rec = ap.create_record(admin, other_app["id"], {"x": "施設ではない"})
    CASES["t_user"] = ("user", {}, [(ap.uid("ito"), ap.uid("ito"))],
                       [ap.fake_id(), "not-a-uuid", 42])
    CASES["t_org"] = ("organisation", {}, [(ap.org_of("ito"), ap.org_of("ito"))],
                      [ap.fake_id(), "みどり市", 1, ap.uid("ito")])
    CASES["t_fac"] = ("facility", {}, [(fac[0]["id"], fac[0]["id"])],
                      [ap.fake_id(), other_rec["id"], "x"])
    app = ap.create_app(admin, "型の試験 %s" % ap.new_word(8), definition())
    ct.check_eq([f["key"] for f in app["fields"]], ["req"] + list(CASES),
                "the field keys of the new app, in order")
    ct.check_eq(app.get("calendar_field"), "t_date", "calendar_field (first date field)")
    _, problems = check_values(app, admin, tanaka)
    problems += check_blanks(app, tanaka)
    # the display names of user/organisation/facility values
    rec = ap.create_record(tanaka, app["id"], {"req": "表示", "t_user": ap.uid("ito"),
                                               "t_org": ap.org_of("ito"), "t_fac": fac[0]["id"]})
    disp = rec.get("display") or {}
    for key, want in (("t_user", ct.seed_user("ito")["name"]),
                      ("t_org", ct.organisation_name(ap.org_of("ito"))),
                      ("t_fac", fac[0]["name"])):
        if disp.get(key) != want:
            problems.append("display.%s: %r, expected %r" % (key, disp.get(key), want))
    try:
        check_required(app, tanaka, admin)
    except ct.TestFailure as e:
        problems.append(str(e))
    try:
        check_definitions(admin)
    except ct.TestFailure as e:
        problems.append(str(e))
    try:
        check_orphans(admin, tanaka)
    except ct.TestFailure as e:
        problems.append(str(e))
    if problems:
        ct.fail("%d validation problems:\n  %s" % (len(problems), "\n  ".join(problems)))


if __name__ == "__main__":
    ct.run(test, budget_s=150)

#!/usr/bin/env python3
"""records: CSV import and export of app records (APPS.md "CSV import and
export") through the gateway, checked with Python's own codecs ("cp932",
"utf-8-sig") and csv module.

* Round trip: records imported from a UTF-8 file are exported, the export
  is imported back (every row updates its record by id) and exported again
  byte for byte equal, in UTF-8 and in Shift_JIS; ①, ～, 髙 and a cell
  spanning lines survive.
* Exactly 3 bad rows: the dry run reports exactly those lines; the commit
  fails and the record count is unchanged.
* Refused at once: wrong encoding (the line named), missing required
  column, unknown column, unbalanced quotes, an empty file.
* 5,000 rows: processed_rows reaches total_rows.
* A reader who may not write: 403; another person's import: 404.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import apps_helpers as ap  # noqa: E402

expect = ap.expect


def make_app(admin):
    fields = [ap.field("name", "text", "名前", required=True),
              ap.field("capacity", "number", "定員"),
              ap.field("starts_at", "datetime", "開始"),
              ap.field("tags", "multi_choice", "分類", choices=["研修", "会議", "その他"]),
              ap.field("note", "long_text", "備考")]
    return ap.create_app(admin, "CSV試験 " + ct.unique("csv")[-8:], fields,
                         write={"professions": ["care_manager"], "organisations": [],
                                "owner_organisation": False})


def round_trip(writer, app_id):
    rows = [["名前", "定員", "開始", "分類", "備考"],
            ["髙橋 ①研修", "20", "2026/12/1 14:00", "研修;会議", "一行目\n二行目～"],
            ["北地区 会議", "1,500", "2026-12-02 09:30", "", ""],
            ["ａｂｃ", "", "", "その他", "引用 \"符\", カンマ"]]
    imp = ap.run_import(writer, app_id, ap.csv_text(rows).encode("utf-8"), mode="commit")
    ct.check_eq((imp["state"], imp["created"], imp["updated"]), ("done", 3, 0),
                "the UTF-8 import: %r" % imp)
    for enc, codec in (("utf-8", "utf-8-sig"), ("shift_jis", "cp932")):
        r = ap.export(writer, app_id, encoding=enc)
        expect(r, 200, "export %s" % enc)
        ctype = r.headers.get("Content-Type", "")
        ct.check(("Shift_JIS" if enc == "shift_jis" else "utf-8") in ctype,
                 "Content-Type %s" % ctype)
        disp = r.headers.get("Content-Disposition", "")
        ct.check("attachment" in disp and "filename*=UTF-8''" in disp, "disposition %s" % disp)
        if enc == "utf-8":
            ct.check(r.body.startswith(b"\xef\xbb\xbf"), "a UTF-8 export starts with a BOM")
        table = ap.parse_csv(r.body.decode(codec))
        ct.check_eq(table[0], ["id"] + rows[0], "the header of labels, id first")
        got = sorted(t[1:] for t in table[1:])
        want = sorted([["髙橋 ①研修", "20", "2026-12-01 14:00", "研修;会議", "一行目\n二行目～"],
                       ["北地区 会議", "1500", "2026-12-02 09:30", "", ""],
                       ["ａｂｃ", "", "", "その他", "引用 \"符\", カンマ"]])
        ct.check_eq(got, want, "the %s export's cells" % enc)
        imp = ap.run_import(writer, app_id, r.body, encoding=enc, mode="commit")
        ct.check_eq((imp["state"], imp["created"], imp["updated"], imp["errors"]),
                    ("done", 0, 3, []), "the %s export imported back: %r" % (enc, imp))
        again = ap.export(writer, app_id, encoding=enc)
        ct.check_eq(again.body, r.body, "the %s export after the round trip" % enc)


def bad_rows(writer, app_id):
    before = ap.record_total(writer, app_id)
    text = ("名前,定員,開始,備考\r\n"            # line 1
            "良い1,1,2026-12-01 10:00,\r\n"      # 2
            "悪い1,多い,2026-12-01 10:00,\r\n"   # 3: capacity
            "良い2,2,,\"三行に\r\nわたる\r\n値\"\r\n"  # 4-6
            ",3,,\r\n"                           # 7: name required
            "良い3,4,2026-12-01 10:00,\r\n"      # 8
            "悪い3,5,2026-13-01 10:00,\r\n")     # 9: starts_at
    for mode in ("dry_run", "commit"):
        imp = ap.run_import(writer, app_id, text.encode("utf-8"), mode=mode)
        lines = sorted(e["line"] for e in imp["errors"])
        ct.check_eq(lines, [3, 7, 9], "%s: the lines of the bad rows (%r)" % (mode, imp))
        ct.check_eq(sorted(e["field"] for e in imp["errors"]), ["capacity", "name", "starts_at"],
                    "%s: the fields of the bad cells" % mode)
        ct.check_eq((imp["total_rows"], imp["processed_rows"], imp["valid_rows"]), (6, 6, 3),
                    "%s: the counts" % mode)
        ct.check_eq(imp["state"], "done" if mode == "dry_run" else "failed", "%s state" % mode)
        ct.check_eq(imp["created"], 0, "%s writes nothing" % mode)
    ct.check_eq(ap.record_total(writer, app_id), before, "the record count after a failed commit")


def refusals(writer, app_id):
    before = ap.record_total(writer, app_id)
    cases = [
        ("name\r\n田中\r\n".encode("cp932"), "utf-8", "invalid_encoding", "2行目"),
        ("name\r\nabc\r\n田中\r\n".encode("utf-8"), "shift_jis", "invalid_encoding", "3行目"),
        ("定員\r\n3\r\n".encode("utf-8"), "utf-8", "missing_columns", "名前"),
        ("名前,色\r\na,b\r\n".encode("utf-8"), "utf-8", "unknown_columns", "色"),
        ("名前\r\n\"閉じない\r\n".encode("utf-8"), "utf-8", "invalid_csv", "2行目"),
        (b"", "utf-8", "empty_file", None),
        ("名前\r\n".encode("utf-8"), "utf-8", "empty_file", None),
    ]
    for data, enc, code, needle in cases:
        r = ap.start_import(writer, app_id, data, encoding=enc, mode="commit")
        expect(r, 400, "import refused with %s" % code, code)
        if needle:
            msg = r.json()["error"]["message"]
            ct.check(needle in msg, "%s: %r names %s" % (code, msg, needle))
    ct.check_eq(ap.record_total(writer, app_id), before, "nothing written by refused imports")


def large(writer, app_id):
    rows = [["名前", "定員"]] + [["行%05d" % i, str(i)] for i in range(5000)]
    seen = []
    imp = ap.start_import_ok(writer, app_id, ap.csv_text(rows).encode("utf-8"))
    ct.check_eq(imp["total_rows"], 5000, "total_rows at once")
    imp = ap.wait_import(writer, imp["id"], timeout=180, seen=seen)
    ct.check_eq((imp["state"], imp["processed_rows"], imp["valid_rows"]), ("done", 5000, 5000),
                "the large dry run: %r" % {k: imp[k] for k in imp if k != "errors"})
    progress = [s["processed_rows"] for s in seen]
    ct.check(progress == sorted(progress), "progress never goes back: %r" % progress[:20])
    return imp["id"]


def access(writer, reader, app_id, import_id):
    r = ap.start_import(reader, app_id, "名前\r\nx\r\n".encode("utf-8"), mode="commit")
    expect(r, 403, "a reader who may not write", "forbidden")
    r = reader.request("GET", ap.API + "/imports/" + import_id)
    expect(r, 404, "another person's import")
    r = ap.export(reader, app_id)
    expect(r, 200, "a reader exports")


def main():
    admin = ap.login("takahashi")
    writer = ap.login("tanaka")   # care_manager: may write
    reader = ap.login("ito")      # care_worker: reads only
    app = make_app(admin)
    round_trip(writer, app["id"])
    bad_rows(writer, app["id"])
    refusals(writer, app["id"])
    import_id = large(writer, app["id"])
    access(writer, reader, app["id"], import_id)


if __name__ == "__main__":
    ct.run(main, budget_s=400)

#!/usr/bin/env python3
"""CSV import and export of apps (issue 5: "CSV round trip in UTF-8 and
Shift_JIS with Japanese text; a CSV with 3 bad rows reports exactly those
lines and imports nothing"; "a CSV with a wrong encoding, missing required
columns or a bad row: a clear error naming the field/line, and nothing
half-written"; "progress reported for large files").

Python's own codecs are the independent encoder and decoder ("utf-8-sig"
and "cp932", Windows code page 932, what a city office's spreadsheet
saves) and its csv module the independent reader and writer. The text
holds ①, ～ (U+FF5E), 髙 and a cell spanning lines.

* UTF-8: records made through the API are exported (BOM, header of labels
  with `id` first, values as APPS.md writes them), edited, imported back
  (dry run, then commit: updated by id, created without) and read back.
* Shift_JIS: a file encoded with cp932 is imported; the records hold the
  exact text; the Shift_JIS export decodes with cp932 to the same cells
  (a character outside code page 932 becomes 〓).
* Exactly 3 bad rows (after a cell spanning three lines): the dry run and
  the commit report exactly those lines (header = line 1) and fields; the
  commit fails and writes nothing (count and an updated row unchanged).
* Refused at once with 400 and nothing written: Shift_JIS bytes sent as
  UTF-8 and UTF-8 bytes as Shift_JIS (invalid_encoding naming the line),
  a missing required column, an unknown column, an empty file, unbalanced
  quotes.
* 3,000 rows: processed_rows is seen rising while the import runs and
  reaches total_rows; all are created.
"""

import codecs
import os
import re
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import apps_helpers as ap  # noqa: E402

KINDS = ["①訪問", "～その他", "髙齢者"]
FIELDS = [ap.field("name", "text", "氏名", required=True),
          ap.field("note", "long_text", "備考"),
          ap.field("count", "number", "人数", min=0, max=1000),
          ap.field("day", "date", "日付"),
          ap.field("when", "datetime", "日時"),
          ap.field("kind", "choice", "区分", choices=KINDS),
          ap.field("tags", "multi_choice", "タグ", choices=["赤", "青", "緑"]),
          ap.field("phone", "phone", "電話"),
          ap.field("org", "organisation", "機関")]
HEADER = ["氏名", "備考", "人数", "日付", "日時", "区分", "タグ", "電話", "機関"]


def new_app(admin, label):
    return ap.create_app(admin, "CSV %s %s" % (label, ap.new_word(8)), FIELDS)


def decode_export(r, encoding, what):
    """The rows of an export answer, decoded with Python's codecs."""
    ap.expect(r, 200, what)
    ctype = (r.headers.get("Content-Type") or "").replace(" ", "").lower()
    if encoding == "utf-8":
        ct.check_eq(ctype, "text/csv;charset=utf-8", "%s: Content-Type" % what)
        ct.check(r.body.startswith(codecs.BOM_UTF8), "%s: no BOM at the start" % what)
        text = codecs.decode(r.body, "utf-8-sig")
    else:
        ct.check_eq(ctype, "text/csv;charset=shift_jis", "%s: Content-Type" % what)
        try:
            text = codecs.decode(r.body, "cp932")
        except UnicodeDecodeError as e:
            ct.fail("%s: the export is not code page 932: %s" % (what, e))
    return ap.parse_csv(text)


def check_disposition(r, app, what):
    disp = r.headers.get("Content-Disposition") or ""
    want = "filename*=UTF-8''" + urllib.parse.quote(app["name"] + ".csv", safe="")
    ct.check(disp.startswith("attachment") and
             urllib.parse.unquote(disp.split("filename*=UTF-8''", 1)[-1]) ==
             app["name"] + ".csv",
             "%s: Content-Disposition %r, expected attachment; %s" % (what, disp, want))


def by_name(records):
    return {r["values"]["name"]: r for r in records}


def round_trip_utf8(admin, tanaka):
    app = new_app(admin, "UTF-8")
    aid = app["id"]
    org = ap.org_of("tanaka")
    org_name = ct.organisation_name(org)
    made = [
        {"name": "髙橋 ① 一郎", "note": "一行目\n二行目、カンマ, と \"引用\"", "count": 12,
         "day": "2026-04-01", "when": "2026-04-01T09:30:00+09:00", "kind": "①訪問",
         "tags": ["赤", "緑"], "phone": "03-1234-5678", "org": org},
        {"name": "波～ダッシュ 花子", "count": 0, "kind": "～その他", "tags": ["青"]},
        {"name": "山田 太郎", "day": "2026-12-31", "when": "2026-12-31T15:00:00Z"},
    ]
    recs = [ap.create_record(tanaka, aid, v) for v in made]
    r = ap.export(tanaka, aid, "utf-8")
    rows = decode_export(r, "utf-8", "UTF-8 export")
    check_disposition(r, app, "UTF-8 export")
    ct.check_eq(rows[0], ["id"] + HEADER, "header of the UTF-8 export")
    got = {row[0]: row[1:] for row in rows[1:]}
    ct.check_eq(sorted(got), sorted(x["id"] for x in recs), "ids of the exported rows")
    want = {
        recs[0]["id"]: ["髙橋 ① 一郎", "一行目\n二行目、カンマ, と \"引用\"", "12", "2026-04-01",
                        "2026-04-01 09:30", "①訪問", "赤;緑", "03-1234-5678", org_name],
        recs[1]["id"]: ["波～ダッシュ 花子", "", "0", "", "", "～その他", "青", "", ""],
        recs[2]["id"]: ["山田 太郎", "", "", "2026-12-31", "2027-01-01 00:00", "", "", "", ""],
    }
    for rid, cells in want.items():
        ct.check_eq(got[rid], cells, "exported cells of %s" % rid)
    # edit the file as a spreadsheet would and import it back
    edited = [row[0] for row in rows].index(recs[0]["id"])
    rows[edited][2] = "書き換えた備考\n複数行 ①"
    rows.append(["", "新規 髙木", "取込で作成", "7", "2026-05-05", "2026-05-05 10:00", "髙齢者",
                 "赤;青", "(03) 9999-0000", org_name])
    data = codecs.BOM_UTF8 + ap.csv_text(rows).encode("utf-8")
    dry = ap.run_import(tanaka, aid, data, "utf-8", "dry_run")
    ct.check_eq((dry["state"], dry["total_rows"], dry["processed_rows"], dry["valid_rows"],
                 dry["errors"]), ("done", 4, 4, 4, []), "the dry run of the edited export")
    ct.check_eq(ap.record_total(tanaka, aid), 3, "records after the dry run")
    done = ap.run_import(tanaka, aid, data, "utf-8", "commit")
    ct.check_eq((done["state"], done["created"], done["updated"], done["errors"]),
                ("done", 1, 3, []), "the commit of the edited export")
    ct.check(done.get("finished_at"), "a finished import has no finished_at: %r" % done)
    after = by_name(ap.all_records(tanaka, aid))
    ct.check_eq(sorted(after), sorted(["髙橋 ① 一郎", "波～ダッシュ 花子", "山田 太郎", "新規 髙木"]),
                "names after the commit")
    ct.check_eq(after["髙橋 ① 一郎"]["values"].get("note"), "書き換えた備考\n複数行 ①",
                "the edited multi-line note")
    ct.check_eq(after["髙橋 ① 一郎"]["id"], recs[0]["id"], "the id of the updated record")
    for k, v in made[0].items():
        if k != "note":
            ct.check_eq(after["髙橋 ① 一郎"]["values"].get(k), v, "%s after the round trip" % k)
    ct.check_eq(after["山田 太郎"]["values"].get("when"), "2027-01-01T00:00:00+09:00",
                "a datetime after the round trip")
    new = after["新規 髙木"]["values"]
    ct.check_eq({k: new.get(k) for k in ("note", "count", "day", "when", "kind", "tags", "phone",
                                         "org")},
                {"note": "取込で作成", "count": 7, "day": "2026-05-05",
                 "when": "2026-05-05T10:00:00+09:00", "kind": "髙齢者", "tags": ["赤", "青"],
                 "phone": "(03) 9999-0000", "org": org}, "the values of the imported row")
    ct.log("UTF-8 round trip: 3 exported, 3 updated and 1 created")


def export_filters(admin, tanaka):
    """The filters and sort of the list apply to the export."""
    app = new_app(admin, "filters")
    aid = app["id"]
    recs = [ap.create_record(tanaka, aid, v) for v in (
        {"name": "髙橋 一", "kind": "①訪問", "count": 5, "day": "2026-03-01"},
        {"name": "山田 二", "kind": "～その他", "count": 50, "day": "2026-03-15"},
        {"name": "佐藤 三", "kind": "①訪問", "count": 500, "day": "2026-04-01"})]
    ids = [r["id"] for r in recs]
    problems = []
    for params, want in (({"q": "髙橋"}, [ids[0]]),
                         ({"f.kind": "①訪問", "sort": "count"}, [ids[0], ids[2]]),
                         ({"from.count": "10", "sort": "-count"}, [ids[2], ids[1]]),
                         ({"from.day": "2026-03-10", "to.day": "2026-03-31"}, [ids[1]]),
                         ({"sort": "-day"}, [ids[2], ids[1], ids[0]])):
        listed = [r["id"] for r in ap.list_records(tanaka, aid, **params)["records"]]
        if listed != want:
            problems.append("the list %r: %r, expected %r" % (params, listed, want))
        rows = decode_export(ap.export(tanaka, aid, "utf-8", **params), "utf-8",
                             "export %r" % params)
        got = [row[0] for row in rows[1:]]
        if got != want:
            problems.append("the export %r: rows %r, expected %r" % (params, got, want))
    if problems:
        ct.fail("%d filters not applied:\n    %s" % (len(problems), "\n    ".join(problems)))


def round_trip_sjis(admin, tanaka):
    app = new_app(admin, "Shift_JIS")
    aid = app["id"]
    org = ap.org_of("ito")
    org_name = ct.organisation_name(org)
    rows = [["name", "備考", "人数", "日付", "日時", "区分", "tags", "電話", "機関"],
            ["髙橋 ①②③", "市役所の表計算から\n二行目 ～ 三行目", "3", "2026-06-01",
             "2026-06-01 13:30", "～その他", "赤;緑", "0120-123-456", org_name],
            ["ｶﾀｶﾅ 半角 と 全角ＡＢＣ", "", "", "", "", "①訪問", "", "", ""],
            ["髙島屋 ～", "“引用”と「括弧」, カンマ", "1000", "", "", "髙齢者", "青", "", org]]
    data = codecs.encode(ap.csv_text(rows), "cp932")
    ct.check(b"\x87\x40" in data, "the test file lacks ① in code page 932 (0x8740)")
    dry = ap.run_import(tanaka, aid, data, "shift_jis", "dry_run")
    ct.check_eq((dry["state"], dry["encoding"], dry["valid_rows"], dry["errors"]),
                ("done", "shift_jis", 3, []), "the Shift_JIS dry run")
    done = ap.run_import(tanaka, aid, data, "shift_jis", "commit")
    ct.check_eq((done["state"], done["created"], done["updated"], done["errors"]),
                ("done", 3, 0, []), "the Shift_JIS commit")
    recs = by_name(ap.all_records(tanaka, aid))
    ct.check_eq(sorted(recs), sorted(r[0] for r in rows[1:]), "the names imported from Shift_JIS")
    v = recs[rows[1][0]]["values"]
    ct.check_eq((v.get("note"), v.get("count"), v.get("when"), v.get("kind"), v.get("tags"),
                 v.get("org")),
                (rows[1][1], 3, "2026-06-01T13:30:00+09:00", "～その他", ["赤", "緑"], org),
                "the values of the first Shift_JIS row")
    ct.check_eq(recs[rows[3][0]]["values"].get("note"), rows[3][1], "quotes and a comma")
    ct.check_eq(recs[rows[3][0]]["values"].get("org"), org, "an organisation given by id")
    # a character code page 932 cannot hold
    ap.create_record(tanaka, aid, {"name": "𠮷野 ①", "note": "絵文字🙂"})
    r = ap.export(tanaka, aid, "shift_jis", sort="name")
    out = decode_export(r, "shift_jis", "Shift_JIS export")
    check_disposition(r, app, "Shift_JIS export")
    ct.check_eq(out[0], ["id"] + HEADER, "header of the Shift_JIS export")
    cells = {row[1]: row for row in out[1:]}
    ct.check("〓野 ①" in cells, "𠮷 did not become 〓 in the Shift_JIS export: %r" % list(cells))
    ct.check_eq(cells["〓野 ①"][2], "絵文字〓", "🙂 in the Shift_JIS export")
    first = cells.get(rows[1][0])
    ct.check(first is not None, "the first row is missing from the Shift_JIS export")
    ct.check_eq(first[2:], [rows[1][1], "3", "2026-06-01", "2026-06-01 13:30", "～その他", "赤;緑",
                            "0120-123-456", org_name], "the first row exported in Shift_JIS")
    ct.log("Shift_JIS round trip: 3 imported, 4 exported")


def three_bad_rows(admin, tanaka):
    app = new_app(admin, "3 bad rows")
    aid = app["id"]
    keep = ap.create_record(tanaka, aid, {"name": "既存 行", "count": 1})
    rows = [HEADER,
            ["良 一", "", "1", "", "", "", "", "", ""],                     # line 2
            ["良 二", "三行に\nまたがる\n備考", "2", "", "", "", "", "", ""],   # lines 3-5
            ["悪 三", "", "多い", "", "", "", "", "", ""],                   # line 6: count
            ["良 四", "", "", "2026-02-28", "", "", "", "", ""],             # line 7
            ["悪 五", "", "", "2026-02-30", "", "", "", "", ""],             # line 8: day
            ["既存 行 書き換え", "", "5", "", "", "", "", "", ""],            # line 9 (by id)
            ["悪 七", "", "", "", "", "紫", "", "", ""],                     # line 10: kind
            ["良 八", "", "", "", "", "①訪問", "", "", ""]]                  # line 11
    rows = [["id"] + rows[0]] + [[""] + r for r in rows[1:]]
    rows[7][0] = keep["id"]
    text = ap.csv_text(rows)
    ct.check_eq(text.count("\n"), 11, "lines of the test file")
    want = {6: {"count", "人数"}, 8: {"day", "日付"}, 10: {"kind", "区分"}}
    for encoding, data in (("utf-8", text.encode("utf-8")),
                           ("shift_jis", codecs.encode(text, "cp932"))):
        for mode in ("dry_run", "commit"):
            imp = ap.run_import(tanaka, aid, data, encoding, mode)
            what = "3 bad rows (%s, %s)" % (encoding, mode)
            lines = sorted(e.get("line") for e in imp.get("errors") or [])
            ct.check_eq(lines, [6, 8, 10], "%s: lines of the errors" % what)
            for e in imp["errors"]:
                ct.check(e.get("field") in want[e["line"]],
                         "%s: line %d names field %r, expected one of %r"
                         % (what, e["line"], e.get("field"), want[e["line"]]))
                ct.check(isinstance(e.get("reason"), str) and e["reason"],
                         "%s: line %d has no reason" % (what, e["line"]))
            ct.check_eq((imp["total_rows"], imp["processed_rows"], imp["valid_rows"]), (8, 8, 5),
                        "%s: total, processed and valid rows" % what)
            if mode == "commit":
                ct.check_eq((imp["state"], imp["created"], imp["updated"]), ("failed", 0, 0),
                            "%s: state, created, updated" % what)
            ct.check_eq(ap.record_total(tanaka, aid), 1, "%s: records afterwards" % what)
            cur = ap.get_record(tanaka, keep["id"])
            ct.check_eq(cur["values"], keep["values"], "%s: the record of line 9" % what)
    ct.log("3 bad rows: lines 6, 8, 10 reported, nothing written")


def line_in(msg, line):
    return re.search(r"(?<![0-9])%d(?![0-9])" % line, msg) is not None


def refused_at_once(admin, tanaka):
    app = new_app(admin, "refusals")
    aid = app["id"]
    ap.create_record(tanaka, aid, {"name": "既存"})
    problems = []
    sjis = codecs.encode("name,note\r\nabc,def\r\n髙橋 ①,～\r\n", "cp932")
    try:
        sjis.decode("utf-8")
        ct.fail("the Shift_JIS test bytes are valid UTF-8")
    except UnicodeDecodeError:
        pass
    utf8 = "name,note\r\nabc,def\r\nxyz,uvw\r\nあいう,日本語テキスト\r\n".encode("utf-8")
    try:
        utf8.decode("cp932")
        ct.fail("the UTF-8 test bytes are valid code page 932")
    except UnicodeDecodeError:
        pass
    cases = [
        ("Shift_JIS bytes sent as UTF-8", sjis, "utf-8", "invalid_encoding", 3, ()),
        ("UTF-8 bytes sent as Shift_JIS", utf8, "shift_jis", "invalid_encoding", 4, ()),
        ("no column of the required 氏名", "備考,人数\r\nメモ,1\r\n".encode(), "utf-8",
         "missing_columns", None, ("氏名", "name")),
        ("an unknown column", "氏名,謎の列\r\n名前,x\r\n".encode(), "utf-8", "unknown_columns",
         None, ("謎の列",)),
        ("an empty file", b"", "utf-8", "empty_file", None, ()),
        ("unbalanced quotes", "氏名,備考\r\nabc,\"閉じない\r\ndef,ghi\r\n".encode(), "utf-8",
         "invalid_csv", 2, ()),
    ]
    for what, data, encoding, code, line, names in cases:
        for mode in ("dry_run", "commit"):
            r = ap.start_import(tanaka, aid, data, encoding, mode)
            if r.status != 400 or r.error_code() != code:
                problems.append("%s (%s): expected 400 %s, got %s"
                                % (what, mode, code, r.describe()))
                continue
            msg = ap.error_message(r)
            if line is not None and not line_in(msg, line):
                problems.append("%s: the message %r does not give line %d" % (what, msg, line))
            if names and not any(n in msg for n in names):
                problems.append("%s: the message %r names none of %r" % (what, msg, names))
    if ap.record_total(tanaka, aid) != 1:
        problems.append("the refused files wrote records: %d" % ap.record_total(tanaka, aid))
    r = ap.start_import(tanaka, aid, "氏名\r\nx\r\n".encode(), "latin-1", "dry_run")
    if r.status != 400:
        problems.append("encoding=latin-1: expected 400, got %s" % r.describe())
    if problems:
        ct.fail("%d refusals wrong:\n  %s" % (len(problems), "\n  ".join(problems)))
    ct.log("refused at once: wrong encodings, columns, empty file, quotes")


def progress(admin, tanaka, n=3000):
    app = new_app(admin, "progress")
    aid = app["id"]
    rows = [HEADER] + [["大量 %05d 髙橋" % i, "備考 %d\n二行目" % i, str(i % 1000), "2026-07-%02d"
                        % (i % 28 + 1), "2026-07-01 09:00", KINDS[i % 3], "赤;青", "03-0000-%04d"
                        % i, ""] for i in range(n)]
    data = codecs.encode(ap.csv_text(rows), "cp932")
    t0 = time.monotonic()
    imp = ap.start_import_ok(tanaka, aid, data, "shift_jis", "commit")
    seen = [imp]
    deadline = time.monotonic() + 90
    while seen[-1].get("state") == "running":  # as often as the API answers
        ct.check(time.monotonic() < deadline, "the import of %d rows still runs after 90 s" % n)
        seen.append(ap.get_import(tanaka, imp["id"]))
        time.sleep(0.002)
    final = seen[-1]
    elapsed = time.monotonic() - t0
    procs = [s.get("processed_rows") for s in seen]
    ct.log("%d rows in %.1f s; %d snapshots, processed %s" % (n, elapsed, len(seen),
                                                               sorted(set(procs))[:12]))
    ct.check(all(isinstance(p, int) for p in procs), "processed_rows missing: %r" % seen[:3])
    ct.check(procs == sorted(procs), "processed_rows went down: %r" % procs)
    ct.check_eq((final["state"], final["total_rows"], final["processed_rows"], final["created"],
                 final["errors"]), ("done", n, n, n, []), "the finished import")
    running = [s for s in seen if s.get("state") == "running"]
    ct.check(any(s.get("total_rows") == n for s in running) or not running,
             "total_rows while running: %r" % running[:3])
    mid = [p for s, p in zip(seen, procs) if s.get("state") == "running" and 0 < p < n]
    ct.check(mid, "no progress seen while the import ran (snapshots %r)" % sorted(set(procs)))
    ct.check_eq(ap.record_total(tanaka, aid), n, "records after the large import")


def test():
    admin = ap.login("takahashi")
    tanaka = ap.login("tanaka")
    problems = []
    for part in (round_trip_utf8, export_filters, round_trip_sjis, three_bad_rows, refused_at_once, progress):
        try:
            part(admin, tanaka)
        except ct.TestFailure as e:
            problems.append("%s: %s" % (part.__name__, e))
    if problems:
        ct.fail("%d parts failed:\n  %s" % (len(problems), "\n  ".join(problems)))


if __name__ == "__main__":
    ct.run(test, budget_s=170)

#!/usr/bin/env python3
"""Timeline entries of patient files, against services/records/PATIENTS.md
("Timeline entries", "Fast entry"), through the gateway with real logins.

田中 (care manager) registers a patient with consent and adds 佐藤
(doctor) and 伊藤 as team members; 山本 (pharmacist) stays outside.

* An entry of each category with good fields is written (201, fields,
  author with role); bad fields of each category are refused with the
  contract's codes (invalid_vitals naming the field, invalid_code,
  text_required, empty_entry, not_in_team, entry_not_found) and nothing
  is written; an outsider's write is 404 patient_not_found, byte for byte
  an unknown patient's answer, and audited as denied.
* A correction chain: corrects names the old entry, the old one lists
  corrected_by; the original never changes.
* Read marks: 204 (twice), read true for the reader only, read_by names
  them once.
* Attachments: a PNG uploaded, its type told from its bytes, claimed by an
  entry, served to a team member with Content-Disposition and no-store; a
  second claim is refused; outsiders get 404; text is 415.
* Last values: the newest value of each vitals and ADL field, corrected
  entries left out.
* Templates: personal ones only for their owner, shared ones for everyone;
  defaults held to the entries' ranges; only the owner deletes.
* Category filter and paging (before, limit).
* A round of 10 patients by 佐藤 → 10 entries, each visible only to its
  own team; a round with one bad entry writes nothing.
* Every read and write has its audit row; PatientEntryAdded carries no
  text.
"""

import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import patient_helpers as ph  # noqa: E402
import workspace_helpers as w  # noqa: E402

API = ph.API


def ids(entries):
    return [e["id"] for e in entries]


def check_entries_of_each_category(sato, ito, pid):
    goods = [
        ("visit_note", None, "訪問。食欲あり。" + ph.kana(6), {}),
        ("vitals", {"systolic": 132, "diastolic": 84, "pulse": 70, "temperature": 36.6,
                    "spo2": 97, "weight": 45.5, "respiration": 16}, None, {}),
        ("medication", {"drug": "アムロジピン", "change": "dose", "dose": "5mg 朝"}, "", {}),
        ("adl", {"eating": "independent", "toileting": "watch", "mobility": "partial",
                 "bathing": "full", "condition": "安定"}, None, {}),
        ("incident", {"kind": "fall", "injury": False,
                      "occurred_at": "2026-11-20T07:30:00+09:00"}, "ベッド脇で転倒", {}),
        ("message", None, "明日は 10 時に伺います", {"addressed_to": [ph.me(ito)]}),
    ]
    written = {}
    for category, fields, text, extra in goods:
        e = ph.add_entry(sato, pid, category, fields, text, **extra)
        ct.check_eq(e.get("category"), category, "category of the %s entry" % category)
        ct.check_eq(e.get("patient_id"), pid, "patient of the %s entry" % category)
        ct.check_eq(e.get("fields"), fields or {}, "fields of the %s entry" % category)
        ct.check_eq((e.get("author") or {}).get("id"), ph.me(sato), "author of %s" % category)
        ct.check_eq((e.get("author") or {}).get("role"), "primary_doctor",
                    "author's role on the team")
        ct.check(e.get("corrects") is None and e.get("corrected_by") == [],
                 "a new %s entry corrects nothing: %r" % (category, e))
        written[category] = e
    to = written["message"]["addressed_to"]
    ct.check(len(to) == 1 and to[0]["id"] == ph.me(ito) and to[0].get("name"),
             "the message's addressee with a name: %r" % to)
    return written


def check_bad_entries(sato, ito, pid, other_entry_id, outsider):
    before = ids(ph.entries(sato, pid, limit=200))
    bads = [
        ("vitals", {"systolic": 310}, None, {}, 400, "invalid_vitals", "systolic"),
        ("vitals", {"systolic": 110, "diastolic": 120}, None, {}, 400, "invalid_vitals",
         "diastolic"),
        ("vitals", {"temperature": 46.2}, None, {}, 400, "invalid_vitals", "temperature"),
        ("vitals", {"spo2": 49}, None, {}, 400, "invalid_vitals", "spo2"),
        ("vitals", {"pulse": "72"}, None, {}, 400, "invalid_vitals", "pulse"),
        ("vitals", {}, None, {}, 400, "empty_entry", None),
        ("vitals", {"height": 150}, None, {}, 400, "invalid_fields", "height"),
        ("medication", {"drug": "x", "change": "increase"}, None, {}, 400, "invalid_code",
         "change"),
        ("adl", {"eating": "sometimes"}, None, {}, 400, "invalid_code", "eating"),
        ("incident", {"kind": "slip"}, None, {}, 400, "invalid_code", "kind"),
        ("incident", {"kind": "fall", "occurred_at": "昨日"}, None, {}, 400, "invalid_fields",
         "occurred_at"),
        ("visit_note", None, None, {}, 400, "text_required", None),
        ("visit_note", None, "   ", {}, 400, "text_required", None),
        ("diary", None, "日記", {}, 400, "invalid_code", None),
        ("message", None, "宛先違い", {"addressed_to": [ph.me(outsider)]}, 400, "not_in_team",
         None),
        ("vitals", {"pulse": 70}, None, {"addressed_to": [ph.me(ito)]}, 400, "invalid_body",
         None),
        ("vitals", {"pulse": 70}, None, {"corrects": str(uuid.uuid4())}, 404,
         "entry_not_found", None),
        ("vitals", {"pulse": 70}, None, {"corrects": other_entry_id}, 404, "entry_not_found",
         None),
        ("vitals", {"pulse": 70}, None, {"colour": "red"}, 400, "invalid_body", None),
    ]
    for category, fields, text, extra, status, code, named in bads:
        r = ph.add_entry_request(sato, pid, category, fields, text, **extra)
        what = "a %s entry %r %r %r" % (category, fields, text, extra)
        w.expect(r, status, what, code)
        if named:
            msg = r.json()["error"]["message"]
            ct.check(named in msg, "%s: the message %r does not name %s" % (what, msg, named))
    ct.check_eq(ids(ph.entries(sato, pid, limit=200)), before,
                "the timeline after refused entries")

    # an outsider: the same 404 as an unknown patient, audited as denied
    mark = ph.audit_mark()
    unknown = ph.add_entry_request(outsider, str(uuid.uuid4()), "visit_note", None, "x")
    r = ph.add_entry_request(outsider, pid, "visit_note", None, "侵入 " + ph.kana(6))
    ct.check(r.status == 404 and r.body == unknown.body,
             "an outsider's entry: expected the unknown patient's 404, got %s" % r.describe())
    # not even their input's faults are told
    r = ph.add_entry_request(outsider, pid, "vitals", {"systolic": 999})
    ct.check(r.status == 404 and r.body == unknown.body,
             "an outsider's bad vitals: expected the unknown 404, got %s" % r.describe())
    r = outsider.request("GET", ph.q(API + "/patients/%s/entries" % pid, limit="0"))
    ct.check(r.status == 404 and r.error_code() == "patient_not_found",
             "an outsider's bad query: %s" % r.describe())
    rows = [a for a in ph.audit_since(mark, ph.me(outsider)) if a["patient_id"] == pid]
    ct.check(any(a["action"] == "denied" and a["outcome"] == "denied" for a in rows),
             "the outsider's attempt is not audited as denied: %r" % rows)
    ct.check_eq(ids(ph.entries(sato, pid, limit=200)), before,
                "the timeline after the outsider's attempt")


def check_corrections(sato, tanaka, pid):
    v1 = ph.add_entry(sato, pid, "vitals", {"systolic": 180, "diastolic": 95})
    v2 = ph.add_entry(sato, pid, "vitals", {"systolic": 138, "diastolic": 88},
                      "入力誤りの訂正", corrects=v1["id"])
    v3 = ph.add_entry(tanaka, pid, "vitals", {"systolic": 136, "diastolic": 88},
                      corrects=v2["id"])
    ct.check_eq(v2.get("corrects"), v1["id"], "corrects of the correction")
    ct.check_eq(v3.get("corrects"), v2["id"], "corrects of the second correction")
    old = ph.get_entry(tanaka, v1["id"])
    ct.check_eq(old.get("corrected_by"), [v2["id"]], "corrected_by of the original")
    ct.check_eq(old.get("fields"), {"systolic": 180, "diastolic": 95},
                "the original is never changed")
    ct.check_eq(ph.get_entry(sato, v2["id"]).get("corrected_by"), [v3["id"]],
                "corrected_by of the first correction")
    rows = ph.psql("SELECT count(*) FROM entries WHERE id IN (:'a', :'b', :'c');", "super",
                   a=v1["id"], b=v2["id"], c=v3["id"])
    ct.check_eq(rows[0][0], "3", "three rows for the chain")
    # the table refuses changes in place, even to the superuser (whom
    # row-level security does not bind)
    for sql in ("UPDATE entries SET text = 'x' WHERE id = :'a';",
                "DELETE FROM entries WHERE id = :'a';"):
        rc, _, err = ph.psql_run(sql, "super", a=v1["id"])
        ct.check(rc != 0 and "never changed in place" in err,
                 "%s of an entry by the superuser was not refused: %s" % (sql.split()[0], err))
    return v3


def check_read_marks(sato, ito, tanaka, outsider, entry_id):
    ct.check(ph.get_entry(ito, entry_id).get("read") is False, "unread before the mark")
    for _ in range(2):
        w.expect(ito.request("POST", API + "/entries/%s/read" % entry_id), 204,
                 "POST /entries/%s/read" % entry_id)
    e = ph.get_entry(ito, entry_id)
    ct.check(e.get("read") is True, "read after the mark: %r" % e)
    by = e.get("read_by") or []
    ct.check(len(by) == 1 and by[0]["id"] == ph.me(ito) and by[0].get("name") and
             by[0].get("at"), "read_by names 伊藤 once: %r" % by)
    ct.check(ph.get_entry(tanaka, entry_id).get("read") is False,
             "another member's read flag is their own")
    unknown = outsider.request("POST", API + "/entries/%s/read" % uuid.uuid4())
    r = outsider.request("POST", API + "/entries/%s/read" % entry_id)
    ct.check(r.status == 404 and r.body == unknown.body,
             "an outsider's read mark: expected the unknown 404, got %s" % r.describe())
    r = outsider.request("GET", API + "/entries/%s" % entry_id)
    ct.check(r.status == 404 and r.error_code() == "patient_not_found",
             "an outsider reads an entry: %s" % r.describe())


def check_attachments(sato, ito, outsider, pid):
    data = w.png((0x10, 0x20, 0x30))
    a = ph.upload_ok(sato, pid, data, "image/png", "褥瘡の写真.png")
    ct.check_eq(a.get("content_type"), "image/png", "type of the upload")
    ct.check_eq(a.get("size"), len(data), "size of the upload")
    # the type is told by the bytes, not by what the browser declared
    c = ph.upload_ok(sato, pid, data, "application/octet-stream", "写真.png")
    ct.check_eq(c.get("content_type"), "image/png", "type of a PNG sent as octet-stream")
    r = ph.upload(sato, pid, b"just some text, not an image", "image/png", "x.png")
    w.expect(r, 415, "a text body as an image", "unsupported_type")
    unknown = ph.upload(outsider, str(uuid.uuid4()), data, "image/png", "x.png")
    r = ph.upload(outsider, pid, data, "image/png", "x.png")
    ct.check(r.status == 404 and r.body == unknown.body,
             "an outsider's upload: expected the unknown 404, got %s" % r.describe())
    r = ph.upload(outsider, pid, b"not an image", "image/png", "x.png")
    ct.check(r.status == 404 and r.body == unknown.body,
             "an outsider's bad upload: expected the unknown 404, got %s" % r.describe())

    e = ph.add_entry(sato, pid, "adl", {"condition": "仙骨部に発赤"}, "写真を添付",
                     attachments=[a["id"]])
    atts = e.get("attachments") or []
    ct.check(len(atts) == 1 and atts[0]["id"] == a["id"] and
             atts[0]["filename"] == "褥瘡の写真.png", "the entry's attachments: %r" % atts)
    r = ph.add_entry_request(sato, pid, "adl", {"condition": "再利用"}, None,
                             attachments=[a["id"]])
    w.expect(r, 400, "an attachment claimed twice", "unknown_attachment")

    r = ito.request("GET", API + "/patient-attachments/" + a["id"])
    ct.check(r.status == 200 and r.body == data, "a member downloads the file: %s"
             % r.describe())
    ct.check("no-store" in (r.headers.get("Cache-Control") or ""),
             "Cache-Control of a patient file: %r" % r.headers.get("Cache-Control"))
    ct.check("filename*=UTF-8''" in (r.headers.get("Content-Disposition") or ""),
             "Content-Disposition of a patient file: %r" % r.headers.get("Content-Disposition"))
    unknown = outsider.request("GET", API + "/patient-attachments/" + str(uuid.uuid4()))
    r = outsider.request("GET", API + "/patient-attachments/" + a["id"])
    ct.check(r.status == 404 and r.body == unknown.body,
             "an outsider downloads the file: %s" % r.describe())

    # an unclaimed upload is its uploader's alone
    b = ph.upload_ok(sato, pid, w.pdf("x"), "application/pdf", "紹介状.pdf")
    ct.check_eq(b.get("content_type"), "application/pdf", "type of the PDF")
    r = ito.request("GET", API + "/patient-attachments/" + b["id"])
    ct.check(r.status == 404, "another member reads an unclaimed upload: %s" % r.describe())
    r = sato.request("GET", API + "/patient-attachments/" + b["id"])
    ct.check(r.status == 200, "the uploader reads their unclaimed upload: %s" % r.describe())


def check_last_values(sato, outsider, pid):
    lv = w.expect(sato.request("GET", API + "/patients/%s/last-values" % pid), 200,
                  "GET last-values")
    v = lv.get("vitals") or {}
    # the chain's last correction wins; pulse from the first vitals entry
    ct.check_eq((v.get("systolic") or {}).get("value"), 136, "last systolic")
    ct.check_eq((v.get("pulse") or {}).get("value"), 70, "last pulse")
    ct.check((v.get("systolic") or {}).get("at"), "last systolic has its time")
    adl = lv.get("adl") or {}
    ct.check_eq((adl.get("eating") or {}).get("value"), "independent", "last eating")
    ct.check_eq((adl.get("condition") or {}).get("value"), "仙骨部に発赤", "last condition")
    r = outsider.request("GET", API + "/patients/%s/last-values" % pid)
    ct.check(r.status == 404 and r.error_code() == "patient_not_found",
             "an outsider's last values: %s" % r.describe())


def check_templates(sato, tanaka):
    mine = ph.create_template(sato, ph.unique("朝バイタル"), "vitals", {"spo2": 96})
    shared = ph.create_template(sato, ph.unique("共有訪問"), "visit_note", {},
                                "訪問。変わりなし。", shared=True)
    r = sato.request("POST", API + "/entry-templates",
                     json_body={"name": "範囲外", "category": "vitals",
                                "fields": {"spo2": 120}, "text": "", "shared": False})
    w.expect(r, 400, "a template with spo2 120", "invalid_vitals")
    r = sato.request("POST", API + "/entry-templates",
                     json_body={"name": "", "category": "vitals"})
    w.expect(r, 400, "a template without a name", "invalid_name")

    def listed(s):
        doc = w.expect(s.request("GET", API + "/entry-templates"), 200, "GET templates")
        return {t["id"]: t for t in doc["templates"]}

    s_list, t_list = listed(sato), listed(tanaka)
    ct.check(mine["id"] in s_list and shared["id"] in s_list, "佐藤 lists both templates")
    ct.check(mine["id"] not in t_list, "a personal template is its owner's alone")
    ct.check(shared["id"] in t_list, "a shared template is everyone's")
    ct.check_eq(t_list[shared["id"]].get("text"), "訪問。変わりなし。", "the shared defaults")
    w.expect(tanaka.request("DELETE", API + "/entry-templates/" + shared["id"]), 404,
             "another person deletes a shared template", "template_not_found")
    w.expect(sato.request("DELETE", API + "/entry-templates/" + mine["id"]), 204,
             "the owner deletes a template")
    ct.check(mine["id"] not in listed(sato), "the deleted template is gone")
    w.expect(sato.request("DELETE", API + "/entry-templates/" + shared["id"]), 204,
             "the owner deletes the shared template")


def check_filter_and_paging(sato, pid):
    allv = ph.entries(sato, pid, category="vitals", limit=200)
    ct.check(allv and all(e["category"] == "vitals" for e in allv),
             "the category filter: %r" % [e["category"] for e in allv])
    everything = ph.entries(sato, pid, limit=200)
    ct.check(len(everything) > len(allv), "the unfiltered timeline holds more")
    first = ph.entries(sato, pid, limit=2)
    ct.check_eq(ids(first), ids(everything)[:2], "the first page of 2, newest first")
    nxt = ph.entries(sato, pid, limit=2, before=first[-1]["id"])
    ct.check_eq(ids(nxt), ids(everything)[2:4], "the page before the second entry")
    for bad in ({"limit": "0"}, {"limit": "201"}, {"before": "x"}, {"category": "diary"}):
        r = sato.request("GET", ph.q(API + "/patients/%s/entries" % pid, **bad))
        ct.check(r.status == 400, "GET entries with %r: %s" % (bad, r.describe()))


def check_round(sato, tanaka, ito):
    """10 patients: 佐藤 on every team; 田中 on the even ones, 伊藤 on the
    odd ones. One round of 10 notes; each member sees only their own."""
    patients = []
    for i in range(10):
        owner = tanaka if i % 2 == 0 else ito
        d = ph.Distinct()
        p = ph.create_patient(owner, d, my_role="care_manager" if owner is tanaka else "helper")
        ph.add_member(owner, p["id"], ph.me(sato), "primary_doctor")
        patients.append((owner, p, d))
    items = [{"patient_id": p["id"], "category": "visit_note", "text": d.note("回診%d" % i)}
             for i, (_, p, d) in enumerate(patients)]
    doc = w.expect(ph.round_request(sato, items), 201, "a round of 10")
    got = doc.get("entries") or []
    ct.check_eq([e["patient_id"] for e in got], [it["patient_id"] for it in items],
                "the round's entries in order")
    for i, (owner, p, _) in enumerate(patients):
        other = ito if owner is tanaka else tanaka
        ct.check_eq(ids(ph.entries(owner, p["id"])), [got[i]["id"]],
                    "patient %d's timeline for its team" % i)
        r = other.request("GET", API + "/entries/" + got[i]["id"])
        ct.check(r.status == 404, "entry %d seen outside its team: %s" % (i, r.describe()))
        r = other.request("GET", API + "/patients/%s/entries" % p["id"])
        ct.check(r.status == 404, "timeline %d seen outside its team: %s" % (i, r.describe()))

    # one bad entry refuses the whole round
    bad = [{"patient_id": p["id"], "category": "vitals", "fields": {"pulse": 80}}
           for _, p, _ in patients[:5]]
    bad[3]["fields"] = {"pulse": 80, "spo2": 101}
    r = ph.round_request(sato, bad)
    ct.check(r.status == 400 and r.error_code() == "invalid_vitals" and
             r.json()["error"].get("index") == 3,
             "a round with spo2 101: expected 400 invalid_vitals index 3, got %s" % r.describe())
    # a note addressed to someone of another team, found inside the transaction
    bad = [{"patient_id": p["id"], "category": "vitals", "fields": {"pulse": 80}}
           for _, p, _ in patients[:3]]
    bad[2] = {"patient_id": patients[2][1]["id"], "category": "message", "text": "連絡",
              "addressed_to": [ph.me(ito)]}
    r = ph.round_request(sato, bad)
    ct.check(r.status == 400 and r.error_code() == "not_in_team" and
             r.json()["error"].get("index") == 2,
             "a round with a stranger addressed: expected 400 not_in_team index 2, got %s"
             % r.describe())
    for i, (owner, p, _) in enumerate(patients):
        ct.check_eq(ids(ph.entries(sato, p["id"])), [got[i]["id"]],
                    "patient %d's timeline after the refused rounds" % i)


def check_event(entry):
    for _ in range(40):
        for m, name, d in ph.topic_events("carelink.records", ["PatientEntryAdded"]):
            if d and d.get("entry_id") == entry["id"]:
                ct.check_eq(d.get("category"), entry["category"], "event category")
                ct.check_eq(d.get("patient_id"), entry["patient_id"], "event patient")
                ct.check_eq(m.key.decode(), entry["patient_id"], "event key")
                blob = ph.raw_text(m)
                ct.check(entry["text"].encode() not in blob, "the event carries the text")
                return
        import time
        time.sleep(0.5)
    ct.fail("no PatientEntryAdded for entry %s" % entry["id"])


def check_row_security(pid, member, outsider):
    """As the app role, a query without any WHERE on the patient still
    returns only the rows of the caller's teams."""
    sql = ("BEGIN; SELECT set_config('carelink.user_id', :'u', true),"
           " set_config('carelink.tenant_id', :'t', true);"
           " SELECT (SELECT count(*) FROM entries WHERE patient_id = :'p'),"
           " (SELECT count(*) FROM entry_reads WHERE patient_id = :'p'),"
           " (SELECT count(*) FROM entry_attachments WHERE patient_id = :'p'); COMMIT;")
    tenant = ct.seed()["tenant"]["id"]
    seen = ph.psql(sql, "app", u=ph.me(member), t=tenant, p=pid)[-1]
    ct.check(all(int(n) > 0 for n in seen), "a member sees the rows as the app role: %r" % seen)
    hidden = ph.psql(sql, "app", u=ph.me(outsider), t=tenant, p=pid)[-1]
    ct.check_eq(hidden, ["0", "0", "0"], "rows an outsider sees as the app role")
    rc, _, err = ph.psql_run(
        "BEGIN; SELECT set_config('carelink.user_id', :'u', true),"
        " set_config('carelink.tenant_id', :'t', true);"
        " INSERT INTO entries (tenant_id, patient_id, category, text, author_id, author_name,"
        " author_role) VALUES (:'t', :'p', 'visit_note', 'x', :'u', 'x', 'x'); COMMIT;",
        "app", u=ph.me(outsider), t=tenant, p=pid)
    ct.check(rc != 0 and "row-level security" in err,
             "an outsider's INSERT as the app role: %s" % err.strip())


def test():
    tanaka, sato, ito, yamamoto = (ph.login(n) for n in ("tanaka", "sato", "ito", "yamamoto"))
    d = ph.Distinct()
    p = ph.create_patient(tanaka, d, my_role="care_manager")
    pid = p["id"]
    ph.add_member(tanaka, pid, ph.me(sato), "primary_doctor")
    ph.add_member(tanaka, pid, ph.me(ito), "helper")
    other = ph.create_patient(yamamoto, ph.Distinct(), my_role="pharmacist")
    other_entry = ph.add_entry(yamamoto, other["id"], "visit_note", None, "別の利用者")

    mark = ph.audit_mark()
    written = check_entries_of_each_category(sato, ito, pid)
    writes = [a for a in ph.audit_since(mark, ph.me(sato)) if a["action"] == "write"]
    ct.check({e["id"] for e in written.values()} <= {a["entry_id"] for a in writes},
             "every entry written has its write audit row")
    check_bad_entries(sato, ito, pid, other_entry["id"], yamamoto)
    check_corrections(sato, tanaka, pid)
    check_read_marks(sato, ito, tanaka, yamamoto, written["message"]["id"])
    check_attachments(sato, ito, yamamoto, pid)
    check_last_values(sato, yamamoto, pid)
    check_row_security(pid, ito, yamamoto)
    mark = ph.audit_mark()
    check_filter_and_paging(sato, pid)
    reads = [a for a in ph.audit_since(mark, ph.me(sato)) if a["action"] == "read"]
    ct.check(reads and all(a["patient_id"] == pid and a["outcome"] == "ok" for a in reads),
             "timeline reads are audited: %r" % reads)
    check_templates(sato, tanaka)
    check_round(sato, tanaka, ito)
    check_event(written["visit_note"])


if __name__ == "__main__":
    ct.run(test, budget_s=280)

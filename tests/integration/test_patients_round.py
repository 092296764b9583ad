#!/usr/bin/env python3
"""A round entry (issue 7's fourth "done when"), against
services/records/PATIENTS.md.

Ten fresh people of the demo tenant each register a patient of their own
(with consent) and add 佐藤 (doctor) as primary doctor: ten teams, each of
佐藤 and one distinct member. 佐藤 posts one POST /rounds with a note for
each of the ten patients: 201 with ten entries in order, one per patient.
Then each member sees exactly their own patient's entry (GET /entries/{id},
the patient's timeline, GET /patients) and gets 404 — byte for byte an
unknown id's answer — for each of the nine others; 佐藤 sees all ten.

A round naming a patient 佐藤 is not on the team of is refused as a whole
(404 patient_not_found with its "index"), and so is one with vitals out of
range (400 invalid_vitals with its "index"): nothing of either is written.
"""

import os
import sys
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import patient_helpers as ph  # noqa: E402

API = ph.API
N = 10


def timeline_ids(session, pid):
    return [e["id"] for e in ph.entries(session, pid, limit=200)]


def test():
    sato = ph.login("sato")
    people, patients, needles = [], [], []
    for i in range(N):
        s = ph.new_person(ph.unique("pt-round-%d" % i), "care_worker")
        d = ph.Distinct()
        p = ph.create_patient(s, d, my_role="helper")
        ph.add_member(s, p["id"], sato.user["id"], "primary_doctor")
        people.append(s)
        patients.append((p, d))
    ct.log("10 patients: %s" % ", ".join(p["id"] for p, _ in patients))

    items = []
    for i, (p, d) in enumerate(patients):
        items.append({"patient_id": p["id"], "category": "visit_note",
                      "text": d.note("回診%d" % i)})
    r = ph.round_request(sato, items)
    doc = ph.expect(r, 201, "POST /rounds with 10 patients")
    got = doc.get("entries") or []
    ct.check_eq(len(got), N, "entries of the round")
    for i, e in enumerate(got):
        ct.check_eq(e.get("patient_id"), patients[i][0]["id"], "patient of round entry %d" % i)
        ct.check_eq(e.get("text"), items[i]["text"], "text of round entry %d" % i)
        ct.check_eq((e.get("author") or {}).get("id"), sato.user["id"],
                    "author of round entry %d" % i)
        ct.check_eq(e.get("category"), "visit_note", "category of round entry %d" % i)
    ids = [e["id"] for e in got]
    ct.check_eq(len(set(ids)), N, "distinct entry ids of the round")

    problems = []
    for i, s in enumerate(people):
        pid = patients[i][0]["id"]
        e = ph.get_entry(s, ids[i])
        if e.get("text") != items[i]["text"]:
            problems.append("member %d reads %r for their entry" % (i, e.get("text")))
        if timeline_ids(s, pid) != [ids[i]]:
            problems.append("member %d's timeline: %r, expected [%s]"
                            % (i, timeline_ids(s, pid), ids[i]))
        listed = [p["id"] for p in ph.my_patients(s)]
        if listed != [pid]:
            problems.append("member %d lists %r, expected only %s" % (i, listed, pid))
        unknown = s.request("GET", API + "/entries/" + str(uuid.uuid4()))
        unknown_p = s.request("GET", API + "/patients/%s/entries" % uuid.uuid4())
        for j in range(N):
            if j == i:
                continue
            r = s.request("GET", API + "/entries/" + ids[j])
            if r.status != 404 or r.body != unknown.body:
                problems.append("member %d reads entry %d of another team: %s"
                                % (i, j, r.describe()))
            r = s.request("GET", API + "/patients/%s/entries" % patients[j][0]["id"])
            if r.status != 404 or r.body != unknown_p.body:
                problems.append("member %d reads the timeline of patient %d: %s"
                                % (i, j, r.describe()))
            text = r.body.decode("utf-8", "replace")
            if any(x in text for x in patients[j][1].needles()):
                problems.append("member %d's answer about patient %d names it" % (i, j))
    for i, (p, _) in enumerate(patients):
        if timeline_ids(sato, p["id"]) != [ids[i]]:
            problems.append("佐藤's timeline of patient %d: %r" % (i, timeline_ids(sato, p["id"])))
    listed = {p["id"] for p in ph.my_patients(sato)}
    if not {p["id"] for p, _ in patients} <= listed:
        problems.append("佐藤 does not list all ten patients")

    # refused rounds write nothing
    stranger = ph.new_person(ph.unique("pt-round-x"), "care_worker")
    other = ph.create_patient(stranger, ph.Distinct())
    bad = [dict(items[0], text="二回目 " + ph.kana(8)),
           {"patient_id": other["id"], "category": "visit_note", "text": "侵入 " + ph.kana(8)},
           dict(items[2], text="二回目 " + ph.kana(8))]
    r = ph.round_request(sato, bad)
    if r.status != 404 or r.error_code() != "patient_not_found" or \
            (r.json().get("error") or {}).get("index") != 1:
        problems.append("a round naming another team's patient: expected 404 "
                        "patient_not_found with index 1, got %s" % r.describe())
    bad = [dict(items[0], text="三回目 " + ph.kana(8)),
           {"patient_id": items[1]["patient_id"], "category": "vitals",
            "fields": {"systolic": 120, "diastolic": 80, "pulse": 400}}]
    r = ph.round_request(sato, bad)
    if r.status != 400 or r.error_code() != "invalid_vitals" or \
            (r.json().get("error") or {}).get("index") != 1:
        problems.append("a round with a pulse of 400: expected 400 invalid_vitals with "
                        "index 1, got %s" % r.describe())
    for i, (p, _) in enumerate(patients):
        if timeline_ids(sato, p["id"]) != [ids[i]]:
            problems.append("after the refused rounds, patient %d's timeline is %r"
                            % (i, timeline_ids(sato, p["id"])))
    if ph.entries(stranger, other["id"]):
        problems.append("the refused round wrote into the other team's patient")
    r = ph.round_request(sato, [])
    if r.status != 400:
        problems.append("an empty round: expected 400, got %s" % r.describe())
    if problems:
        ct.fail("%d round problems:\n  %s" % (len(problems), "\n  ".join(problems)))


if __name__ == "__main__":
    ct.run(test, budget_s=280)

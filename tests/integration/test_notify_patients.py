#!/usr/bin/env python3
"""notify turns the events of carelink.records into exactly the right
notifications (services/records/PATIENTS.md, "Events" and the access rule).

Injected on carelink.records with python3-avro (keyed by the patient id, as
records keys them), for a patient whose team is 田中 and 伊藤, 加藤 a
bystander who is never told (and the one who breaks the glass):

* CareTeamChanged: notify's copy of the team; nobody is told;
* PatientEntryAdded `message`: "patient_message" for its addressees but the
  author; the same event twice makes it once;
* PatientEntryAdded `incident`: "patient_incident" for the whole team but
  the author; `vitals` and the other categories: nobody;
* BreakGlassOpened: "break_glass" for the team, linking to the access
  history, not for who opened it;
* no title or body names the patient (nor holds its id); the links do;
* live pushes go to the named users only: 加藤's event stream carries none
  of them, 伊藤's carries the message;
* a CareTeamChanged that removes 伊藤 hides every earlier notification
  about the patient from 伊藤's feed at once; adding 伊藤 back shows them.

Then end to end, once records serves patient files: a patient registered
through the gateway by 田中 with 伊藤 in the team, a message to 伊藤, an
incident of 伊藤, a break-glass of 佐藤 (a doctor): the same notifications
come from records' own events; none names the patient; 伊藤 removed by
田中 sees none of them any more.

Every "nobody was told" check comes after a later event on the same key
(the same partition, handled in order) has been delivered.
"""

import json
import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import workspace_helpers as w  # noqa: E402
from test_notify_vacancy import encode  # noqa: E402

PEOPLE = ("tanaka", "ito", "kato")
TOPIC = "carelink.records"
NAMESPACE = "carelink.records."


def inject(name, datum, raw=None):
    """Puts the event on carelink.records keyed by its patient id; returns
    the bytes (raw: these bytes again)."""
    value = raw if raw is not None else encode(name, datum)
    ct.produce(TOPIC, datum["patient_id"], value,
               [("ce_id", datum["event_id"]), ("ce_type", NAMESPACE + name),
                ("ce_source", "test"), ("ce_specversion", "1.0"),
                ("content-type", "application/avro")])
    return value


def now_ms():
    return int(time.time() * 1000)


def base(patient_id):
    return {"event_id": str(uuid.uuid4()), "tenant_id": ct.seed()["tenant"]["id"],
            "time": now_ms(), "patient_id": patient_id}


def team(patient_id, members, added=(), removed=()):
    return dict(base(patient_id), members=[w.uid(m) for m in members],
                added=[w.uid(m) for m in added], removed=[w.uid(m) for m in removed])


def entry(patient_id, category, author, addressed_to=(), corrects=None):
    eid = str(uuid.uuid4())
    return dict(base(patient_id), entry_id=eid, category=category, author_id=w.uid(author),
                addressed_to=[w.uid(m) for m in addressed_to], corrects=corrects)


def break_glass(patient_id, opener, members):
    return dict(base(patient_id), user_id=w.uid(opener), grant_id=str(uuid.uuid4()),
                expires_at=now_ms() + 3600 * 1000, team=[w.uid(m) for m in members])


# --------------------------------------------------------------------------
# feeds


def about(items, ident):
    return [n for n in items if ident in (n.get("link") or "")]


def kinds(items, ident):
    """Sorted kinds of the notifications whose link names ident."""
    return sorted(n.get("kind") for n in about(items, ident))


def wait_kinds(s, mark, ident, want, what, timeout=25):
    """Waits until the kinds about ident in s's feed are exactly want."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = kinds(w.feed_since(s, mark), ident)
        if last == sorted(want):
            return
        if time.monotonic() > deadline:
            ct.fail("%s: %s's notifications about %s are not %r within %d s (last seen %r)"
                    % (what, s.name, ident, sorted(want), timeout, last))
        time.sleep(0.3)


def check_kinds(s, mark, ident, want, what):
    got = kinds(w.feed_since(s, mark), ident)
    ct.check(got == sorted(want), "%s: %s's notifications about %s are %r, not %r"
             % (what, s.name, ident, got, sorted(want)))


def one(s, mark, ident, kind):
    found = [n for n in about(w.feed_since(s, mark), ident) if n.get("kind") == kind]
    ct.check(len(found) == 1, "%s has %d %s notifications about %s"
             % (s.name, len(found), kind, ident))
    return found[0]


def names_no_patient(n, pid, what):
    for key in ("title", "body"):
        text = n.get(key) or ""
        ct.check(pid not in text, "%s: the %s names the patient's id: %r" % (what, key, text))
        ct.check("様" not in text, "%s: the %s seems to name a person: %r" % (what, key, text))


# --------------------------------------------------------------------------


def test():
    s = {n: w.login(n) for n in PEOPLE}
    marks = {n: w.feed_mark(s[n]) for n in PEOPLE}
    live = {n: ct.EventStream(s[n]) for n in ("ito", "kato")}
    for st in live.values():
        st.wait_ready()
    try:
        run(s, marks, live)
        end_to_end(s, marks)
    finally:
        for st in live.values():
            st.close()


def run(s, marks, live):
    pid = str(uuid.uuid4())

    # the team: 田中 registered the patient, 伊藤 joined; nobody is told
    inject("CareTeamChanged", team(pid, ["tanaka"], added=["tanaka"]))
    inject("CareTeamChanged", team(pid, ["tanaka", "ito"], added=["ito"]))

    # a message of 田中 to 伊藤 (and, needlessly, to 田中): 伊藤 only, once
    msg = entry(pid, "message", "tanaka", addressed_to=["ito", "tanaka"])
    raw = inject("PatientEntryAdded", msg)
    inject("PatientEntryAdded", msg, raw=raw)
    wait_kinds(s["ito"], marks["ito"], pid, ["patient_message"], "a message to 伊藤")
    item = one(s["ito"], marks["ito"], pid, "patient_message")
    ct.check_eq(item.get("title"), "利用者の記録にあなた宛てのメッセージがあります",
                "title of patient_message")
    ct.check_eq(item.get("link"), "#/patients/%s/entries/%s" % (pid, msg["entry_id"]),
                "link of patient_message")
    ct.check_eq((item.get("actor") or {}).get("id"), w.uid("tanaka"), "actor of patient_message")
    names_no_patient(item, pid, "patient_message")
    pushed = live["ito"].wait_for(
        lambda e: e.event == "notification" and pid in (e.json().get("link") or ""),
        15, "伊藤's live patient_message")
    ct.check_eq(pushed.json().get("kind"), "patient_message", "kind pushed live to 伊藤")
    ct.log("PatientEntryAdded message: its addressee, once, live too; not its author")

    # an incident of 伊藤: the team but 伊藤; vitals: nobody
    inc = entry(pid, "incident", "ito")
    inject("PatientEntryAdded", entry(pid, "vitals", "ito"))
    inject("PatientEntryAdded", inc)
    wait_kinds(s["tanaka"], marks["tanaka"], pid, ["patient_incident"], "an incident of 伊藤")
    item = one(s["tanaka"], marks["tanaka"], pid, "patient_incident")
    ct.check_eq(item.get("link"), "#/patients/%s/entries/%s" % (pid, inc["entry_id"]),
                "link of patient_incident")
    names_no_patient(item, pid, "patient_incident")
    check_kinds(s["ito"], marks["ito"], pid, ["patient_message"], "an incident of 伊藤's own")
    ct.log("PatientEntryAdded incident: the team but its author; vitals: nobody")

    # 加藤 breaks the glass: the team is told, 加藤 is not
    bg = break_glass(pid, "kato", ["tanaka", "ito"])
    inject("BreakGlassOpened", bg)
    for n in ("tanaka", "ito"):
        wait_kinds(s[n], marks[n], pid,
                   ["break_glass", "patient_incident" if n == "tanaka" else "patient_message"],
                   "a break-glass")
    item = one(s["tanaka"], marks["tanaka"], pid, "break_glass")
    ct.check_eq(item.get("link"), "#/patients/%s/access-history" % pid, "link of break_glass")
    ct.check_eq((item.get("actor") or {}).get("id"), w.uid("kato"), "actor of break_glass")
    names_no_patient(item, pid, "break_glass")
    check_kinds(s["kato"], marks["kato"], pid, [], "a bystander who broke the glass")
    leaked = [e for e in live["kato"].collect(1.0)
              if e.event == "notification" and pid in e.data]
    ct.check(not leaked, "加藤's event stream carried notifications about the patient: %r"
             % leaked)
    ct.log("BreakGlassOpened: the team, not who opened it; nothing pushed to a bystander")

    # 伊藤 leaves: every notification about the patient is gone from 伊藤's
    # feed at once; a later break-glass (told to 田中) is the barrier
    inject("CareTeamChanged", team(pid, ["tanaka"], removed=["ito"]))
    inject("BreakGlassOpened", break_glass(pid, "kato", ["tanaka"]))
    wait_kinds(s["tanaka"], marks["tanaka"], pid,
               ["break_glass", "break_glass", "patient_incident"], "the barrier after 伊藤 left")
    check_kinds(s["ito"], marks["ito"], pid, [], "伊藤 after leaving the team")
    ct.log("CareTeamChanged removing 伊藤: 伊藤's notifications about the patient are hidden")

    # an incident after 伊藤 left does not reach 伊藤 either, and back in the
    # team 伊藤 sees what was told to 伊藤 before
    inject("PatientEntryAdded", entry(pid, "incident", "tanaka"))
    inject("CareTeamChanged", team(pid, ["tanaka", "ito"], added=["ito"]))
    inject("PatientEntryAdded", entry(pid, "message", "tanaka", addressed_to=["ito"]))
    wait_kinds(s["ito"], marks["ito"], pid,
               ["break_glass", "patient_message", "patient_message"], "伊藤 back in the team")
    ct.log("an incident while outside the team is not told; back in the team the old ones show")


def api(s, method, path, body=None, want=200):
    r = s.request(method, "/api/v1" + path, json_body=body)
    ct.check(r.status == want, "%s %s as %s: expected %d, got %s"
             % (method, path, s.name, want, r.describe()))
    return r.json() if r.body else None


def end_to_end(s, marks):
    probe = s["tanaka"].request("GET", "/api/v1/patients")
    if probe.status != 200:
        ct.log("note: records does not serve patient files yet (%s): end to end not checked"
               % probe.describe()[:80])
        return
    sato = w.login("sato")
    smark = w.feed_mark(sato)
    name = "試験 %s" % w.jp_word(6)
    patient = api(s["tanaka"], "POST", "/patients",
                  {"name": name, "kana": "シケン タロウ", "birth_date": "1938-04-02",
                   "address": "東町1-2-3", "my_role": "care_manager",
                   "consent": {"given": True, "date": "2026-11-01", "scope": "care_team"}},
                  201)["patient"]
    pid = patient["id"]
    api(s["tanaka"], "POST", "/patients/%s/team" % pid,
        {"user_id": w.uid("ito"), "role": "visiting_nurse"}, 201)
    text = "夜間の見守りをお願いします %s" % w.jp_word(6)
    msg = api(s["tanaka"], "POST", "/patients/%s/entries" % pid,
              {"category": "message", "text": text, "addressed_to": [w.uid("ito")]},
              201)["entry"]
    inc = api(s["ito"], "POST", "/patients/%s/entries" % pid,
              {"category": "incident", "fields": {"kind": "fall", "injury": False},
               "text": "居間で転倒 " + text}, 201)["entry"]
    api(sato, "POST", "/patients/%s/break-glass" % pid,
        {"reason": "救急搬送のため既往歴と服薬の確認が必要です"}, 201)
    wait_kinds(s["ito"], marks["ito"], pid, ["break_glass", "patient_message"],
               "end to end: 伊藤")
    wait_kinds(s["tanaka"], marks["tanaka"], pid, ["break_glass", "patient_incident"],
               "end to end: 田中")
    ct.check_eq(one(s["ito"], marks["ito"], pid, "patient_message").get("link"),
                "#/patients/%s/entries/%s" % (pid, msg["id"]), "link of the message")
    ct.check_eq(one(s["tanaka"], marks["tanaka"], pid, "patient_incident").get("link"),
                "#/patients/%s/entries/%s" % (pid, inc["id"]), "link of the incident")
    for who, mark in ((s["ito"], marks["ito"]), (s["tanaka"], marks["tanaka"])):
        for n in about(w.feed_since(who, mark), pid):
            blob = json.dumps(n, ensure_ascii=False)
            for secret in (name, "シケン", "東町", text):
                ct.check(secret not in blob, "a notification names %r: %s" % (secret, blob))
    check_kinds(sato, smark, pid, [], "the doctor who broke the glass")
    check_kinds(s["kato"], marks["kato"], pid, [], "a bystander")
    ct.log("end to end: records' events tell 伊藤 of the message, 田中 of the incident, both "
           "of the break-glass; nothing names the patient or holds the text")

    api(s["tanaka"], "DELETE", "/patients/%s/team/%s" % (pid, w.uid("ito")), None, 204)
    deadline = time.monotonic() + 25
    while kinds(w.feed_since(s["ito"], marks["ito"]), pid):
        if time.monotonic() > deadline:
            ct.fail("伊藤 still sees notifications about the patient after being removed: %r"
                    % kinds(w.feed_since(s["ito"], marks["ito"]), pid))
        time.sleep(0.3)
    check_kinds(s["tanaka"], marks["tanaka"], pid, ["break_glass", "patient_incident"],
                "田中 after removing 伊藤")
    ct.log("end to end: removed from the team, 伊藤 no longer sees them")


if __name__ == "__main__":
    ct.run(test, budget_s=180)

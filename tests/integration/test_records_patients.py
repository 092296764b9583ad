#!/usr/bin/env python3
"""Patients, care teams, break-glass and the access history
(services/records/PATIENTS.md), straight to records with a signed identity
(as the gateway would send it):

* a care manager registers a patient (bad name, kana, dates, codes: 400,
  nothing written) and is its first member; lists (?q= on name and kana),
  reads and changes it; an outsider (even a tenant admin) gets the 404 of
  an unknown id on every route, and the attempt is audited as denied;
* without consent a member cannot be added (409 consent_required); with
  it the doctor is added (409 already_member, 400 unknown_user), sees the
  file, leaves and loses it at once; the last member cannot leave
  (409 last_member); only the care manager or doctor removes others;
* break-glass: 400 reason_required, 403 forbidden for a care worker, 201
  for the police officer, who then reads the file until the grant's
  expires_at is moved into the past (psql as the superuser: the owner
  is bound by the policies too);
* the access history (JSON and CSV) holds the reads, writes and denials;
  the privacy officer role reads it too; the audit table refuses UPDATE
  for the app role; carelink-records --verify-audit says the chain is ok.
"""

import csv
import io
import json
import os
import sys
import urllib.parse
import uuid

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import patient_helpers as ph  # noqa: E402


def records_url():
    return "http://127.0.0.1:%d" % ct.service_port("records")


def call(who, method, path, body=None, roles=None, xff=None):
    """One request to records as demo user who (claims of the seed; roles
    replaced when given)."""
    claims = ct.identity_claims(who)
    if roles is not None:
        claims["r"] = roles
    headers = {"X-Carelink-Identity": ct.sign_identity(claims)}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if xff:
        headers["X-Forwarded-For"] = xff
    return ct.http_request(records_url(), method, path, data, headers)


def expect(r, status, what, code=None):
    if r.status != status:
        ct.fail("%s: expected %d, got %s" % (what, status, r.describe()))
    if code is not None:
        ct.check_eq(r.error_code(), code, "error code of %s" % what)
    return r.json() if r.body and r.headers.get("Content-Type", "").startswith(
        "application/json") else None


def user_id(name):
    return ct.seed_user(name)["id"]


def audit_rows(pid):
    return ph.psql("SELECT action, outcome, user_id, route, address FROM patient_audit"
                   " WHERE patient_id = :'p' ORDER BY id;", "owner", p=pid)


def check_validation():
    base = {"name": "検証 太郎", "kana": "ケンショウ タロウ", "birth_date": "1940-01-02",
            "my_role": "care_manager"}
    bad = [({"name": ""}, "invalid_name"),
           ({"kana": "けんしょう"}, "invalid_kana"),
           ({"kana": "Kensho"}, "invalid_kana"),
           ({"birth_date": "2990-01-01"}, "invalid_date"),
           ({"birth_date": "1940-02-30"}, "invalid_date"),
           ({"care_level": "care_9"}, "invalid_code"),
           ({"my_role": "boss"}, "invalid_code"),
           ({"consent": {"given": True, "date": "2026-11-01", "scope": "everyone"}},
            "invalid_code"),
           ({"consent": {"given": True, "date": "2999-11-01", "scope": "care_team"}},
            "invalid_date")]
    before = ph.psql("SELECT count(*) FROM patients;", "super")[0][0]
    for change, code in bad:
        body = dict(base, **change)
        expect(call("tanaka", "POST", "/v1/patients", body), 400, "create %r" % change, code)
    after = ph.psql("SELECT count(*) FROM patients;", "super")[0][0]
    ct.check_eq(after, before, "patients after refused creations")


def test():
    check_validation()
    marker = uuid.uuid4().hex[:6]
    kana = "テスト " + "".join("アイウエオカキクケコ"[int(c, 16) % 10] for c in marker)
    body = {"name": "試験 花子" + marker, "kana": kana, "birth_date": "1938-04-02",
            "address": "みどり市1-2-3", "care_level": "care_3",
            "contacts": [{"name": "試験 一郎", "relation": "長男", "phone": "090-0000-0000"}],
            "my_role": "care_manager"}
    doc = expect(call("tanaka", "POST", "/v1/patients", body), 201, "create a patient")
    p = doc["patient"]
    pid = p["id"]
    ct.check_eq(p["my_role"], "care_manager", "my_role of the creator")
    ct.check_eq(p["consent"], {"given": False}, "consent without one")
    ct.check_eq(p["created_by"]["id"], user_id("tanaka"), "created_by")

    # lists and ?q=
    mine = expect(call("tanaka", "GET", "/v1/patients?q=" + urllib.parse.quote("子" + marker)), 200, "list ?q=name")
    ct.check_eq([x["id"] for x in mine["patients"]], [pid], "?q= on the name")
    mine = expect(call("tanaka", "GET", "/v1/patients?q=" + urllib.parse.quote(
        kana.split(" ")[1])), 200, "list ?q=kana")
    ct.check_eq([x["id"] for x in mine["patients"]], [pid], "?q= on the kana")
    other = expect(call("suzuki", "GET", "/v1/patients"), 200, "an admin's list")
    ct.check(pid not in [x["id"] for x in other["patients"]], "a tenant admin lists the patient")

    # outsiders: the 404 of an unknown id, audited
    unknown = call("suzuki", "GET", "/v1/patients/" + str(uuid.uuid4()))
    expect(unknown, 404, "an unknown id", "patient_not_found")
    for method, path, b in [("GET", "/v1/patients/" + pid, None),
                            ("PATCH", "/v1/patients/" + pid, {"address": "x"}),
                            ("GET", "/v1/patients/%s/team" % pid, None),
                            ("POST", "/v1/patients/%s/team" % pid,
                             {"user_id": user_id("suzuki"), "role": "other"}),
                            ("DELETE", "/v1/patients/%s/team/%s" % (pid, user_id("tanaka")),
                             None),
                            ("GET", "/v1/patients/%s/access-history" % pid, None)]:
        r = call("suzuki", method, path, b)
        expect(r, 404, "outsider %s %s" % (method, path), "patient_not_found")
        ct.check_eq(r.body, unknown.body, "the outsider's 404 body of %s %s" % (method, path))
    denied = [row for row in audit_rows(pid) if row[0] == "denied"]
    ct.check(len(denied) >= 6, "denied attempts audited: %r" % denied)
    ct.check(all(row[2] == user_id("suzuki") for row in denied), "denied rows name suzuki")

    # read and change
    got = expect(call("tanaka", "GET", "/v1/patients/" + pid, xff="203.0.113.7"), 200, "get")
    ct.check_eq(got["patient"]["contacts"][0]["relation"], "長男", "contacts")
    ch = expect(call("tanaka", "PATCH", "/v1/patients/" + pid, {"care_level": "care_4"}),
                200, "patch")
    ct.check_eq(ch["patient"]["care_level"], "care_4", "changed care level")
    expect(call("tanaka", "PATCH", "/v1/patients/" + pid, {"kana": "abc"}), 400,
           "patch bad kana", "invalid_kana")
    ct.check(["read", "ok", user_id("tanaka"), "GET /v1/patients/:id", "203.0.113.7"]
             in audit_rows(pid), "the read audited with the forwarded address")

    # consent before sharing
    sato = user_id("sato")
    expect(call("tanaka", "POST", "/v1/patients/%s/team" % pid,
                {"user_id": sato, "role": "primary_doctor"}), 409, "add without consent",
           "consent_required")
    expect(call("tanaka", "PATCH", "/v1/patients/" + pid,
                {"consent": {"given": True, "date": "2026-11-01", "scope": "care_team"}}),
           200, "record consent")
    expect(call("tanaka", "POST", "/v1/patients/%s/team" % pid,
                {"user_id": "no-such-user", "role": "other"}), 400, "unknown user",
           "unknown_user")
    expect(call("tanaka", "POST", "/v1/patients/%s/team" % pid,
                {"user_id": sato, "role": "surgeon"}), 400, "bad role", "invalid_code")
    m = expect(call("tanaka", "POST", "/v1/patients/%s/team" % pid,
                    {"user_id": sato, "role": "primary_doctor"}), 201, "add the doctor")
    ct.check_eq(m["member"]["user"]["id"], sato, "the added member")
    ct.check_eq(m["member"]["role"], "primary_doctor", "the added member's role")
    expect(call("tanaka", "POST", "/v1/patients/%s/team" % pid,
                {"user_id": sato, "role": "primary_doctor"}), 409, "add twice",
           "already_member")
    team = expect(call("sato", "GET", "/v1/patients/%s/team" % pid), 200, "the doctor's team")
    ct.check_eq(sorted(x["user"]["id"] for x in team["members"]),
                sorted([sato, user_id("tanaka")]), "the team")
    expect(call("sato", "GET", "/v1/patients/" + pid), 200, "the doctor reads")

    # removal rules: ito (care worker) joins; ito may not remove sato
    ito = user_id("ito")
    expect(call("sato", "POST", "/v1/patients/%s/team" % pid, {"user_id": ito,
                                                              "role": "helper"}),
           201, "the doctor invites the helper")
    expect(call("ito", "DELETE", "/v1/patients/%s/team/%s" % (pid, sato)), 403,
           "a helper removes the doctor", "forbidden")
    ct.check(["team", "refused", ito, "DELETE /v1/patients/:id/team/:user_id", "127.0.0.1"]
             in audit_rows(pid), "the refused removal audited: %r" % audit_rows(pid)[-3:])
    expect(call("ito", "DELETE", "/v1/patients/%s/team/%s" % (pid, ito)), 204, "ito leaves")
    expect(call("ito", "GET", "/v1/patients/" + pid), 404, "after leaving", "patient_not_found")
    expect(call("tanaka", "DELETE", "/v1/patients/%s/team/%s" % (pid, sato)), 204,
           "the care manager removes the doctor")
    expect(call("sato", "GET", "/v1/patients/" + pid), 404, "after removal",
           "patient_not_found")
    expect(call("tanaka", "DELETE", "/v1/patients/%s/team/%s" % (pid, user_id("tanaka"))),
           409, "the last member leaves", "last_member")
    history = ph.psql("SELECT user_id, left_at IS NOT NULL FROM care_team_members"
                      " WHERE patient_id = :'p' ORDER BY id;", "super", p=pid)
    ct.check_eq(len(history), 3, "membership history kept: %r" % history)

    # break-glass
    bg = "/v1/patients/%s/break-glass" % pid
    expect(call("nakamura", "POST", bg, {"reason": "短い"}), 400, "short reason",
           "reason_required")
    expect(call("nakamura", "POST", bg, {}), 400, "no reason", "reason_required")
    expect(call("ito", "POST", bg, {"reason": "救急搬送のため既往歴を確認します"}), 403,
           "a care worker", "forbidden")
    expect(call("nakamura", "POST", "/v1/patients/%s/break-glass" % uuid.uuid4(),
                {"reason": "救急搬送のため既往歴を確認します"}), 404, "unknown patient",
           "patient_not_found")
    g = expect(call("nakamura", "POST", bg, {"reason": "救急搬送のため既往歴を確認します"}),
               201, "the police officer breaks the glass")["grant"]
    ct.check(g["id"] and g["expires_at"] and g["reason"], "the grant %r" % g)
    got = expect(call("nakamura", "GET", "/v1/patients/" + pid), 200, "read with the grant")
    ct.check_eq(got["patient"]["my_role"], "break_glass", "my_role with a grant")
    expect(call("nakamura", "PATCH", "/v1/patients/" + pid, {"address": "x"}), 403,
           "a break-glass holder changes the profile", "forbidden")
    ct.check(["write", "refused", user_id("nakamura"), "PATCH /v1/patients/:id", "127.0.0.1"]
             in audit_rows(pid), "the refused change audited")
    listed = expect(call("nakamura", "GET", "/v1/patients"), 200, "break-glass list")
    ct.check(pid in [x["id"] for x in listed["patients"]], "the grant lists the patient")
    # the owner is bound by the policies too: outside records' membership
    # functions it changes nothing of another's grant; the superuser can
    rc, rows, _ = ph.psql_run("UPDATE break_glass_grants SET expires_at = now()"
                              " WHERE id = :'g' RETURNING id;", "owner", g=g["id"])
    ct.check(rc == 0 and not rows, "the owner, with no user set, changed a grant: %r" % rows)
    ph.expire_grant(g["id"])
    expect(call("nakamura", "GET", "/v1/patients/" + pid), 404, "after the grant expired",
           "patient_not_found")

    # access history
    h = expect(call("tanaka", "GET", "/v1/patients/%s/access-history" % pid), 200,
               "access history")
    actions = {a["action"] for a in h["accesses"]}
    for want in ("read", "write", "denied", "team", "break_glass"):
        ct.check(want in actions, "%s in the access history: %r" % (want, actions))
    r = call("tanaka", "GET", "/v1/patients/%s/access-history?format=csv" % pid)
    expect(r, 200, "csv history")
    ct.check("attachment" in (r.headers.get("Content-Disposition") or ""),
             "Content-Disposition of the CSV")
    ct.check(r.body.startswith(b"\xef\xbb\xbf"), "the CSV starts with a BOM")
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))
    ct.check_eq(rows[0][:4], ["at", "user_id", "user_name", "action"], "CSV header")
    ct.check(len(rows) > 10, "CSV rows")
    off = expect(call("kato", "GET", "/v1/patients/%s/access-history" % pid,
                      roles=["member", "privacy_officer"]), 200, "a privacy officer")
    ct.check(off["accesses"], "the privacy officer sees the history")
    expect(call("kato", "GET", "/v1/patients/" + pid, roles=["member", "privacy_officer"]),
           404, "a privacy officer reads the profile", "patient_not_found")

    # the audit table is append-only; the chain verifies
    rc, _, err = ph.psql_run("UPDATE patient_audit SET outcome = 'ok' WHERE patient_id = :'p';",
                             "app", p=pid)
    ct.check(rc != 0, "the app role updated an audit row")
    rc, out = ph.verify_audit()
    ct.check(rc == 0 and "audit chain ok:" in out, "verify-audit: %d %s" % (rc, out))


if __name__ == "__main__":
    ct.run(test)

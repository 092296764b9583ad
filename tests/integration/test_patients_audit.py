#!/usr/bin/env python3
"""The tamper test of the patient audit chain (issue 7's second "done
when"), against services/records/PATIENTS.md.

After some patient activity (a patient registered, a member added, entries
written and read, an outsider refused), `carelink-records --verify-audit`
with the running system's configuration says `audit chain ok: N rows` and
exits 0. Then, as the PostgreSQL superuser with triggers off
(session_replication_role = replica: the append-only trigger does not
fire), the test

* alters one column of a row in the middle of this test's rows (one column
  at a time: user, user name, patient, entry, action, route, address,
  outcome, time, prev_hash, hash) → verify exits 1 and names exactly that
  row; the original value is put back → verify says ok again;
* alters the first row of the chain → verify names it;
* deletes a middle row → verify names the row after the gap; the row is
  put back exactly (row_to_json / json_populate_record) → ok again.

The app role (carelink_records_app) may neither UPDATE nor DELETE an audit
row (permission denied); the owner is stopped by the trigger. The chain is
left as it was found, verifying.
"""

import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import patient_helpers as ph  # noqa: E402

API = ph.API
OK_RE = re.compile(r"audit chain ok: (\d+) rows")
BROKEN_RE = re.compile(r"audit chain broken at row (\d+): (.+)")

# column -> SQL expression of a changed value
ALTERATIONS = [
    ("user_id", "gen_random_uuid()"),
    ("user_name", "'改ざん 太郎'"),
    ("patient_id", "gen_random_uuid()"),
    ("entry_id", "gen_random_uuid()"),
    ("action", "CASE WHEN action = 'read' THEN 'write' ELSE 'read' END"),
    ("route", "route || 'x'"),
    ("address", "'203.0.113.66'"),
    ("outcome", "CASE WHEN outcome = 'ok' THEN 'denied' ELSE 'ok' END"),
    ("at", "at + interval '1 second'"),
    ("prev_hash", "md5(prev_hash) || md5(hash)"),  # unique, like the column
    ("hash", "repeat('f', 64)"),
]


def activity():
    """Some patient reads, writes and a denial; the audit ids they added."""
    mark = ph.audit_mark()
    tanaka = ph.login("tanaka")
    d = ph.Distinct()
    p = ph.create_patient(tanaka, d)
    ph.add_member(tanaka, p["id"], ph.uid("yamamoto"), "pharmacist")
    e = ph.add_entry(tanaka, p["id"], "vitals", fields={"systolic": 128, "diastolic": 76,
                                                        "pulse": 70, "temperature": 36.6})
    ph.add_entry(tanaka, p["id"], "visit_note", text=d.note("訪問"))
    ph.get_patient(tanaka, p["id"])
    ph.get_entry(ph.login("yamamoto"), e["id"])
    ph.entries(tanaka, p["id"])
    r = ph.login("ito").request("GET", API + "/patients/" + p["id"])
    ph.expect(r, 404, "an outsider reads the patient", "patient_not_found")
    rows = ph.audit_since(mark)
    mine = [a for a in rows if a.get("patient_id") == p["id"]]
    ct.check(len(mine) >= 6, "only %d audit rows for the patient's %d requests: %r"
             % (len(mine), 8, mine))
    ct.check(any(a.get("action") == "denied" and a.get("user_id") == ph.uid("ito")
                 for a in mine), "no denied row for 伊藤's attempt: %r" % mine)
    for a in mine:
        for col in ("id", "at", "tenant_id", "user_id", "action", "route", "outcome",
                    "prev_hash", "hash"):
            ct.check(a.get(col) not in (None, ""), "audit row %s has no %s: %r"
                     % (a.get("id"), col, a))
        ct.check(re.fullmatch(r"[0-9a-f]{64}", a["hash"] or "") is not None,
                 "audit row %s's hash is not 64 hex digits: %r" % (a["id"], a["hash"]))
    # the chain links: each row's prev_hash is the previous row's hash
    ids = [a["id"] for a in rows]
    for prev, cur in zip(rows, rows[1:]):
        ct.check_eq(cur["prev_hash"], prev["hash"], "prev_hash of audit row %s" % cur["id"])
    ct.log("audit rows %s..%s (%d of them about patient %s)"
           % (ids[0], ids[-1], len(mine), p["id"]))
    return [a["id"] for a in mine]


def verify_ok(what):
    rc, out = ph.verify_audit()
    m = OK_RE.search(out)
    if rc != 0 or not m:
        ct.fail("verify-audit %s: expected exit 0 and 'audit chain ok: N rows', got %d: %s"
                % (what, rc, out[-800:]))
    return int(m.group(1))


def verify_broken(what, row_id):
    rc, out = ph.verify_audit()
    m = BROKEN_RE.search(out)
    if rc != 1 or not m:
        return "verify-audit %s: expected exit 1 and 'audit chain broken at row %s', got %d: " \
               "%s" % (what, row_id, rc, out[-800:])
    if int(m.group(1)) != int(row_id):
        return "verify-audit %s: names row %s, expected %s (%s)" % (what, m.group(1), row_id,
                                                                    out[-300:])
    ct.log("verify-audit %s: %s" % (what, m.group(0)))
    return None


def saved(row_id):
    rows = ph.psql("SELECT row_to_json(a) FROM patient_audit a WHERE id = :'id';", "super",
                   id=str(row_id))
    ct.check(rows, "no audit row %s" % row_id)
    return rows[0][0]


REPLICA = "SET session_replication_role = replica;\n"


def alter(row_id, column, expr):
    rows = ph.psql(REPLICA + "UPDATE patient_audit SET %s = %s WHERE id = :'id' RETURNING id;"
                   % (column, expr), "super", id=str(row_id))
    ct.check(rows, "altering audit row %s changed nothing" % row_id)


def restore(row_id, original, column):
    ph.psql(REPLICA + "UPDATE patient_audit t SET %s = r.%s"
            " FROM json_populate_record(NULL::patient_audit, :'row') r WHERE t.id = :'id';"
            % (column, column), "super", id=str(row_id), row=original)
    ct.check_eq(json.loads(saved(row_id)), json.loads(original),
                "audit row %s restored" % row_id)


def test():
    ids = activity()
    before = verify_ok("after the activity")
    ct.log("verify: ok, %d rows" % before)
    middle = ids[len(ids) // 2]
    nxt = ph.psql("SELECT min(id) FROM patient_audit WHERE id > :'id';", "super",
                  id=str(middle))[0][0]
    ct.check(nxt, "no audit row after %s" % middle)
    problems = []
    original = saved(middle)
    try:
        for column, expr in ALTERATIONS:
            alter(middle, column, expr)
            try:
                p = verify_broken("with %s of row %s altered" % (column, middle), middle)
                if p:
                    problems.append(p)
            finally:
                restore(middle, original, column)
        verify_ok("after the alterations were undone")

        first = ph.psql("SELECT min(id) FROM patient_audit;", "super")[0][0]
        first_row = saved(first)
        alter(first, "route", "route || 'x'")
        try:
            p = verify_broken("with the first row altered", first)
            if p:
                problems.append(p)
        finally:
            restore(first, first_row, "route")

        ph.psql(REPLICA + "DELETE FROM patient_audit WHERE id = :'id';", "super",
                id=str(middle))
        try:
            p = verify_broken("with row %s deleted" % middle, nxt)
            if p:
                problems.append(p)
        finally:
            ph.psql(REPLICA + "INSERT INTO patient_audit OVERRIDING SYSTEM VALUE"
                    " SELECT * FROM json_populate_record(NULL::patient_audit, :'row');",
                    "super", row=original)
        ct.check_eq(json.loads(saved(middle)), json.loads(original),
                    "the deleted audit row put back")
    finally:
        after = verify_ok("after the chain was restored")
    ct.check(after >= before, "the chain has %d rows, %d before" % (after, before))

    # the app role may not rewrite the log; the owner is stopped by the trigger
    for sql, what in (("UPDATE patient_audit SET address = '203.0.113.9' WHERE id = :'id';",
                       "UPDATE"),
                      ("DELETE FROM patient_audit WHERE id = :'id';", "DELETE")):
        rc, _, err = ph.psql_run(sql, "app", id=str(middle))
        if rc == 0 or "permission denied" not in err:
            problems.append("the app role's %s of an audit row: expected permission denied, "
                            "got rc %d %s" % (what, rc, err.strip()[-300:]))
        rc, rows, err = ph.psql_run(sql.replace(";", " RETURNING id;"), "owner", id=str(middle))
        if rc == 0 and rows:
            problems.append("the owner's %s of an audit row went through (no trigger)" % what)
        elif rc == 0:
            ct.log("the owner's %s saw no row (row-level security)" % what)
        else:
            ct.log("the owner's %s: %s" % (what, err.strip().splitlines()[0] if err else rc))
    ct.check_eq(json.loads(saved(middle)), json.loads(original), "audit row %s after the "
                "refused rewrites" % middle)
    verify_ok("at the end")
    if problems:
        ct.fail("%d tamper problems:\n  %s" % (len(problems), "\n  ".join(problems)))


if __name__ == "__main__":
    ct.run(test, budget_s=200)

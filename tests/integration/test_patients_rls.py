#!/usr/bin/env python3
"""Row-level security of patient tables (defence in depth), against
services/records/PATIENTS.md.

Two teams: 田中 registers patient A (with consent) and adds 山本; a fresh
person registers patient B alone; each team writes entries and attaches a
file. Then, straight on records' database with psql:

* every table with a patient_id column (and patients itself) has row-level
  security enabled and forced (pg_class.relrowsecurity /
  relforcerowsecurity), the audit log aside;
* as the app role (carelink_records_app, the one records runs as), in a
  transaction that sets carelink.user_id (and carelink.tenant_id) to 山本,
  who is on team A only, `SELECT * FROM patients` with no WHERE and the
  same on every other patient table return team A's rows only — never B's;
  set to B's creator, B's only; with no user set, nothing; set to 伊藤
  (on no team), nothing;
* the owner role (carelink_records) is bound the same way (FORCE);
* the app role is not a superuser and does not bypass row-level security.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import carelink_test as ct  # noqa: E402
import patient_helpers as ph  # noqa: E402
import workspace_helpers as w  # noqa: E402

AUDIT_TABLES = ("patient_audit",)


def patient_tables():
    """{table: patient column} of records' public tables holding patient
    rows: patients (id) and every table with a patient_id column."""
    rows = ph.psql("SELECT table_name, column_name FROM information_schema.columns"
                   " WHERE table_schema = 'public' AND ((table_name = 'patients' AND"
                   " column_name = 'id') OR column_name = 'patient_id')"
                   " AND table_name IN (SELECT table_name FROM information_schema.tables"
                   " WHERE table_schema = 'public' AND table_type = 'BASE TABLE')"
                   " ORDER BY 1;", "super")
    return {t: c for t, c in rows}


def rls_flags():
    rows = ph.psql("SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c"
                   " JOIN pg_namespace n ON n.oid = c.relnamespace"
                   " WHERE n.nspname = 'public' AND c.relkind = 'r';", "super")
    return {r[0]: (r[1] == "t", r[2] == "t") for r in rows}


def visible(kind, user_id, tenant_id, tables, extra=None):
    """{table: set of patient ids} kind sees in one transaction with
    carelink.user_id = user_id (None: not set). A query that fails because
    the setting is missing sees nothing (logged). extra: more settings
    {name: value} for the transaction."""
    out = {t: set() for t in tables}
    for t, col in sorted(tables.items()):
        sql = ["BEGIN;"]
        if user_id is not None:
            sql.append("SELECT set_config('carelink.user_id', :'u', true)"
                       " || set_config('carelink.tenant_id', :'t', true) AS s \\gset")
        for k, v in sorted((extra or {}).items()):
            sql.append("SELECT set_config('%s', '%s', true) AS x \\gset" % (k, v))
        sql.append("SELECT '%s', %s::text FROM %s;" % (t, col, t))
        sql.append("COMMIT;")
        rc, rows, err = ph.psql_run("\n".join(sql), kind, u=user_id or "", t=tenant_id)
        if rc != 0:
            if user_id is None and "configuration parameter" in err:
                ct.log("%s, no user set: %s fails (%s)" % (kind, t, err.strip()[-200:]))
                continue
            ct.fail("psql as %s reading %s: %s" % (kind, t, err[-800:]))
        for r in rows:
            if len(r) == 2 and r[0] == t:
                out[t].add(r[1])
    return out


def test():
    tenant = ct.seed()["tenant"]["id"]
    tanaka, yamamoto = ph.login("tanaka"), ph.login("yamamoto")
    a = ph.create_patient(tanaka, ph.Distinct())
    ph.add_member(tanaka, a["id"], ph.uid("yamamoto"), "pharmacist")
    att_a = ph.upload_ok(tanaka, a["id"], w.png(), "image/png", "a.png")
    ph.add_entry(tanaka, a["id"], "visit_note", text="A " + ph.kana(8), attachments=[att_a["id"]])
    ph.add_entry(yamamoto, a["id"], "vitals", fields={"pulse": 66})
    m = ph.add_entry(tanaka, a["id"], "message", text="A " + ph.kana(8),
                     addressed_to=[ph.uid("yamamoto")])
    ph.expect(yamamoto.request("POST", ph.API + "/entries/%s/read" % m["id"], json_body={}),
              204, "山本's read mark")
    stranger = ph.new_person(ph.unique("pt-rls"), "care_worker")
    b = ph.create_patient(stranger, ph.Distinct(), my_role="helper")
    att_b = ph.upload_ok(stranger, b["id"], w.png((1, 2, 3)), "image/png", "b.png")
    ph.add_entry(stranger, b["id"], "visit_note", text="B " + ph.kana(8),
                 attachments=[att_b["id"]])
    ph.add_entry(stranger, b["id"], "vitals", fields={"pulse": 80})
    ct.log("patient A %s (田中, 山本), patient B %s (%s)" % (a["id"], b["id"],
                                                         stranger.user["id"]))
    problems = []

    tables = patient_tables()
    ct.check("patients" in tables, "no patients table in records' database: %r" % tables)
    flags = rls_flags()
    for t in tables:
        enabled, forced = flags.get(t, (False, False))
        if t in AUDIT_TABLES:
            ct.log("%s: row-level security %s, forced %s" % (t, enabled, forced))
            continue
        if not (enabled and forced):
            problems.append("table %s: row-level security enabled %s, forced %s"
                            % (t, enabled, forced))
    checked = {t: c for t, c in tables.items() if t not in AUDIT_TABLES}
    ct.log("patient tables: %s" % ", ".join(sorted(checked)))

    role = ph.psql("SELECT rolsuper, rolbypassrls FROM pg_roles"
                   " WHERE rolname = 'carelink_records_app';", "super")
    if role != [["f", "f"]]:
        problems.append("carelink_records_app: rolsuper, rolbypassrls = %r" % role)

    everything = visible("super", None, tenant, checked)  # no policy binds the superuser
    for t in ("patients",):
        ct.check(a["id"] in everything[t] and b["id"] in everything[t],
                 "the superuser does not see both patients in %s" % t)
    for kind in ("app", "owner"):
        mine_before = len(problems)
        for who, u, mine, other in (("山本 (team A only)", ph.uid("yamamoto"), a, b),
                                    ("B's creator (team B only)", stranger.user["id"], b, a)):
            got = visible(kind, u, tenant, checked)
            for t, ids in got.items():
                if other["id"] in ids:
                    problems.append("%s as %s: %s returns the other team's patient's rows"
                                    % (kind, who, t))
                if (mine["id"] in everything[t]) != (mine["id"] in ids):
                    problems.append("%s as %s: %s %s the team's own rows"
                                    % (kind, who, t, "lacks" if mine["id"] in everything[t]
                                       else "invents"))
                if ids - everything[t]:
                    problems.append("%s as %s: %s returns rows the superuser does not see"
                                    % (kind, who, t))
            if kind == "app" and u == stranger.user["id"] and got["patients"] != {b["id"]}:
                problems.append("app as B's creator: patients %r, expected only B"
                                % sorted(got["patients"]))
        for who, u in (("no user set", None), ("伊藤 (on no team)", ph.uid("ito"))):
            got = visible(kind, u, tenant, checked)
            for t, ids in got.items():
                if a["id"] in ids or b["id"] in ids or (u is None and ids):
                    problems.append("%s with %s: %s returns %d patients' rows"
                                    % (kind, who, t, len(ids)))
        if kind == "app":
            # any other setting the policies may read gives the app role nothing
            for extra in ({"carelink.definer": "on"}, {"carelink.roles": "privacy_officer"},
                          {"carelink.roles": "tenant_admin,member"}):
                got = visible(kind, ph.uid("ito"), tenant, checked, extra)
                for t, ids in got.items():
                    if a["id"] in ids or b["id"] in ids:
                        problems.append("app as 伊藤 with %r: %s returns patient rows"
                                        % (extra, t))
        # a statement outside any transaction: no setting at all
        rc, rows, err = ph.psql_run("SELECT count(*) FROM patients;", kind)
        if rc == 0 and rows != [["0"]]:
            problems.append("%s, no setting: SELECT count(*) FROM patients = %r"
                            % (kind, rows))
        elif rc != 0:
            ct.log("%s, no setting: SELECT FROM patients fails: %s"
                   % (kind, err.strip().splitlines()[0] if err.strip() else rc))
        if kind == "owner" and len(problems) > mine_before:
            found = problems[mine_before:]
            del problems[mine_before:]
            tables = sorted({t for t in checked for x in found if ": %s " % t in x})
            problems.append("the owner role carelink_records is not bound by the policies of "
                            "%s (a policy of its own lets it see other teams' rows): %d "
                            "findings, e.g. %s" % (", ".join(tables), len(found),
                                                   "; ".join(found[:3])))
    if problems:
        ct.fail("%d row-level security problems:\n  %s" % (len(problems), "\n  ".join(problems)))


if __name__ == "__main__":
    ct.run(test, budget_s=200)

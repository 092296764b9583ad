/* db_audit.c - SQL of the audit chain: its lock, head, next row, insert,
 * a patient's access history and the walk of --verify-audit */
#include "patient_parts.h"
#include "carelink/err.h"

#include <stdio.h>
#include <string.h>

/* the key of the chain's transaction-scoped advisory lock */
#define AUDIT_LOCK_KEY "7007001"

int rec_db_audit_lock(struct cl_pg *pg)
{
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, "SELECT pg_advisory_xact_lock(" AUDIT_LOCK_KEY ")", 0, NULL);
	if (rc == 0)
		PQclear(res);
	return rc;
}

int rec_db_audit_head(struct cl_pg *pg, char hash[REC_AUDIT_HASH_HEX + 1])
{
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, "SELECT head_hash FROM rec_patient_audit_head()", 0, NULL);
	if (rc < 0)
		return rc;
	const char *h = PQntuples(res) ? cl_pg_getvalue(res, 0, 0) : NULL;
	cl_strlcpy(hash, h ? h : rec_audit_genesis, REC_AUDIT_HASH_HEX + 1);
	PQclear(res);
	return 0;
}

int rec_db_audit_next(struct cl_pg *pg, char id[24], char at[40])
{
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT nextval('patient_audit_id_seq')::text,"
			    " to_char(clock_timestamp() AT TIME ZONE 'UTC',"
			    " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
			    0, NULL);
	if (rc < 0)
		return rc;
	cl_strlcpy(id, PQgetvalue(res, 0, 0), 24);
	cl_strlcpy(at, PQgetvalue(res, 0, 1), 40);
	PQclear(res);
	return 0;
}

int rec_db_audit_insert(struct cl_pg *pg, const struct rec_audit_row *r, const char *prev_hash,
			const char *hash)
{
	const char *p[13] = {r->id,       r->at,     r->tenant_id, r->user_id, r->user_name,
			     r->patient_id, r->entry_id, r->action,  r->route,   r->address,
			     r->outcome,  prev_hash, hash};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO patient_audit (id, at, tenant_id, user_id, user_name,"
			    " patient_id, entry_id, action, route, address, outcome, prev_hash,"
			    " hash) VALUES ($1::bigint, $2::timestamptz, $3, $4, $5, $6, $7, $8,"
			    " $9, $10, $11, $12, $13)",
			    13, p);
	if (rc == 0)
		PQclear(res);
	return rc;
}

int rec_db_audit_history(struct cl_pg *pg, const char *tenant_id, const char *patient_id,
			 json_t **out)
{
	const char *p[2] = {tenant_id, patient_id};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT json_build_object('accesses', coalesce(json_agg(json_build_object("
		"'at', to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
		" 'user', json_build_object('id', a.user_id, 'name', a.user_name),"
		" 'action', a.action, 'route', a.route, 'address', a.address,"
		" 'outcome', a.outcome, 'entry_id', a.entry_id) ORDER BY a.id DESC), '[]'))::text"
		" FROM patient_audit a WHERE a.tenant_id = $1 AND a.patient_id = $2",
		2, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_audit_rows(struct cl_pg *pg, long long after, int limit, PGresult **res)
{
	char a[24], l[16];
	snprintf(a, sizeof a, "%lld", after);
	snprintf(l, sizeof l, "%d", limit);
	const char *p[2] = {a, l};
	return cl_pg_exec(pg, res,
			  "SELECT id::text, to_char(at AT TIME ZONE 'UTC',"
			  " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), tenant_id, user_id, user_name,"
			  " patient_id, entry_id, action, route, address, outcome, prev_hash, hash"
			  " FROM patient_audit a WHERE a.id > $1::bigint ORDER BY a.id LIMIT $2::int",
			  2, p);
}

/* db_import.c - the SQL of CSV imports and exports: import rows, the names
 * cells may use, and the values of exported records */
#include "records.h"
#include "carelink/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rec_db_import_insert(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			 const char *app_id, const char *mode, const char *encoding,
			 long total_rows)
{
	char total[24];
	snprintf(total, sizeof total, "%ld", total_rows);
	const char *p[7] = {id, who->tenant, app_id, who->user, mode, encoding, total};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO imports (id, tenant_id, app_id, started_by, mode, encoding,"
			  " total_rows) VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6, $7::int)",
			  7, p);
}

int rec_db_import_progress(struct cl_pg *pg, const char *id, long processed, long valid)
{
	char a[24], b[24];
	snprintf(a, sizeof a, "%ld", processed);
	snprintf(b, sizeof b, "%ld", valid);
	const char *p[3] = {id, a, b};
	return cl_pg_exec(pg, NULL,
			  "UPDATE imports SET processed_rows = $2::int, valid_rows = $3::int"
			  " WHERE id = $1::uuid",
			  3, p);
}

int rec_db_import_finish(struct cl_pg *pg, const char *id, const char *state, long processed,
			 long valid, long created, long updated, const json_t *errors)
{
	char a[24], b[24], c[24], d[24];
	snprintf(a, sizeof a, "%ld", processed);
	snprintf(b, sizeof b, "%ld", valid);
	snprintf(c, sizeof c, "%ld", created);
	snprintf(d, sizeof d, "%ld", updated);
	char *e = json_dumps(errors, JSON_COMPACT);
	const char *p[7] = {id, state, a, b, c, d, e};
	int rc = cl_pg_exec(pg, NULL,
			    "UPDATE imports SET state = $2, processed_rows = $3::int,"
			    " valid_rows = $4::int, created = $5::int, updated = $6::int,"
			    " errors = $7::jsonb, finished_at = now() WHERE id = $1::uuid",
			    7, p);
	free(e);
	return rc;
}

int rec_db_import_fail_running(struct cl_pg *pg, const char *reason)
{
	const char *p[1] = {reason};
	return cl_pg_exec(pg, NULL,
			  "UPDATE imports SET state = 'failed', finished_at = now(),"
			  " errors = errors || jsonb_build_array(jsonb_build_object("
			  "'line', 0, 'field', '', 'reason', $1::text))"
			  " WHERE state = 'running'",
			  1, p);
}

int rec_db_import_json(struct cl_pg *pg, const struct cl_identity *who, const char *id,
		       json_t **out)
{
	if (!cl_uuid_valid(id))
		return CL_ENOENT;
	const char *p[3] = {who->tenant, who->user, id};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT jsonb_build_object('id', i.id, 'app_id', i.app_id, 'mode', i.mode,"
		" 'encoding', i.encoding, 'state', i.state, 'total_rows', i.total_rows,"
		" 'processed_rows', i.processed_rows, 'valid_rows', i.valid_rows,"
		" 'created', i.created, 'updated', i.updated, 'errors', i.errors,"
		" 'started_at', " REC_SQL_TIME("i.started_at") ","
		" 'finished_at', CASE WHEN i.finished_at IS NOT NULL THEN "
		REC_SQL_TIME("i.finished_at") " END)::text"
		" FROM imports i WHERE i.tenant_id = $1 AND i.started_by = $2 AND i.id = $3::uuid",
		3, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_import_names(struct cl_pg *pg, const char *tenant, struct rec_import_names *out)
{
	memset(out, 0, sizeof *out);
	const char *p[1] = {tenant};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT (SELECT coalesce(jsonb_object_agg(pe.user_id, pe.display_name), '{}')"
		" FROM people pe WHERE pe.tenant_id = $1 AND pe.active)::text,"
		" (SELECT coalesce(jsonb_object_agg(t.organisation_id, t.name), '{}')"
		" FROM tenant_organisations t WHERE t.tenant_id = $1)::text,"
		" (SELECT coalesce(jsonb_object_agg(r.id, coalesce(r.\"values\"->>'name', '')), '{}')"
		" FROM app_records r JOIN apps a ON a.id = r.app_id"
		" WHERE a.tenant_id = $1 AND a.key = 'facilities' AND r.deleted_at IS NULL)::text",
		1, p);
	if (rc < 0)
		return rc;
	out->users = cl_json_ours(PQgetvalue(res, 0, 0));
	out->organisations = cl_json_ours(PQgetvalue(res, 0, 1));
	out->facilities = cl_json_ours(PQgetvalue(res, 0, 2));
	PQclear(res);
	return 0;
}

int rec_db_export_values(struct cl_pg *pg, const char *tenant, const json_t *ids,
			 json_t **out)
{
	char *text = json_dumps(ids, JSON_COMPACT);
	const char *p[2] = {tenant, text};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(jsonb_object_agg(r.id, r.\"values\"), '{}')::text"
			    " FROM app_records r WHERE r.tenant_id = $1 AND r.deleted_at IS NULL"
			    " AND r.id::text IN (SELECT jsonb_array_elements_text($2::jsonb))",
			    2, p);
	free(text);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

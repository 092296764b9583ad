/* db_person.c - SQL for records' copy of the tenant's people: upsert from
 * UserChanged, the members of a space, checks of organisations and users */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int rec_db_person_upsert(struct cl_pg *pg, const struct rec_person *p, bool *stored)
{
	char ms[24];
	snprintf(ms, sizeof ms, "%" PRId64, p->time_ms);
	const char *v[9] = {p->tenant_id, p->user_id, p->display_name, p->organisation_id,
			    p->organisation_name, p->profession, p->roles_json,
			    p->active ? "true" : "false", ms};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO people AS pe (tenant_id, user_id, display_name,"
			    " organisation_id, organisation_name, profession, roles, active,"
			    " updated_at) VALUES ($1, $2, $3, $4, $5, $6,"
			    " ARRAY(SELECT json_array_elements_text($7::json)), $8::boolean,"
			    " to_timestamp($9::bigint / 1000.0))"
			    " ON CONFLICT (tenant_id, user_id) DO UPDATE SET"
			    " display_name = EXCLUDED.display_name,"
			    " organisation_id = EXCLUDED.organisation_id,"
			    " organisation_name = EXCLUDED.organisation_name,"
			    " profession = EXCLUDED.profession, roles = EXCLUDED.roles,"
			    " active = EXCLUDED.active, updated_at = EXCLUDED.updated_at"
			    " WHERE pe.updated_at <= EXCLUDED.updated_at",
			    9, v);
	if (rc < 0)
		return rc;
	*stored = cl_pg_affected(res) == 1;
	PQclear(res);
	return 0;
}

int rec_db_person_members(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			  const char *q, json_t **out)
{
	const char *p[3] = {tenant_id, space_id, q};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT coalesce(json_agg(json_build_object('id', pe.user_id,"
		" 'name', pe.display_name, 'organisation', json_build_object("
		"'id', pe.organisation_id, 'name', pe.organisation_name),"
		" 'profession', pe.profession) ORDER BY pe.display_name, pe.user_id),"
		" '[]')::text"
		" FROM spaces s JOIN people pe ON pe.tenant_id = s.tenant_id"
		" WHERE s.tenant_id = $1 AND s.id = $2::uuid AND pe.active"
		" AND " REC_SQL_PERSON_SEES
		" AND ($3::text IS NULL OR strpos(lower(pe.display_name), lower($3)) > 0)",
		3, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* the first id of ids_json that the statement sql ($1 tenant, $2 ids)
 * returns, as a new string or NULL */
static int first_unknown(struct cl_pg *pg, const char *sql, const char *tenant_id,
			 const char *ids_json, char **unknown)
{
	const char *p[2] = {tenant_id, ids_json};
	PGresult *res;
	*unknown = NULL;
	int rc = cl_pg_exec(pg, &res, sql, 2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) > 0)
		*unknown = cl_xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_person_unknown_orgs(struct cl_pg *pg, const char *tenant_id, const char *ids_json,
			       char **unknown)
{
	return first_unknown(pg,
			     "SELECT o.id FROM json_array_elements_text($2::json)"
			     " WITH ORDINALITY AS o(id, n) WHERE NOT EXISTS (SELECT 1"
			     " FROM tenant_organisations t WHERE t.tenant_id = $1"
			     " AND t.organisation_id = o.id) ORDER BY o.n LIMIT 1",
			     tenant_id, ids_json, unknown);
}

int rec_db_person_unknown_users(struct cl_pg *pg, const char *tenant_id, const char *ids_json,
				char **unknown)
{
	return first_unknown(pg,
			     "SELECT o.id FROM json_array_elements_text($2::json)"
			     " WITH ORDINALITY AS o(id, n) WHERE NOT EXISTS (SELECT 1"
			     " FROM people pe WHERE pe.tenant_id = $1 AND pe.active"
			     " AND pe.user_id = o.id) ORDER BY o.n LIMIT 1",
			     tenant_id, ids_json, unknown);
}

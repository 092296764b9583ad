/* db_team.c - SQL of care teams (current members, history kept through
 * left_at) and break-glass grants; row-level security scopes each */
#include "patient_parts.h"
#include "carelink/err.h"

#include <stdio.h>

/* a current member m as PATIENTS.md shows it (people pe left joined) */
#define MEMBER_JSON                                                            \
	"json_build_object('user', json_build_object('id', m.user_id,"         \
	" 'name', coalesce(pe.display_name, ''), 'profession',"                \
	" coalesce(pe.profession, ''), 'organisation', json_build_object("     \
	"'id', coalesce(pe.organisation_id, ''), 'name',"                      \
	" coalesce(pe.organisation_name, ''))), 'role', m.role,"               \
	" 'added_at', to_char(m.added_at AT TIME ZONE 'UTC',"                  \
	" 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'added_by', json_build_object("   \
	"'id', m.added_by, 'name', m.added_by_name))"

#define MEMBER_FROM                                                            \
	" FROM care_team_members m LEFT JOIN people pe ON pe.tenant_id ="      \
	" m.tenant_id AND pe.user_id = m.user_id"                              \
	" WHERE m.patient_id = $1::uuid AND m.left_at IS NULL"                 \
	" AND m.tenant_id = current_setting('carelink.tenant_id', true)"

int rec_db_team_role(struct cl_pg *pg, const char *patient_id, const char *user_id,
		     char role[REC_PATIENT_ROLE_MAX])
{
	const char *p[2] = {patient_id, user_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT role FROM care_team_members WHERE patient_id = $1::uuid"
			    " AND user_id = $2 AND left_at IS NULL"
			    " AND tenant_id = current_setting('carelink.tenant_id', true)",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return CL_ENOENT;
	}
	cl_strlcpy(role, PQgetvalue(res, 0, 0), REC_PATIENT_ROLE_MAX);
	PQclear(res);
	return 0;
}

int rec_db_break_glass_held(struct cl_pg *pg, const struct cl_identity *who,
			    const char *patient_id)
{
	const char *p[3] = {patient_id, who->user, who->tenant};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT 1 FROM break_glass_grants WHERE patient_id = $1::uuid"
			    " AND user_id = $2 AND tenant_id = $3 AND expires_at > now() LIMIT 1",
			    3, p);
	if (rc < 0)
		return rc;
	rc = PQntuples(res) ? 0 : CL_ENOENT;
	PQclear(res);
	return rc;
}

int rec_db_team_insert(struct cl_pg *pg, const struct cl_identity *who,
		       const char *patient_id, const char *user_id, const char *role)
{
	const char *p[6] = {who->tenant, patient_id, user_id, role, who->user, who->name};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO care_team_members (tenant_id, patient_id, user_id, role,"
			    " added_by, added_by_name) VALUES ($1, $2::uuid, $3, $4, $5, $6)",
			    6, p);
	if (rc == 0)
		PQclear(res);
	return rc;
}

int rec_db_team_leave(struct cl_pg *pg, const struct cl_identity *who, const char *patient_id,
		      const char *user_id)
{
	const char *p[3] = {patient_id, user_id, who->user};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE care_team_members SET left_at = now(), removed_by = $3"
			    " WHERE patient_id = $1::uuid AND user_id = $2 AND left_at IS NULL"
			    " AND tenant_id = current_setting('carelink.tenant_id', true)",
			    3, p);
	if (rc < 0)
		return rc;
	rc = cl_pg_affected(res) == 1 ? 0 : CL_ENOENT;
	PQclear(res);
	return rc;
}

int rec_db_team_ids(struct cl_pg *pg, const char *patient_id, json_t **out)
{
	const char *p[1] = {patient_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(m.user_id ORDER BY m.added_at, m.id),"
			    " '[]')::text" MEMBER_FROM,
			    1, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_team_json(struct cl_pg *pg, const char *patient_id, json_t **out)
{
	const char *p[1] = {patient_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT json_build_object('members', coalesce(json_agg(" MEMBER_JSON
			    " ORDER BY m.added_at, m.id), '[]'))::text" MEMBER_FROM,
			    1, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_team_member_json(struct cl_pg *pg, const char *patient_id, const char *user_id,
			    json_t **out)
{
	const char *p[2] = {patient_id, user_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, "SELECT " MEMBER_JSON "::text" MEMBER_FROM " AND m.user_id = $2",
			    2, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, out);
}

int rec_db_team_person(struct cl_pg *pg, const char *tenant_id, const char *user_id,
		       char profession[64])
{
	const char *p[2] = {tenant_id, user_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT profession FROM people WHERE tenant_id = $1 AND user_id = $2"
			    " AND active",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return CL_ENOENT;
	}
	cl_strlcpy(profession, PQgetvalue(res, 0, 0), 64);
	PQclear(res);
	return 0;
}

int rec_db_break_glass_insert(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			      const char *patient_id, const char *reason, long minutes,
			      json_t **grant)
{
	char m[24];
	snprintf(m, sizeof m, "%ld", minutes);
	const char *p[6] = {id, who->tenant, patient_id, who->user, reason, m};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO break_glass_grants (id, tenant_id, patient_id, user_id,"
			    " reason, expires_at) VALUES ($1::uuid, $2, $3::uuid, $4, $5,"
			    " now() + make_interval(mins => $6::int))"
			    " RETURNING json_build_object('id', id, 'expires_at',"
			    " to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
			    " 'expires_ms', (extract(epoch FROM expires_at) * 1000)::bigint,"
			    " 'reason', reason)::text",
			    6, p);
	if (rc < 0)
		return rc;
	return cl_pg_json(res, grant);
}

/* db_user_admin.c - the SQL that administers users: state, organisation,
 * roles, their sessions and API tokens */
#include "admin.h"

#include <carelink/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void account_from_row(PGresult *res, struct gw_account *a)
{
	memset(a, 0, sizeof *a);
	cl_strlcpy(a->id, PQgetvalue(res, 0, 0), sizeof a->id);
	cl_strlcpy(a->tenant, PQgetvalue(res, 0, 1), sizeof a->tenant);
	cl_strlcpy(a->organisation, PQgetvalue(res, 0, 2), sizeof a->organisation);
	cl_strlcpy(a->organisation_name, PQgetvalue(res, 0, 3), sizeof a->organisation_name);
	cl_strlcpy(a->email, PQgetvalue(res, 0, 4), sizeof a->email);
	cl_strlcpy(a->name, PQgetvalue(res, 0, 5), sizeof a->name);
	cl_strlcpy(a->profession, PQgetvalue(res, 0, 6), sizeof a->profession);
	json_t *roles = json_loads(PQgetvalue(res, 0, 7), 0, NULL);
	const char *why;
	if (gw_roles_parse(roles, &a->roles, &why) < 0)
		a->roles = GW_ROLE_MEMBER; /* a role this version does not know grants nothing */
	json_decref(roles);
	a->active = !strcmp(PQgetvalue(res, 0, 8), "t");
}

int gw_db_account_lock(struct cl_pg *pg, const char *tenant, const char *id,
		       struct gw_account *a)
{
	const char *p[2] = {tenant, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT u.id, u.tenant_id, u.organisation_id, o.name, u.email,"
			    " u.display_name, u.profession, array_to_json(u.roles)::text, u.active"
			    " FROM users u JOIN organisations o ON o.id = u.organisation_id"
			    " WHERE u.tenant_id = $1 AND u.id = $2::uuid FOR UPDATE OF u",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	account_from_row(res, a);
	PQclear(res);
	return 0;
}

/* the set as JSON text for "ARRAY(SELECT json_array_elements_text($n::json))";
 * caller frees */
static char *roles_text(unsigned roles)
{
	json_t *j = gw_roles_json(roles);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

int gw_db_account_create(struct cl_pg *pg, const struct gw_account *a, const char *hash)
{
	char *roles = roles_text(a->roles);
	const char *p[8] = {a->id,   a->tenant,	    a->organisation, a->email,
			    a->name, a->profession, roles,	     hash};
	int rc = cl_pg_exec(pg, NULL,
			    "INSERT INTO users (id, tenant_id, organisation_id, email,"
			    " display_name, profession, roles, password_hash)"
			    " VALUES ($1, $2, $3, $4, $5, $6,"
			    " ARRAY(SELECT json_array_elements_text($7::json)), $8)",
			    8, p);
	free(roles);
	return rc;
}

int gw_db_account_set_active(struct cl_pg *pg, const char *id, bool active)
{
	const char *p[2] = {id, active ? "true" : "false"};
	return cl_pg_exec(pg, NULL, "UPDATE users SET active = $2::boolean WHERE id = $1", 2, p);
}

int gw_db_account_set_organisation(struct cl_pg *pg, const char *id, const char *organisation,
				   unsigned roles)
{
	char *r = roles_text(roles);
	const char *p[3] = {id, organisation, r};
	int rc = cl_pg_exec(pg, NULL,
			    "UPDATE users SET organisation_id = $2,"
			    " roles = ARRAY(SELECT json_array_elements_text($3::json))"
			    " WHERE id = $1",
			    3, p);
	free(r);
	return rc;
}

int gw_db_account_set_roles(struct cl_pg *pg, const char *id, unsigned roles)
{
	char *r = roles_text(roles);
	const char *p[2] = {id, r};
	int rc = cl_pg_exec(pg, NULL,
			    "UPDATE users SET roles = ARRAY(SELECT json_array_elements_text($2::json))"
			    " WHERE id = $1",
			    2, p);
	free(r);
	return rc;
}

int gw_db_account_end_sessions(struct cl_pg *pg, const char *id, long *n)
{
	const char *p[1] = {id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, "DELETE FROM sessions WHERE user_id = $1", 1, p);
	if (rc < 0)
		return rc;
	if (n)
		*n = cl_pg_affected(res);
	PQclear(res);
	return 0;
}

int gw_db_account_revoke_tokens(struct cl_pg *pg, const char *id, long *n)
{
	PGresult *res;
	if (n)
		*n = 0;
	/* API tokens are another module's table: revoke them when it exists */
	int rc = cl_pg_exec(pg, &res, "SELECT to_regclass('api_tokens') IS NOT NULL", 0, NULL);
	if (rc < 0)
		return rc;
	bool exists = PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (!exists)
		return 0;
	const char *p[1] = {id};
	rc = cl_pg_exec(pg, &res,
			"UPDATE api_tokens SET revoked_at = now()"
			" WHERE user_id = $1 AND revoked_at IS NULL",
			1, p);
	if (rc < 0)
		return rc;
	if (n)
		*n = cl_pg_affected(res);
	PQclear(res);
	return 0;
}

int gw_db_email_taken(struct cl_pg *pg, const char *email)
{
	const char *p[1] = {email};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, "SELECT 1 FROM users WHERE email = lower($1)", 1, p);
	if (rc < 0)
		return rc;
	int taken = PQntuples(res) > 0;
	PQclear(res);
	return taken;
}

int gw_db_tenant_admins_lock(struct cl_pg *pg, const char *tenant)
{
	const char *p[1] = {tenant};
	return cl_pg_exec(pg, NULL,
			  "SELECT pg_advisory_xact_lock(hashtextextended('tenant_admins:' || $1, 0))",
			  1, p);
}

int gw_db_tenant_admins_other(struct cl_pg *pg, const char *tenant, const char *id)
{
	const char *p[2] = {tenant, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT count(*) FROM users WHERE tenant_id = $1 AND id <> $2::uuid"
			    " AND active AND 'tenant_admin' = ANY (roles)",
			    2, p);
	if (rc < 0)
		return rc;
	int n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return n;
}

/* db_invitation.c - the SQL of invitations; a token is only ever stored as
 * its SHA-256 */
#include "admin.h"

#include <carelink/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RFC3339(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

#define INVITATION_COLUMNS                                                              \
	"i.id, i.tenant_id, i.organisation_id, o.name, i.email, i.profession,"          \
	" array_to_json(i.roles)::text, " RFC3339("i.expires_at") ","                      \
	" i.accepted_at IS NOT NULL, i.expires_at <= now()"

static void invitation_from_row(PGresult *res, struct gw_invitation *inv)
{
	memset(inv, 0, sizeof *inv);
	cl_strlcpy(inv->id, PQgetvalue(res, 0, 0), sizeof inv->id);
	cl_strlcpy(inv->tenant, PQgetvalue(res, 0, 1), sizeof inv->tenant);
	cl_strlcpy(inv->organisation, PQgetvalue(res, 0, 2), sizeof inv->organisation);
	cl_strlcpy(inv->organisation_name, PQgetvalue(res, 0, 3), sizeof inv->organisation_name);
	cl_strlcpy(inv->email, PQgetvalue(res, 0, 4), sizeof inv->email);
	cl_strlcpy(inv->profession, PQgetvalue(res, 0, 5), sizeof inv->profession);
	json_t *roles = json_loads(PQgetvalue(res, 0, 6), 0, NULL);
	const char *why;
	if (gw_roles_parse(roles, &inv->roles, &why) < 0)
		inv->roles = GW_ROLE_MEMBER;
	json_decref(roles);
	cl_strlcpy(inv->expires_at, PQgetvalue(res, 0, 7), sizeof inv->expires_at);
	inv->used = !strcmp(PQgetvalue(res, 0, 8), "t");
	inv->expired = !strcmp(PQgetvalue(res, 0, 9), "t");
}

/* one invitation of res, or CL_ENOENT; clears res */
static int one_invitation(PGresult *res, struct gw_invitation *inv)
{
	int rc = CL_ENOENT;
	if (PQntuples(res) == 1) {
		invitation_from_row(res, inv);
		rc = 0;
	}
	PQclear(res);
	return rc;
}

int gw_db_invitation_create(struct cl_pg *pg, struct gw_invitation *inv,
			    const char *token_hash, const char *invited_by, long ttl_s)
{
	json_t *rj = gw_roles_json(inv->roles);
	char *roles = json_dumps(rj, JSON_COMPACT);
	json_decref(rj);
	char ttl[24];
	snprintf(ttl, sizeof ttl, "%ld", ttl_s);
	const char *p[9] = {inv->id,    inv->tenant, inv->organisation, inv->email, inv->profession,
			    roles,      token_hash,  invited_by,	ttl};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO invitations (id, tenant_id, organisation_id, email,"
			    " profession, roles, token_hash, invited_by, expires_at)"
			    " VALUES ($1, $2, $3, lower($4), $5,"
			    " ARRAY(SELECT json_array_elements_text($6::json)), $7, $8,"
			    " now() + make_interval(secs => $9::bigint))"
			    " RETURNING " RFC3339("expires_at"),
			    9, p);
	free(roles);
	if (rc < 0)
		return rc;
	cl_strlcpy(inv->expires_at, PQgetvalue(res, 0, 0), sizeof inv->expires_at);
	PQclear(res);
	return 0;
}

int gw_db_invitation_by_token(struct cl_pg *pg, const char *token_hash, bool lock,
			      struct gw_invitation *inv)
{
	const char *p[1] = {token_hash};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    lock ? "SELECT " INVITATION_COLUMNS " FROM invitations i"
				   " JOIN organisations o ON o.id = i.organisation_id"
				   " WHERE i.token_hash = $1 FOR UPDATE OF i"
				 : "SELECT " INVITATION_COLUMNS " FROM invitations i"
				   " JOIN organisations o ON o.id = i.organisation_id"
				   " WHERE i.token_hash = $1",
			    1, p);
	return rc < 0 ? rc : one_invitation(res, inv);
}

int gw_db_invitation_get(struct cl_pg *pg, const char *tenant, const char *id,
			 struct gw_invitation *inv)
{
	const char *p[2] = {tenant, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " INVITATION_COLUMNS " FROM invitations i"
			    " JOIN organisations o ON o.id = i.organisation_id"
			    " WHERE i.tenant_id = $1 AND i.id = $2::uuid",
			    2, p);
	return rc < 0 ? rc : one_invitation(res, inv);
}

int gw_db_invitation_list(struct cl_pg *pg, const char *tenant, const char *organisation,
			  const char *cursor, long limit, json_t **out)
{
	char lim[24];
	snprintf(lim, sizeof lim, "%ld", limit + 1);
	const char *p[4] = {tenant, organisation, cursor, lim};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT json_build_object('id', i.id, 'email', i.email,"
		" 'organisation', json_build_object('id', o.id, 'name', o.name),"
		" 'organisation_id', i.organisation_id, 'profession', i.profession,"
		" 'roles', array_to_json(i.roles), 'invited_by', i.invited_by,"
		" 'created_at', " RFC3339("i.created_at") ","
		" 'expires_at', " RFC3339("i.expires_at") ","
		" 'status', CASE WHEN i.accepted_at IS NOT NULL THEN 'accepted'"
		"  WHEN i.expires_at <= now() THEN 'expired' ELSE 'pending' END,"
		" 'user_id', i.accepted_user_id)::text"
		" FROM invitations i JOIN organisations o ON o.id = i.organisation_id"
		" WHERE i.tenant_id = $1 AND ($2::uuid IS NULL OR i.organisation_id = $2::uuid)"
		" AND ($3::uuid IS NULL OR (i.created_at, i.id) <"
		"  (SELECT c.created_at, c.id FROM invitations c"
		"   WHERE c.id = $3::uuid AND c.tenant_id = $1))"
		" ORDER BY i.created_at DESC, i.id DESC LIMIT $4::int",
		4, p);
	if (rc < 0)
		return rc;
	*out = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(*out, json_loads(PQgetvalue(res, i, 0), 0, NULL));
	PQclear(res);
	return 0;
}

int gw_db_invitation_accepted(struct cl_pg *pg, const char *id, const char *user_id)
{
	const char *p[2] = {id, user_id};
	return cl_pg_exec(pg, NULL,
			  "UPDATE invitations SET accepted_at = now(), accepted_user_id = $2"
			  " WHERE id = $1",
			  2, p);
}

int gw_db_invitation_delete(struct cl_pg *pg, const char *tenant, const char *id)
{
	const char *p[2] = {tenant, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "DELETE FROM invitations WHERE tenant_id = $1 AND id = $2::uuid"
			    " AND accepted_at IS NULL",
			    2, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n ? 0 : CL_ENOENT;
}

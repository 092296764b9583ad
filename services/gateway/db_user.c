/* db_user.c - the SQL that reads users */
#include "gateway.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <stdio.h>
#include <string.h>

#define USER_COLUMNS                                                              \
	"u.id, u.tenant_id, u.organisation_id, o.name, u.profession, u.display_name," \
	" u.email, array_to_json(u.roles)::text"

static void user_from_row(PGresult *res, struct gw_user *u)
{
	memset(u, 0, sizeof *u);
	cl_strlcpy(u->id.user, PQgetvalue(res, 0, 0), sizeof u->id.user);
	cl_strlcpy(u->id.tenant, PQgetvalue(res, 0, 1), sizeof u->id.tenant);
	cl_strlcpy(u->id.organisation, PQgetvalue(res, 0, 2), sizeof u->id.organisation);
	cl_strlcpy(u->id.organisation_name, PQgetvalue(res, 0, 3),
		   sizeof u->id.organisation_name);
	cl_strlcpy(u->id.profession, PQgetvalue(res, 0, 4), sizeof u->id.profession);
	cl_strlcpy(u->id.name, PQgetvalue(res, 0, 5), sizeof u->id.name);
	cl_strlcpy(u->email, PQgetvalue(res, 0, 6), sizeof u->email);
	json_t *roles = json_loads(PQgetvalue(res, 0, 7), 0, NULL);
	size_t i;
	json_t *r;
	json_array_foreach(roles, i, r)
	{
		if (u->id.n_roles < CL_IDENTITY_MAX_ROLES && json_is_string(r))
			cl_strlcpy(u->id.roles[u->id.n_roles++], json_string_value(r),
				   CL_IDENTITY_FIELD_MAX);
	}
	json_decref(roles);
}

int gw_db_user_by_email(struct cl_pg *pg, const char *email, struct gw_user *u,
			char *hash, size_t hash_size)
{
	PGresult *res;
	const char *p[1] = {email};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " USER_COLUMNS ", u.password_hash FROM users u"
			    " JOIN organisations o ON o.id = u.organisation_id"
			    " WHERE u.email = lower($1) AND u.active",
			    1, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	user_from_row(res, u);
	cl_strlcpy(hash, PQgetvalue(res, 0, 8), hash_size);
	PQclear(res);
	return 0;
}

int gw_db_user_by_session(struct cl_pg *pg, const char *token_hash, long idle_s,
			  long absolute_s, struct gw_user *u)
{
	PGresult *res;
	char idle[32], absolute[32];
	snprintf(idle, sizeof idle, "%ld", idle_s);
	snprintf(absolute, sizeof absolute, "%ld", absolute_s);
	const char *p[3] = {token_hash, idle, absolute};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " USER_COLUMNS ", s.csrf_token,"
			    " s.last_seen_at < now() - interval '60 seconds'"
			    " FROM sessions s JOIN users u ON u.id = s.user_id"
			    " JOIN organisations o ON o.id = u.organisation_id"
			    " WHERE s.token_hash = $1 AND u.active"
			    " AND s.last_seen_at > now() - make_interval(secs => $2::int)"
			    " AND s.created_at > now() - make_interval(secs => $3::int)",
			    3, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	user_from_row(res, u);
	cl_strlcpy(u->csrf, PQgetvalue(res, 0, 8), sizeof u->csrf);
	int stale = !strcmp(PQgetvalue(res, 0, 9), "t");
	PQclear(res);
	return stale ? 1 : 0;
}

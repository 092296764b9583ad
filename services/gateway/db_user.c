/* db_user.c - the SQL of users: who they are, their sessions, passwords and
 * two-factor secrets */
#include "gateway.h"
#include "password.h"
#include "totp.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_COLUMNS                                                              \
	"u.id, u.tenant_id, u.organisation_id, o.name, u.profession, u.display_name," \
	" u.email, array_to_json(u.roles)::text"

void gw_user_from_row(const PGresult *res, struct gw_user *u)
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
}

static void user_from_row(PGresult *res, struct gw_user *u)
{
	gw_user_from_row(res, u);
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

int gw_db_session_load(struct cl_pg *pg, const char *token_hash, long idle_s, long absolute_s,
		       struct gw_user *u, struct gw_session_state *st)
{
	PGresult *res;
	char idle[32], absolute[32];
	snprintf(idle, sizeof idle, "%ld", idle_s);
	snprintf(absolute, sizeof absolute, "%ld", absolute_s);
	const char *p[3] = {token_hash, idle, absolute};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " USER_COLUMNS ", s.csrf_token,"
			    " s.last_seen_at < now() - interval '60 seconds',"
			    " s.totp_pending, t.confirmed_at IS NOT NULL"
			    " FROM sessions s JOIN users u ON u.id = s.user_id"
			    " JOIN organisations o ON o.id = u.organisation_id"
			    " LEFT JOIN user_totp t ON t.user_id = u.id"
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
	st->stale = !strcmp(PQgetvalue(res, 0, 9), "t");
	st->totp_pending = !strcmp(PQgetvalue(res, 0, 10), "t");
	st->totp_enabled = !strcmp(PQgetvalue(res, 0, 11), "t");
	PQclear(res);
	return 0;
}

int gw_db_user_by_session(struct cl_pg *pg, const char *token_hash, long idle_s,
			  long absolute_s, struct gw_user *u)
{
	struct gw_session_state st;
	int rc = gw_db_session_load(pg, token_hash, idle_s, absolute_s, u, &st);
	if (rc < 0)
		return rc;
	return st.stale ? 1 : 0;
}

/* ---------------------------------------------------------------- passwords */

int gw_db_user_password_hash(struct cl_pg *pg, const char *user_id, char *hash, size_t size)
{
	PGresult *res;
	const char *p[1] = {user_id};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT password_hash FROM users WHERE id = $1::uuid AND active", 1, p);
	if (rc < 0)
		return rc;
	return cl_pg_text(res, hash, size);
}

int gw_db_user_password_set(struct cl_pg *pg, const char *user_id, const char *hash)
{
	const char *p[2] = {user_id, hash};
	return cl_pg_exec(pg, NULL, "UPDATE users SET password_hash = $2 WHERE id = $1::uuid", 2,
			  p);
}

int gw_db_user_password_rehash(struct cl_pg *pg, const char *user_id, const char *old_hash,
			       const char *new_hash)
{
	const char *p[3] = {user_id, old_hash, new_hash};
	return cl_pg_exec(pg, NULL,
			  "UPDATE users SET password_hash = $3"
			  " WHERE id = $1::uuid AND password_hash = $2",
			  3, p);
}

/* ---------------------------------------------------------------- two-factor */

int gw_db_totp_get(struct cl_pg *pg, const char *user_id, struct gw_totp_row *row)
{
	PGresult *res;
	const char *p[1] = {user_id};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT secret, confirmed_at IS NOT NULL, last_step FROM user_totp"
			    " WHERE user_id = $1::uuid",
			    1, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	cl_strlcpy(row->secret, PQgetvalue(res, 0, 0), sizeof row->secret);
	row->confirmed = !strcmp(PQgetvalue(res, 0, 1), "t");
	row->last_step = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	PQclear(res);
	return 0;
}

int gw_db_totp_setup(struct cl_pg *pg, const char *user_id, const char *secret)
{
	PGresult *res;
	const char *p[2] = {user_id, secret};
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO user_totp (user_id, secret) VALUES ($1::uuid, $2)"
			    " ON CONFLICT (user_id) DO UPDATE"
			    " SET secret = EXCLUDED.secret, last_step = -1, created_at = now()"
			    " WHERE user_totp.confirmed_at IS NULL",
			    2, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n == 1 ? 0 : CL_ECONFLICT;
}

int gw_db_totp_use(struct cl_pg *pg, const char *user_id, int64_t step, bool confirm)
{
	PGresult *res;
	char s[32];
	snprintf(s, sizeof s, "%lld", (long long)step);
	const char *p[3] = {user_id, s, confirm ? "t" : "f"};
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE user_totp SET last_step = $2::bigint,"
			    " confirmed_at = CASE WHEN $3::boolean"
			    "  THEN COALESCE(confirmed_at, now()) ELSE confirmed_at END"
			    " WHERE user_id = $1::uuid AND last_step < $2::bigint",
			    3, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n == 1 ? 0 : CL_ECONFLICT;
}

int gw_db_totp_delete(struct cl_pg *pg, const char *user_id)
{
	const char *p[1] = {user_id};
	return cl_pg_exec(pg, NULL, "DELETE FROM user_totp WHERE user_id = $1::uuid", 1, p);
}

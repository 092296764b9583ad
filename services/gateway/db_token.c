/* db_token.c - the SQL of API tokens */
#include "people.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* a token as listed (never its secret or hash); the last column is the
 * exact created_at for cursors */
#define TOKEN_COLUMNS                                                                   \
	"t.id, t.name, array_to_json(t.scopes)::text, " TS("t.created_at") ", "        \
	TS("t.last_used_at") ", " TS("t.revoked_at") ", t.user_id, u.display_name," \
	" t.created_at::text"

static json_t *nullable(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *token_from_row(PGresult *res, int row)
{
	json_t *scopes = json_loads(PQgetvalue(res, row, 2), 0, NULL);
	if (!json_is_array(scopes)) {
		json_decref(scopes);
		scopes = json_array();
	}
	json_t *t = json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:{s:s, s:s}}", "id",
			      PQgetvalue(res, row, 0), "name", PQgetvalue(res, row, 1),
			      "scopes", scopes, "created_at", PQgetvalue(res, row, 3),
			      "last_used_at", nullable(cl_pg_getvalue(res, row, 4)),
			      "revoked_at", nullable(cl_pg_getvalue(res, row, 5)),
			      "created_by", "id", PQgetvalue(res, row, 6), "name",
			      PQgetvalue(res, row, 7));
	if (!t)
		abort();
	return t;
}

int gw_db_user_by_token(struct cl_pg *pg, const char *secret_hash, const char *scope,
			struct gw_user *u, struct gw_token_owner *t)
{
	const char *p[2] = {secret_hash, scope};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT u.id, u.tenant_id, u.organisation_id, o.name, u.profession,"
			    " u.display_name, u.email, t.id, t.revoked_at IS NOT NULL, u.active,"
			    " $2 = ANY (t.scopes),"
			    " t.last_used_at IS NULL"
			    "  OR t.last_used_at < now() - interval '60 seconds'"
			    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
			    " JOIN organisations o ON o.id = u.organisation_id"
			    " WHERE t.secret_hash = $1",
			    2, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	gw_user_from_row(res, u);
	/* a token is limited to its scopes: the owner's administrative roles
	 * are not delegated to it */
	cl_strlcpy(u->id.roles[0], "member", sizeof u->id.roles[0]);
	u->id.n_roles = 1;
	memset(t, 0, sizeof *t);
	cl_strlcpy(t->token_id, PQgetvalue(res, 0, 7), sizeof t->token_id);
	t->revoked = !strcmp(PQgetvalue(res, 0, 8), "t");
	t->active = !strcmp(PQgetvalue(res, 0, 9), "t");
	t->has_scope = !strcmp(PQgetvalue(res, 0, 10), "t");
	t->stale = !strcmp(PQgetvalue(res, 0, 11), "t");
	PQclear(res);
	return 0;
}

int gw_db_token_touch(struct cl_pg *pg, const char *token_id)
{
	const char *p[1] = {token_id};
	return cl_pg_exec(pg, NULL,
			  "UPDATE api_tokens SET last_used_at = now() WHERE id = $1::uuid"
			  " AND (last_used_at IS NULL"
			  "  OR last_used_at < now() - interval '60 seconds')",
			  1, p);
}

int gw_db_token_create(struct cl_pg *pg, const char *id, const char *tenant,
		       const char *user_id, const char *name, const char *scopes_json,
		       const char *secret_hash, json_t **out)
{
	const char *p[6] = {id, tenant, user_id, name, scopes_json, secret_hash};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "WITH t AS (INSERT INTO api_tokens"
			    " (id, tenant_id, user_id, name, scopes, secret_hash)"
			    " VALUES ($1::uuid, $2::uuid, $3::uuid, $4,"
			    " ARRAY(SELECT json_array_elements_text($5::json)), $6)"
			    " RETURNING *)"
			    " SELECT " TOKEN_COLUMNS " FROM t JOIN users u ON u.id = t.user_id",
			    6, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_EFATAL;
	}
	*out = token_from_row(res, 0);
	PQclear(res);
	return 0;
}

int gw_db_token_list(struct cl_pg *pg, const struct gw_token_scope *s,
		     const char *after_at, const char *after_id, int limit, json_t **out,
		     char last_at[64], bool *more)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", limit + 1); /* one more: is there a next page? */
	const char *p[5] = {s->tenant, s->organisation, after_at, after_id, lim};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " TOKEN_COLUMNS
			    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
			    " WHERE t.tenant_id = $1::uuid"
			    " AND ($2::uuid IS NULL OR u.organisation_id = $2::uuid)"
			    " AND ($3::timestamptz IS NULL"
			    "  OR (t.created_at, t.id) < ($3::timestamptz, $4::uuid))"
			    " ORDER BY t.created_at DESC, t.id DESC LIMIT $5::int",
			    5, p);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	int n = PQntuples(res);
	*more = n > limit;
	if (*more)
		n = limit;
	for (int i = 0; i < n; i++)
		json_array_append_new(list, token_from_row(res, i));
	last_at[0] = '\0';
	if (n)
		cl_strlcpy(last_at, PQgetvalue(res, n - 1, 8), 64);
	PQclear(res);
	*out = list;
	return 0;
}

int gw_db_token_revoke(struct cl_pg *pg, const struct gw_token_scope *s, const char *id,
		       bool *revoked, char owner[37])
{
	const char *p[3] = {id, s->tenant, s->organisation};
	PGresult *res;
	/* now() is the transaction's start: revoked_at equals it only when
	 * this statement set it */
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE api_tokens t SET revoked_at = coalesce(t.revoked_at, now())"
			    " FROM users u WHERE u.id = t.user_id AND t.id = $1::uuid"
			    " AND t.tenant_id = $2::uuid"
			    " AND ($3::uuid IS NULL OR u.organisation_id = $3::uuid)"
			    " RETURNING t.revoked_at = now(), t.user_id",
			    3, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*revoked = !strcmp(PQgetvalue(res, 0, 0), "t");
	cl_strlcpy(owner, PQgetvalue(res, 0, 1), 37);
	PQclear(res);
	return 0;
}

int gw_db_token_revoke_user(struct cl_pg *pg, const char *user_id)
{
	const char *p[1] = {user_id};
	return cl_pg_exec(pg, NULL,
			  "UPDATE api_tokens SET revoked_at = now()"
			  " WHERE user_id = $1::uuid AND revoked_at IS NULL",
			  1, p);
}

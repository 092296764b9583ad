/* db_calendar_feed.c - the SQL of calendar feed URLs (apps.h) */
#include "apps.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/* a feed as listed (never its hash) */
#define FEED_COLUMNS "f.id, f.scope, " TS("f.created_at") ", " TS("f.last_used_at")

static json_t *feed_from_row(PGresult *res, int row)
{
	const char *used = cl_pg_getvalue(res, row, 3);
	json_t *f = json_pack("{s:s, s:s, s:n, s:s, s:o}", "id", PQgetvalue(res, row, 0), "scope",
			      PQgetvalue(res, row, 1), "url", "created_at",
			      PQgetvalue(res, row, 2), "last_used_at",
			      used ? json_string(used) : json_null());
	if (!f)
		abort();
	return f;
}

int gw_db_calendar_feed_create(struct cl_pg *pg, const char *id, const char *tenant,
			       const char *user_id, const char *scope,
			       const char *secret_hash, json_t **out)
{
	char max[16];
	snprintf(max, sizeof max, "%d", GW_FEEDS_PER_PERSON);
	const char *p[6] = {id, tenant, user_id, scope, secret_hash, max};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO calendar_feeds AS f"
			    " (id, tenant_id, user_id, scope, secret_hash)"
			    " SELECT $1::uuid, $2::uuid, $3::uuid, $4, $5"
			    " WHERE (SELECT count(*) FROM calendar_feeds"
			    "  WHERE user_id = $3::uuid) < $6::int"
			    " RETURNING " FEED_COLUMNS,
			    6, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ECONFLICT;
	}
	*out = feed_from_row(res, 0);
	PQclear(res);
	return 0;
}

int gw_db_calendar_feed_list(struct cl_pg *pg, const char *user_id, json_t **out)
{
	const char *p[1] = {user_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " FEED_COLUMNS " FROM calendar_feeds f"
			    " WHERE f.user_id = $1::uuid ORDER BY f.created_at DESC, f.id DESC",
			    1, p);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(list, feed_from_row(res, i));
	PQclear(res);
	*out = list;
	return 0;
}

int gw_db_calendar_feed_delete(struct cl_pg *pg, const char *user_id, const char *id)
{
	const char *p[2] = {user_id, id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "DELETE FROM calendar_feeds WHERE user_id = $1::uuid AND id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n == 1 ? 0 : CL_ENOENT;
}

int gw_db_user_by_calendar_feed(struct cl_pg *pg, const char *secret_hash, struct gw_user *u,
				struct gw_feed_owner *f)
{
	const char *p[1] = {secret_hash};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT u.id, u.tenant_id, u.organisation_id, o.name, u.profession,"
			    " u.display_name, u.email, array_to_json(u.roles)::text,"
			    " f.id, f.scope, u.active,"
			    " f.last_used_at IS NULL"
			    "  OR f.last_used_at < now() - interval '60 seconds'"
			    " FROM calendar_feeds f JOIN users u ON u.id = f.user_id"
			    " JOIN organisations o ON o.id = u.organisation_id"
			    " WHERE f.secret_hash = $1",
			    1, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
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
	memset(f, 0, sizeof *f);
	cl_strlcpy(f->feed_id, PQgetvalue(res, 0, 8), sizeof f->feed_id);
	cl_strlcpy(f->scope, PQgetvalue(res, 0, 9), sizeof f->scope);
	f->active = !strcmp(PQgetvalue(res, 0, 10), "t");
	f->stale = !strcmp(PQgetvalue(res, 0, 11), "t");
	PQclear(res);
	return 0;
}

int gw_db_calendar_feed_touch(struct cl_pg *pg, const char *feed_id)
{
	const char *p[1] = {feed_id};
	return cl_pg_exec(pg, NULL,
			  "UPDATE calendar_feeds SET last_used_at = now() WHERE id = $1::uuid"
			  " AND (last_used_at IS NULL"
			  "  OR last_used_at < now() - interval '60 seconds')",
			  1, p);
}

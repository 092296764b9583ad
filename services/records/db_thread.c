/* db_thread.c - SQL for threads: list a space's, find a visible one, add,
 * rename, close, reorder, seed */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rec_thread_release(struct rec_thread *t)
{
	free(t->title);
	free(t->space_name);
	json_decref(t->professions);
	json_decref(t->organisations);
	json_decref(t->admins);
	memset(t, 0, sizeof *t);
}

/* API.md's thread of t, with its posts (not comments, not deleted) */
#define THREAD_JSON                                                            \
	"jsonb_build_object('id', t.id, 'space_id', t.space_id,"               \
	" 'title', t.title, 'position', t.position, 'closed', t.closed,"       \
	" 'post_count', st.n, 'last_post_at', " REC_SQL_TIME("st.last") ")"
#define THREAD_STATS                                                           \
	" LEFT JOIN LATERAL (SELECT count(*) AS n, max(p.created_at) AS last"  \
	" FROM posts p WHERE p.thread_id = t.id AND p.parent_id IS NULL"       \
	" AND p.deleted_at IS NULL) st ON true"

int rec_db_thread_list(struct cl_pg *pg, const char *tenant_id, const char *space_id,
		       json_t **out)
{
	const char *p[2] = {tenant_id, space_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(jsonb_agg(" THREAD_JSON
			    " ORDER BY t.position, t.title), '[]')::text"
			    " FROM threads t" THREAD_STATS
			    " WHERE t.tenant_id = $1 AND t.space_id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_thread_json(struct cl_pg *pg, const char *tenant_id, const char *thread_id,
		       json_t **out)
{
	const char *p[2] = {tenant_id, thread_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT " THREAD_JSON "::text FROM threads t" THREAD_STATS
			    " WHERE t.tenant_id = $1 AND t.id = $2::uuid",
			    2, p);
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

/* The columns both lookups select, in the order thread_row() reads them;
 * parameters: REC_SPACE_WHO_PARAMS, then the thread id. */
#define THREAD_COLUMNS                                                         \
	"SELECT t.id, t.space_id, t.title, t.closed, s.archived,"              \
	" array_to_json(s.visible_professions),"                               \
	" array_to_json(s.visible_organisations), s.name,"                     \
	" array_to_json(s.admins), " REC_SQL_SPACE_ADMIN                       \
	" FROM threads t JOIN spaces s ON s.id = t.space_id"                   \
	" AND s.tenant_id = t.tenant_id"                                       \
	" WHERE t.id = $6::uuid AND " REC_SQL_SPACE_VISIBLE

static int thread_row(PGresult *res, struct rec_thread *out)
{
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	memset(out, 0, sizeof *out);
	cl_strlcpy(out->id, PQgetvalue(res, 0, 0), sizeof out->id);
	cl_strlcpy(out->space_id, PQgetvalue(res, 0, 1), sizeof out->space_id);
	out->title = cl_xstrdup(PQgetvalue(res, 0, 2));
	out->closed = !strcmp(PQgetvalue(res, 0, 3), "t");
	out->space_archived = !strcmp(PQgetvalue(res, 0, 4), "t");
	out->professions = cl_json_ours(PQgetvalue(res, 0, 5));
	out->organisations = cl_json_ours(PQgetvalue(res, 0, 6));
	out->space_name = cl_xstrdup(PQgetvalue(res, 0, 7));
	out->admins = cl_json_ours(PQgetvalue(res, 0, 8));
	out->can_admin = !strcmp(PQgetvalue(res, 0, 9), "t");
	PQclear(res);
	return 0;
}

int rec_db_thread_find(struct cl_pg *pg, const struct cl_identity *who,
		       const char *thread_id, struct rec_thread *out)
{
	const char *p[6] = {REC_SPACE_WHO_PARAMS(who), thread_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, THREAD_COLUMNS, 6, p);
	if (rc < 0)
		return rc;
	return thread_row(res, out);
}

int rec_db_thread_lock(struct cl_pg *pg, const struct cl_identity *who,
		       const char *thread_id, struct rec_thread *out)
{
	const char *p[6] = {REC_SPACE_WHO_PARAMS(who), thread_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res, THREAD_COLUMNS " FOR SHARE OF t, s", 6, p);
	if (rc < 0)
		return rc;
	return thread_row(res, out);
}

int rec_db_thread_space(struct cl_pg *pg, const char *tenant_id, const char *thread_id,
			char space_id[CL_UUID_LEN + 1])
{
	const char *p[2] = {tenant_id, thread_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT space_id FROM threads WHERE tenant_id = $1 AND id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	return cl_pg_text(res, space_id, CL_UUID_LEN + 1);
}

int rec_db_thread_insert(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			 const char *title, char id[CL_UUID_LEN + 1])
{
	const char *p[3] = {tenant_id, space_id, title};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO threads (tenant_id, space_id, title, position)"
			    " SELECT $1, $2::uuid, $3, coalesce(max(position), 0) + 1"
			    " FROM threads WHERE tenant_id = $1 AND space_id = $2::uuid"
			    " RETURNING id",
			    3, p);
	if (rc < 0)
		return rc;
	cl_strlcpy(id, PQgetvalue(res, 0, 0), CL_UUID_LEN + 1);
	PQclear(res);
	return 0;
}

int rec_db_thread_update(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			 const char *thread_id, const char *title, int closed)
{
	const char *p[5] = {tenant_id, space_id, thread_id, title,
			    closed < 0 ? NULL : closed ? "true" : "false"};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE threads SET title = coalesce($4, title),"
			    " closed = coalesce($5::boolean, closed), updated_at = now()"
			    " WHERE tenant_id = $1 AND space_id = $2::uuid AND id = $3::uuid",
			    5, p);
	if (rc < 0)
		return rc;
	long n = cl_pg_affected(res);
	PQclear(res);
	return n == 1 ? 0 : CL_ENOENT;
}

int rec_db_thread_ids(struct cl_pg *pg, const char *tenant_id, const char *space_id,
		      json_t **out)
{
	const char *p[2] = {tenant_id, space_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT coalesce(json_agg(id::text ORDER BY position, title), '[]')"
			    " FROM threads WHERE tenant_id = $1 AND space_id = $2::uuid",
			    2, p);
	if (rc < 0)
		return rc;
	*out = cl_json_ours(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int rec_db_thread_reorder(struct cl_pg *pg, const char *tenant_id, const char *space_id,
			  const char *ids_json)
{
	const char *p[3] = {tenant_id, space_id, ids_json};
	return cl_pg_exec(pg, NULL,
			  "UPDATE threads t SET position = o.n, updated_at = now()"
			  " FROM json_array_elements_text($3::json) WITH ORDINALITY AS o(id, n)"
			  " WHERE t.tenant_id = $1 AND t.space_id = $2::uuid"
			  " AND t.id = o.id::uuid AND t.position IS DISTINCT FROM o.n",
			  3, p);
}

int rec_db_thread_seed(struct cl_pg *pg, const char *tenant_id, const char *space_id,
		       const char *title, int position, bool *inserted)
{
	char pos[16];
	snprintf(pos, sizeof pos, "%d", position);
	const char *p[4] = {tenant_id, space_id, title, pos};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO threads (tenant_id, space_id, title, position)"
			    " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			    4, p);
	if (rc < 0)
		return rc;
	*inserted = cl_pg_affected(res) == 1;
	PQclear(res);
	return 0;
}

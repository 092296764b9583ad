/* db_post.c - SQL for posts and comments: find, shape as JSON, list a
 * thread's, insert, edit, soft delete, audit, seed */
#include "records.h"
#include "carelink/json.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a time column as whole milliseconds since the epoch */
#define MS(col) "floor(extract(epoch FROM " col ") * 1000)::bigint"

/* Columns and joins of a post p with its thread t and space s visible to
 * the caller ($1..$5 as REC_SPACE_WHO_PARAMS, $6 the post id). */
#define POST_REF_SQL                                                           \
	"SELECT p.id, coalesce(p.parent_id::text, ''), p.thread_id, p.space_id," \
	" p.author_id, p.author_name, p.author_organisation_id,"              \
	" p.author_organisation_name, p.body, s.name, t.title, p.mentions,"   \
	" to_json(s.visible_professions), to_json(s.visible_organisations),"  \
	" p.deleted_at IS NOT NULL, t.closed, s.archived, " REC_SQL_SPACE_ADMIN "," \
	" " MS("coalesce(p.edited_at, p.created_at)")                          \
	" FROM posts p JOIN threads t ON t.id = p.thread_id"                   \
	" JOIN spaces s ON s.id = p.space_id"                                  \
	" WHERE p.id = $6::uuid AND p.tenant_id = $1 AND " REC_SQL_SPACE_VISIBLE

static bool is_true(const char *v)
{
	return v && v[0] == 't';
}

void rec_post_ref_release(struct rec_post_ref *p)
{
	free(p->author_id);
	free(p->author_name);
	free(p->author_organisation_id);
	free(p->author_organisation_name);
	free(p->body);
	free(p->space_name);
	free(p->thread_title);
	json_decref(p->mentions);
	json_decref(p->professions);
	json_decref(p->organisations);
	memset(p, 0, sizeof *p);
}

int rec_db_post_find(struct cl_pg *pg, const struct cl_identity *who, const char *post_id,
		     bool lock, struct rec_post_ref *out)
{
	const char *p[6] = {REC_SPACE_WHO_PARAMS(who), post_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    lock ? POST_REF_SQL " FOR UPDATE OF p FOR SHARE OF t, s" : POST_REF_SQL,
			    6, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	memset(out, 0, sizeof *out);
	cl_strlcpy(out->id, PQgetvalue(res, 0, 0), sizeof out->id);
	cl_strlcpy(out->parent_id, PQgetvalue(res, 0, 1), sizeof out->parent_id);
	cl_strlcpy(out->thread_id, PQgetvalue(res, 0, 2), sizeof out->thread_id);
	cl_strlcpy(out->space_id, PQgetvalue(res, 0, 3), sizeof out->space_id);
	out->author_id = cl_xstrdup(PQgetvalue(res, 0, 4));
	out->author_name = cl_xstrdup(PQgetvalue(res, 0, 5));
	out->author_organisation_id = cl_xstrdup(PQgetvalue(res, 0, 6));
	out->author_organisation_name = cl_xstrdup(PQgetvalue(res, 0, 7));
	out->body = cl_xstrdup(PQgetvalue(res, 0, 8));
	out->space_name = cl_xstrdup(PQgetvalue(res, 0, 9));
	out->thread_title = cl_xstrdup(PQgetvalue(res, 0, 10));
	out->mentions = cl_json_ours(PQgetvalue(res, 0, 11));
	out->professions = cl_json_ours(PQgetvalue(res, 0, 12));
	out->organisations = cl_json_ours(PQgetvalue(res, 0, 13));
	out->deleted = is_true(PQgetvalue(res, 0, 14));
	out->closed = is_true(PQgetvalue(res, 0, 15));
	out->archived = is_true(PQgetvalue(res, 0, 16));
	out->can_admin = is_true(PQgetvalue(res, 0, 17));
	out->written_ms = strtoll(PQgetvalue(res, 0, 18), NULL, 10);
	PQclear(res);
	return 0;
}

int rec_db_post_json(struct cl_pg *pg, const struct cl_identity *who, const char *post_id,
		     json_t **out)
{
	const char *p[6] = {REC_SPACE_WHO_PARAMS(who), post_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT rec_post_json(p, $4, " REC_SQL_SPACE_ADMIN ","
			    " NOT t.closed AND NOT s.archived, s.archived,"
			    " " REC_SQL_AUDIENCE("p.author_id") ")"
			    " FROM posts p JOIN threads t ON t.id = p.thread_id"
			    " JOIN spaces s ON s.id = p.space_id"
			    " WHERE p.id = $6::uuid AND p.tenant_id = $1 AND " REC_SQL_SPACE_VISIBLE,
			    6, p);
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

int rec_db_post_thread_head(struct cl_pg *pg, const struct cl_identity *who,
			    const char *thread_id, json_t **thread, json_t **space)
{
	const char *p[6] = {REC_SPACE_WHO_PARAMS(who), thread_id};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT jsonb_build_object('id', t.id, 'space_id', t.space_id,"
		" 'title', t.title, 'position', t.position, 'closed', t.closed,"
		" 'post_count', st.n, 'last_post_at', rec_time(st.last)),"
		" jsonb_build_object('id', s.id, 'name', s.name, 'archived', s.archived,"
		" 'can_admin', " REC_SQL_SPACE_ADMIN ")"
		" FROM threads t JOIN spaces s ON s.id = t.space_id,"
		" LATERAL (SELECT count(*) AS n, max(created_at) AS last FROM posts"
		" WHERE thread_id = t.id AND parent_id IS NULL AND deleted_at IS NULL) st"
		" WHERE t.id = $6::uuid AND t.tenant_id = $1 AND " REC_SQL_SPACE_VISIBLE,
		6, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*thread = cl_json_ours(PQgetvalue(res, 0, 0));
	*space = cl_json_ours(PQgetvalue(res, 0, 1));
	PQclear(res);
	return 0;
}

int rec_db_post_list(struct cl_pg *pg, const struct cl_identity *who, const char *thread_id,
		     const char *before, int limit, json_t **out, bool *has_more)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", limit + 1);
	const char *p[8] = {REC_SPACE_WHO_PARAMS(who), thread_id, before, lim};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"SELECT rec_post_json(p, $4, " REC_SQL_SPACE_ADMIN ","
		" NOT t.closed AND NOT s.archived, s.archived,"
		" " REC_SQL_AUDIENCE("p.author_id") ")"
		" FROM (SELECT * FROM posts q WHERE q.tenant_id = $1 AND q.thread_id = $6::uuid"
		" AND q.parent_id IS NULL AND ($7::uuid IS NULL OR (q.created_at, q.id) <"
		" (SELECT b.created_at, b.id FROM posts b WHERE b.id = $7::uuid"
		" AND b.thread_id = $6::uuid))"
		" ORDER BY q.created_at DESC, q.id DESC LIMIT $8::int) p"
		" JOIN threads t ON t.id = p.thread_id JOIN spaces s ON s.id = p.space_id"
		" WHERE " REC_SQL_SPACE_VISIBLE " ORDER BY p.created_at, p.id",
		8, p);
	if (rc < 0)
		return rc;
	int n = PQntuples(res);
	*has_more = n > limit;
	json_t *posts = json_array();
	/* oldest first: the extra row, when there is one, is the first */
	for (int i = *has_more ? 1 : 0; i < n; i++)
		json_array_append_new(posts, cl_json_ours(PQgetvalue(res, i, 0)));
	PQclear(res);
	*out = posts;
	return 0;
}

int rec_db_post_insert(struct cl_pg *pg, const struct rec_post_new *n,
		       char id[CL_UUID_LEN + 1], int64_t *created_ms)
{
	const char *p[10] = {n->tenant_id, n->space_id, n->thread_id, n->author_id,
			     n->author_name, n->author_organisation_id,
			     n->author_organisation_name, n->body, n->parent_id,
			     n->mentions_json};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO posts (tenant_id, space_id, thread_id, author_id,"
			    " author_name, author_organisation_id, author_organisation_name,"
			    " body, parent_id, mentions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
			    " $9::uuid, $10::jsonb) RETURNING id, " MS("created_at"),
			    10, p);
	if (rc < 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_EFATAL;
	}
	cl_strlcpy(id, PQgetvalue(res, 0, 0), CL_UUID_LEN + 1);
	*created_ms = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return 0;
}

/* the one row a statement returning a millisecond time must give */
static int one_ms(PGresult *res, int64_t *ms)
{
	if (PQntuples(res) != 1) {
		PQclear(res);
		return CL_ENOENT;
	}
	*ms = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int rec_db_post_update(struct cl_pg *pg, const char *tenant_id, const char *post_id,
		       const char *body, const char *mentions_json, int64_t *edited_ms)
{
	const char *p[4] = {tenant_id, post_id, body, mentions_json};
	PGresult *res;
	/* clock_timestamp(): an edit in the transaction that created the
	 * post still comes after it */
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE posts SET body = $3, mentions = $4::jsonb,"
			    " edited_at = greatest(clock_timestamp(), created_at)"
			    " WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL"
			    " RETURNING " MS("edited_at"),
			    4, p);
	if (rc < 0)
		return rc;
	return one_ms(res, edited_ms);
}

int rec_db_post_mark_deleted(struct cl_pg *pg, const char *tenant_id, const char *post_id,
			     const char *user_id, int64_t *deleted_ms)
{
	const char *p[3] = {tenant_id, post_id, user_id};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "UPDATE posts SET deleted_at = now(), deleted_by = $3"
			    " WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL"
			    " RETURNING " MS("deleted_at"),
			    3, p);
	if (rc < 0)
		return rc;
	return one_ms(res, deleted_ms);
}

int rec_db_post_audit(struct cl_pg *pg, const char *tenant_id, const char *post_id,
		      const char *action, const char *actor_id, const char *actor_name,
		      const char *body)
{
	const char *p[6] = {tenant_id, post_id, action, actor_id, actor_name, body};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO post_audit (tenant_id, post_id, action, actor_id,"
			  " actor_name, body) VALUES ($1, $2::uuid, $3, $4, $5, $6)",
			  6, p);
}

int rec_db_post_seed(struct cl_pg *pg, const struct rec_post_seed *s, json_t **thread)
{
	const char *p[11] = {s->tenant_id, s->id, s->space_id, s->thread_title, s->parent_id,
			     s->author_id, s->author_name, s->organisation_id,
			     s->organisation_name, s->body, s->hours_ago};
	PGresult *res;
	int rc = cl_pg_exec(
		pg, &res,
		"WITH t AS (SELECT t.id, t.title, s.name, s.visible_professions,"
		" s.visible_organisations FROM threads t JOIN spaces s ON s.id = t.space_id"
		" WHERE t.tenant_id = $1 AND t.space_id = $3::uuid AND t.title = $4),"
		" ins AS (INSERT INTO posts (id, tenant_id, space_id, thread_id, parent_id,"
		" author_id, author_name, author_organisation_id, author_organisation_name,"
		" body, created_at) SELECT $2::uuid, $1, $3::uuid, t.id, $5::uuid, $6, $7, $8,"
		" $9, $10, now() - $11::numeric * interval '1 hour' FROM t"
		" ON CONFLICT (id) DO NOTHING RETURNING thread_id, created_at)"
		" SELECT json_build_object('thread_id', t.id, 'thread_title', t.title,"
		" 'space_name', t.name, 'professions', to_json(t.visible_professions),"
		" 'organisations', to_json(t.visible_organisations),"
		" 'created_ms', " MS("ins.created_at") ") FROM ins JOIN t ON t.id = ins.thread_id",
		11, p);
	if (rc < 0)
		return rc;
	*thread = PQntuples(res) == 1 ? cl_json_ours(PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	return 0;
}

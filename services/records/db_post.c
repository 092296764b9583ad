/* db_post.c - SQL for posts: list a thread's, insert one */
#include "records.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>

/* created_at as whole milliseconds since the epoch */
#define CREATED_MS "floor(extract(epoch FROM created_at) * 1000)::bigint"

int rec_db_post_list(struct cl_pg *pg, const char *tenant_id, const char *thread_id,
		     int limit, json_t **out)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *p[3] = {tenant_id, thread_id, lim};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT id, body, ms, author_id, author_name,"
			    " author_organisation_id, author_organisation_name"
			    " FROM (SELECT *, " CREATED_MS " AS ms FROM posts"
			    " WHERE tenant_id = $1 AND thread_id = $2"
			    " ORDER BY created_at DESC, id DESC LIMIT $3) newest"
			    " ORDER BY created_at, id",
			    3, p);
	if (rc < 0)
		return rc;
	json_t *posts = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(posts, rec_post_json(
			PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			strtoll(PQgetvalue(res, i, 2), NULL, 10), PQgetvalue(res, i, 3),
			PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6)));
	PQclear(res);
	*out = posts;
	return 0;
}

int rec_db_post_insert(struct cl_pg *pg, const struct rec_post_new *n,
		       char id[CL_UUID_LEN + 1], int64_t *created_ms)
{
	const char *p[8] = {n->tenant_id, n->space_id, n->thread_id, n->author_id,
			    n->author_name, n->author_organisation_id,
			    n->author_organisation_name, n->body};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO posts (tenant_id, space_id, thread_id, author_id,"
			    " author_name, author_organisation_id, author_organisation_name,"
			    " body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
			    " RETURNING id, " CREATED_MS,
			    8, p);
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

/* thread_posts.c - GET /v1/threads/:id/posts: a visible thread's newest posts,
 * oldest first */
#include "records.h"
#include "carelink/err.h"

#include <errno.h>
#include <stdlib.h>

/* The limit query parameter: absent means the default, otherwise a
 * decimal integer in 1..REC_POSTS_LIMIT_MAX. Returns the limit or -1. */
static int parse_limit(const char *s)
{
	if (!s)
		return REC_POSTS_LIMIT_DEFAULT;
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > REC_POSTS_LIMIT_MAX)
		return -1;
	return (int)v;
}

enum MHD_Result rec_thread_posts(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *thread_id = req->params[0];
	int limit = parse_limit(cl_http_query(req, "limit"));
	if (limit < 0)
		return cl_http_error(req, 400, "invalid_limit",
				     "limit must be an integer from 1 to 500");
	if (!cl_uuid_valid(thread_id))
		return cl_http_error(req, 404, "thread_not_found", "no such thread");

	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	struct rec_thread t;
	json_t *posts = NULL;
	int rc = rec_db_thread_find(pg, &req->identity, thread_id, &t);
	if (rc == 0) {
		rc = rec_db_post_list(pg, req->identity.tenant, thread_id, limit, &posts);
		if (rc < 0)
			rec_thread_release(&t);
	}
	cl_pg_pool_put(&app->svc->pool, pg);

	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "thread_not_found", "no such thread");
	if (rc < 0)
		return cl_http_fail(req, rc);
	json_t *body = json_pack("{s:{s:s, s:s, s:s, s:b}, s:o}",
				 "thread", "id", t.id, "title", t.title,
				 "space_id", t.space_id, "closed", t.closed,
				 "posts", posts);
	rec_thread_release(&t);
	return cl_http_json(req, 200, body);
}

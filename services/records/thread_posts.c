/* thread_posts.c - GET /v1/threads/:id/posts: a visible thread's newest
 * posts before a post, oldest first, each with its comments */
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
	const char *before = cl_http_query(req, "before");
	int limit = parse_limit(cl_http_query(req, "limit"));
	if (limit < 0)
		return cl_http_error(req, 400, "invalid_limit",
				     "limit は 1 から 500 の整数です");
	if (!cl_uuid_valid(thread_id))
		return cl_http_error(req, 404, "thread_not_found", "スレッドが見つかりません");
	if (before && !*before)
		before = NULL;
	if (before && !cl_uuid_valid(before))
		return cl_http_error(req, 400, "invalid_before", "before は投稿の id です");

	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	json_t *thread = NULL, *space = NULL, *posts = NULL;
	bool more = false;
	int rc = rec_db_post_thread_head(pg, &req->identity, thread_id, &thread, &space);
	if (rc == 0)
		rc = rec_db_post_list(pg, &req->identity, thread_id, before, limit, &posts, &more);
	cl_pg_pool_put(&app->svc->pool, pg);

	if (rc < 0) {
		json_decref(thread);
		json_decref(space);
		if (rc == CL_ENOENT)
			return cl_http_error(req, 404, "thread_not_found",
					     "スレッドが見つかりません");
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, json_pack("{s:o, s:o, s:o, s:b}", "thread", thread,
						"space", space, "posts", posts, "has_more", more));
}

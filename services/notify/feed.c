/* feed.c - GET /v1/feed: the notifications the reader may see, newest first,
 * or oldest first after a given id (how a reconnecting stream catches up) */
#include "notify.h"

#include "carelink/err.h"

/* Query: limit (1..500, default 50), before (ids below it), after (ids above
 * it; switches to oldest first). */
enum MHD_Result nt_feed_get(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	int64_t limit = NT_FEED_LIMIT_DEFAULT, after = 0, before = 0;
	const char *v;

	v = cl_http_query(req, "limit");
	if (v && (nt_parse_id(v, &limit) < 0 || limit < 1 || limit > NT_FEED_LIMIT_MAX))
		return cl_http_error(req, 400, "invalid_limit",
				     "limit must be an integer from 1 to 500");
	v = cl_http_query(req, "before");
	if (v && (nt_parse_id(v, &before) < 0 || before < 1))
		return cl_http_error(req, 400, "invalid_before",
				     "before must be a positive integer id");
	const char *after_text = cl_http_query(req, "after");
	if (after_text && nt_parse_id(after_text, &after) < 0)
		return cl_http_error(req, 400, "invalid_after",
				     "after must be a non-negative integer id");

	json_t *items = json_array();
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = after_text
		? nt_db_notification_after(pg, &req->identity, after, before, (int)limit, items)
		: nt_db_notification_newest(pg, &req->identity, before, (int)limit, items);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(items);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, json_pack("{s:o}", "notifications", items));
}

/* feed.c - GET /v1/feed: the notifications the reader may see with the
 * query's filters, newest first by cursor, or oldest first after a given id
 * (how a reconnecting stream catches up); FEED.md */
#include "feed.h"

#include "carelink/err.h"

static const char *query_get(void *ctx, const char *key)
{
	return cl_http_query(ctx, key);
}

enum MHD_Result nt_feed_get(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	struct nt_feed_query q;
	struct nt_feed_refusal why;

	if (nt_feed_query_parse(query_get, req, &q, &why) < 0)
		return cl_http_error(req, 400, why.code, why.message);

	json_t *items = json_array();
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = 0;
	if (q.has_after && q.after > 0) {
		rc = nt_db_notification_exists(pg, req->identity.tenant, q.after);
		if (rc == 0) {
			cl_pg_pool_put(&app->svc->pool, pg);
			json_decref(items);
			return cl_http_error(req, 410, "unknown_event_id",
					     "after is not a notification of this tenant:"
					     " re-fetch the feed");
		}
	}
	if (rc >= 0)
		rc = q.has_after ? nt_db_notification_after(pg, &req->identity, &q, items)
				 : nt_db_notification_newest(pg, &req->identity, &q, items);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(items);
		return cl_http_fail(req, rc);
	}
	json_t *next = json_null();
	size_t n = json_array_size(items);
	if (!q.has_after && n == (size_t)q.limit)
		next = json_incref(json_object_get(json_array_get(items, n - 1), "id"));
	return cl_http_json(req, 200, json_pack("{s:o, s:o}", "notifications", items,
						"next_before", next));
}

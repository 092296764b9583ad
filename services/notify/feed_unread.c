/* feed_unread.c - GET /v1/feed/unread: the reader's unread counts
 * (FEED.md) */
#include "feed.h"

#include "carelink/err.h"

int nt_feed_unread_load(struct cl_pg *pg, const struct cl_identity *who, json_t **counts)
{
	json_t *rows = NULL;
	*counts = NULL;
	int rc = nt_db_notification_unread(pg, who, NT_UNREAD_COUNT_MAX + 1, &rows);
	if (rc < 0)
		return rc;
	*counts = nt_feed_unread_counts(rows);
	json_decref(rows);
	return 0;
}

enum MHD_Result nt_feed_unread_get(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	json_t *counts;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = nt_feed_unread_load(pg, &req->identity, &counts);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, counts);
}

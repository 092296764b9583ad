/* notification.c - GET /v1/notifications/:id: one notification, when the
 * reader may see it */
#include "notify.h"

#include "carelink/err.h"

enum MHD_Result nt_notification_get(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	int64_t id;

	/* an id that cannot exist is reported like one the reader may not see */
	if (req->n_params != 1 || nt_parse_id(req->params[0], &id) < 0 || id < 1)
		return cl_http_error(req, 404, "not_found", "no such notification");

	json_t *item = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = nt_db_notification_get(pg, &req->identity, id, &item);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "not_found", "no such notification");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, item);
}

/* alert_get.c - GET /v1/alerts/{id}: one alert with its acknowledgements
 * and timeline, for its readers (404 for everyone else) */
#include "alert_resource.h"

#include "carelink/err.h"

enum MHD_Result nt_alert_get(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	json_t *alert = NULL;
	int64_t id;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = nt_alert_load(pg, req, false, &alert, &id);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return nt_alert_not_found(req);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return nt_alert_answer(req, 200, alert);
}

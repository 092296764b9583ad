/* app_list.c - GET /v1/apps: the apps the caller may read, built-ins first */
#include "records.h"

enum MHD_Result rec_app_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	json_t *out = NULL;
	int rc = rec_db_app_list(pg, &req->identity, &out);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, out);
}

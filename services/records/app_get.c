/* app_get.c - GET /v1/apps/:id: one readable app, by id or key */
#include "records.h"

enum MHD_Result rec_app_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	struct rec_app_def def;
	json_t *out = NULL;
	int rc = 0;
	if (rec_app_load(req, pg, req->params[0], &def)) {
		rc = rec_db_app_json(pg, &req->identity, def.id, &out);
		rec_app_def_release(&def);
	} else {
		rc = 1; /* answered */
	}
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == 1)
		return req->result;
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "app", out));
}

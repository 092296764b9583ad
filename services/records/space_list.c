/* space_list.c - GET /v1/spaces: the spaces the caller may open, by name */
#include "records.h"

enum MHD_Result rec_space_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	json_t *spaces = NULL;
	int rc = rec_db_space_list(pg, &req->identity, &spaces);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "spaces", spaces));
}

/* capacity_list.c - GET /v1/capacity: every office's capacity in the tenant */
#include "vacancy.h"

enum MHD_Result vac_capacity_list(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	json_t *list = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_capacity_list(pg, req->identity.tenant, &list);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "offices", list));
}

/* capacity_get.c - GET /v1/facilities/{id}/capacity */
#include "vacancy.h"

enum MHD_Result vac_capacity_get(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	struct vac_facility f;
	if (!vac_facility_for(req, false, &f))
		return req->result;
	json_t *cap = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_capacity_get(pg, req->identity.tenant, &f, vac_stale_hours(app), &cap);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "capacity", cap));
}

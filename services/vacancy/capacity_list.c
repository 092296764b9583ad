/* capacity_list.c - GET /v1/capacity: the care-manager capacity of every
 * home-care support office of the tenant, filtered */
#include "vacancy.h"

enum MHD_Result vac_capacity_list(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	if (!vac_may_read(app, &req->identity, NULL))
		return cl_http_error(req, 404, "not_found", "見つかりません");
	const char *district = cl_http_query(req, "district");
	const char *care_level = cl_http_query(req, "care_level");
	const char *capability = cl_http_query(req, "capability");
	if (district && !district[0])
		district = NULL;
	if (capability && !capability[0])
		capability = NULL;
	if (care_level && care_level[0] && !vac_care_level_ok(care_level))
		return cl_http_error(req, 400, "invalid_code", "要介護度の指定が正しくありません");
	if (care_level && !care_level[0])
		care_level = NULL;
	json_t *list = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_capacity_list(pg, req->identity.tenant, district, care_level, capability,
				      vac_stale_hours(app), &list);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "offices", list));
}

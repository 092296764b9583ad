/* freshness_get.c - GET /v1/freshness: when each facility offering
 * vacancies last updated them, and which are the caller's own */
#include "vacancy.h"

enum MHD_Result vac_freshness_get(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	json_t *list = NULL;
	if (!vac_may_read(app, &req->identity, NULL))
		return cl_http_error(req, 404, "not_found", "見つかりません");
	const char *district = cl_http_query(req, "district");
	if (district && !district[0])
		district = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_freshness_list(pg, req->identity.tenant, district,
				       req->identity.organisation, vac_stale_hours(app), &list);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "facilities", list));
}

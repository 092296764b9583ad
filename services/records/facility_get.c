/* facility_get.c - GET /v1/facilities/:id and GET /v1/facilities/districts */
#include "records.h"
#include "carelink/err.h"

enum MHD_Result rec_facility_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct rec_app_def def = {0};
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_load(req, pg, REC_APP_FACILITIES, &def)) {
		r = req->result;
		goto out;
	}
	json_t *f = NULL;
	int rc = rec_db_facility_get(pg, req->identity.tenant, def.id, req->params[0], &f);
	if (rc == CL_ENOENT)
		r = cl_http_error(req, 404, "facility_not_found", "事業所が見つかりません");
	else if (rc < 0)
		r = cl_http_fail(req, rc);
	else
		r = cl_http_json(req, 200, json_pack("{s:o}", "facility", f));
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	return r;
}

enum MHD_Result rec_facility_districts(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct rec_app_def def = {0};
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_load(req, pg, REC_APP_FACILITIES, &def)) {
		r = req->result;
		goto out;
	}
	json_t *d = NULL;
	int rc = rec_db_facility_districts(pg, req->identity.tenant, def.id, &d);
	r = rc < 0 ? cl_http_fail(req, rc)
		   : cl_http_json(req, 200, json_pack("{s:o}", "districts", d));
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	return r;
}

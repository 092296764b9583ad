/* app_record_get.c - GET /v1/app-records/:id and its history */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>

enum MHD_Result rec_app_record_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct rec_app_def def = {0};
	char *owner = NULL;
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_record_load(req, pg, req->params[0], &def, &owner)) {
		r = req->result;
		goto out;
	}
	json_t *rec = rec_app_record_json_for(pg, &req->identity, &def, req->params[0]);
	r = rec ? cl_http_json(req, 200, json_pack("{s:o}", "record", rec))
		: cl_http_error(req, 404, "record_not_found", "レコードが見つかりません");
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	free(owner);
	return r;
}

enum MHD_Result rec_app_record_history(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct rec_app_def def = {0};
	char *owner = NULL;
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_record_load(req, pg, req->params[0], &def, &owner)) {
		r = req->result;
		goto out;
	}
	json_t *changes = NULL;
	int rc = rec_db_app_changes(pg, req->identity.tenant, req->params[0], &changes);
	r = rc < 0 ? cl_http_fail(req, rc)
		   : cl_http_json(req, 200, json_pack("{s:o}", "changes", changes));
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	free(owner);
	return r;
}

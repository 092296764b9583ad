/* import_get.c - GET /v1/imports/:id: the state, progress and errors of an
 * import, for the person who started it */
#include "records.h"

enum MHD_Result rec_import_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	json_t *out = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_import_json(pg, &req->identity, req->params[0], &out);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "import_not_found", "取り込みが見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "import", out));
}

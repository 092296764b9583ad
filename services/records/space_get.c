/* space_get.c - GET /v1/spaces/:id: one visible space and its threads */
#include "records.h"
#include "carelink/err.h"

enum MHD_Result rec_space_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *space_id = req->params[0];
	/* an id that is not a UUID names nothing; say so like any unknown id */
	if (!cl_uuid_valid(space_id))
		return cl_http_error(req, 404, "space_not_found", "スペースが見つかりません");

	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	json_t *space = NULL, *threads = NULL;
	int rc = rec_db_space_get(pg, &req->identity, space_id, &space);
	if (rc == 0)
		rc = rec_db_thread_list(pg, req->identity.tenant, space_id, &threads);
	cl_pg_pool_put(&app->svc->pool, pg);

	if (rc < 0) {
		json_decref(space);
		if (rc == CL_ENOENT)
			return cl_http_error(req, 404, "space_not_found", "スペースが見つかりません");
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, json_pack("{s:o, s:o}", "space", space,
						"threads", threads));
}

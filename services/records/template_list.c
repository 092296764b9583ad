/* template_list.c - GET /v1/entry-templates: the caller's own templates
 * and the tenant's shared ones */
#include "entries.h"

enum MHD_Result rec_template_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	json_t *templates = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_template_list(pg, &req->identity, &templates);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "templates", templates));
}

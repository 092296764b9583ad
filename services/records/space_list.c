/* space_list.c - GET /v1/spaces: the spaces the caller may open, by name;
 * ?all=1: every space of the tenant, for its tenant admins */
#include "records.h"

#include <string.h>

enum MHD_Result rec_space_list(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *all_arg = cl_http_query(req, "all");
	bool all = all_arg && strcmp(all_arg, "0") != 0 && strcmp(all_arg, "false") != 0 &&
		   *all_arg;
	if (all && !rec_identity_tenant_admin(&req->identity))
		return cl_http_error(req, 403, "forbidden",
				     "すべてのスペースを一覧できるのは自治体の管理者だけです");
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	json_t *spaces = NULL;
	int rc = rec_db_space_list(pg, &req->identity, all, &spaces);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, json_pack("{s:o}", "spaces", spaces));
}

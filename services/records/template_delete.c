/* template_delete.c - DELETE /v1/entry-templates/:id: by its owner, or a
 * shared one by a tenant admin */
#include "entries.h"
#include "carelink/err.h"

enum MHD_Result rec_template_delete(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return cl_http_error(req, 404, "template_not_found", "テンプレートが見つかりません");
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_template_delete(pg, &req->identity, id,
					rec_identity_tenant_admin(&req->identity));
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "template_not_found", "テンプレートが見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return cl_http_empty(req, 204);
}

/* watch_delete.c - DELETE /v1/watches/:id: the caller deletes a watch of
 * theirs (its matches go with it) */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>

enum MHD_Result vac_watch_delete(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_watch_delete(pg, req->identity.tenant, req->identity.user, req->params[0]);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "watch_not_found", "保存した検索が見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	cl_log_info("watch deleted", "watch_id", req->params[0], "user_id", req->identity.user,
		    NULL);
	return cl_http_empty(req, 204);
}

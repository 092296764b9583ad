/* watch_show.c - GET /v1/watches/:id: one of the caller's watches with the
 * facilities that match it now */
#include "vacancy.h"

#include <carelink/err.h>
#include <time.h>

enum MHD_Result vac_watch_show(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	json_t *row = NULL, *matches = NULL;
	char today[VAC_DAY_LEN];
	vac_day_today(time(NULL), today);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_watch_get(pg, req->identity.tenant, req->identity.user, req->params[0],
				  today, &row);
	if (rc == 0)
		rc = vac_db_watch_matches(pg, req->params[0], &matches);
	cl_pg_pool_put(&app->svc->pool, pg);
	enum MHD_Result res;
	if (rc == CL_ENOENT)
		res = cl_http_error(req, 404, "watch_not_found", "保存した検索が見つかりません");
	else if (rc < 0)
		res = cl_http_fail(req, rc);
	else
		res = cl_http_json(req, 200, json_pack("{s:o}", "watch", vac_watch_json(row, matches)));
	json_decref(row);
	json_decref(matches);
	return res;
}

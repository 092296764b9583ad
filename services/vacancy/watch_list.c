/* watch_list.c - GET /v1/watches: the caller's watches, newest first, each
 * with its matches */
#include "vacancy.h"

#include <carelink/err.h>
#include <string.h>
#include <time.h>

enum MHD_Result vac_watch_list(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	json_t *rows = NULL, *out = json_array();
	char today[VAC_DAY_LEN];
	if (!vac_may_read(app, &req->identity, NULL)) {
		json_decref(out);
		return cl_http_error(req, 404, "not_found", "見つかりません");
	}
	const char *active = cl_http_query(req, "active");
	vac_day_today(time(NULL), today);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_watch_list(pg, req->identity.tenant, req->identity.user,
				   active && strcmp(active, "1") == 0, today, &rows);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		json_t *matches = NULL;
		if (rc == 0)
			rc = vac_db_watch_matches(
				pg, json_string_value(json_object_get(row, "id")), &matches);
		if (rc == 0)
			json_array_append_new(out, vac_watch_json(row, matches));
		json_decref(matches);
	}
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(rows);
	if (rc < 0) {
		json_decref(out);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200, json_pack("{s:o}", "watches", out));
}

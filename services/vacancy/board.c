/* board.c - GET /v1/board: every facility's available beds of one kind,
 * today and the coming two weeks at a glance */
#include "vacancy.h"

#include <time.h>

#define BOARD_DAYS 14

enum MHD_Result vac_board_get(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	if (!vac_may_read(app, &req->identity, NULL))
		return cl_http_error(req, 404, "not_found", "見つかりません");
	const char *qkind = cl_http_query(req, "kind");
	const char *kind = vac_kind_take(req, qkind && qkind[0] ? qkind : "short_stay", NULL);
	if (!kind)
		return req->result;
	const char *district = cl_http_query(req, "district");
	if (district && !district[0])
		district = NULL;
	long today = vac_day_number_today(time(NULL));
	char from[VAC_DAY_LEN], day[VAC_DAY_LEN];
	vac_day_format(today, from);
	json_t *days = json_array(), *facilities = NULL;
	for (long d = 0; d < BOARD_DAYS; d++) {
		vac_day_format(today + d, day);
		json_array_append_new(days, json_string(day));
	}
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_board(pg, req->identity.tenant, kind, district, from,
			      vac_stale_hours(app), &facilities);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(days);
		return cl_http_fail(req, rc);
	}
	return cl_http_json(req, 200,
			    json_pack("{s:s, s:o, s:o}", "kind", kind, "days", days, "facilities",
				      facilities));
}

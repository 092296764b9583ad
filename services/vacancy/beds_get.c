/* beds_get.c - GET /v1/facilities/{id}/beds: the declared and available
 * beds of one kind per day */
#include "vacancy.h"

#include <carelink/err.h>

json_t *vac_beds_answer(struct vac_app *app, struct cl_pg *pg, const struct vac_facility *f,
			const char *kind, const char *from, const char *to, int *rc)
{
	json_t *days = NULL;
	*rc = vac_db_beds_range(pg, f->id, kind, from, to, &days);
	if (*rc < 0)
		return NULL;
	json_t *out = json_pack("{s:o, s:s, s:o}", "facility", vac_facility_json(f), "kind", kind,
				"days", days);
	*rc = vac_db_beds_updated(pg, f->id, kind, vac_stale_hours(app), out);
	if (*rc < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

enum MHD_Result vac_beds_get(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	struct vac_facility f;
	char from[VAC_DAY_LEN], to[VAC_DAY_LEN];
	if (!vac_facility_for(req, false, &f))
		return req->result;
	const char *kind = vac_kind_take(req, cl_http_query(req, "kind"), &f);
	if (!kind)
		return req->result;
	if (!vac_range_take(req, cl_http_query(req, "from"), cl_http_query(req, "to"), 14,
			    "invalid_query", from, to))
		return req->result;
	int rc;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	json_t *out = vac_beds_answer(app, pg, &f, kind, from, to, &rc);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (!out)
		return cl_http_fail(req, rc);
	return cl_http_json(req, 200, out);
}

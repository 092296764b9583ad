/* search_beds.c - GET /v1/search/beds: facilities with a bed on every night
 * of a range that fit the client, ranked by spare beds and distance */
#include "vacancy.h"

#include <carelink/err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 200
#define CONDITIONS_MAX 40

static const char *nonempty(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* the conditions "a,b" as a JSON array text (caller frees), or NULL when a
 * code is bad */
static char *conditions_take(const char *s)
{
	json_t *a = json_array();
	char *copy = strdup(s ? s : ""), *save = NULL, *text = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(t));
	if (vac_code_list_ok(a, CONDITIONS_MAX))
		text = json_dumps(a, JSON_COMPACT);
	free(copy);
	json_decref(a);
	return text;
}

enum MHD_Result vac_search_beds(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	char from[VAC_DAY_LEN], to[VAC_DAY_LEN];
	char *conditions = NULL;
	json_t *results = NULL;
	if (!vac_may_read(app, &req->identity, NULL))
		return cl_http_error(req, 404, "not_found", "見つかりません");
	const char *kind = vac_kind_take(req, cl_http_query(req, "kind"), NULL);
	if (!kind)
		return req->result;
	const char *qfrom = nonempty(cl_http_query(req, "from"));
	const char *qto = nonempty(cl_http_query(req, "to"));
	if (!qfrom || !qto)
		return cl_http_error(req, 400, "invalid_query", "from と to を指定してください");
	if (!vac_range_take(req, qfrom, qto, 1, "invalid_query", from, to))
		return req->result;
	const char *room = nonempty(cl_http_query(req, "room"));
	if (!room)
		room = "any";
	if (strcmp(room, "men") && strcmp(room, "women") && strcmp(room, "any"))
		return cl_http_error(req, 400, "invalid_query", "room は men, women, any です");
	const char *care_level = nonempty(cl_http_query(req, "care_level"));
	if (care_level && !vac_care_level_ok(care_level))
		return cl_http_error(req, 400, "invalid_query", "要介護度の指定が正しくありません");
	conditions = conditions_take(cl_http_query(req, "conditions"));
	if (!conditions)
		return cl_http_error(req, 400, "invalid_query", "受け入れ条件のコードが正しくありません");
	double lat = 0, lng = 0, radius = -1;
	const char *near = nonempty(cl_http_query(req, "near"));
	const char *qradius = nonempty(cl_http_query(req, "radius_km"));
	if (near && vac_near_parse(near, &lat, &lng) < 0) {
		cl_http_error(req, 400, "invalid_query", "near は 緯度,経度 です");
		goto out;
	}
	if (qradius) {
		char *end;
		radius = strtod(qradius, &end);
		if (*end || !isfinite(radius) || radius < 0 || radius > 20000) {
			cl_http_error(req, 400, "invalid_query", "radius_km は 0 以上の数です");
			goto out;
		}
		if (!near)
			radius = -1;
	}
	long limit = LIMIT_DEFAULT;
	const char *qlimit = nonempty(cl_http_query(req, "limit"));
	if (qlimit) {
		char *end;
		limit = strtol(qlimit, &end, 10);
		if (*end || limit < 1 || limit > LIMIT_MAX) {
			cl_http_error(req, 400, "invalid_query", "limit は 1 から 200 です");
			goto out;
		}
	}
	struct vac_search q = {.tenant = req->identity.tenant,
			       .kind = kind,
			       .from = from,
			       .to = to,
			       .room = room,
			       .care_level = care_level,
			       .conditions_json = conditions,
			       .district = nonempty(cl_http_query(req, "district"))};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_search_beds(pg, &q, vac_stale_hours(app), &results);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		cl_http_fail(req, rc);
		goto out;
	}
	vac_search_rank(results, near != NULL, lat, lng, radius, (size_t)limit);
	cl_http_json(req, 200, json_pack("{s:O}", "results", results));
out:
	json_decref(results);
	free(conditions);
	return req->result;
}

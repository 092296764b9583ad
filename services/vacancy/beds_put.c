/* beds_put.c - PUT /v1/facilities/{id}/beds: the facility's staff declare
 * the beds of every day of a range at once; refused with 409 beds_held
 * when holds would take more than declared; history and one
 * VacancyChanged in the same transaction */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODES_MAX 40

struct beds_put {
	struct vac_app *app;
	const struct cl_identity *who;
	const char *facility_id, *kind;
	char from[VAC_DAY_LEN], to[VAC_DAY_LEN];
	int counts[3];
	char *care_levels, *conditions, *values;
	char held_day[VAC_DAY_LEN];
};

static int beds_put_tx(struct cl_pg *pg, void *arg)
{
	struct beds_put *b = arg;
	int rc = vac_db_beds_set(pg, b->who->tenant, b->facility_id, b->kind, b->from, b->to,
				 b->counts, b->care_levels, b->conditions, b->who);
	if (rc < 0)
		return rc;
	rc = vac_db_beds_lacking(pg, b->facility_id, b->kind, b->from, b->to, b->held_day);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return CL_ECONFLICT;
	rc = vac_db_history_add(pg, b->who->tenant, b->facility_id, b->kind, b->from, b->to,
				b->values, b->who);
	if (rc < 0)
		return rc;
	return vac_state_event_add(pg, b->app->svc->schemas, b->who->tenant, b->facility_id);
}

/* counts[i] from body[key]; false after queuing 400 invalid_count */
static bool count_take(struct cl_http_req *req, const json_t *body, const char *key, int *out)
{
	const json_t *v = json_object_get(body, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 999) {
		cl_http_error(req, 400, "invalid_count", "床数は 0 から 999 の整数です");
		return false;
	}
	*out = (int)json_integer_value(v);
	return true;
}

static bool levels_ok(const json_t *a)
{
	if (!vac_code_list_ok(a, 7))
		return false;
	size_t i;
	const json_t *v;
	json_array_foreach(a, i, v)
		if (!vac_care_level_ok(json_string_value(v)))
			return false;
	return true;
}

enum MHD_Result vac_beds_put(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	struct vac_facility f;
	json_t *body = NULL;
	struct beds_put b = {.app = app, .who = &req->identity};
	if (!vac_facility_for(req, true, &f))
		return req->result;
	body = cl_http_body_json(req);
	if (!body)
		return req->result;
	if (!json_is_object(body)) {
		cl_http_error(req, 400, "invalid_body", "JSON オブジェクトを送ってください");
		goto out;
	}
	b.kind = vac_kind_take(req, cl_json_str(body, "kind"), &f);
	if (!b.kind)
		goto out;
	const char *from = cl_json_str(body, "from"), *to = cl_json_str(body, "to");
	if (!from || !to) {
		cl_http_error(req, 400, "invalid_range", "from と to を指定してください");
		goto out;
	}
	if (!vac_range_take(req, from, to, 1, "invalid_range", b.from, b.to))
		goto out;
	if (!count_take(req, body, "men", &b.counts[0]) ||
	    !count_take(req, body, "women", &b.counts[1]) ||
	    !count_take(req, body, "either", &b.counts[2]))
		goto out;
	json_t *levels = json_object_get(body, "care_levels");
	json_t *conditions = json_object_get(body, "conditions");
	if ((levels && !json_is_null(levels) && !levels_ok(levels)) ||
	    (conditions && !json_is_null(conditions) && !vac_code_list_ok(conditions, CODES_MAX))) {
		cl_http_error(req, 400, "invalid_code", "要介護度または受け入れ条件のコードが正しくありません");
		goto out;
	}
	b.facility_id = f.id;
	b.care_levels = json_is_array(levels) ? json_dumps(levels, JSON_COMPACT) : strdup("[]");
	b.conditions =
		json_is_array(conditions) ? json_dumps(conditions, JSON_COMPACT) : strdup("[]");
	json_t *values = json_pack("{s:i, s:i, s:i, s:o, s:o}", "men", b.counts[0], "women",
				   b.counts[1], "either", b.counts[2], "care_levels",
				   json_is_array(levels) ? json_incref(levels) : json_array(),
				   "conditions", json_is_array(conditions) ? json_incref(conditions) : json_array());
	b.values = json_dumps(values, JSON_COMPACT);
	json_decref(values);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, beds_put_tx, &b);
	json_t *answer = NULL;
	if (rc == 0)
		answer = vac_beds_answer(app, pg, &f, b.kind, b.from, b.to, &rc);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ECONFLICT) {
		char msg[160];
		snprintf(msg, sizeof msg, "%s は仮押さえが床を使っているため、これより減らせません",
			 b.held_day);
		json_t *err = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", "beds_held",
					"message", msg, "day", b.held_day);
		cl_http_json(req, 409, err);
	} else if (rc < 0) {
		cl_http_fail(req, rc);
	} else {
		cl_http_json(req, 200, answer);
	}
out:
	free(b.care_levels);
	free(b.conditions);
	free(b.values);
	json_decref(body);
	return req->result;
}

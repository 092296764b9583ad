/* capacity_put.c - PUT /v1/facilities/{id}/capacity: the office's staff set
 * how many new clients it can take by care level; history and
 * VacancyChanged in the same transaction */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/util.h>
#include <stdlib.h>
#include <string.h>

#define NOTE_MAX 2000
#define CAPABILITIES_MAX 20

static const char *const level_keys[] = {"support_1", "support_2", "care_1", "care_2",
					 "care_3",    "care_4",    "care_5"};

struct capacity_put {
	struct vac_app *app;
	const struct cl_identity *who;
	const char *facility_id;
	char *levels;
	char *capabilities;
	const char *note;
};

static int capacity_put_tx(struct cl_pg *pg, void *arg)
{
	struct capacity_put *c = arg;
	int rc = vac_db_capacity_put(pg, c->who->tenant, c->facility_id, c->levels,
				     c->capabilities, c->note, c->who);
	if (rc < 0)
		return rc;
	json_t *values = json_pack("{s:o, s:o, s:s}", "levels", json_loads(c->levels, 0, NULL),
				   "capabilities", json_loads(c->capabilities, 0, NULL), "note",
				   c->note);
	char *text = json_dumps(values, JSON_COMPACT);
	json_decref(values);
	rc = vac_db_history_add(pg, c->who->tenant, c->facility_id, "capacity", NULL, NULL, text,
				c->who);
	free(text);
	if (rc < 0)
		return rc;
	return vac_state_event_add(pg, c->app->svc->schemas, c->who->tenant, c->facility_id);
}

/* the levels of the body as a complete object, or NULL after queuing 400 */
static json_t *levels_take(struct cl_http_req *req, const json_t *in)
{
	if (!json_is_object(in)) {
		cl_http_error(req, 400, "invalid_count", "levels は要介護度ごとの人数です");
		return NULL;
	}
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)in, key, v) {
		if (!vac_care_level_ok(key)) {
			cl_http_error(req, 400, "invalid_code", "要介護度の指定が正しくありません");
			return NULL;
		}
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 99) {
			cl_http_error(req, 400, "invalid_count", "人数は 0 から 99 の整数です");
			return NULL;
		}
	}
	json_t *out = json_object();
	for (size_t i = 0; i < sizeof level_keys / sizeof level_keys[0]; i++) {
		const json_t *n = json_object_get(in, level_keys[i]);
		json_object_set_new(out, level_keys[i], json_integer(n ? json_integer_value(n) : 0));
	}
	return out;
}

enum MHD_Result vac_capacity_put(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	struct vac_facility f;
	json_t *body = NULL, *levels = NULL;
	struct capacity_put c = {.app = app, .who = &req->identity};
	if (!vac_facility_for(req, true, &f))
		return req->result;
	const char *offers = vac_facility_offers(&f);
	if (!offers || strcmp(offers, "capacity") != 0)
		return cl_http_error(req, 400, "invalid_kind",
				     "この施設はケアマネ空き情報の対象ではありません");
	body = cl_http_body_json(req);
	if (!body)
		return req->result;
	if (!json_is_object(body)) {
		cl_http_error(req, 400, "invalid_body", "JSON オブジェクトを送ってください");
		goto out;
	}
	levels = levels_take(req, json_object_get(body, "levels"));
	if (!levels)
		goto out;
	const json_t *caps = json_object_get(body, "capabilities");
	if (caps && !json_is_null(caps) && !vac_code_list_ok(caps, CAPABILITIES_MAX)) {
		cl_http_error(req, 400, "invalid_code", "対応可能なことのコードが正しくありません");
		goto out;
	}
	const json_t *note = json_object_get(body, "note");
	if (note && !json_is_null(note) &&
	    (!json_is_string(note) || cl_utf8_length(json_string_value(note)) > NOTE_MAX)) {
		cl_http_error(req, 400, "invalid_note", "備考は 2000 文字までの文字列です");
		goto out;
	}
	c.facility_id = f.id;
	c.levels = json_dumps(levels, JSON_COMPACT);
	c.capabilities = caps && json_is_array(caps) ? json_dumps(caps, JSON_COMPACT)
						     : strdup("[]");
	c.note = note && json_is_string(note) ? json_string_value(note) : "";
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, capacity_put_tx, &c);
	json_t *cap = NULL;
	if (rc == 0)
		rc = vac_db_capacity_get(pg, req->identity.tenant, &f, vac_stale_hours(app), &cap);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		cl_http_fail(req, rc);
	else
		cl_http_json(req, 200, json_pack("{s:o}", "capacity", cap));
out:
	free(c.levels);
	free(c.capabilities);
	json_decref(levels);
	json_decref(body);
	return req->result;
}

/* hold_place.c - POST /v1/holds: hold beds at a facility for a client's
 * nights; never overbooks (the facility's bed rows of those nights are
 * locked in day order in the transaction that counts and inserts) */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct place_tx {
	struct vac_app *app;             /* borrowed */
	const struct cl_identity *who;   /* borrowed */
	const struct vac_hold_input *in; /* borrowed */
	long minutes;
	struct vac_hold_refusal refusal;
	json_t *hold;                    /* owned once placed */
};

static int place_body(struct cl_pg *pg, void *arg)
{
	struct place_tx *t = arg;
	char day[VAC_DAY_LEN];
	long n;
	json_t *extra = NULL;
	memset(&t->refusal, 0, sizeof t->refusal);
	json_decref(t->hold);
	t->hold = NULL;
	int rc = vac_db_hold_nights_lock(pg, t->who->tenant, t->in->facility_id, t->in->kind,
					 t->in->from, t->in->to, &n);
	if (rc < 0)
		goto out;
	rc = vac_db_hold_short_night(pg, t->in, day);
	if (rc < 0)
		goto out;
	if (day[0]) {
		char msg[128];
		snprintf(msg, sizeof msg, "%s の空床が足りません", day);
		rc = vac_hold_refuse(&t->refusal, 409, "not_enough_beds", msg);
		goto out;
	}
	rc = vac_db_hold_insert(pg, t->who, t->in, t->minutes, &t->hold);
	if (rc < 0)
		goto out;
	extra = json_pack("{s:O}", "expires_at", json_object_get(t->hold, "expires_ms"));
	rc = vac_hold_emit(pg, t->app, VAC_EVENT_HOLD_PLACED, t->hold, extra);
out:
	json_decref(extra);
	return rc;
}

enum MHD_Result vac_hold_place(struct cl_http_req *req)
{
	struct vac_app *app = req->app;
	struct vac_hold_input in = {0};
	struct vac_facility f;
	json_t *beds = NULL;
	json_error_t jerr;
	enum MHD_Result res;
	struct place_tx t = {.app = app, .who = &req->identity, .in = &in};
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	if (json_unpack_ex(body, &jerr, JSON_STRICT, "{s:s, s:s, s:s, s?o, s:s, s:s, s:s, s?s}",
			   "facility_id", &in.facility_id, "kind", &in.kind, "room", &in.room,
			   "beds", &beds, "from", &in.from, "to", &in.to, "client_label",
			   &in.client_label, "note", &in.note)) {
		res = cl_http_error(req, 400, "invalid_body", jerr.text);
		goto out;
	}
	const char *message = NULL;
	const char *code =
		vac_hold_input_check(&in, beds, vac_day_number_today(time(NULL)), &in.beds, &message);
	if (code) {
		res = cl_http_error(req, 400, code, message);
		goto out;
	}
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_facility_get(pg, req->identity.tenant, in.facility_id, &f);
	if (rc == 0 && !vac_may_read(app, &req->identity, f.owner_org))
		rc = CL_ENOENT;
	if (rc < 0) {
		cl_pg_pool_put(&app->svc->pool, pg);
		res = rc == CL_ENOENT ? cl_http_error(req, 404, "facility_not_found",
						      "施設が見つかりません")
				      : cl_http_fail(req, rc);
		goto out;
	}
	const char *offers = vac_facility_offers(&f);
	if (!offers || strcmp(offers, in.kind)) {
		cl_pg_pool_put(&app->svc->pool, pg);
		res = cl_http_error(req, 400, "invalid_kind", "この施設はその種類の床を提供していません");
		goto out;
	}
	t.minutes = cl_cfg_get_int(&app->svc->cfg, "vacancy.hold_minutes", VAC_HOLD_MINUTES);
	if (t.minutes < 1)
		t.minutes = 1;
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, place_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		res = vac_hold_refusal_send(req, &t.refusal, rc);
		goto out;
	}
	cl_log_info("hold placed", "hold_id", json_string_value(json_object_get(t.hold, "id")),
		    "facility_id", in.facility_id, "user_id", req->identity.user, NULL);
	res = cl_http_json(req, 201, json_pack("{s:o}", "hold", vac_hold_public(t.hold)));
out:
	json_decref(t.hold);
	json_decref(body);
	return res;
}

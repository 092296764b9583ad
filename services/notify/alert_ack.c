/* alert_ack.c - POST /v1/alerts/{id}/ack: someone of the effective
 * audience acknowledges (AlertAcknowledged; stops further escalation).
 * Twice: 409 already_acknowledged, nothing changed. */
#include "alert_resource.h"

#include <string.h>

#include "alerts.h"
#include "carelink/err.h"

struct ack_tx {
	struct cl_http_req *req;
	const struct nt_app *app;
	const char *note;
	const char *refusal;
	json_t *alert;
};

static int ack_run(struct cl_pg *pg, void *arg)
{
	struct ack_tx *t = arg;
	const struct cl_identity *who = &t->req->identity;
	json_t *a = NULL;
	int64_t id;
	json_decref(t->alert);
	t->alert = NULL;
	int rc = nt_alert_load(pg, t->req, true, &a, &id);
	if (rc < 0)
		goto out;
	if (!nt_alert_in_effective(a, who)) {
		t->refusal = "forbidden";
		rc = CL_EFORBID;
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(a, "status")), "active") != 0) {
		t->refusal = "alert_ended";
		rc = CL_ECONFLICT;
		goto out;
	}
	rc = nt_db_alert_ack_insert(pg, id, who, t->note);
	if (rc == 0) {
		t->refusal = "already_acknowledged";
		rc = CL_ECONFLICT;
	}
	if (rc < 0)
		goto out;
	rc = nt_alert_change_record(pg, t->app, who->tenant, id, "acknowledged",
				    "acknowledged", who, t->note, NULL, &t->alert);
	if (rc < 0)
		goto out;
	rc = nt_alert_ack_notify(pg, t->app->svc->schemas, t->alert, who, t->note);
out:
	json_decref(a);
	return rc;
}

enum MHD_Result nt_alert_ack(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	struct nt_alert_refusal why;
	bool bad;
	json_t *body = nt_alert_body_optional(req, &bad);
	if (bad)
		return req->result;
	struct ack_tx t = {.req = req, .app = app};
	int rc = nt_alert_input_note(body, &t.note, &why);
	if (rc < 0) {
		json_decref(body);
		return cl_http_error(req, 400, why.code, why.message);
	}
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, ack_run, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(body);
	if (rc == CL_ENOENT)
		return nt_alert_not_found(req);
	if (rc == CL_EFORBID)
		return cl_http_error(req, 403, "forbidden", "この緊急連絡の通知先ではありません");
	if (rc == CL_ECONFLICT && strcmp(t.refusal, "already_acknowledged") == 0)
		return cl_http_error(req, 409, "already_acknowledged", "既に応答済みです");
	if (rc == CL_ECONFLICT)
		return cl_http_error(req, 409, "alert_ended", "この緊急連絡は終了しています");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return nt_alert_answer(req, 200, t.alert);
}

/* alert_patch.c - PATCH /v1/alerts/{id}: managers change severity, texts or
 * area (AlertUpdated, version + 1, urgent notifications to the effective
 * audience) */
#include "notify.h"

#include "carelink/err.h"

struct patch_tx {
	struct cl_http_req *req;
	const struct nt_app *app;
	const json_t *changes;
	const char *refusal;   /* the 403/409 code when refused */
	json_t *alert;
};

static int patch_run(struct cl_pg *pg, void *arg)
{
	struct patch_tx *t = arg;
	const struct cl_identity *who = &t->req->identity;
	json_t *a = NULL, *aud = NULL;
	int64_t id;
	json_decref(t->alert);
	t->alert = NULL;
	int rc = nt_alert_load(pg, t->req, true, &a, &id);
	if (rc < 0)
		goto out;
	if (!nt_alert_may_manage(a, who)) {
		t->refusal = "forbidden";
		rc = CL_EFORBID;
		goto out;
	}
	if (json_string_value(json_object_get(a, "status"))[0] != 'a') {
		t->refusal = "alert_ended";
		rc = CL_ECONFLICT;
		goto out;
	}
	rc = nt_db_alert_update(pg, id, t->changes);
	if (rc < 0)
		goto out;
	aud = nt_alert_audience_union(
		a, 1, 0, (int)json_integer_value(json_object_get(a, "escalation_level")));
	rc = nt_alert_change_record(pg, t->app, who->tenant, id, "updated", "edited", who,
				    json_string_value(json_object_get(t->changes, "note")), aud,
				    &t->alert);
out:
	json_decref(aud);
	json_decref(a);
	return rc;
}

enum MHD_Result nt_alert_patch(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	struct nt_alert_refusal why;
	json_t *changes = NULL;
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	int rc = nt_alert_input_update(body, &changes, &why);
	json_decref(body);
	if (rc < 0)
		return cl_http_error(req, 400, why.code, why.message);

	struct patch_tx t = {.req = req, .app = app, .changes = changes};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, patch_run, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(changes);
	if (rc == CL_ENOENT)
		return nt_alert_not_found(req);
	if (rc == CL_EFORBID)
		return cl_http_error(req, 403, "forbidden", "この緊急連絡を変更する権限がありません");
	if (rc == CL_ECONFLICT)
		return cl_http_error(req, 409, "alert_ended", "この緊急連絡は終了しています");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return nt_alert_answer(req, 200, t.alert);
}

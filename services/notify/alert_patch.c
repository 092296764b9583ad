/* alert_patch.c - PATCH /v1/alerts/{id}: managers change severity, texts or
 * area (AlertUpdated, version + 1, urgent notifications to the effective
 * audience) */
#include "alert_resource.h"

#include "carelink/err.h"

struct patch_tx {
	struct cl_http_req *req;
	const struct nt_app *app;
	const json_t *changes;
	json_t *alert;
};

static int patch_run(struct cl_pg *pg, void *arg)
{
	struct patch_tx *t = arg;
	json_t *a = NULL;
	int64_t id;
	json_decref(t->alert);
	t->alert = NULL;
	int rc = nt_alert_load_managed(pg, t->req, &a, &id);
	if (rc < 0)
		return rc;
	rc = nt_db_alert_update(pg, id, t->changes);
	if (rc == 0)
		rc = nt_alert_change_told(pg, t->app, a, id, "updated", "edited",
					  &t->req->identity,
					  json_string_value(json_object_get(t->changes, "note")),
					  &t->alert);
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
	return nt_alert_managed_answer(req, rc, "この緊急連絡を変更する権限がありません",
				       t.alert);
}

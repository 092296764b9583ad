/* alert_create.c - POST /v1/alerts: raise an alert (AlertRaised, urgent
 * notifications to the base audience) */
#include "alert_resource.h"

#include "carelink/err.h"

struct create_tx {
	const struct nt_app *app;
	const struct cl_identity *who;
	const json_t *input;
	json_t *alert;
};

static int create_run(struct cl_pg *pg, void *arg)
{
	struct create_tx *t = arg;
	int64_t id;
	json_decref(t->alert);
	t->alert = NULL;
	int rc = nt_db_alert_insert(pg, t->input, t->who, &id);
	if (rc < 0)
		return rc;
	return nt_alert_change_record(pg, t->app, t->who->tenant, id, "raised", "raised",
				      t->who, "", json_object_get(t->input, "audience"),
				      &t->alert);
}

enum MHD_Result nt_alert_create(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	const struct cl_cfg *cfg = &app->svc->cfg;
	struct nt_alert_refusal why;
	json_t *input = NULL;

	if (!nt_alert_may_raise(cl_cfg_get(cfg, "notify.alert_raisers", NT_ALERT_RAISERS_DEFAULT),
				&req->identity))
		return cl_http_error(req, 403, "forbidden", "緊急連絡を発信する権限がありません");
	json_t *body = cl_http_body_json(req);
	if (!body)
		return req->result;
	long minutes = cl_cfg_get_int(cfg, "notify.alert_escalation_minutes",
				      NT_ALERT_ESCALATION_MINUTES_DEFAULT);
	if (minutes < 1 || minutes > 1440)
		minutes = NT_ALERT_ESCALATION_MINUTES_DEFAULT;
	int rc = nt_alert_input_create(body, minutes, &input, &why);
	json_decref(body);
	if (rc < 0)
		return cl_http_error(req, 400, why.code, why.message);

	struct create_tx t = {.app = app, .who = &req->identity,
			      .input = input};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_run, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(input);
	if (rc < 0) {
		json_decref(t.alert);
		return cl_http_fail(req, rc);
	}
	return nt_alert_answer(req, 201, t.alert);
}

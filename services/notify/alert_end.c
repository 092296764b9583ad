/* alert_end.c - what resolving and cancelling share: managers end an
 * active alert (AlertResolved with outcome RESOLVED or CANCELLED, urgent
 * notifications to the effective audience) */
#include "alert_resource.h"

#include <string.h>

#include "carelink/err.h"

struct end_tx {
	struct cl_http_req *req;
	const struct nt_app *app;
	const char *status;    /* "resolved" or "cancelled" */
	const char *note;
	json_t *alert;
};

static int end_run(struct cl_pg *pg, void *arg)
{
	struct end_tx *t = arg;
	json_t *a = NULL;
	int64_t id;
	json_decref(t->alert);
	t->alert = NULL;
	int rc = nt_alert_load_managed(pg, t->req, &a, &id);
	if (rc < 0)
		return rc;
	rc = nt_db_alert_end(pg, id, t->status);
	if (rc == CL_ENOENT)
		rc = CL_ECONFLICT; /* no longer active */
	if (rc == 0)
		rc = nt_alert_change_told(pg, t->app, a, id, t->status, t->status,
					  &t->req->identity, t->note, &t->alert);
	json_decref(a);
	return rc;
}

enum MHD_Result nt_alert_end(struct cl_http_req *req, const char *status)
{
	struct nt_app *app = req->app;
	struct nt_alert_refusal why;
	bool bad;
	json_t *body = nt_alert_body_optional(req, &bad);
	if (bad)
		return req->result;
	struct end_tx t = {.req = req, .app = app, .status = status};
	int rc = nt_alert_input_note(body, &t.note, &why);
	if (rc < 0) {
		json_decref(body);
		return cl_http_error(req, 400, why.code, why.message);
	}
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, end_run, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(body);
	return nt_alert_managed_answer(req, rc, "この緊急連絡を終了する権限がありません",
				       t.alert);
}

/* event_unregister.c - DELETE /v1/events/:id/registration: a reader cancels
 * their registration for an event that has not started (204 also when
 * they were not registered) */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <string.h>

struct unregister_tx {
	const struct cl_identity *who;  /* borrowed */
	const char *record_id;          /* borrowed */
	struct rec_refusal refusal;
};

static int unregister_body(struct cl_pg *pg, void *arg)
{
	struct unregister_tx *t = arg;
	struct rec_app_def app;
	struct rec_event ev;
	memset(&t->refusal, 0, sizeof t->refusal);
	int rc = rec_event_find(pg, t->who, t->record_id, &app, &ev);
	if (rc < 0)
		goto out;
	if (ev.started) {
		rc = rec_refuse(&t->refusal, 409, "event_started",
				"開始済みのイベントの参加登録は取り消せません");
		goto out;
	}
	rc = rec_db_event_registration_delete(pg, t->record_id, t->who->user);
out:
	rec_event_release(&ev);
	rec_app_def_release(&app);
	return rc;
}

enum MHD_Result rec_event_unregister(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct unregister_tx t = {.who = &req->identity, .record_id = req->params[0]};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, unregister_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return rec_refusal_send(req, &t.refusal, rc, "record_not_found",
						"イベントが見つかりません");
	return cl_http_empty(req, 204);
}

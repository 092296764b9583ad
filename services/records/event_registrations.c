/* event_registrations.c - GET /v1/events/:id/registrations: who registered
 * for an event, for the people who may change it */
#include "records.h"
#include "carelink/err.h"

#include <string.h>

struct list_tx {
	const struct cl_identity *who;  /* borrowed */
	const char *record_id;          /* borrowed */
	struct rec_refusal refusal;
	json_t *people;                 /* owned once committed */
};

static int list_body(struct cl_pg *pg, void *arg)
{
	struct list_tx *t = arg;
	struct rec_app_def app;
	struct rec_event ev;
	memset(&t->refusal, 0, sizeof t->refusal);
	json_decref(t->people);
	t->people = NULL;
	int rc = rec_event_find(pg, t->who, t->record_id, &app, &ev);
	if (rc < 0)
		goto out;
	if (!rec_app_can_write(&app, t->who, ev.owner_org)) {
		rc = rec_refuse(&t->refusal, 403, "forbidden",
				"参加者の一覧はこのイベントを編集できる人だけが見られます");
		goto out;
	}
	rc = rec_db_event_registrations(pg, t->who->tenant, t->record_id, &t->people);
out:
	rec_event_release(&ev);
	rec_app_def_release(&app);
	return rc;
}

enum MHD_Result rec_event_registrations(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct list_tx t = {.who = &req->identity, .record_id = req->params[0]};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, list_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		json_decref(t.people);
		return rec_refusal_send(req, &t.refusal, rc, "record_not_found",
						"イベントが見つかりません");
	}
	return cl_http_json(req, 200, t.people);
}

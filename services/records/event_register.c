/* event_register.c - POST /v1/events/:id/registration: a reader registers
 * for an event that has not started, never beyond its capacity (the event
 * row is locked while the registrations are counted and written) */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <string.h>

struct register_tx {
	const struct cl_identity *who;  /* borrowed */
	const char *record_id;          /* borrowed */
	struct rec_refusal refusal;
	bool inserted;
};

static int register_body(struct cl_pg *pg, void *arg)
{
	struct register_tx *t = arg;
	struct rec_app_def app;
	struct rec_event ev;
	memset(&t->refusal, 0, sizeof t->refusal);
	t->inserted = false;
	int rc = rec_event_find(pg, t->who, t->record_id, &app, &ev);
	if (rc < 0)
		goto out;
	if (ev.started) {
		rc = rec_refuse(&t->refusal, 409, "event_started",
				"開始済みのイベントには参加登録できません");
		goto out;
	}
	long count;
	rc = rec_db_event_registration_count(pg, t->record_id, &count);
	if (rc < 0)
		goto out;
	rc = rec_db_event_registration_insert(pg, t->who, t->record_id, &t->inserted);
	if (rc < 0 || !t->inserted)
		goto out;
	if (ev.has_capacity && (double)count + 1 > ev.capacity)
		rc = rec_refuse(&t->refusal, 409, "event_full",
				"このイベントは定員に達しています");
out:
	rec_event_release(&ev);
	rec_app_def_release(&app);
	return rc;
}

enum MHD_Result rec_event_register(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct register_tx t = {.who = &req->identity, .record_id = req->params[0]};
	json_t *registration = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, register_body, &t);
	if (rc == 0) {
		registration = rec_event_registration_json(pg, &req->identity, t.record_id);
		if (!registration)
			rc = CL_EFATAL;
	}
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return rec_refusal_send(req, &t.refusal, rc, "record_not_found",
						"イベントが見つかりません");
	if (t.inserted)
		cl_log_info("event registration", "record_id", t.record_id, "user_id",
			    req->identity.user, NULL);
	return cl_http_json(req, t.inserted ? 201 : 200,
			    json_pack("{s:o}", "registration", registration));
}

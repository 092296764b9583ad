/* event_reminder.c - the thread that emits EventReminderDue: every
 * records.reminder_interval_s seconds it looks for events that start
 * within records.reminder_lead_hours and reminds each once per start time,
 * one transaction per event (replicas skip an event another one holds and
 * never mark it twice) */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/outbox.h"
#include "carelink/ticker.h"
#include "carelink/util.h"

#include <stdlib.h>
#include <string.h>

struct rec_reminders {
	struct rec_app *app;   /* borrowed */
	long lead_hours;
	struct cl_ticker *ticker;
};

struct remind_tx {
	struct rec_reminders *r;  /* borrowed */
	const char *record_id;    /* borrowed */
	bool emitted;
};

static int remind_body(struct cl_pg *pg, void *arg)
{
	struct remind_tx *t = arg;
	json_t *due = NULL, *ev = NULL;
	t->emitted = false;
	int rc = rec_db_event_reminder_claim(pg, t->record_id, t->r->lead_hours, &due);
	if (rc < 0 || !due)
		goto out;
	const char *tenant = json_string_value(json_object_get(due, "tenant_id"));
	bool marked;
	rc = rec_db_event_reminder_mark(pg, tenant, t->record_id, &marked);
	if (rc < 0 || !marked)
		goto out;
	ev = cl_event_new(tenant);
	json_object_update(ev, due);
	rc = cl_outbox_add(pg, t->r->app->svc->schemas, REC_TOPIC_DIRECTORY, t->record_id,
			   REC_EVENT_REMINDER_DUE, ev);
	if (rc == CL_EINVAL) {
		cl_log_error("EventReminderDue does not match its schema", "record_id",
			     t->record_id, NULL);
		rc = CL_EFATAL;
	}
	t->emitted = rc == 0;
out:
	json_decref(ev);
	json_decref(due);
	return rc;
}

/* one pass: remind every event that is due */
static void reminders_tick(struct cl_ticker *ticker, struct cl_pg *pg, void *arg)
{
	struct rec_reminders *r = arg;
	json_t *ids = NULL;
	int rc = rec_db_event_reminders_due(pg, r->lead_hours, &ids);
	if (rc < 0) {
		cl_log_warn("event reminders: cannot list due events", "detail", cl_strerror(rc),
			    NULL);
		return;
	}
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id) {
		if (cl_ticker_stopping(ticker))
			break;
		struct remind_tx t = {.r = r, .record_id = json_string_value(id)};
		rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, remind_body, &t);
		if (rc < 0)
			cl_log_warn("event reminder failed", "record_id", t.record_id, "detail",
				    cl_strerror(rc), NULL);
		else if (t.emitted)
			cl_log_info("event reminder due", "record_id", t.record_id, NULL);
	}
	json_decref(ids);
}

int rec_reminders_start(struct rec_app *app)
{
	const struct cl_cfg *cfg = &app->svc->cfg;
	struct rec_reminders *r = cl_xcalloc(1, sizeof *r);
	r->app = app;
	long interval = cl_cfg_get_int(cfg, "records.reminder_interval_s", REC_REMINDER_INTERVAL_S);
	r->lead_hours = cl_cfg_get_int(cfg, "records.reminder_lead_hours", REC_REMINDER_LEAD_HOURS);
	if (r->lead_hours < 1)
		r->lead_hours = 1;
	int rc = cl_ticker_start("event reminders", cl_cfg_get(cfg, "pg.conninfo", ""), interval,
				 reminders_tick, r, &r->ticker);
	if (rc < 0) {
		free(r);
		app->reminders = NULL;
		return rc;
	}
	app->reminders = r;
	return 0;
}

void rec_reminders_stop(struct rec_app *app)
{
	struct rec_reminders *r = app->reminders;
	if (!r)
		return;
	cl_ticker_stop(r->ticker);
	free(r);
	app->reminders = NULL;
}

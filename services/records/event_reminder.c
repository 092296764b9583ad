/* event_reminder.c - the thread that emits EventReminderDue: every
 * records.reminder_interval_s seconds it looks for events that start
 * within records.reminder_lead_hours and reminds each once per start time,
 * one transaction per event (replicas skip an event another one holds and
 * never mark it twice) */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/outbox.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rec_reminders {
	struct rec_app *app;   /* borrowed */
	struct cl_pg pg;       /* the thread's own connection */
	long interval_s, lead_hours;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;   /* signalled by rec_reminders_stop() */
	bool stop;             /* under lock */
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
static void reminders_tick(struct rec_reminders *r)
{
	json_t *ids = NULL;
	int rc = rec_db_event_reminders_due(&r->pg, r->lead_hours, &ids);
	if (rc < 0) {
		cl_log_warn("event reminders: cannot list due events", "detail", cl_strerror(rc),
			    NULL);
		return;
	}
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id) {
		struct remind_tx t = {.r = r, .record_id = json_string_value(id)};
		rc = cl_pg_tx(&r->pg, CL_PG_READ_COMMITTED, remind_body, &t);
		if (rc < 0)
			cl_log_warn("event reminder failed", "record_id", t.record_id, "detail",
				    cl_strerror(rc), NULL);
		else if (t.emitted)
			cl_log_info("event reminder due", "record_id", t.record_id, NULL);
	}
	json_decref(ids);
}

static void *reminders_run(void *arg)
{
	struct rec_reminders *r = arg;
	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		pthread_mutex_unlock(&r->lock);
		reminders_tick(r);
		pthread_mutex_lock(&r->lock);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += r->interval_s;
		while (!r->stop) {
			if (pthread_cond_timedwait(&r->wake, &r->lock, &until) != 0)
				break; /* timed out: the next pass */
		}
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

int rec_reminders_start(struct rec_app *app)
{
	const struct cl_cfg *cfg = &app->svc->cfg;
	struct rec_reminders *r = cl_xcalloc(1, sizeof *r);
	r->app = app;
	r->interval_s = cl_cfg_get_int(cfg, "records.reminder_interval_s", REC_REMINDER_INTERVAL_S);
	r->lead_hours = cl_cfg_get_int(cfg, "records.reminder_lead_hours", REC_REMINDER_LEAD_HOURS);
	if (r->interval_s < 1)
		r->interval_s = 1;
	if (r->lead_hours < 1)
		r->lead_hours = 1;
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&r->lock, NULL);
	cl_pg_open(&r->pg, cl_cfg_get(cfg, "pg.conninfo", ""));
	if (pthread_create(&r->thread, NULL, reminders_run, r) != 0) {
		cl_log_error("cannot start the event reminder thread", NULL);
		cl_pg_close(&r->pg);
		pthread_cond_destroy(&r->wake);
		pthread_mutex_destroy(&r->lock);
		free(r);
		app->reminders = NULL;
		return CL_EFATAL;
	}
	app->reminders = r;
	return 0;
}

void rec_reminders_stop(struct rec_app *app)
{
	struct rec_reminders *r = app->reminders;
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	cl_pg_close(&r->pg);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r);
	app->reminders = NULL;
}

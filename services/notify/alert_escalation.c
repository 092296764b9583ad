/* alert_escalation.c - the escalation pass (ALERTS.md "Escalation"): every
 * notify.alert_escalation_interval_s, each active alert that requires
 * acknowledgement, has none, and whose next level's after_minutes has
 * passed since it was raised widens to that level: escalation_level + 1,
 * a timeline entry, AlertUpdated (change ESCALATED) and urgent
 * notifications to the newly reached audience. One alert per transaction,
 * taken FOR UPDATE SKIP LOCKED, so several replicas never escalate the
 * same alert twice. */
#include "alert_resource.h"

#include <stdio.h>

#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/ticker.h"

/* alerts escalated in one pass at most (the rest wait for the next) */
#define ESCALATION_ROUNDS 100

struct escalate_tx {
	const struct nt_app *app;
	int64_t id;
	bool done;   /* an alert was escalated */
};

static int escalate_run(struct cl_pg *pg, void *arg)
{
	struct escalate_tx *t = arg;
	json_t *before = NULL, *after = NULL, *aud = NULL;
	t->done = false;
	int rc = nt_db_alert_due(pg, &t->id);
	if (rc <= 0)
		return rc;
	char tenant[CL_IDENTITY_FIELD_MAX];
	rc = nt_db_alert_tenant(pg, t->id, tenant, sizeof tenant);
	if (rc < 0)
		goto out;
	rc = nt_db_alert_get(pg, tenant, t->id, false, &before);
	if (rc < 0)
		goto out;
	int level = (int)json_integer_value(json_object_get(before, "escalation_level"));
	rc = nt_db_alert_escalate(pg, t->id);
	if (rc < 0)
		goto out;
	aud = nt_alert_audience_union(before, 0, level, level + 1);
	rc = nt_alert_change_record(pg, t->app, tenant, t->id, "escalated", "escalated",
				    NULL, NT_ALERT_ESCALATED_NOTE, aud, &after);
	if (rc == 0)
		t->done = true;
out:
	json_decref(aud);
	json_decref(before);
	json_decref(after);
	return rc;
}

static void escalation_tick(struct cl_ticker *ticker, struct cl_pg *pg, void *arg)
{
	struct nt_app *app = arg;
	for (int i = 0; i < ESCALATION_ROUNDS && !cl_ticker_stopping(ticker); i++) {
		struct escalate_tx t = {.app = app};
		int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, escalate_run, &t);
		if (rc < 0) {
			cl_log_warn("alert escalation failed", "detail", cl_strerror(rc), NULL);
			return;
		}
		if (!t.done)
			return;
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)t.id);
		cl_log_info("alert escalated", "alert_id", id, NULL);
	}
}

int nt_alert_escalation_start(struct nt_app *app)
{
	const struct cl_cfg *cfg = &app->svc->cfg;
	long interval = cl_cfg_get_int(cfg, "notify.alert_escalation_interval_s",
				       NT_ALERT_ESCALATION_INTERVAL_DEFAULT);
	return cl_ticker_start("alert escalation", cl_cfg_get(cfg, "pg.conninfo", ""), interval,
			       escalation_tick, app, &app->alert_ticker);
}

void nt_alert_escalation_stop(struct nt_app *app)
{
	cl_ticker_stop(app->alert_ticker);
	app->alert_ticker = NULL;
}

/* freshness_sweep.c - the thread that reminds facilities of stale data:
 * every vacancy.freshness_interval_s seconds, each facility whose data is
 * older than vacancy.stale_hours (or was never given and vacancy has known
 * it that long), not reminded in this stale period or not for the stale
 * age, gets a VacancyStale and its reminder recorded, in batches of one
 * transaction; a facility another replica is reminding is skipped (FOR
 * UPDATE SKIP LOCKED) */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/outbox.h>
#include <carelink/ticker.h>
#include <stdio.h>

#define FRESHNESS_BATCH 100  /* facilities per transaction */
#define FRESHNESS_ROUNDS 50  /* transactions per pass at most */

struct sweep_tx {
	struct vac_app *app;  /* borrowed */
	long stale_hours;
	size_t reminded;      /* by the committed transaction */
};

static int stale_event_add(struct cl_pg *pg, struct sweep_tx *t, const json_t *f)
{
	const char *tenant = json_string_value(json_object_get(f, "tenant_id"));
	const char *id = json_string_value(json_object_get(f, "id"));
	json_t *ev = cl_event_new(tenant);
	json_t *fields = json_pack("{s:O, s:O, s:O, s:O, s:O, s:i}", "facility_id",
				   json_object_get(f, "id"), "facility_name",
				   json_object_get(f, "name"), "owner_organisation_id",
				   json_object_get(f, "owner"), "offers", json_object_get(f, "offers"),
				   "updated_at", json_object_get(f, "updated_ms"), "stale_hours",
				   (int)t->stale_hours);
	int rc = CL_EFATAL;
	if (fields) {
		json_object_update(ev, fields);
		rc = cl_outbox_add(pg, t->app->svc->schemas, VAC_TOPIC, id, VAC_EVENT_STALE, ev);
	}
	if (rc == CL_EINVAL || !fields) {
		cl_log_error("VacancyStale does not match its schema", "facility_id", id, NULL);
		rc = CL_EFATAL;
	}
	json_decref(fields);
	json_decref(ev);
	return rc;
}

static int sweep_body(struct cl_pg *pg, void *arg)
{
	struct sweep_tx *t = arg;
	json_t *due = NULL;
	t->reminded = 0;
	int rc = vac_db_freshness_claim(pg, t->stale_hours, FRESHNESS_BATCH, &due);
	if (rc < 0)
		return rc;
	size_t i;
	json_t *f;
	json_array_foreach(due, i, f) {
		const char *owner = json_string_value(json_object_get(f, "owner"));
		/* a facility nobody owns has nobody to remind: recorded only */
		if (owner && owner[0])
			rc = stale_event_add(pg, t, f);
		/* the state again after it: each key's last message is its state */
		if (rc == 0 && owner && owner[0])
			rc = vac_hold_state_add(pg, t->app,
						json_string_value(json_object_get(f, "tenant_id")),
						json_string_value(json_object_get(f, "id")));
		if (rc == 0)
			rc = vac_db_freshness_reminded(
				pg, json_string_value(json_object_get(f, "tenant_id")),
				json_string_value(json_object_get(f, "id")));
		if (rc < 0)
			break;
	}
	if (rc == 0)
		t->reminded = json_array_size(due);
	json_decref(due);
	return rc;
}

static void sweep_tick(struct cl_ticker *ticker, struct cl_pg *pg, void *arg)
{
	struct vac_app *app = arg;
	for (int i = 0; i < FRESHNESS_ROUNDS && !cl_ticker_stopping(ticker); i++) {
		struct sweep_tx t = {.app = app, .stale_hours = vac_stale_hours(app)};
		int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, sweep_body, &t);
		if (rc < 0) {
			cl_log_warn("freshness reminders failed", "detail", cl_strerror(rc), NULL);
			return;
		}
		if (t.reminded == 0)
			return;
		char count[24];
		snprintf(count, sizeof count, "%zu", t.reminded);
		cl_log_info("stale vacancy data reminded", "count", count, NULL);
	}
}

int vac_freshness_start(struct vac_app *app)
{
	const struct cl_cfg *cfg = &app->svc->cfg;
	long interval =
		cl_cfg_get_int(cfg, "vacancy.freshness_interval_s", VAC_FRESHNESS_INTERVAL_S);
	return cl_ticker_start("freshness reminders", cl_cfg_get(cfg, "pg.conninfo", ""), interval,
			       sweep_tick, app, &app->freshness);
}

void vac_freshness_stop(struct vac_app *app)
{
	cl_ticker_stop(app->freshness);
	app->freshness = NULL;
}

/* hold_expiry.c - the thread that expires holds: every
 * vacancy.expiry_interval_s seconds it marks each held hold past its
 * expiry 'expired' and emits HoldReleased (reason EXPIRED) for it and one
 * VacancyChanged per facility, in batches of one transaction; a hold
 * another replica is expiring is skipped (FOR UPDATE SKIP LOCKED), so each
 * is expired once. Counts already treat such holds as expired before this
 * runs (vac_day_available). */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/ticker.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPIRY_BATCH 200  /* holds per transaction */
#define EXPIRY_ROUNDS 50  /* transactions per pass at most; the rest the next pass */

struct vac_expiry {
	struct vac_app *app;   /* borrowed */
	struct cl_ticker *ticker;
};

struct expire_tx {
	struct vac_expiry *x;  /* borrowed */
	size_t expired;        /* holds expired by the committed transaction */
};

/* expire one hold of the batch: mark it, HoldReleased */
static int expire_one(struct cl_pg *pg, struct vac_expiry *x, const json_t *claimed)
{
	json_t *hold = NULL;
	const char *tenant = json_string_value(json_object_get(claimed, "tenant_id"));
	const char *id = json_string_value(json_object_get(claimed, "id"));
	int rc = vac_db_hold_end(pg, tenant, id, "expired", &hold);
	if (rc < 0)
		return rc;
	json_t *extra = json_pack("{s:s, s:n}", "reason", "EXPIRED", "released_by_id");
	rc = vac_hold_event_add(pg, x->app, VAC_EVENT_HOLD_RELEASED, hold, extra);
	json_decref(extra);
	json_decref(hold);
	return rc;
}

/* a batch of expired holds (locked, others skip them), each marked with
 * its HoldReleased, then one VacancyChanged per facility (the batch is in
 * facility order) */
static int expire_body(struct cl_pg *pg, void *arg)
{
	struct expire_tx *t = arg;
	json_t *holds = NULL;
	t->expired = 0;
	int rc = vac_db_holds_expired_claim(pg, EXPIRY_BATCH, &holds);
	if (rc < 0)
		return rc;
	size_t n = json_array_size(holds);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const json_t *h = json_array_get(holds, i);
		rc = expire_one(pg, t->x, h);
		const char *fac = json_string_value(json_object_get(h, "facility_id"));
		const json_t *next = json_array_get(holds, i + 1);
		const char *next_fac =
			next ? json_string_value(json_object_get(next, "facility_id")) : NULL;
		if (rc == 0 && (!next_fac || strcmp(fac, next_fac)))
			rc = vac_hold_state_add(
				pg, t->x->app, json_string_value(json_object_get(h, "tenant_id")),
				fac);
	}
	if (rc == 0)
		t->expired = n;
	json_decref(holds);
	return rc;
}

/* one pass: expire every hold that is due (bounded) */
static void expiry_tick(struct cl_ticker *ticker, struct cl_pg *pg, void *arg)
{
	struct vac_expiry *x = arg;
	for (int i = 0; i < EXPIRY_ROUNDS && !cl_ticker_stopping(ticker); i++) {
		struct expire_tx t = {.x = x};
		int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, expire_body, &t);
		if (rc < 0) {
			cl_log_warn("hold expiry failed", "detail", cl_strerror(rc), NULL);
			return;
		}
		if (t.expired == 0)
			return;
		char count[24];
		snprintf(count, sizeof count, "%zu", t.expired);
		cl_log_info("holds expired", "count", count, NULL);
	}
}

int vac_expiry_start(struct vac_app *app)
{
	const struct cl_cfg *cfg = &app->svc->cfg;
	struct vac_expiry *x = cl_xcalloc(1, sizeof *x);
	x->app = app;
	long interval = cl_cfg_get_int(cfg, "vacancy.expiry_interval_s", VAC_EXPIRY_INTERVAL_S);
	int rc = cl_ticker_start("hold expiry", cl_cfg_get(cfg, "pg.conninfo", ""), interval,
				 expiry_tick, x, &x->ticker);
	if (rc < 0) {
		free(x);
		app->expiry = NULL;
		return rc;
	}
	app->expiry = x;
	return 0;
}

void vac_expiry_stop(struct vac_app *app)
{
	struct vac_expiry *x = app->expiry;
	if (!x)
		return;
	cl_ticker_stop(x->ticker);
	free(x);
	app->expiry = NULL;
}

/* retention.c - the retention pass: notifications older than
 * notify.retention_days are deleted (with their per-person rows and single
 * reads), a batch per transaction, so that the feed does not grow without
 * end. A stream resuming from a deleted id gets a reset (FEED.md). */
#include "notify.h"

#include <stdio.h>

#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/ticker.h"

#define RETENTION_BATCH 1000
#define RETENTION_BATCHES 50   /* per pass, so that stopping stays quick */

static void retention_tick(struct cl_ticker *ticker, struct cl_pg *pg, void *arg)
{
	const struct nt_app *app = arg;
	long days = cl_cfg_get_int(&app->svc->cfg, "notify.retention_days",
				   NT_RETENTION_DAYS_DEFAULT);
	if (days <= 0)
		return; /* kept for ever */
	long total = 0;
	for (int i = 0; i < RETENTION_BATCHES && !cl_ticker_stopping(ticker); i++) {
		long n = 0;
		int rc = nt_db_notification_purge(pg, days, RETENTION_BATCH, &n);
		if (rc < 0) {
			cl_log_warn("notification retention failed", "detail", cl_strerror(rc),
				    NULL);
			break;
		}
		total += n;
		if (n < RETENTION_BATCH)
			break;
	}
	if (total > 0) {
		char count[24];
		snprintf(count, sizeof count, "%ld", total);
		cl_log_info("old notifications deleted", "count", count, NULL);
	}
}

int nt_retention_start(struct nt_app *app)
{
	const struct cl_cfg *cfg = &app->svc->cfg;
	long interval = cl_cfg_get_int(cfg, "notify.retention_interval_s",
				       NT_RETENTION_INTERVAL_DEFAULT);
	return cl_ticker_start("notification retention", cl_cfg_get(cfg, "pg.conninfo", ""),
			       interval, retention_tick, app, &app->retention_ticker);
}

void nt_retention_stop(struct nt_app *app)
{
	cl_ticker_stop(app->retention_ticker);
	app->retention_ticker = NULL;
}

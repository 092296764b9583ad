/* hold_expiry.c - the thread that expires holds: every
 * vacancy.expiry_interval_s seconds it marks each held hold past its
 * expiry 'expired' and emits HoldReleased (reason EXPIRED) and the
 * facility's VacancyChanged, one transaction per hold; a hold another
 * replica is expiring is skipped (FOR UPDATE SKIP LOCKED), so each is
 * expired once. Counts already treat such holds as expired before this
 * runs (vac_day_available). */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define EXPIRY_BATCH 500 /* holds per pass at most; the rest the next pass */

struct vac_expiry {
	struct vac_app *app;   /* borrowed */
	struct cl_pg pg;       /* the thread's own connection */
	long interval_s;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;   /* signalled by vac_expiry_stop() */
	bool stop;             /* under lock */
};

struct expire_tx {
	struct vac_expiry *x;  /* borrowed */
	json_t *hold;          /* owned: the hold expired, NULL when none */
};

static int expire_body(struct cl_pg *pg, void *arg)
{
	struct expire_tx *t = arg;
	json_t *claimed = NULL, *extra = NULL;
	json_decref(t->hold);
	t->hold = NULL;
	int rc = vac_db_hold_expired_claim(pg, &claimed);
	if (rc < 0 || !claimed)
		goto out;
	const char *tenant = json_string_value(json_object_get(claimed, "tenant_id"));
	const char *id = json_string_value(json_object_get(claimed, "id"));
	rc = vac_db_hold_end(pg, tenant, id, "expired", &t->hold);
	if (rc < 0)
		goto out;
	extra = json_pack("{s:s, s:n}", "reason", "EXPIRED", "released_by_id");
	rc = vac_hold_emit(pg, t->x->app, VAC_EVENT_HOLD_RELEASED, t->hold, extra);
out:
	json_decref(extra);
	json_decref(claimed);
	return rc;
}

/* one pass: expire every hold that is due (bounded) */
static void expiry_tick(struct vac_expiry *x)
{
	for (int i = 0; i < EXPIRY_BATCH; i++) {
		struct expire_tx t = {.x = x};
		int rc = cl_pg_tx(&x->pg, CL_PG_READ_COMMITTED, expire_body, &t);
		if (rc < 0) {
			cl_log_warn("hold expiry failed", "detail", cl_strerror(rc), NULL);
			json_decref(t.hold);
			return;
		}
		if (!t.hold)
			return;
		cl_log_info("hold expired", "hold_id",
			    json_string_value(json_object_get(t.hold, "id")), NULL);
		json_decref(t.hold);
		pthread_mutex_lock(&x->lock);
		bool stop = x->stop;
		pthread_mutex_unlock(&x->lock);
		if (stop)
			return;
	}
}

static void *expiry_run(void *arg)
{
	struct vac_expiry *x = arg;
	pthread_mutex_lock(&x->lock);
	while (!x->stop) {
		pthread_mutex_unlock(&x->lock);
		expiry_tick(x);
		pthread_mutex_lock(&x->lock);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += x->interval_s;
		while (!x->stop) {
			if (pthread_cond_timedwait(&x->wake, &x->lock, &until) != 0)
				break; /* timed out: the next pass */
		}
	}
	pthread_mutex_unlock(&x->lock);
	return NULL;
}

int vac_expiry_start(struct vac_app *app)
{
	const struct cl_cfg *cfg = &app->svc->cfg;
	struct vac_expiry *x = cl_xcalloc(1, sizeof *x);
	x->app = app;
	x->interval_s = cl_cfg_get_int(cfg, "vacancy.expiry_interval_s", VAC_EXPIRY_INTERVAL_S);
	if (x->interval_s < 1)
		x->interval_s = 1;
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&x->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&x->lock, NULL);
	cl_pg_open(&x->pg, cl_cfg_get(cfg, "pg.conninfo", ""));
	if (pthread_create(&x->thread, NULL, expiry_run, x) != 0) {
		cl_log_error("cannot start the hold expiry thread", NULL);
		cl_pg_close(&x->pg);
		pthread_cond_destroy(&x->wake);
		pthread_mutex_destroy(&x->lock);
		free(x);
		app->expiry = NULL;
		return CL_EFATAL;
	}
	app->expiry = x;
	return 0;
}

void vac_expiry_stop(struct vac_app *app)
{
	struct vac_expiry *x = app->expiry;
	if (!x)
		return;
	pthread_mutex_lock(&x->lock);
	x->stop = true;
	pthread_cond_signal(&x->wake);
	pthread_mutex_unlock(&x->lock);
	pthread_join(x->thread, NULL);
	cl_pg_close(&x->pg);
	pthread_cond_destroy(&x->wake);
	pthread_mutex_destroy(&x->lock);
	free(x);
	app->expiry = NULL;
}

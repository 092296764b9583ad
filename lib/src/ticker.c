/* ticker.c - a background thread calling a function every interval */
#include "carelink/ticker.h"

#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct cl_ticker {
	const char *name;      /* static, for the log */
	struct cl_pg pg;       /* the thread's own connection */
	long interval_s;
	cl_ticker_fn fn;
	void *arg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;   /* signalled by cl_ticker_stop() */
	bool stop;             /* under lock */
};

static void *ticker_run(void *arg)
{
	struct cl_ticker *t = arg;
	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		pthread_mutex_unlock(&t->lock);
		t->fn(t, &t->pg, t->arg);
		pthread_mutex_lock(&t->lock);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += t->interval_s;
		while (!t->stop) {
			if (pthread_cond_timedwait(&t->wake, &t->lock, &until) != 0)
				break; /* timed out: the next pass */
		}
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

int cl_ticker_start(const char *name, const char *conninfo, long interval_s, cl_ticker_fn fn,
		    void *arg, struct cl_ticker **out)
{
	struct cl_ticker *t = cl_xcalloc(1, sizeof *t);
	t->name = name;
	t->interval_s = interval_s < 1 ? 1 : interval_s;
	t->fn = fn;
	t->arg = arg;
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&t->lock, NULL);
	cl_pg_open(&t->pg, conninfo);
	if (pthread_create(&t->thread, NULL, ticker_run, t) != 0) {
		cl_log_error("cannot start a background thread", "thread", name, NULL);
		cl_pg_close(&t->pg);
		pthread_cond_destroy(&t->wake);
		pthread_mutex_destroy(&t->lock);
		free(t);
		return CL_EFATAL;
	}
	*out = t;
	return 0;
}

bool cl_ticker_stopping(struct cl_ticker *t)
{
	pthread_mutex_lock(&t->lock);
	bool stop = t->stop;
	pthread_mutex_unlock(&t->lock);
	return stop;
}

void cl_ticker_stop(struct cl_ticker *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	cl_pg_close(&t->pg);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

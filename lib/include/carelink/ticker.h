/* ticker.h - a background thread that calls a function now and then every
 * interval until stopped: hold expiry, freshness reminders, event
 * reminders. The function gets a database connection of the thread's own. */
#ifndef CARELINK_TICKER_H
#define CARELINK_TICKER_H

#include <carelink/pg.h>
#include <stdbool.h>

struct cl_ticker;

/* One pass of the work; pg is the thread's own connection. */
typedef void (*cl_ticker_fn)(struct cl_ticker *t, struct cl_pg *pg, void *arg);

/* cl_ticker_start() - open a connection to conninfo and start a thread that
 * calls fn(t, pg, arg) at once and then every interval_s seconds (at least
 * 1) until cl_ticker_stop(). *out is set on success. Returns 0 or
 * CL_EFATAL (no thread). */
int cl_ticker_start(const char *name, const char *conninfo, long interval_s, cl_ticker_fn fn,
		    void *arg, struct cl_ticker **out);

/* cl_ticker_stopping() - whether cl_ticker_stop() was called: a long pass
 * checks it between batches and returns early. */
bool cl_ticker_stopping(struct cl_ticker *t);

/* cl_ticker_stop() - wake the thread, wait for the pass in progress to
 * return, close the connection and free t. NULL is ignored. */
void cl_ticker_stop(struct cl_ticker *t);

#endif

/* throttle.h - login throttling, shared by every gateway replica through
 * PostgreSQL (tables login_failures and login_locks).
 *
 * An account (the e-mail address as typed, lowercased, whether or not such
 * a person exists: the answers never tell) is locked for
 * auth.lockout_duration seconds (default 900) once auth.lockout_failures
 * (10) failures fall within auth.lockout_window seconds (900). An address
 * is locked the same way after auth.address_failures (50). Whatever the
 * configuration, an account never gets more than GW_THROTTLE_HOURLY_MAX
 * tries that fail within an hour.
 *
 * An attempt is recorded as a failure before the password is checked, under
 * a per-account advisory lock, so replicas and concurrent requests cannot
 * together exceed the limits; a successful login removes the account's
 * failures. A refused attempt costs no password hashing.
 */
#ifndef CARELINK_GATEWAY_THROTTLE_H
#define CARELINK_GATEWAY_THROTTLE_H

#include <carelink/cfg.h>
#include <carelink/pg.h>
#include <stdbool.h>

#define GW_THROTTLE_HOURLY_MAX 100

struct gw_throttle_cfg {
	long account_failures;  /* auth.lockout_failures */
	long address_failures;  /* auth.address_failures */
	long window_s;          /* auth.lockout_window */
	long duration_s;        /* auth.lockout_duration */
	long hourly_max;        /* GW_THROTTLE_HOURLY_MAX */
};

/* gw_throttle_cfg() - the settings from cfg, defaults for values missing or
 * out of range (1..100000 failures, 1..86400 s). */
void gw_throttle_cfg(const struct cl_cfg *cfg, struct gw_throttle_cfg *c);

enum gw_throttle_scope {
	GW_THROTTLE_NONE = 0,
	GW_THROTTLE_ACCOUNT = 1,
	GW_THROTTLE_ADDRESS = 2,
};

/* What the database says about one account and address at one moment. */
struct gw_throttle_view {
	long account_lock_s;       /* seconds left of a lock on the account, 0: none */
	long address_lock_s;       /* the same for the address */
	long account_hour;         /* failures of the account within the last hour */
	long account_hour_free_s;  /* seconds until the oldest of them is an hour old */
};

/* gw_throttle_wait() - seconds before an attempt may be made (0: now), and
 * in *scope (may be NULL) what is locked. */
long gw_throttle_wait(const struct gw_throttle_cfg *c, const struct gw_throttle_view *v,
		      enum gw_throttle_scope *scope);
/* gw_throttle_locks() - the locks due after a failure, given the failures
 * within the window (the new one counted): a set of gw_throttle_scope. */
unsigned gw_throttle_locks(const struct gw_throttle_cfg *c, long account_failures,
			   long address_failures);

/* gw_throttle_begin() - may account try from address now? When not, *wait_s
 * is the seconds to wait and *scope what is locked. When it may, the
 * attempt is stored as a failure (its id in *attempt) until
 * gw_throttle_succeeded() or gw_throttle_forget() takes it back. Returns 0
 * or a cl_pg_tx() code. */
int gw_throttle_begin(struct cl_pg *pg, const struct gw_throttle_cfg *c, const char *account,
		      const char *address, long *wait_s, enum gw_throttle_scope *scope,
		      long long *attempt);
/* gw_throttle_failed() - the attempt failed: lock what reached its limit;
 * *locked is that set (0 when nothing was locked). */
int gw_throttle_failed(struct cl_pg *pg, const struct gw_throttle_cfg *c, const char *account,
		       const char *address, unsigned *locked);
/* gw_throttle_forget() - the attempt was no failure (a code was asked for). */
int gw_throttle_forget(struct cl_pg *pg, long long attempt);
/* gw_throttle_succeeded() - the account's failures and lock are cleared. */
int gw_throttle_succeeded(struct cl_pg *pg, const char *account);

/* gw_throttle_message() - when to try again, in Japanese, into buf. */
const char *gw_throttle_message(enum gw_throttle_scope scope, long wait_s, char *buf,
				size_t size);

#endif

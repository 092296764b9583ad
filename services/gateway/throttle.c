/* throttle.c - login throttling per account and per address, in
 * PostgreSQL so that replicas share it (see throttle.h) */
#include "throttle.h"

#include <carelink/err.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long setting(const struct cl_cfg *cfg, const char *key, long def, long max)
{
	long v = cl_cfg_get_int(cfg, key, def);
	return v >= 1 && v <= max ? v : def;
}

void gw_throttle_cfg(const struct cl_cfg *cfg, struct gw_throttle_cfg *c)
{
	c->account_failures = setting(cfg, "auth.lockout_failures", 10, 100000);
	c->address_failures = setting(cfg, "auth.address_failures", 50, 100000);
	c->window_s = setting(cfg, "auth.lockout_window", 900, 86400);
	c->duration_s = setting(cfg, "auth.lockout_duration", 900, 86400);
	c->hourly_max = GW_THROTTLE_HOURLY_MAX;
}

long gw_throttle_wait(const struct gw_throttle_cfg *c, const struct gw_throttle_view *v,
		      enum gw_throttle_scope *scope)
{
	long wait = 0;
	enum gw_throttle_scope why = GW_THROTTLE_NONE;
	if (v->account_lock_s > 0) {
		wait = v->account_lock_s;
		why = GW_THROTTLE_ACCOUNT;
	}
	if (v->address_lock_s > wait) {
		wait = v->address_lock_s;
		why = GW_THROTTLE_ADDRESS;
	}
	if (v->account_hour >= c->hourly_max) {
		long free_s = v->account_hour_free_s > 0 ? v->account_hour_free_s : 1;
		if (free_s > wait) {
			wait = free_s;
			why = GW_THROTTLE_ACCOUNT;
		}
	}
	if (scope)
		*scope = why;
	return wait;
}

unsigned gw_throttle_locks(const struct gw_throttle_cfg *c, long account_failures,
			   long address_failures)
{
	unsigned locks = 0;
	if (account_failures >= c->account_failures)
		locks |= GW_THROTTLE_ACCOUNT;
	if (address_failures >= c->address_failures)
		locks |= GW_THROTTLE_ADDRESS;
	return locks;
}

/* ---------------------------------------------------------------- database */

struct begin_arg {
	const struct gw_throttle_cfg *c;
	const char *account, *address;
	long wait_s;
	enum gw_throttle_scope scope;
	long long attempt;
};

static long col_long(PGresult *res, int col)
{
	const char *v = cl_pg_getvalue(res, 0, col);
	return v ? strtol(v, NULL, 10) : 0;
}

static int begin_tx(struct cl_pg *pg, void *varg)
{
	struct begin_arg *a = varg;
	const char *p[2] = {a->account, a->address};
	/* one attempt of an account at a time, across replicas */
	int rc = cl_pg_exec(pg, NULL,
			    "SELECT pg_advisory_xact_lock(hashtextextended("
			    "'carelink.login:' || lower($1), 0))",
			    1, p);
	if (rc < 0)
		return rc;
	PGresult *res;
	rc = cl_pg_exec(pg, &res,
			"SELECT"
			" COALESCE((SELECT ceil(extract(epoch FROM until - now()))::bigint"
			"  FROM login_locks WHERE kind = 'account' AND key = lower($1)"
			"  AND until > now()), 0),"
			" COALESCE((SELECT ceil(extract(epoch FROM until - now()))::bigint"
			"  FROM login_locks WHERE kind = 'address' AND key = $2"
			"  AND until > now()), 0),"
			" count(*),"
			" COALESCE(ceil(extract(epoch FROM min(at) + interval '1 hour' - now())),"
			"  0)::bigint"
			" FROM login_failures"
			" WHERE account = lower($1) AND at > now() - interval '1 hour'",
			2, p);
	if (rc < 0)
		return rc;
	struct gw_throttle_view v = {
		.account_lock_s = col_long(res, 0),
		.address_lock_s = col_long(res, 1),
		.account_hour = col_long(res, 2),
		.account_hour_free_s = col_long(res, 3),
	};
	PQclear(res);
	a->wait_s = gw_throttle_wait(a->c, &v, &a->scope);
	a->attempt = 0;
	if (a->wait_s > 0)
		return 0;
	rc = cl_pg_exec(pg, &res,
			"INSERT INTO login_failures (account, address) VALUES (lower($1), $2)"
			" RETURNING id",
			2, p);
	if (rc < 0)
		return rc;
	a->attempt = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int gw_throttle_begin(struct cl_pg *pg, const struct gw_throttle_cfg *c, const char *account,
		      const char *address, long *wait_s, enum gw_throttle_scope *scope,
		      long long *attempt)
{
	struct begin_arg a = {.c = c, .account = account, .address = address};
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, begin_tx, &a);
	if (rc < 0)
		return rc;
	*wait_s = a.wait_s;
	if (scope)
		*scope = a.scope;
	if (attempt)
		*attempt = a.attempt;
	return 0;
}

static int lock(struct cl_pg *pg, const char *kind, const char *key, long duration_s)
{
	char d[32];
	snprintf(d, sizeof d, "%ld", duration_s);
	const char *p[3] = {kind, key, d};
	return cl_pg_exec(pg, NULL,
			  "INSERT INTO login_locks (kind, key, until)"
			  " VALUES ($1, CASE WHEN $1 = 'account' THEN lower($2) ELSE $2 END,"
			  " now() + make_interval(secs => $3::int))"
			  " ON CONFLICT (kind, key) DO UPDATE"
			  " SET until = GREATEST(login_locks.until, EXCLUDED.until)",
			  3, p);
}

/* now and then, forget what no rule looks at any more */
static void prune(struct cl_pg *pg)
{
	if (randombytes_uniform(64) != 0)
		return;
	cl_pg_exec(pg, NULL, "DELETE FROM login_failures WHERE at < now() - interval '2 days'", 0,
		   NULL);
	cl_pg_exec(pg, NULL, "DELETE FROM login_locks WHERE until < now() - interval '1 day'", 0,
		   NULL);
}

int gw_throttle_failed(struct cl_pg *pg, const struct gw_throttle_cfg *c, const char *account,
		       const char *address, unsigned *locked)
{
	char w[32];
	snprintf(w, sizeof w, "%ld", c->window_s);
	const char *p[3] = {account, address, w};
	PGresult *res;
	*locked = 0;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT"
			    " (SELECT count(*) FROM login_failures WHERE account = lower($1)"
			    "  AND at > now() - make_interval(secs => $3::int)),"
			    " (SELECT count(*) FROM login_failures WHERE address = $2"
			    "  AND at > now() - make_interval(secs => $3::int))",
			    3, p);
	if (rc < 0)
		return rc;
	unsigned locks = gw_throttle_locks(c, col_long(res, 0), col_long(res, 1));
	PQclear(res);
	if (locks & GW_THROTTLE_ACCOUNT) {
		rc = lock(pg, "account", account, c->duration_s);
		if (rc < 0)
			return rc;
	}
	if (locks & GW_THROTTLE_ADDRESS) {
		rc = lock(pg, "address", address, c->duration_s);
		if (rc < 0)
			return rc;
	}
	*locked = locks;
	prune(pg);
	return 0;
}

int gw_throttle_forget(struct cl_pg *pg, long long attempt)
{
	char id[32];
	snprintf(id, sizeof id, "%lld", attempt);
	const char *p[1] = {id};
	return cl_pg_exec(pg, NULL, "DELETE FROM login_failures WHERE id = $1::bigint", 1, p);
}

int gw_throttle_succeeded(struct cl_pg *pg, const char *account)
{
	const char *p[1] = {account};
	int rc = cl_pg_exec(pg, NULL, "DELETE FROM login_failures WHERE account = lower($1)", 1, p);
	if (rc < 0)
		return rc;
	return cl_pg_exec(pg, NULL,
			  "DELETE FROM login_locks WHERE kind = 'account' AND key = lower($1)", 1,
			  p);
}

const char *gw_throttle_message(enum gw_throttle_scope scope, long wait_s, char *buf,
				size_t size)
{
	char when[64];
	if (wait_s < 60)
		snprintf(when, sizeof when, "約%ld秒後", wait_s < 1 ? 1 : wait_s);
	else
		snprintf(when, sizeof when, "約%ld分後", (wait_s + 59) / 60);
	if (scope == GW_THROTTLE_ADDRESS)
		snprintf(buf, size,
			 "この接続元からのログインの失敗が多いため、ログインを一時的に止めています。"
			 "%sに、もう一度お試しください。",
			 when);
	else
		snprintf(buf, size,
			 "ログインの失敗が続いたため、このアカウントは一時的にロックされています。"
			 "%sに、もう一度お試しください。",
			 when);
	return buf;
}

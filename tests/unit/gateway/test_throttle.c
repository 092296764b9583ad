/* test_throttle.c - login throttling decisions over time with an injected
 * clock: lockout after the configured failures, unlock after the
 * configured time, per-address lockout, the hard ceiling of 100 failures
 * per account per hour, configuration limits. The model below keeps
 * failures and locks the way the tables login_failures and login_locks do;
 * the decisions are the gateway's own functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/gateway/throttle.c"

#define MAX_FAILURES 4096
#define MAX_LOCKS 256

struct failure {
	char account[64], address[64];
	long at;
	bool gone;
};

struct lock_row {
	int kind; /* GW_THROTTLE_ACCOUNT or GW_THROTTLE_ADDRESS */
	char key[64];
	long until;
};

struct model {
	struct gw_throttle_cfg cfg;
	struct failure f[MAX_FAILURES];
	size_t n;
	struct lock_row locks[MAX_LOCKS];
	size_t n_locks;
};

static long lock_left(struct model *m, int kind, const char *key, long now)
{
	for (size_t i = 0; i < m->n_locks; i++)
		if (m->locks[i].kind == kind && !strcmp(m->locks[i].key, key) &&
		    m->locks[i].until > now)
			return m->locks[i].until - now;
	return 0;
}

static void set_lock(struct model *m, int kind, const char *key, long until)
{
	for (size_t i = 0; i < m->n_locks; i++)
		if (m->locks[i].kind == kind && !strcmp(m->locks[i].key, key)) {
			if (until > m->locks[i].until)
				m->locks[i].until = until;
			return;
		}
	assert_true(m->n_locks < MAX_LOCKS);
	struct lock_row *l = &m->locks[m->n_locks++];
	l->kind = kind;
	strcpy(l->key, key);
	l->until = until;
}

static long count(struct model *m, const char *account, const char *address, long since)
{
	long n = 0;
	for (size_t i = 0; i < m->n; i++)
		if (!m->f[i].gone && m->f[i].at > since &&
		    (account ? !strcmp(m->f[i].account, account) : !strcmp(m->f[i].address, address)))
			n++;
	return n;
}

/* one login attempt at time now: 0 when it was let through (and ok says
 * whether the password was right), else the seconds to wait */
static long attempt(struct model *m, long now, const char *account, const char *address,
		    bool ok, enum gw_throttle_scope *scope)
{
	struct gw_throttle_view v = {
		.account_lock_s = lock_left(m, GW_THROTTLE_ACCOUNT, account, now),
		.address_lock_s = lock_left(m, GW_THROTTLE_ADDRESS, address, now),
		.account_hour = count(m, account, NULL, now - 3600),
	};
	long oldest = -1;
	for (size_t i = 0; i < m->n; i++)
		if (!m->f[i].gone && m->f[i].at > now - 3600 && !strcmp(m->f[i].account, account) &&
		    (oldest < 0 || m->f[i].at < oldest))
			oldest = m->f[i].at;
	v.account_hour_free_s = oldest >= 0 ? oldest + 3600 - now : 0;
	long wait = gw_throttle_wait(&m->cfg, &v, scope);
	if (wait > 0)
		return wait;
	/* recorded before the password is checked */
	assert_true(m->n < MAX_FAILURES);
	struct failure *f = &m->f[m->n++];
	strcpy(f->account, account);
	strcpy(f->address, address);
	f->at = now;
	f->gone = false;
	if (ok) {
		for (size_t i = 0; i < m->n; i++)
			if (!strcmp(m->f[i].account, account))
				m->f[i].gone = true;
		for (size_t i = 0; i < m->n_locks; i++)
			if (m->locks[i].kind == GW_THROTTLE_ACCOUNT && !strcmp(m->locks[i].key, account))
				m->locks[i].until = 0;
		return 0;
	}
	unsigned locks = gw_throttle_locks(&m->cfg, count(m, account, NULL, now - m->cfg.window_s),
					   count(m, NULL, address, now - m->cfg.window_s));
	if (locks & GW_THROTTLE_ACCOUNT)
		set_lock(m, GW_THROTTLE_ACCOUNT, account, now + m->cfg.duration_s);
	if (locks & GW_THROTTLE_ADDRESS)
		set_lock(m, GW_THROTTLE_ADDRESS, address, now + m->cfg.duration_s);
	return 0;
}

static struct model *model_new(const char *const *settings)
{
	struct model *m = calloc(1, sizeof *m);
	assert_non_null(m);
	struct cl_cfg cfg;
	cl_cfg_init(&cfg);
	for (const char *const *s = settings; s && *s; s += 2)
		cl_cfg_set(&cfg, s[0], s[1]);
	gw_throttle_cfg(&cfg, &m->cfg);
	cl_cfg_release(&cfg);
	return m;
}

#define T0 1800000000L

static void test_defaults(void **state)
{
	(void)state;
	struct model *m = model_new(NULL);
	assert_int_equal(m->cfg.account_failures, 10);
	assert_int_equal(m->cfg.address_failures, 50);
	assert_int_equal(m->cfg.window_s, 900);
	assert_int_equal(m->cfg.duration_s, 900);
	assert_int_equal(m->cfg.hourly_max, 100);
	free(m);
	static const char *const bad[] = {"auth.lockout_failures", "0", "auth.lockout_window",
					  "-5", "auth.lockout_duration", "x", "auth.address_failures",
					  "999999999", NULL};
	m = model_new(bad);
	assert_int_equal(m->cfg.account_failures, 10);
	assert_int_equal(m->cfg.window_s, 900);
	assert_int_equal(m->cfg.duration_s, 900);
	assert_int_equal(m->cfg.address_failures, 50);
	free(m);
}

static void test_lockout_and_unlock_default(void **state)
{
	(void)state;
	struct model *m = model_new(NULL);
	enum gw_throttle_scope scope;
	const char *acct = "kato@demo.carelink.jp", *addr = "192.0.2.10";
	for (int i = 0; i < 10; i++)
		assert_int_equal(attempt(m, T0 + i, acct, addr, false, &scope), 0);
	/* the 11th is not even tried, right password or not */
	long wait = attempt(m, T0 + 10, acct, addr, true, &scope);
	assert_int_equal(scope, GW_THROTTLE_ACCOUNT);
	assert_int_equal(wait, 900 - 1); /* locked at T0 + 9 for 900 s */
	assert_int_equal(attempt(m, T0 + 9 + 899, acct, addr, true, &scope), 1);
	/* another account from the same address is not affected */
	assert_int_equal(attempt(m, T0 + 20, "sato@demo.carelink.jp", addr, true, &scope), 0);
	/* after the configured time: let through, and success clears */
	assert_int_equal(attempt(m, T0 + 9 + 900, acct, addr, true, &scope), 0);
	for (int i = 0; i < 9; i++)
		assert_int_equal(attempt(m, T0 + 1000 + i, acct, addr, false, &scope), 0);
	assert_int_equal(attempt(m, T0 + 1010, acct, addr, false, &scope), 0);
	assert_true(attempt(m, T0 + 1011, acct, addr, true, &scope) > 0);
	free(m);
}

static void test_failures_outside_the_window(void **state)
{
	(void)state;
	static const char *const s[] = {"auth.lockout_window", "60", NULL};
	struct model *m = model_new(s);
	enum gw_throttle_scope scope;
	/* failures 61 s apart never make ten within 60 s */
	for (int i = 0; i < 30; i++)
		assert_int_equal(attempt(m, T0 + i * 61, "a@x.jp", "192.0.2.1", false, &scope), 0);
	free(m);
}

static void test_short_duration(void **state)
{
	(void)state;
	static const char *const s[] = {"auth.lockout_failures", "3", "auth.lockout_duration", "3",
					NULL};
	struct model *m = model_new(s);
	enum gw_throttle_scope scope;
	for (int i = 0; i < 3; i++)
		assert_int_equal(attempt(m, T0, "a@x.jp", "192.0.2.1", false, &scope), 0);
	assert_int_equal(attempt(m, T0 + 1, "a@x.jp", "192.0.2.1", true, &scope), 2);
	assert_int_equal(attempt(m, T0 + 2, "a@x.jp", "192.0.2.1", true, &scope), 1);
	assert_int_equal(attempt(m, T0 + 3, "a@x.jp", "192.0.2.1", true, &scope), 0);
	free(m);
}

static void test_address_lockout(void **state)
{
	(void)state;
	struct model *m = model_new(NULL);
	enum gw_throttle_scope scope;
	char acct[64];
	for (int i = 0; i < 50; i++) {
		snprintf(acct, sizeof acct, "guess%d@x.jp", i);
		assert_int_equal(attempt(m, T0 + i, acct, "198.51.100.7", false, &scope), 0);
	}
	long wait = attempt(m, T0 + 50, "tanaka@demo.carelink.jp", "198.51.100.7", true, &scope);
	assert_int_equal(scope, GW_THROTTLE_ADDRESS);
	assert_int_equal(wait, 900 - 1);
	/* the same person from elsewhere */
	assert_int_equal(attempt(m, T0 + 50, "tanaka@demo.carelink.jp", "198.51.100.8", true, &scope),
			 0);
	free(m);
}

static void test_hourly_ceiling(void **state)
{
	(void)state;
	/* a configuration that would never lock: the ceiling still holds */
	static const char *const s[] = {"auth.lockout_failures", "100000", "auth.lockout_window",
					"1", NULL};
	struct model *m = model_new(s);
	enum gw_throttle_scope scope;
	long tried = 0, t;
	for (t = 0; t < 3600; t += 5)
		if (attempt(m, T0 + t, "a@x.jp", "192.0.2.1", false, &scope) == 0)
			tried++;
	assert_int_equal(tried, 100);
	/* in any hour-long span no more than 100 were tried */
	for (t = 0; t < 7200; t += 5)
		attempt(m, T0 + 3600 + t, "a@x.jp", "192.0.2.1", false, &scope);
	for (long start = 0; start < 7200; start += 60)
		assert_true(count(m, "a@x.jp", NULL, T0 + start - 1) -
				    count(m, "a@x.jp", NULL, T0 + start + 3600 - 1) <=
			    100);
	free(m);
}

static void test_message(void **state)
{
	(void)state;
	char buf[512];
	assert_non_null(strstr(gw_throttle_message(GW_THROTTLE_ACCOUNT, 840, buf, sizeof buf),
			       "約14分後"));
	assert_non_null(strstr(buf, "ロック"));
	assert_non_null(strstr(gw_throttle_message(GW_THROTTLE_ADDRESS, 3, buf, sizeof buf),
			       "約3秒後"));
	assert_non_null(strstr(buf, "接続元"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_lockout_and_unlock_default),
		cmocka_unit_test(test_failures_outside_the_window),
		cmocka_unit_test(test_short_duration),
		cmocka_unit_test(test_address_lockout),
		cmocka_unit_test(test_hourly_ceiling),
		cmocka_unit_test(test_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

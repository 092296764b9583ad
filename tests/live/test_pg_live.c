/* test_pg_live.c - the transaction runner and migrations against a real
 * PostgreSQL: retried SQLSTATEs, lost connections, concurrent migration */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/pg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "live.h"

static struct cl_cfg cfg;
static struct cl_pg pg;
static char table[64];

static long count_rows(const char *sql)
{
	PGresult *res;
	assert_int_equal(cl_pg_exec(&pg, &res, sql, 0, NULL), 0);
	long n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

struct fail_once {
	const char *sqlstate;  /* raised on the first attempt */
	bool kill_backend;     /* or the connection is cut on the first attempt */
	int attempts;
	int key;
};

static int insert_after_failure(struct cl_pg *c, void *varg)
{
	struct fail_once *f = varg;
	char key[16], sql[256];
	f->attempts++;
	snprintf(key, sizeof key, "%d", f->key);
	snprintf(sql, sizeof sql, "INSERT INTO %s (id) VALUES ($1::int)", table);
	const char *p[1] = {key};
	int rc = cl_pg_exec(c, NULL, sql, 1, p);
	if (rc < 0)
		return rc;
	if (f->attempts == 1 && f->sqlstate) {
		char raise[200];
		snprintf(raise, sizeof raise,
			 "DO $$ BEGIN RAISE EXCEPTION 'forced' USING ERRCODE = '%s'; END $$",
			 f->sqlstate);
		return cl_pg_exec(c, NULL, raise, 0, NULL);
	}
	if (f->attempts == 1 && f->kill_backend)
		return cl_pg_exec(c, NULL, "SELECT pg_terminate_backend(pg_backend_pid())", 0, NULL);
	return 0;
}

static void test_retries_serialization_failure(void **state)
{
	struct fail_once f = {.sqlstate = "40001", .key = 1};
	assert_int_equal(cl_pg_tx(&pg, CL_PG_SERIALIZABLE, insert_after_failure, &f), 0);
	assert_int_equal(f.attempts, 2);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE id = 1", table);
	assert_int_equal(count_rows(sql), 1);
}

static void test_retries_deadlock(void **state)
{
	struct fail_once f = {.sqlstate = "40P01", .key = 2};
	assert_int_equal(cl_pg_tx(&pg, 0, insert_after_failure, &f), 0);
	assert_int_equal(f.attempts, 2);
}

static void test_reconnects_after_lost_connection(void **state)
{
	struct fail_once f = {.kill_backend = true, .key = 3};
	assert_int_equal(cl_pg_tx(&pg, 0, insert_after_failure, &f), 0);
	assert_int_equal(f.attempts, 2);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE id = 3", table);
	assert_int_equal(count_rows(sql), 1);
}

static void test_unique_violation_is_not_retried(void **state)
{
	struct fail_once f = {.key = 1}; /* id 1 exists already */
	assert_int_equal(cl_pg_tx(&pg, 0, insert_after_failure, &f), CL_ECONFLICT);
	assert_int_equal(f.attempts, 1);
}

static void test_rollback_leaves_nothing(void **state)
{
	struct fail_once f = {.sqlstate = "22023", .key = 4}; /* data exception */
	assert_int_equal(cl_pg_tx(&pg, 0, insert_after_failure, &f), CL_EINVAL);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE id = 4", table);
	assert_int_equal(count_rows(sql), 0);
}

struct mig_arg {
	const char *dir;
	int rc;
};

static void *migrate_thread(void *varg)
{
	struct mig_arg *a = varg;
	struct cl_pg c;
	cl_pg_open(&c, cl_cfg_get(&cfg, "pg.conninfo", ""));
	const char *dirs[] = {a->dir, NULL};
	a->rc = cl_pg_migrate(&c, dirs);
	cl_pg_close(&c);
	return NULL;
}

static void test_concurrent_migrations_apply_once(void **state)
{
	char dir[256], file[512], sql[512];
	snprintf(dir, sizeof dir, "/tmp/cl-mig-%d", (int)getpid());
	mkdir(dir, 0700);
	snprintf(file, sizeof file, "%s/001_counter.sql", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	/* slow enough that the replicas overlap */
	fprintf(f, "CREATE TABLE %s_mig (n int);\nSELECT pg_sleep(0.3);\n"
		   "INSERT INTO %s_mig VALUES (1);\n", table, table);
	fclose(f);

	pthread_t th[4];
	struct mig_arg args[4];
	for (int i = 0; i < 4; i++) {
		args[i] = (struct mig_arg){dir, -100};
		pthread_create(&th[i], NULL, migrate_thread, &args[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].rc, 0);
	}
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s_mig", table);
	assert_int_equal(count_rows(sql), 1);

	snprintf(sql, sizeof sql, "DROP TABLE %s_mig", table);
	assert_int_equal(cl_pg_exec(&pg, NULL, sql, 0, NULL), 0);
	char label[300];
	snprintf(label, sizeof label, "cl-mig-%d/001_counter.sql", (int)getpid());
	const char *p[1] = {label};
	assert_int_equal(cl_pg_exec(&pg, NULL,
				    "DELETE FROM cl_schema_migrations WHERE version = $1", 1, p),
			 0);
	unlink(file);
	rmdir(dir);
}

static void test_migration_failure_reports_and_keeps_nothing(void **state)
{
	char dir[256], file[512], sql[256];
	snprintf(dir, sizeof dir, "/tmp/cl-migbad-%d", (int)getpid());
	mkdir(dir, 0700);
	snprintf(file, sizeof file, "%s/001_bad.sql", dir);
	FILE *f = fopen(file, "w");
	fprintf(f, "CREATE TABLE %s_bad (n int);\nTHIS IS NOT SQL;\n", table);
	fclose(f);
	const char *dirs[] = {dir, NULL};
	assert_true(cl_pg_migrate(&pg, dirs) < 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_tables WHERE tablename = '%s_bad'",
		 table);
	assert_int_equal(count_rows(sql), 0);
	unlink(file);
	rmdir(dir);
}

static int setup(void **state)
{
	char sql[128];
	cl_log_init("test", "error");
	live_cfg(&cfg);
	assert_int_equal(cl_pg_open(&pg, cl_cfg_get(&cfg, "pg.conninfo", "")), 0);
	snprintf(table, sizeof table, "cl_test_%d", (int)getpid());
	snprintf(sql, sizeof sql, "CREATE TABLE %s (id int PRIMARY KEY)", table);
	assert_int_equal(cl_pg_exec(&pg, NULL, sql, 0, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	char sql[128];
	snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", table);
	cl_pg_exec(&pg, NULL, sql, 0, NULL);
	cl_pg_close(&pg);
	cl_cfg_release(&cfg);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retries_serialization_failure),
		cmocka_unit_test(test_retries_deadlock),
		cmocka_unit_test(test_reconnects_after_lost_connection),
		cmocka_unit_test(test_unique_violation_is_not_retried),
		cmocka_unit_test(test_rollback_leaves_nothing),
		cmocka_unit_test(test_concurrent_migrations_apply_once),
		cmocka_unit_test(test_migration_failure_reports_and_keeps_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

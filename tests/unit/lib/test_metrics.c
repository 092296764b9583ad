/* test_metrics.c - counters and gauges: registration, atomic updates, exposition format */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "carelink/metrics.h"

/* The registry is per process and tests run in the order of main(): the
 * first two see exactly the metrics they register; later ones use names of
 * their own. */

static int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Run fn in a child process; true when the child died of SIGABRT. */
static bool aborts(void (*fn)(void))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		/* keep the child's abort message out of the test output */
		int devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, STDERR_FILENO);
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void test_render_empty(void **state)
{
	size_t len = 99;
	char *text = cl_metrics_render(&len);

	assert_non_null(text);
	assert_int_equal(len, 0);
	assert_string_equal(text, "");
	free(text);
}

static void test_render_format(void **state)
{
	struct cl_metric *posts, *sse;
	size_t len;
	char *text;

	posts = cl_metric_counter("carelink_posts_created_total", "posts created");
	sse = cl_metric_gauge("carelink_sse_clients", "open SSE streams");
	cl_metric_add(posts, 3);
	cl_metric_add(posts, 2);
	cl_metric_set(sse, 7);
	cl_metric_add(sse, -9);

	text = cl_metrics_render(&len);
	assert_string_equal(text,
		"# HELP carelink_posts_created_total posts created\n"
		"# TYPE carelink_posts_created_total counter\n"
		"carelink_posts_created_total 5\n"
		"# HELP carelink_sse_clients open SSE streams\n"
		"# TYPE carelink_sse_clients gauge\n"
		"carelink_sse_clients -2\n");
	assert_int_equal(len, strlen(text));
	free(text);
}

static void test_register_returns_existing(void **state)
{
	struct cl_metric *a = cl_metric_counter("carelink_test_same_total", "first help");
	struct cl_metric *b = cl_metric_counter("carelink_test_same_total", "second help");
	char *text;

	assert_ptr_equal(a, b);
	cl_metric_add(a, 1);
	assert_int_equal(cl_metric_value(b), 1);
	text = cl_metrics_render(NULL);
	/* one block only, with the help given first */
	assert_non_null(strstr(text, "# HELP carelink_test_same_total first help\n"));
	assert_null(strstr(text, "second help"));
	assert_int_equal(count(text, "# TYPE carelink_test_same_total counter\n"), 1);
	free(text);
}

static void test_help_escaping(void **state)
{
	char *text;

	cl_metric_gauge("carelink_test_escape", "a \\ b\nc");
	text = cl_metrics_render(NULL);
	assert_non_null(strstr(text, "# HELP carelink_test_escape a \\\\ b\\nc\n"));
	free(text);
}

static void test_large_values(void **state)
{
	struct cl_metric *g = cl_metric_gauge("carelink_test_large", "large");
	char *text;

	cl_metric_set(g, INT64_MAX);
	text = cl_metrics_render(NULL);
	assert_non_null(strstr(text, "\ncarelink_test_large 9223372036854775807\n"));
	free(text);
	cl_metric_set(g, INT64_MIN);
	text = cl_metrics_render(NULL);
	assert_non_null(strstr(text, "\ncarelink_test_large -9223372036854775808\n"));
	free(text);
}

#define THREADS 8
#define PER_THREAD 100000

static void *bump(void *arg)
{
	for (int i = 0; i < PER_THREAD; i++)
		cl_metric_add(arg, 1);
	return NULL;
}

static void test_concurrent_adds(void **state)
{
	struct cl_metric *c = cl_metric_counter("carelink_test_concurrent_total", "c");
	pthread_t t[THREADS];

	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, bump, c), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(cl_metric_value(c), (int64_t)THREADS * PER_THREAD);
}

static void register_too_many(void)
{
	char name[64];

	for (int i = 0; i <= 256; i++) {
		snprintf(name, sizeof(name), "carelink_test_many_%d", i);
		cl_metric_gauge(name, "many");
	}
}

static void register_type_clash(void)
{
	cl_metric_counter("carelink_test_clash", "as counter");
	cl_metric_gauge("carelink_test_clash", "as gauge");
}

static void register_bad_name(void)
{
	cl_metric_counter("carelink posts", "a space is not allowed");
}

static void register_fine(void)
{
	cl_metric_counter("carelink_test_fine:rate_total", "colons are allowed");
}

static void test_misuse_aborts(void **state)
{
	assert_true(aborts(register_too_many));
	assert_true(aborts(register_type_clash));
	assert_true(aborts(register_bad_name));
	assert_false(aborts(register_fine));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_empty),
		cmocka_unit_test(test_render_format),
		cmocka_unit_test(test_register_returns_existing),
		cmocka_unit_test(test_help_escaping),
		cmocka_unit_test(test_large_values),
		cmocka_unit_test(test_concurrent_adds),
		cmocka_unit_test(test_misuse_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_cfg.c - configuration: precedence, file format, environment names, typed getters */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carelink/cfg.h"
#include "carelink/err.h"
#include "carelink/log.h"

/* Write text to a fresh temporary file; returns its malloc'd path. */
static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/carelink-test-cfg-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static int setup_quiet(void **state)
{
	/* malformed lines are logged at error level: keep the output readable */
	cl_log_init("test", "error");
	return 0;
}

static void test_set_get_replace(void **state)
{
	struct cl_cfg cfg;

	cl_cfg_init(&cfg);
	assert_string_equal(cl_cfg_get(&cfg, "http.port", "80"), "80");
	assert_null(cl_cfg_get(&cfg, "http.port", NULL));
	cl_cfg_set(&cfg, "http.port", "8080");
	cl_cfg_set(&cfg, "http.port", "9090");
	assert_string_equal(cl_cfg_get(&cfg, "http.port", NULL), "9090");
	assert_int_equal(cfg.n, 1);
	cl_cfg_release(&cfg);
	assert_int_equal(cfg.n, 0);
	assert_null(cfg.entries);
}

static void test_precedence(void **state)
{
	struct cl_cfg cfg;
	char *path = write_temp("a.from = file\nb.from = file\n");

	unsetenv("CARELINK_A_FROM");
	unsetenv("CARELINK_B_FROM");
	unsetenv("CARELINK_C_FROM");
	setenv("CARELINK_B_FROM", "env", 1);

	cl_cfg_init(&cfg);
	cl_cfg_set(&cfg, "a.from", "default");
	cl_cfg_set(&cfg, "b.from", "default");
	cl_cfg_set(&cfg, "c.from", "default");
	assert_int_equal(cl_cfg_load(&cfg, path), 0);
	assert_string_equal(cl_cfg_get(&cfg, "a.from", NULL), "file");
	assert_string_equal(cl_cfg_get(&cfg, "b.from", NULL), "env");
	assert_string_equal(cl_cfg_get(&cfg, "c.from", NULL), "default");
	cl_cfg_release(&cfg);

	unsetenv("CARELINK_B_FROM");
	unlink(path);
	free(path);
}

static void test_load_uses_carelink_config(void **state)
{
	struct cl_cfg cfg;
	char *path = write_temp("http.port = 7000\n");

	setenv("CARELINK_CONFIG", path, 1);
	cl_cfg_init(&cfg);
	assert_int_equal(cl_cfg_load(&cfg, NULL), 0);
	assert_int_equal(cl_cfg_get_int(&cfg, "http.port", 0), 7000);
	cl_cfg_release(&cfg);

	/* a named file that does not exist is not an error for cl_cfg_load */
	setenv("CARELINK_CONFIG", "/nonexistent/carelink.conf", 1);
	cl_cfg_init(&cfg);
	assert_int_equal(cl_cfg_load(&cfg, NULL), 0);
	cl_cfg_release(&cfg);

	unsetenv("CARELINK_CONFIG");
	unlink(path);
	free(path);
}

static const struct env_case {
	const char *var;
	const char *key;
} env_cases[] = {
	{ "CARELINK_HTTP_PORT", "http.port" },
	{ "CARELINK_KAFKA_SASL_MECHANISMS", "kafka.sasl.mechanisms" },
	{ "CARELINK_KAFKA_BOOTSTRAP_SERVERS", "kafka.bootstrap.servers" },
	{ "CARELINK_PG_CONN__INFO", "pg.conn_info" },
	{ "CARELINK_KAFKA_SSL_CA__LOCATION", "kafka.ssl.ca_location" },
	{ "CARELINK_X__Y__Z", "x_y_z" },
	{ "CARELINK_Mixed_Case", "mixed.case" },
};

static void test_env_names(void **state)
{
	for (size_t i = 0; i < sizeof(env_cases) / sizeof(env_cases[0]); i++) {
		struct cl_cfg cfg;
		char value[32];

		snprintf(value, sizeof(value), "value-%zu", i);
		setenv(env_cases[i].var, value, 1);
		cl_cfg_init(&cfg);
		cl_cfg_load_env(&cfg);
		if (!cl_cfg_get(&cfg, env_cases[i].key, NULL))
			fail_msg("%s did not set \"%s\"", env_cases[i].var, env_cases[i].key);
		assert_string_equal(cl_cfg_get(&cfg, env_cases[i].key, NULL), value);
		cl_cfg_release(&cfg);
		unsetenv(env_cases[i].var);
	}
}

static void test_env_ignores_other_variables(void **state)
{
	struct cl_cfg cfg;

	setenv("NOT_CARELINK_HTTP_PORT", "1", 1);
	setenv("CARELINKHTTP_PORT", "1", 1);
	cl_cfg_init(&cfg);
	cl_cfg_load_env(&cfg);
	for (size_t i = 0; i < cfg.n; i++) {
		assert_string_not_equal(cfg.entries[i].key, "http.port");
		assert_string_not_equal(cfg.entries[i].key, "not.carelink.http.port");
	}
	cl_cfg_release(&cfg);
	unsetenv("NOT_CARELINK_HTTP_PORT");
	unsetenv("CARELINKHTTP_PORT");
}

static void test_file_format(void **state)
{
	struct cl_cfg cfg;
	char *path = write_temp(
		"# a comment\n"
		"\n"
		"   \t\n"
		"  http.port   =   8080  \n"
		"pg.conninfo=host=/tmp dbname=records\n"
		"   # indented comment\n"
		"empty.value =\n"
		"crlf.line = yes\r\n"
		"kafka.sasl.password = a # not a comment\n");

	cl_cfg_init(&cfg);
	assert_int_equal(cl_cfg_load_file(&cfg, path), 0);
	assert_string_equal(cl_cfg_get(&cfg, "http.port", NULL), "8080");
	/* only the first '=' separates: values may contain '=' */
	assert_string_equal(cl_cfg_get(&cfg, "pg.conninfo", NULL), "host=/tmp dbname=records");
	assert_string_equal(cl_cfg_get(&cfg, "empty.value", NULL), "");
	assert_string_equal(cl_cfg_get(&cfg, "crlf.line", NULL), "yes");
	assert_string_equal(cl_cfg_get(&cfg, "kafka.sasl.password", NULL), "a # not a comment");
	assert_int_equal(cfg.n, 5);
	cl_cfg_release(&cfg);
	unlink(path);
	free(path);
}

static const char *const malformed_files[] = {
	"http.port 8080\n",
	"ok.key = 1\nno equals sign here\n",
	"= value without key\n",
	"Upper.Case = 1\n",
	"two words = 1\n",
	"key = 1\n[section]\n",
};

static void test_malformed_file(void **state)
{
	for (size_t i = 0; i < sizeof(malformed_files) / sizeof(malformed_files[0]); i++) {
		struct cl_cfg cfg;
		char *path = write_temp(malformed_files[i]);

		cl_cfg_init(&cfg);
		cl_cfg_set(&cfg, "ok.key", "default");
		if (cl_cfg_load_file(&cfg, path) != CL_EINVAL)
			fail_msg("accepted malformed file %zu: %s", i, malformed_files[i]);
		/* a rejected file changes nothing, not even its good lines */
		assert_string_equal(cl_cfg_get(&cfg, "ok.key", NULL), "default");
		assert_int_equal(cfg.n, 1);
		cl_cfg_release(&cfg);
		unlink(path);
		free(path);
	}
}

static void test_malformed_file_fails_load(void **state)
{
	struct cl_cfg cfg;
	char *path = write_temp("broken\n");

	cl_cfg_init(&cfg);
	assert_int_equal(cl_cfg_load(&cfg, path), CL_EINVAL);
	cl_cfg_release(&cfg);
	unlink(path);
	free(path);
}

static void test_missing_file(void **state)
{
	struct cl_cfg cfg;

	cl_cfg_init(&cfg);
	assert_int_equal(cl_cfg_load_file(&cfg, "/nonexistent/dir/carelink.conf"), CL_ENOENT);
	assert_int_equal(cfg.n, 0);
	cl_cfg_release(&cfg);
}

static const struct int_case {
	const char *value; /* NULL: unset */
	long want;
} int_cases[] = {
	{ NULL, -7 },
	{ "8080", 8080 },
	{ "-12", -12 },
	{ "0", 0 },
	{ "", -7 },
	{ "12abc", -7 },
	{ "abc", -7 },
	{ " 5", -7 },
	{ "0x10", -7 },
	{ "99999999999999999999999", -7 },
};

static void test_get_int(void **state)
{
	for (size_t i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
		struct cl_cfg cfg;

		cl_cfg_init(&cfg);
		if (int_cases[i].value)
			cl_cfg_set(&cfg, "n", int_cases[i].value);
		if (cl_cfg_get_int(&cfg, "n", -7) != int_cases[i].want)
			fail_msg("\"%s\": got %ld, want %ld", int_cases[i].value,
				 cl_cfg_get_int(&cfg, "n", -7), int_cases[i].want);
		cl_cfg_release(&cfg);
	}
}

static const struct bool_case {
	const char *value; /* NULL: unset */
	bool def;
	bool want;
} bool_cases[] = {
	{ NULL, true, true },   { NULL, false, false },
	{ "1", false, true },   { "true", false, true },  { "yes", false, true },
	{ "on", false, true },  { "TRUE", false, true },
	{ "0", true, false },   { "false", true, false }, { "no", true, false },
	{ "off", true, false }, { "Off", true, false },
	{ "maybe", true, true }, { "maybe", false, false },
	{ "", true, true },     { "2", false, false },
};

static void test_get_bool(void **state)
{
	for (size_t i = 0; i < sizeof(bool_cases) / sizeof(bool_cases[0]); i++) {
		struct cl_cfg cfg;

		cl_cfg_init(&cfg);
		if (bool_cases[i].value)
			cl_cfg_set(&cfg, "b", bool_cases[i].value);
		if (cl_cfg_get_bool(&cfg, "b", bool_cases[i].def) != bool_cases[i].want)
			fail_msg("case %zu \"%s\" (default %d): want %d", i,
				 bool_cases[i].value, bool_cases[i].def, bool_cases[i].want);
		cl_cfg_release(&cfg);
	}
}

struct collected {
	char text[256];
	int calls;
	int stop_after; /* 0: never stop */
};

static int collect(const char *key, const char *value, void *arg)
{
	struct collected *c = arg;
	size_t used = strlen(c->text);

	snprintf(c->text + used, sizeof(c->text) - used, "%s=%s;", key, value);
	c->calls++;
	return c->stop_after && c->calls == c->stop_after ? 42 : 0;
}

static void test_each_kafka_prefix(void **state)
{
	struct cl_cfg cfg;
	struct collected c = { 0 };

	cl_cfg_init(&cfg);
	cl_cfg_set(&cfg, "kafka.bootstrap.servers", "127.0.0.1:9092");
	cl_cfg_set(&cfg, "http.port", "8080");
	cl_cfg_set(&cfg, "kafka.acks", "all");
	cl_cfg_set(&cfg, "kafkaesque", "no");
	cl_cfg_set(&cfg, "pg.kafka.x", "no");

	assert_int_equal(cl_cfg_each(&cfg, "kafka.", collect, &c), 0);
	assert_string_equal(c.text, "bootstrap.servers=127.0.0.1:9092;acks=all;");
	assert_int_equal(c.calls, 2);

	/* a non-zero return stops the walk and is passed back */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	assert_int_equal(cl_cfg_each(&cfg, "kafka.", collect, &c), 42);
	assert_int_equal(c.calls, 1);

	memset(&c, 0, sizeof(c));
	assert_int_equal(cl_cfg_each(&cfg, "", collect, &c), 0);
	assert_int_equal(c.calls, 5);
	cl_cfg_release(&cfg);
}

static void test_each_from_environment(void **state)
{
	struct cl_cfg cfg;
	struct collected c = { 0 };

	setenv("CARELINK_KAFKA_SOCKET_NAGLE_DISABLE", "true", 1);
	cl_cfg_init(&cfg);
	cl_cfg_load_env(&cfg);
	cl_cfg_each(&cfg, "kafka.", collect, &c);
	assert_non_null(strstr(c.text, "socket.nagle.disable=true;"));
	cl_cfg_release(&cfg);
	unsetenv("CARELINK_KAFKA_SOCKET_NAGLE_DISABLE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get_replace),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_load_uses_carelink_config),
		cmocka_unit_test(test_env_names),
		cmocka_unit_test(test_env_ignores_other_variables),
		cmocka_unit_test(test_file_format),
		cmocka_unit_test(test_malformed_file),
		cmocka_unit_test(test_malformed_file_fails_load),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_get_int),
		cmocka_unit_test(test_get_bool),
		cmocka_unit_test(test_each_kafka_prefix),
		cmocka_unit_test(test_each_from_environment),
	};

	return cmocka_run_group_tests(tests, setup_quiet, NULL);
}

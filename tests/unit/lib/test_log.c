/* test_log.c - structured logs: JSON lines on fd 2, level filtering, escaping */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "carelink/log.h"

/* Captured stderr: fd 2 points at a temporary file between begin and end. */
struct capture {
	FILE *file;
	int saved_fd;
	char *text;
};

static void capture_begin(struct capture *c)
{
	fflush(stderr);
	c->file = tmpfile();
	assert_non_null(c->file);
	c->saved_fd = dup(STDERR_FILENO);
	assert_true(c->saved_fd >= 0);
	assert_true(dup2(fileno(c->file), STDERR_FILENO) >= 0);
	c->text = NULL;
}

/* Restore fd 2 and return what was written (owned by c). */
static const char *capture_end(struct capture *c)
{
	long size;

	assert_true(dup2(c->saved_fd, STDERR_FILENO) >= 0);
	close(c->saved_fd);
	assert_int_equal(fseek(c->file, 0, SEEK_END), 0);
	size = ftell(c->file);
	rewind(c->file);
	c->text = calloc(1, (size_t)size + 1);
	assert_non_null(c->text);
	assert_int_equal(fread(c->text, 1, (size_t)size, c->file), (size_t)size);
	fclose(c->file);
	return c->text;
}

static void capture_free(struct capture *c)
{
	free(c->text);
}

/* Split text into lines, each of which must parse as a JSON object. */
static size_t parse_lines(const char *text, json_t **out, size_t max)
{
	size_t n = 0;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		json_error_t err;

		if (!nl)
			fail_msg("line without newline: %s", p);
		assert_true(n < max);
		out[n] = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES, &err);
		if (!out[n] || !json_is_object(out[n]))
			fail_msg("not a JSON object (%s): %.*s", err.text, (int)(nl - p), p);
		n++;
		p = nl + 1;
	}
	return n;
}

static const char *member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		fail_msg("member \"%s\" missing or not a string", key);
	return json_string_value(v);
}

static void test_line_shape(void **state)
{
	struct capture c;
	json_t *lines[4];
	const char *text, *time;

	cl_log_init("records", "info");
	capture_begin(&c);
	cl_log_info("post created", "post_id", "p-1", "space_id", "s-9", NULL);
	text = capture_end(&c);

	assert_int_equal(parse_lines(text, lines, 4), 1);
	assert_string_equal(member(lines[0], "level"), "info");
	assert_string_equal(member(lines[0], "service"), "records");
	assert_string_equal(member(lines[0], "message"), "post created");
	assert_string_equal(member(lines[0], "post_id"), "p-1");
	assert_string_equal(member(lines[0], "space_id"), "s-9");
	assert_int_equal(json_object_size(lines[0]), 6);

	/* 2026-11-24T10:00:00.123Z */
	time = member(lines[0], "time");
	assert_int_equal(strlen(time), 24);
	for (size_t i = 0; i < 24; i++) {
		char ch = time[i];

		switch (i) {
		case 4: case 7: assert_int_equal(ch, '-'); break;
		case 10: assert_int_equal(ch, 'T'); break;
		case 13: case 16: assert_int_equal(ch, ':'); break;
		case 19: assert_int_equal(ch, '.'); break;
		case 23: assert_int_equal(ch, 'Z'); break;
		default: assert_true(ch >= '0' && ch <= '9');
		}
	}
	/* the documented member order: time, level, service, message first */
	assert_true(strncmp(text, "{\"time\":", 8) == 0);
	assert_non_null(strstr(text, "\"level\":\"info\",\"service\":\"records\",\"message\":"));

	json_decref(lines[0]);
	capture_free(&c);
}

static void test_level_filtering(void **state)
{
	static const struct {
		const char *min;
		const char *want; /* levels that appear, in order */
	} cases[] = {
		{ "debug", "debug,info,warn,error," },
		{ "info", "info,warn,error," },
		{ "warn", "warn,error," },
		{ "error", "error," },
		{ "ERROR", "error," },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct capture c;
		json_t *lines[8];
		char got[64] = "";
		size_t n;

		cl_log_init("t", cases[i].min);
		capture_begin(&c);
		cl_log_debug("d", NULL);
		cl_log_info("i", NULL);
		cl_log_warn("w", NULL);
		cl_log_error("e", NULL);
		n = parse_lines(capture_end(&c), lines, 8);
		for (size_t j = 0; j < n; j++) {
			strcat(got, member(lines[j], "level"));
			strcat(got, ",");
			json_decref(lines[j]);
		}
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("minimum %s: got %s want %s", cases[i].min, got, cases[i].want);
		capture_free(&c);
	}
}

static void test_level_null_and_unknown(void **state)
{
	struct capture c;
	json_t *lines[4];
	size_t n;

	cl_log_init("t", "warn");
	cl_log_init("t", NULL); /* keeps the level */
	capture_begin(&c);
	cl_log_info("hidden", NULL);
	cl_log_warn("shown", NULL);
	n = parse_lines(capture_end(&c), lines, 4);
	assert_int_equal(n, 1);
	assert_string_equal(member(lines[0], "message"), "shown");
	json_decref(lines[0]);
	capture_free(&c);

	/* an unknown level is reported and ignored */
	capture_begin(&c);
	cl_log_init("t", "verbose");
	cl_log_info("hidden", NULL);
	n = parse_lines(capture_end(&c), lines, 4);
	assert_int_equal(n, 1);
	assert_string_equal(member(lines[0], "level"), "warn");
	assert_string_equal(member(lines[0], "requested"), "verbose");
	json_decref(lines[0]);
	capture_free(&c);
}

static const char *const tricky[] = {
	"say \"hello\"",
	"line one\nline two\r\n",
	"back\\slash and /slash/",
	"tab\there, bell\a, escape\x1b, unit sep\x1f",
	"ショートステイ空き情報: 2床",
	"地域包括支援センター 🏥",
	"{\"injected\":true}",
	"",
};

static void test_escaping(void **state)
{
	cl_log_init("svc \"quoted\"\n", "debug");
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		struct capture c;
		json_t *lines[2];
		const char *text;

		capture_begin(&c);
		cl_log_info(tricky[i], "field", tricky[i], tricky[i], "as key", NULL);
		text = capture_end(&c);
		/* exactly one physical line, whatever the content */
		assert_non_null(strchr(text, '\n'));
		assert_int_equal(strchr(text, '\n') - text + 1, (ptrdiff_t)strlen(text));
		assert_int_equal(parse_lines(text, lines, 2), 1);
		assert_string_equal(member(lines[0], "message"), tricky[i]);
		assert_string_equal(member(lines[0], "field"), tricky[i]);
		assert_string_equal(member(lines[0], tricky[i]), "as key");
		assert_string_equal(member(lines[0], "service"), "svc \"quoted\"\n");
		json_decref(lines[0]);
		capture_free(&c);
	}
}

static void test_invalid_utf8_and_null(void **state)
{
	struct capture c;
	json_t *lines[2];

	cl_log_init("t", "info");
	capture_begin(&c);
	cl_log_info("bad \xff byte", "v", "trunc \xe3\x81", "missing", NULL, NULL);
	assert_int_equal(parse_lines(capture_end(&c), lines, 2), 1);
	assert_string_equal(member(lines[0], "message"), "bad \xef\xbf\xbd byte");
	assert_string_equal(member(lines[0], "v"), "trunc \xef\xbf\xbd\xef\xbf\xbd");
	assert_true(json_is_null(json_object_get(lines[0], "missing")));
	json_decref(lines[0]);
	capture_free(&c);
}

static void test_fields_cannot_replace_core_members(void **state)
{
	struct capture c;
	json_t *lines[2];

	cl_log_init("records", "info");
	capture_begin(&c);
	cl_log_info("real", "level", "debug", "service", "evil", "message", "fake",
		    "time", "never", NULL);
	assert_int_equal(parse_lines(capture_end(&c), lines, 2), 1);
	assert_string_equal(member(lines[0], "level"), "info");
	assert_string_equal(member(lines[0], "service"), "records");
	assert_string_equal(member(lines[0], "message"), "real");
	assert_string_not_equal(member(lines[0], "time"), "never");
	json_decref(lines[0]);
	capture_free(&c);
}

static void test_errno_preserved(void **state)
{
	struct capture c;

	cl_log_init("t", "info");
	capture_begin(&c);
	errno = ENOENT;
	cl_log_info("x", NULL);
	assert_int_equal(errno, ENOENT);
	capture_end(&c);
	capture_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_shape),
		cmocka_unit_test(test_level_filtering),
		cmocka_unit_test(test_level_null_and_unknown),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_invalid_utf8_and_null),
		cmocka_unit_test(test_fields_cannot_replace_core_members),
		cmocka_unit_test(test_errno_preserved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_http_json.c - the request body parser's limits: nesting depth, size,
 * invalid UTF-8 and other malformed text given to cl_json_parse() and
 * cl_json_depth_ok() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/json.h"

/* n opening brackets (alternating [ and {"k":), a value, then the closers */
static char *nested(size_t n, size_t *len)
{
	char *s = malloc(n * 6 + 8);
	size_t k = 0;
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		if (i % 2) {
			memcpy(s + k, "{\"k\":", 5);
			k += 5;
		} else {
			s[k++] = '[';
		}
	}
	s[k++] = '1';
	for (size_t i = n; i-- > 0;)
		s[k++] = i % 2 ? '}' : ']';
	s[k] = '\0';
	*len = k;
	return s;
}

static void test_depth_boundary(void **state)
{
	(void)state;
	char err[200];
	for (size_t max = 1; max <= 40; max++) {
		size_t len;
		char *ok = nested(max, &len);
		assert_true(cl_json_depth_ok(ok, len, max));
		json_t *j = cl_json_parse(ok, len, max, err, sizeof err);
		assert_non_null(j);
		json_decref(j);
		free(ok);

		char *deep = nested(max + 1, &len);
		assert_false(cl_json_depth_ok(deep, len, max));
		assert_null(cl_json_parse(deep, len, max, err, sizeof err));
		assert_non_null(strstr(err, "nested deeper"));
		free(deep);
	}
}

static void test_depth_far_too_deep(void **state)
{
	(void)state;
	/* a megabyte of brackets is refused by counting, before jansson's
	 * recursive parser sees it */
	size_t n = 1 << 20;
	char *s = malloc(n);
	char err[200];
	assert_non_null(s);
	memset(s, '[', n);
	assert_false(cl_json_depth_ok(s, n, 32));
	assert_null(cl_json_parse(s, n, 32, err, sizeof err));
	memset(s, '{', n);
	assert_null(cl_json_parse(s, n, 32, err, sizeof err));
	free(s);
}

static void test_depth_ignores_strings(void **state)
{
	(void)state;
	char err[200];
	/* brackets, quotes and backslashes inside strings do not count */
	static const char *const flat[] = {
		"[\"[[[[[[[[[[\"]",
		"{\"{{{{\":\"}}}}[[[[\"}",
		"[\"\\\"[[[[[[[[\"]",          /* escaped quote keeps the string open */
		"[\"\\\\\", \"x\"]",            /* escaped backslash closes it */
		"[\"\\\\\\\"[[[[[[[[[\"]",     /* \\ then \" : still inside */
	};
	for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++) {
		assert_true(cl_json_depth_ok(flat[i], strlen(flat[i]), 2));
		json_t *j = cl_json_parse(flat[i], strlen(flat[i]), 2, err, sizeof err);
		if (!j)
			fail_msg("%s: %s", flat[i], err);
		json_decref(j);
	}
	/* a string closed by \\" is closed: the brackets after it count */
	const char *closed = "[\"\\\\\",[[[1]]]]";
	assert_false(cl_json_depth_ok(closed, strlen(closed), 3));
	assert_true(cl_json_depth_ok(closed, strlen(closed), 4));
}

static void test_depth_unbalanced(void **state)
{
	(void)state;
	char err[200];
	/* closers first never make room for more openers */
	const char *s = "]]]]]]]]]][[[";
	assert_false(cl_json_depth_ok(s, strlen(s), 2));
	assert_true(cl_json_depth_ok(s, strlen(s), 3));
	assert_null(cl_json_parse(s, strlen(s), 3, err, sizeof err));
	/* an unterminated string hides what follows: jansson refuses it */
	const char *open = "[\"[[[[[[[";
	assert_true(cl_json_depth_ok(open, strlen(open), 1));
	assert_null(cl_json_parse(open, strlen(open), 1, err, sizeof err));
	assert_non_null(strstr(err, "invalid json"));
	/* depth 0 refuses any container */
	assert_false(cl_json_depth_ok("[]", 2, 0));
	assert_true(cl_json_depth_ok("1", 1, 0));
}

static void test_depth_respects_len(void **state)
{
	(void)state;
	/* only len bytes are looked at: no reading past the buffer */
	const char s[] = "[[[[";
	assert_true(cl_json_depth_ok(s, 2, 2));
	assert_false(cl_json_depth_ok(s, 3, 2));
	assert_true(cl_json_depth_ok(s, 0, 0));
}

struct bad_case {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen */
};

static const struct bad_case bad_utf8[] = {
	{"lone continuation byte", "{\"a\":\"\x80\"}", 0},
	{"overlong slash", "{\"a\":\"\xc0\xaf\"}", 0},
	{"overlong NUL", "{\"a\":\"\xc0\x80\"}", 0},
	{"overlong 3-byte", "{\"a\":\"\xe0\x80\xaf\"}", 0},
	{"UTF-16 surrogate encoded", "{\"a\":\"\xed\xa0\x80\"}", 0},
	{"beyond U+10FFFF", "{\"a\":\"\xf4\x90\x80\x80\"}", 0},
	{"5-byte form", "{\"a\":\"\xf8\x88\x80\x80\x80\"}", 0},
	{"0xff", "{\"a\":\"\xff\"}", 0},
	{"0xfe in a key", "{\"\xfe\":1}", 0},
	{"truncated 3-byte sequence", "{\"a\":\"\xe3\x81\"}", 0},
	{"truncated at the end of input", "{\"a\":\"x\"}\xe3", 0},
	{"Latin-1 text", "{\"a\":\"caf\xe9\"}", 0},
	{"escaped lone high surrogate", "{\"a\":\"\\ud800\"}", 0},
	{"escaped lone low surrogate", "{\"a\":\"\\udc00\"}", 0},
	{"escaped surrogates reversed", "{\"a\":\"\\udc00\\ud800\"}", 0},
};

static const struct bad_case bad_json[] = {
	{"empty", "", 0},
	{"whitespace only", "  \n\t ", 0},
	{"trailing garbage", "{} x", 0},
	{"two documents", "{}{}", 0},
	{"duplicate key", "{\"a\":1,\"a\":2}", 0},
	{"escaped NUL", "{\"a\":\"x\\u0000y\"}", 0},
	{"raw NUL inside a string", "{\"a\":\"x\0y\"}", 12},
	{"raw NUL after the document", "{\"a\":1}\0", 8},
	{"raw control character", "{\"a\":\"x\ny\"}", 0},
	{"single quotes", "{'a':1}", 0},
	{"trailing comma", "[1,2,]", 0},
	{"comment", "[1] // x", 0},
	{"NaN", "[NaN]", 0},
	{"number too large for a double", "[1e400]", 0},
	{"integer too large", "[99999999999999999999999]", 0},
	{"bad escape", "[\"\\x41\"]", 0},
	{"unterminated", "{\"a\":", 0},
	{"BOM", "\xef\xbb\xbf{}", 0},
};

static void check_refused(const struct bad_case *c)
{
	char err[200];
	size_t len = c->len ? c->len : strlen(c->text);
	memset(err, 'x', sizeof err);
	json_t *j = cl_json_parse(c->text, len, 32, err, sizeof err);
	if (j) {
		json_decref(j);
		fail_msg("%s: accepted", c->name);
	}
	assert_non_null(memchr(err, '\0', sizeof err));
	assert_true(strlen(err) > 0);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++)
		check_refused(&bad_utf8[i]);
}

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++)
		check_refused(&bad_json[i]);
}

static void test_valid_unicode(void **state)
{
	(void)state;
	char err[200];
	/* Japanese, a 4-byte character, an escaped surrogate pair, U+FFFF */
	const char *s = "{\"t\":\"各機関からのお知らせ\",\"e\":\"\xf0\x9f\x98\x80\","
			"\"p\":\"\\ud83d\\ude00\",\"m\":\"\xef\xbf\xbf\"}";
	json_t *j = cl_json_parse(s, strlen(s), 2, err, sizeof err);
	if (!j)
		fail_msg("%s", err);
	assert_string_equal(cl_json_str(j, "t"), "各機関からのお知らせ");
	assert_string_equal(cl_json_str(j, "e"), cl_json_str(j, "p"));
	assert_null(cl_json_str(j, "missing"));
	json_decref(j);
}

static void test_size(void **state)
{
	(void)state;
	char err[200];
	/* a 1 MiB string and 100 000 flat elements parse; len is respected */
	size_t n = 1 << 20;
	char *s = malloc(n + 16);
	assert_non_null(s);
	s[0] = '[';
	s[1] = '"';
	memset(s + 2, 'a', n);
	memcpy(s + 2 + n, "\"]garbage", 9);
	json_t *j = cl_json_parse(s, n + 4, 2, err, sizeof err);
	if (!j)
		fail_msg("%s", err);
	assert_int_equal(json_string_length(json_array_get(j, 0)), n);
	json_decref(j);
	/* the same buffer with the garbage included is refused */
	assert_null(cl_json_parse(s, n + 11, 2, err, sizeof err));
	free(s);

	size_t count = 100000, k = 0;
	char *flat = malloc(count * 2 + 2);
	assert_non_null(flat);
	flat[k++] = '[';
	for (size_t i = 0; i < count; i++) {
		flat[k++] = '0';
		flat[k++] = i + 1 < count ? ',' : ']';
	}
	j = cl_json_parse(flat, k, 1, err, sizeof err);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), count);
	json_decref(j);
	free(flat);
}

static void test_error_buffer(void **state)
{
	(void)state;
	/* reasons are cut to the buffer, which may be tiny */
	char err[8];
	size_t len;
	char *deep = nested(50, &len);
	assert_null(cl_json_parse(deep, len, 10, err, sizeof err));
	assert_int_equal(strlen(err), sizeof err - 1);
	free(deep);
	char one[1];
	assert_null(cl_json_parse("[", 1, 10, one, sizeof one));
	assert_int_equal(one[0], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_depth_boundary),
		cmocka_unit_test(test_depth_far_too_deep),
		cmocka_unit_test(test_depth_ignores_strings),
		cmocka_unit_test(test_depth_unbalanced),
		cmocka_unit_test(test_depth_respects_len),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_valid_unicode),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_error_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_notify_text.c - notify's text helpers: post bodies cut to a number of
 * code points without breaking a character, strict id parsing */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the helpers are internal to the service: compile them into the test */
#include "../../../services/notify/text.c"

#define ELLIPSIS "\xE2\x80\xA6"

static char *repeat(const char *unit, size_t times)
{
	size_t n = strlen(unit);
	char *s = malloc(n * times + 1);

	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * n, unit, n);
	s[n * times] = '\0';
	return s;
}

static void cut_keeps_short_text(void **state)
{
	(void)state;
	char *out = nt_text_cut("hello", 200);
	assert_string_equal(out, "hello");
	free(out);
	out = nt_text_cut("", 200);
	assert_string_equal(out, "");
	free(out);
}

static void cut_keeps_text_of_exactly_max(void **state)
{
	(void)state;
	char *in = repeat("\xE3\x81\x82", 200); /* あ x 200 */
	char *out = nt_text_cut(in, 200);
	assert_string_equal(out, in);
	free(out);
	free(in);
}

static void cut_counts_code_points_not_bytes(void **state)
{
	(void)state;
	/* 201 three-byte characters: keep 200 of them, then the ellipsis */
	char *in = repeat("\xE3\x81\x82", 201);
	char *want = repeat("\xE3\x81\x82", 200);
	char *out = nt_text_cut(in, 200);
	assert_int_equal(strlen(out), 600 + strlen(ELLIPSIS));
	assert_memory_equal(out, want, 600);
	assert_string_equal(out + 600, ELLIPSIS);
	free(out);
	free(want);
	free(in);
}

static void cut_never_splits_a_character(void **state)
{
	(void)state;
	/* mixed widths: a, é (2 bytes), あ (3 bytes), 😀 (4 bytes) */
	const char *in = "a\xC3\xA9\xE3\x81\x82\xF0\x9F\x98\x80z";
	struct { size_t max; const char *want; } cases[] = {
		{0, ELLIPSIS},
		{1, "a" ELLIPSIS},
		{2, "a\xC3\xA9" ELLIPSIS},
		{3, "a\xC3\xA9\xE3\x81\x82" ELLIPSIS},
		{4, "a\xC3\xA9\xE3\x81\x82\xF0\x9F\x98\x80" ELLIPSIS},
		{5, "a\xC3\xA9\xE3\x81\x82\xF0\x9F\x98\x80z"},
		{6, "a\xC3\xA9\xE3\x81\x82\xF0\x9F\x98\x80z"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = nt_text_cut(in, cases[i].max);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
}

static void parse_id_accepts_plain_decimal(void **state)
{
	(void)state;
	int64_t v = -1;
	assert_int_equal(nt_parse_id("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(nt_parse_id("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(nt_parse_id("9223372036854775807", &v), 0);
	assert_true(v == INT64_MAX);
}

static void parse_id_rejects_everything_else(void **state)
{
	(void)state;
	const char *bad[] = {
		NULL, "", "-1", "+1", " 1", "1 ", "1.0", "0x10", "1e3", "abc",
		"9223372036854775808", "99999999999999999999",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t v = 7;
		assert_int_equal(nt_parse_id(bad[i], &v), CL_EINVAL);
		assert_int_equal(v, 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cut_keeps_short_text),
		cmocka_unit_test(cut_keeps_text_of_exactly_max),
		cmocka_unit_test(cut_counts_code_points_not_bytes),
		cmocka_unit_test(cut_never_splits_a_character),
		cmocka_unit_test(parse_id_accepts_plain_decimal),
		cmocka_unit_test(parse_id_rejects_everything_else),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_records_post_body.c - the post body rules of carelink-records:
 * blank bodies refused, length counted in code points, white space trimmed */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/records/post_body.c"

static char *repeat(const char *unit, size_t times, const char *prefix, const char *suffix)
{
	size_t u = strlen(unit), p = strlen(prefix), s = strlen(suffix);
	char *out = malloc(p + u * times + s + 1);
	assert_non_null(out);
	memcpy(out, prefix, p);
	for (size_t i = 0; i < times; i++)
		memcpy(out + p + i * u, unit, u);
	memcpy(out + p + u * times, suffix, s + 1);
	return out;
}

static const struct trim_case {
	const char *in;
	enum rec_body_check want;
	const char *trimmed;
} trim_cases[] = {
	{"", REC_BODY_EMPTY, NULL},
	{" ", REC_BODY_EMPTY, NULL},
	{" \t\r\n\v\f", REC_BODY_EMPTY, NULL},
	{"\xe3\x80\x80", REC_BODY_EMPTY, NULL},                  /* U+3000 */
	{"\xc2\xa0 \xe2\x80\x83\n", REC_BODY_EMPTY, NULL},       /* NBSP, EM SPACE */
	{"hello", REC_BODY_OK, "hello"},
	{"  hello world \n", REC_BODY_OK, "hello world"},
	{"\xe3\x80\x80\xe7\xa0\x94\xe4\xbf\xae\xe3\x80\x80", REC_BODY_OK,
	 "\xe7\xa0\x94\xe4\xbf\xae"},                             /* "　研修　" */
	{"a\n\nb", REC_BODY_OK, "a\n\nb"},                        /* inner kept */
	{"\xf0\x9f\x9a\x91 ", REC_BODY_OK, "\xf0\x9f\x9a\x91"},   /* emoji kept */
	{"\xe3\x81\x82", REC_BODY_OK, "\xe3\x81\x82"},            /* U+3042 is no space */
};

static void test_trim_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof trim_cases / sizeof *trim_cases; i++) {
		const struct trim_case *c = &trim_cases[i];
		const char *start = NULL;
		size_t len = 0;
		enum rec_body_check got = rec_post_body_check(c->in, strlen(c->in), &start, &len);
		assert_int_equal(got, c->want);
		if (c->want == REC_BODY_OK) {
			assert_int_equal(len, strlen(c->trimmed));
			assert_memory_equal(start, c->trimmed, len);
		}
	}
}

static void test_limit_counts_code_points(void **state)
{
	(void)state;
	const char *start;
	size_t len;
	/* 10000 three-byte characters: 30000 bytes, still allowed */
	char *ok = repeat("\xe3\x81\x82", REC_POST_BODY_MAX, "", "");
	assert_int_equal(rec_post_body_check(ok, strlen(ok), &start, &len), REC_BODY_OK);
	assert_int_equal(len, strlen(ok));
	free(ok);
	/* one more is too long */
	char *big = repeat("\xe3\x81\x82", REC_POST_BODY_MAX + 1, "", "");
	assert_int_equal(rec_post_body_check(big, strlen(big), &start, &len),
			 REC_BODY_TOO_LONG);
	free(big);
	/* four-byte characters count once each */
	char *emoji = repeat("\xf0\x9f\x9a\x91", REC_POST_BODY_MAX + 1, "", "");
	assert_int_equal(rec_post_body_check(emoji, strlen(emoji), &start, &len),
			 REC_BODY_TOO_LONG);
	free(emoji);
	/* white space around a full body is trimmed before counting */
	char *padded = repeat("x", REC_POST_BODY_MAX, "   ", "\n\n");
	assert_int_equal(rec_post_body_check(padded, strlen(padded), &start, &len),
			 REC_BODY_OK);
	assert_int_equal(len, REC_POST_BODY_MAX);
	free(padded);
}

static void test_utf8_count(void **state)
{
	(void)state;
	assert_int_equal(rec_utf8_count("", 0), 0);
	assert_int_equal(rec_utf8_count("abc", 3), 3);
	assert_int_equal(rec_utf8_count("\xe7\xa0\x94\xe4\xbf\xae", 6), 2);
	assert_int_equal(rec_utf8_count("\xc3\xa9\xf0\x9f\x9a\x91z", 7), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim_cases),
		cmocka_unit_test(test_limit_counts_code_points),
		cmocka_unit_test(test_utf8_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

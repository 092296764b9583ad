/* test_space_input.c - the checks of space and thread requests in
 * carelink-records: trimming (ASCII and ideographic spaces) with lengths in
 * code points, profession codes, lists of ids */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/records/space_input.c"

static const struct trim_case {
	const char *in;
	const char *out;
	size_t count;
} trim_cases[] = {
	{"", "", 0},
	{"   ", "", 0},
	{"\xe3\x80\x80\xe3\x80\x80", "", 0},                       /* U+3000 only */
	{"abc", "abc", 3},
	{"  abc \t\n", "abc", 3},
	{"\xe3\x80\x80連絡\xe3\x80\x80", "連絡", 2},
	{" ケアマネ 連絡 ", "ケアマネ 連絡", 7},
	{"a\xe3\x80\x80" "b", "a\xe3\x80\x80" "b", 3},              /* kept inside */
	{"\xf0\x9f\x98\x80 ", "\xf0\x9f\x98\x80", 1},              /* 4-byte code point */
};

static void trim_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof trim_cases / sizeof trim_cases[0]; i++) {
		size_t n = 99;
		char *got = rec_text_trim(trim_cases[i].in, &n);
		assert_string_equal(got, trim_cases[i].out);
		assert_int_equal(n, trim_cases[i].count);
		free(got);
	}
}

static void profession_codes(void **state)
{
	(void)state;
	assert_true(rec_profession_valid("care_manager"));
	assert_true(rec_profession_valid("a"));
	assert_false(rec_profession_valid(""));
	assert_false(rec_profession_valid("Care_manager"));
	assert_false(rec_profession_valid("care-manager"));
	assert_false(rec_profession_valid("nurse1"));
	assert_false(rec_profession_valid("看護師"));
	char long_code[66];
	memset(long_code, 'a', 65);
	long_code[65] = '\0';
	assert_false(rec_profession_valid(long_code));
	long_code[64] = '\0';
	assert_true(rec_profession_valid(long_code));
}

static void string_arrays(void **state)
{
	(void)state;
	json_t *a = json_pack("[s, s, s]", "x", "y", "z");
	json_t *mixed = json_pack("[s, i]", "x", 1);
	json_t *obj = json_object();
	assert_true(rec_string_array(a, 3));
	assert_false(rec_string_array(a, 2));
	assert_false(rec_string_array(mixed, 10));
	assert_false(rec_string_array(obj, 10));

	json_t *b = json_pack("[s, s]", "z", "q");
	json_t *d = rec_strings_minus(a, b);
	json_t *want = json_pack("[s, s]", "x", "y");
	assert_true(json_equal(d, want));
	json_t *none = rec_strings_minus(b, b);
	assert_int_equal(json_array_size(none), 0);
	json_decref(none);
	json_decref(want);
	json_decref(d);
	json_decref(b);
	json_decref(obj);
	json_decref(mixed);
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trim_table),
		cmocka_unit_test(profession_codes),
		cmocka_unit_test(string_arrays),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

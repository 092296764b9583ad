/* test_encoding_cp932.c - the encodings of CSV files: UTF-8 checked with
 * the line of a bad byte, BOM, Shift_JIS (code page 932) both ways with
 * its extensions (①, ～, 髙), 〓 for what it cannot hold */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../../services/records/text_encoding.c"

static void test_names(void **state)
{
	(void)state;
	enum rec_encoding e;
	assert_true(rec_encoding_parse(NULL, &e) && e == REC_ENC_UTF8);
	assert_true(rec_encoding_parse("UTF-8", &e) && e == REC_ENC_UTF8);
	assert_true(rec_encoding_parse("shift_jis", &e) && e == REC_ENC_SHIFT_JIS);
	assert_true(rec_encoding_parse("CP932", &e) && e == REC_ENC_SHIFT_JIS);
	assert_false(rec_encoding_parse("latin1", &e));
	assert_string_equal(rec_encoding_name(REC_ENC_SHIFT_JIS), "shift_jis");
}

static void test_utf8(void **state)
{
	(void)state;
	size_t line = 0;
	const char *ok = "名前,定員\r\n髙橋,①\r\n";
	assert_true(rec_text_utf8_check(ok, strlen(ok), &line));
	const char *bad = "a\r\nb\nc\xe3\x81\n";
	assert_false(rec_text_utf8_check(bad, strlen(bad), &line));
	assert_int_equal(line, 3);
	/* overlong and surrogate forms */
	assert_false(rec_text_utf8_check("\xc0\xaf", 2, &line));
	assert_false(rec_text_utf8_check("\xed\xa0\x80", 3, &line));

	char *out;
	size_t n;
	const char *bom = "\xef\xbb\xbfid,名前\n";
	assert_int_equal(rec_text_decode(bom, strlen(bom), REC_ENC_UTF8, &out, &n, &line), 0);
	assert_string_equal(out, "id,名前\n");
	free(out);
	assert_int_equal(rec_text_decode("a\nb\0c", 5, REC_ENC_UTF8, &out, &n, &line), CL_EINVAL);
	assert_int_equal(line, 2);
	assert_null(out);
}

static void test_sjis_round_trip(void **state)
{
	(void)state;
	const char *text = "名前,備考\r\n髙橋 ①,〜波～\r\nｶﾀｶﾅ,ABC\r\n";
	char *sjis, *back;
	size_t n, m, line = 0;
	assert_int_equal(rec_text_encode(text, strlen(text), REC_ENC_SHIFT_JIS, &sjis, &n), 0);
	/* 髙 is FB FC, ① 87 40, ～ 81 60 in code page 932 */
	assert_non_null(memmem(sjis, n, "\xfb\xfc", 2));
	assert_non_null(memmem(sjis, n, "\x87\x40", 2));
	assert_non_null(memmem(sjis, n, "\x81\x60", 2));
	assert_null(memchr(sjis, 0xef, n));
	assert_int_equal(rec_text_decode(sjis, n, REC_ENC_SHIFT_JIS, &back, &m, &line), 0);
	/* 〜 (U+301C) comes back as the full-width tilde U+FF5E, as Windows does */
	assert_string_equal(back, "名前,備考\r\n髙橋 ①,～波～\r\nｶﾀｶﾅ,ABC\r\n");
	free(sjis);
	free(back);
}

static void test_sjis_geta(void **state)
{
	(void)state;
	const char *text = "笑顔🙂です";
	char *sjis, *back;
	size_t n, m, line;
	assert_int_equal(rec_text_encode(text, strlen(text), REC_ENC_SHIFT_JIS, &sjis, &n), 0);
	assert_int_equal(rec_text_decode(sjis, n, REC_ENC_SHIFT_JIS, &back, &m, &line), 0);
	assert_string_equal(back, "笑顔〓です");
	free(sjis);
	free(back);
	/* UTF-8 output carries a BOM */
	assert_int_equal(rec_text_encode("a", 1, REC_ENC_UTF8, &sjis, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(sjis, "\xef\xbb\xbf" "a", 4);
	free(sjis);
}

static void test_sjis_invalid(void **state)
{
	(void)state;
	char *out;
	size_t n, line = 0;
	/* a lead byte without its trail byte on line 2 */
	const char *bad = "id,name\r\n1,\x82\r\n";
	assert_int_equal(rec_text_decode(bad, strlen(bad), REC_ENC_SHIFT_JIS, &out, &n, &line),
			 CL_EINVAL);
	assert_int_equal(line, 2);
	assert_null(out);
	/* 0xFF is no Shift_JIS byte */
	const char *ff = "a\nb\nc\xff\n";
	assert_int_equal(rec_text_decode(ff, strlen(ff), REC_ENC_SHIFT_JIS, &out, &n, &line),
			 CL_EINVAL);
	assert_int_equal(line, 3);
	/* UTF-8 Japanese sent as Shift_JIS: refused on its first line with
	 * such text */
	const char *utf8 = "id,name\n1,abc\n2,田中\n";
	assert_int_equal(rec_text_decode(utf8, strlen(utf8), REC_ENC_SHIFT_JIS, &out, &n, &line),
			 CL_EINVAL);
	assert_int_equal(line, 3);
	/* Shift_JIS sent as UTF-8: refused */
	const char *sj = "id\n\x93\x63\x92\x86\n"; /* 田中 */
	assert_int_equal(rec_text_decode(sj, strlen(sj), REC_ENC_UTF8, &out, &n, &line),
			 CL_EINVAL);
	assert_int_equal(line, 2);
	/* ASCII is both */
	assert_int_equal(rec_text_decode("a,b\n", 4, REC_ENC_SHIFT_JIS, &out, &n, &line), 0);
	assert_string_equal(out, "a,b\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_sjis_round_trip),
		cmocka_unit_test(test_sjis_geta),
		cmocka_unit_test(test_sjis_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

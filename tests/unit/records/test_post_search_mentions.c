/* test_post_search_mentions.c - pure rules of carelink-records posts: LIKE
 * escaping, dates, UTF-8, search cursors, the mentions object, body limits */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/records/search_query.c"
#include "../../../services/records/mention_parse.c"
#include "../../../services/records/post_body.c"

static void test_like_pattern(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"退院", "%退院%"},
		{"100%", "%100\\%%"},
		{"a_b", "%a\\_b%"},
		{"c:\\dir", "%c:\\\\dir%"},
		{"", "%%"},
		{"%_\\", "%\\%\\_\\\\%"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *p = rec_like_pattern(cases[i][0]);
		assert_string_equal(p, cases[i][1]);
		free(p);
	}
}

static void test_dates(void **state)
{
	(void)state;
	assert_true(rec_date_valid("2026-11-24"));
	assert_true(rec_date_valid("2024-02-29"));
	assert_true(rec_date_valid("2000-02-29"));
	assert_false(rec_date_valid("2100-02-29"));
	assert_false(rec_date_valid("2026-02-29"));
	assert_false(rec_date_valid("2026-13-01"));
	assert_false(rec_date_valid("2026-04-31"));
	assert_false(rec_date_valid("2026-1-01"));
	assert_false(rec_date_valid("2026-01-01T00"));
	assert_false(rec_date_valid("0000-01-01"));
	assert_false(rec_date_valid("２０２６-01-01"));
	assert_false(rec_date_valid(""));
}

static void test_utf8_and_cursor(void **state)
{
	(void)state;
	char us[24], id[CL_UUID_LEN + 1];
	assert_true(rec_utf8_valid("退院調整"));
	assert_false(rec_utf8_valid("\xe9\x80"));
	assert_false(rec_utf8_valid("\xc0\xaf"));
	assert_true(rec_search_cursor_parse("1764000000123456.3b4c5d6e-0004-4000-8000-000000000001",
					    us, id));
	assert_string_equal(us, "1764000000123456");
	assert_string_equal(id, "3b4c5d6e-0004-4000-8000-000000000001");
	assert_false(rec_search_cursor_parse("abc.3b4c5d6e-0004-4000-8000-000000000001", us, id));
	assert_false(rec_search_cursor_parse(".3b4c5d6e-0004-4000-8000-000000000001", us, id));
	assert_false(rec_search_cursor_parse("12345", us, id));
	assert_false(rec_search_cursor_parse("12345.not-a-uuid", us, id));
	assert_false(rec_search_cursor_parse("12345678901234567890.3b4c5d6e-0004-4000-8000-000000000001",
					     us, id));
}

static void test_mentions(void **state)
{
	(void)state;
	struct rec_mentions m;
	json_t *j = json_loads("{\"users\":[\"a\",\"b\",\"a\"],\"organisations\":[\"o\"]}", 0, NULL);
	assert_int_equal(rec_mentions_parse(j, &m), 0);
	assert_int_equal(m.n_users, 2);
	assert_string_equal(m.users[0], "a");
	assert_string_equal(m.users[1], "b");
	assert_int_equal(m.n_organisations, 1);
	rec_mentions_release(&m);
	json_decref(j);

	assert_int_equal(rec_mentions_parse(NULL, &m), 0);
	assert_int_equal(m.n_users + m.n_organisations, 0);
	rec_mentions_release(&m);

	static const char *const bad[] = {
		"[]", "{\"users\":\"a\"}", "{\"users\":[1]}", "{\"people\":[]}",
		"{\"organisations\":[null]}", "\"a\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		j = json_loads(bad[i], JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		if (rec_mentions_parse(j, &m) == 0)
			fail_msg("mentions %s accepted", bad[i]);
		assert_int_equal(m.n_users + m.n_organisations, 0);
		rec_mentions_release(&m);
		json_decref(j);
	}
	/* more than REC_MENTIONS_MAX of a kind */
	json_t *many = json_array();
	for (int i = 0; i <= REC_MENTIONS_MAX; i++)
		json_array_append_new(many, json_string("x"));
	j = json_pack("{s:o}", "users", many);
	assert_int_not_equal(rec_mentions_parse(j, &m), 0);
	rec_mentions_release(&m);
	json_decref(j);

	json_t *resolved = json_loads("{\"users\":[{\"id\":\"u1\",\"name\":\"田中\"}],"
				      "\"organisations\":[{\"id\":\"o1\",\"name\":\"市\"}]}",
				      0, NULL);
	json_t *ids = rec_mentions_ids_json(resolved);
	char *s = json_dumps(ids, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, "{\"organisations\":[\"o1\"],\"users\":[\"u1\"]}");
	free(s);
	json_decref(ids);
	json_decref(resolved);
}

static void test_body_limit(void **state)
{
	(void)state;
	const char *start;
	size_t len;
	assert_int_equal(rec_post_body_check_max("あいう", 9, 3, &start, &len), REC_BODY_OK);
	assert_int_equal(rec_post_body_check_max("あいうえ", 12, 3, &start, &len),
			 REC_BODY_TOO_LONG);
	assert_int_equal(rec_post_body_check_max("\xe3\x80\x80 あいう \n", 15, 3, &start, &len),
			 REC_BODY_OK);
	assert_int_equal(len, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like_pattern),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_utf8_and_cursor),
		cmocka_unit_test(test_mentions),
		cmocka_unit_test(test_body_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_app_values.c - the checks of app record values in carelink-records:
 * every field type with good and bad values, required and unknown fields,
 * partial changes, the rule across start and end, and the search text */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/records/space_input.c"
#include "../../../services/records/app_fields.c"
#include "../../../services/records/app_values.c"

/* the database lookup of ids is not part of these tests */
int rec_db_app_ids_unknown(struct cl_pg *pg, const char *tenant, const char *type,
			   const char *ids, json_t **out)
{
	(void)pg, (void)tenant, (void)type, (void)ids;
	*out = json_array();
	return 0;
}

static const struct value_case {
	const char *field; /* JSON of the field definition */
	const char *value; /* JSON of the value */
	const char *stored; /* JSON stored, NULL: refused */
} cases[] = {
	{"{\"type\":\"text\"}", "\"  ケア会議  \"", "\"ケア会議\""},
	{"{\"type\":\"text\"}", "\"一行目\\n二行目\"", NULL},
	{"{\"type\":\"text\"}", "\"a\\rb\"", NULL},
	{"{\"type\":\"text\"}", "\"   \"", NULL},
	{"{\"type\":\"text\"}", "12", NULL},
	{"{\"type\":\"long_text\"}", "\"一行目\\n二行目\"", "\"一行目\\n二行目\""},
	{"{\"type\":\"long_text\"}", "[]", NULL},
	{"{\"type\":\"number\"}", "12.5", "12.5"},
	{"{\"type\":\"number\"}", "-3", "-3"},
	{"{\"type\":\"number\"}", "\"12\"", NULL},
	{"{\"type\":\"number\",\"min\":0,\"max\":100}", "100", "100"},
	{"{\"type\":\"number\",\"min\":0,\"max\":100}", "100.5", NULL},
	{"{\"type\":\"number\",\"min\":0}", "-1", NULL},
	{"{\"type\":\"number\",\"min\":1}", "1", "1"},
	{"{\"type\":\"date\"}", "\"2026-02-28\"", "\"2026-02-28\""},
	{"{\"type\":\"date\"}", "\"2028-02-29\"", "\"2028-02-29\""},
	{"{\"type\":\"date\"}", "\"2026-02-29\"", NULL},
	{"{\"type\":\"date\"}", "\"2026-13-01\"", NULL},
	{"{\"type\":\"date\"}", "\"2026-1-01\"", NULL},
	{"{\"type\":\"date\"}", "\"2026-01-01T00:00:00Z\"", NULL},
	{"{\"type\":\"datetime\"}", "\"2026-12-01T14:00:00+09:00\"", "\"2026-12-01T14:00:00+09:00\""},
	{"{\"type\":\"datetime\"}", "\"2026-12-01T05:00:00Z\"", "\"2026-12-01T14:00:00+09:00\""},
	{"{\"type\":\"datetime\"}", "\"2026-12-31T20:30:15.250Z\"", "\"2027-01-01T05:30:15+09:00\""},
	{"{\"type\":\"datetime\"}", "\"2026-12-01T00:00-05:00\"", "\"2026-12-01T14:00:00+09:00\""},
	{"{\"type\":\"datetime\"}", "\"2026-12-01T14:00:00\"", NULL},
	{"{\"type\":\"datetime\"}", "\"2026-12-01 14:00:00+09:00\"", NULL},
	{"{\"type\":\"datetime\"}", "\"2026-12-01T25:00:00+09:00\"", NULL},
	{"{\"type\":\"choice\",\"choices\":[\"研修\",\"会議\"]}", "\"会議\"", "\"会議\""},
	{"{\"type\":\"choice\",\"choices\":[\"研修\",\"会議\"]}", "\"講演\"", NULL},
	{"{\"type\":\"choice\",\"choices\":[\"研修\",\"会議\"]}", "[\"会議\"]", NULL},
	{"{\"type\":\"multi_choice\",\"choices\":[\"月\",\"火\",\"水\"]}", "[\"火\",\"月\"]", "[\"火\",\"月\"]"},
	{"{\"type\":\"multi_choice\",\"choices\":[\"月\",\"火\",\"水\"]}", "[\"火\",\"火\"]", NULL},
	{"{\"type\":\"multi_choice\",\"choices\":[\"月\",\"火\",\"水\"]}", "[\"木\"]", NULL},
	{"{\"type\":\"multi_choice\",\"choices\":[\"月\",\"火\",\"水\"]}", "\"月\"", NULL},
	{"{\"type\":\"user\"}", "\"5e6f7a8b-0002-4000-8000-000000000001\"", "\"5e6f7a8b-0002-4000-8000-000000000001\""},
	{"{\"type\":\"user\"}", "\"\"", NULL},
	{"{\"type\":\"user\"}", "7", NULL},
	{"{\"type\":\"organisation\"}", "\"0f1e2d3c-0001-4000-8000-000000000003\"", "\"0f1e2d3c-0001-4000-8000-000000000003\""},
	{"{\"type\":\"facility\"}", "\"fac1d000-0005-4000-8000-000000000005\"", "\"fac1d000-0005-4000-8000-000000000005\""},
	{"{\"type\":\"facility\"}", "\"あおば薬局\"", NULL},
	{"{\"type\":\"phone\"}", "\"042-555-1185\"", "\"042-555-1185\""},
	{"{\"type\":\"phone\"}", "\"+81 (42) 555-1185\"", "\"+81 (42) 555-1185\""},
	{"{\"type\":\"phone\"}", "\"1\"", NULL},
	{"{\"type\":\"phone\"}", "\"042-555-118x\"", NULL},
	{"{\"type\":\"phone\"}", "\"123456789012345678901\"", NULL},
	{"{\"type\":\"link\"}", "\"https://example.jp/a?b=1\"", "\"https://example.jp/a?b=1\""},
	{"{\"type\":\"link\"}", "\"http://city.example\"", "\"http://city.example\""},
	{"{\"type\":\"link\"}", "\"ftp://example.jp\"", NULL},
	{"{\"type\":\"link\"}", "\"https://\"", NULL},
	{"{\"type\":\"link\"}", "\"https://exa mple.jp\"", NULL},
	{"{\"type\":\"link\"}", "\"javascript:alert(1)\"", NULL},
};

static void test_value_types(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *field = json_loads(cases[i].field, 0, NULL);
		json_t *value = json_loads(cases[i].value, JSON_DECODE_ANY, NULL);
		assert_non_null(field);
		assert_non_null(value);
		json_t *out = NULL;
		const char *why = rec_app_value_check(field, value, &out);
		if (cases[i].stored) {
			if (why)
				fail_msg("case %zu (%s %s) refused: %s", i, cases[i].field,
					 cases[i].value, why);
			json_t *want = json_loads(cases[i].stored, JSON_DECODE_ANY, NULL);
			if (!json_equal(want, out))
				fail_msg("case %zu stored %s", i,
					 json_dumps(out, JSON_ENCODE_ANY));
			json_decref(want);
		} else {
			if (!why)
				fail_msg("case %zu (%s %s) accepted", i, cases[i].field,
					 cases[i].value);
			assert_null(out);
		}
		json_decref(out);
		json_decref(field);
		json_decref(value);
	}
}

static void test_text_limits(void **state)
{
	(void)state;
	json_t *text = json_pack("{s:s}", "type", "text");
	json_t *longt = json_pack("{s:s}", "type", "long_text");
	char *s = malloc(3 * 10001 + 1);
	/* 1000 and 1001 code points of a three-byte character */
	for (int i = 0; i < 1001; i++)
		memcpy(s + 3 * i, "介", 3);
	s[3 * 1000] = '\0';
	json_t *v = json_string(s), *out = NULL;
	assert_null(rec_app_value_check(text, v, &out));
	json_decref(out);
	json_decref(v);
	s[3 * 1000] = "介"[0];
	s[3 * 1001] = '\0';
	v = json_string(s);
	assert_non_null(rec_app_value_check(text, v, &out));
	assert_null(rec_app_value_check(longt, v, &out));
	json_decref(out);
	json_decref(v);
	for (int i = 0; i < 10001; i++)
		memcpy(s + 3 * i, "介", 3);
	s[3 * 10001] = '\0';
	v = json_string(s);
	assert_non_null(rec_app_value_check(longt, v, &out));
	json_decref(v);
	free(s);
	json_decref(text);
	json_decref(longt);
}

static json_t *event_fields(void)
{
	return json_loads(
		"[{\"key\":\"title\",\"label\":\"タイトル\",\"type\":\"text\",\"required\":true,\"builtin\":true},"
		"{\"key\":\"starts_at\",\"label\":\"開始\",\"type\":\"datetime\",\"required\":true,\"builtin\":true},"
		"{\"key\":\"ends_at\",\"label\":\"終了\",\"type\":\"datetime\",\"required\":false,\"builtin\":true},"
		"{\"key\":\"capacity\",\"label\":\"定員\",\"type\":\"number\",\"min\":1,\"required\":false,\"builtin\":true},"
		"{\"key\":\"tags\",\"label\":\"タグ\",\"type\":\"multi_choice\",\"choices\":[\"a\",\"b\"],\"required\":false}]",
		0, NULL);
}

static bool has_error(const json_t *errors, const char *field)
{
	size_t i;
	const json_t *e;
	json_array_foreach(errors, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "field")), field))
			return true;
	return false;
}

static void test_values_every_error_listed(void **state)
{
	(void)state;
	json_t *fields = event_fields(), *errors = json_array();
	json_t *values = json_loads("{\"starts_at\":\"tomorrow\",\"capacity\":0,\"colour\":\"red\"}", 0,
				    NULL);
	json_t *out = rec_app_values_shape(fields, values, false, errors);
	assert_int_equal(json_array_size(errors), 4);
	assert_true(has_error(errors, "title"));     /* required, missing */
	assert_true(has_error(errors, "starts_at")); /* not a datetime */
	assert_true(has_error(errors, "capacity"));  /* below min */
	assert_true(has_error(errors, "colour"));    /* unknown */
	json_decref(out);
	json_decref(values);
	json_decref(errors);
	json_decref(fields);
}

static void test_values_optional_and_partial(void **state)
{
	(void)state;
	json_t *fields = event_fields(), *errors = json_array();
	json_t *values = json_loads("{\"title\":\" 研修 \",\"starts_at\":\"2026-12-01T05:00:00Z\","
				    "\"ends_at\":null,\"tags\":[]}", 0, NULL);
	json_t *out = rec_app_values_shape(fields, values, false, errors);
	assert_int_equal(json_array_size(errors), 0);
	assert_string_equal(json_string_value(json_object_get(out, "title")), "研修");
	assert_null(json_object_get(out, "ends_at")); /* null: absent */
	assert_null(json_object_get(out, "tags"));    /* empty list: absent */
	json_decref(out);
	json_decref(values);

	/* a change: only the keys given; null clears an optional field and is
	 * refused for a required one */
	values = json_loads("{\"ends_at\":null}", 0, NULL);
	out = rec_app_values_shape(fields, values, true, errors);
	assert_int_equal(json_array_size(errors), 0);
	assert_int_equal(json_object_size(out), 1);
	assert_true(json_is_null(json_object_get(out, "ends_at")));
	json_decref(out);
	json_decref(values);
	values = json_loads("{\"title\":null}", 0, NULL);
	out = rec_app_values_shape(fields, values, true, errors);
	assert_int_equal(json_array_size(errors), 1);
	assert_true(has_error(errors, "title"));
	json_decref(out);
	json_decref(values);
	json_decref(errors);
	json_decref(fields);
}

static void test_values_end_before_start(void **state)
{
	(void)state;
	json_t *fields = event_fields(), *errors = json_array();
	json_t *values = json_loads("{\"title\":\"研修\",\"starts_at\":\"2026-12-01T14:00:00+09:00\","
				    "\"ends_at\":\"2026-12-01T04:59:00Z\"}", 0, NULL);
	json_t *out = NULL;
	assert_int_equal(rec_app_values_check(NULL, "t", fields, values, false, errors, &out), 0);
	assert_null(out);
	assert_int_equal(json_array_size(errors), 1);
	assert_true(has_error(errors, "ends_at"));
	json_decref(values);
	json_array_clear(errors);
	values = json_loads("{\"title\":\"研修\",\"starts_at\":\"2026-12-01T14:00:00+09:00\","
			    "\"ends_at\":\"2026-12-01T05:00:00Z\"}", 0, NULL);
	assert_int_equal(rec_app_values_check(NULL, "t", fields, values, false, errors, &out), 0);
	assert_non_null(out);
	assert_int_equal(json_array_size(errors), 0);
	json_decref(out);
	json_decref(values);
	json_decref(errors);
	json_decref(fields);
}

static void test_search_text(void **state)
{
	(void)state;
	json_t *fields = json_loads(
		"[{\"key\":\"name\",\"type\":\"text\"},{\"key\":\"n\",\"type\":\"number\"},"
		"{\"key\":\"tel\",\"type\":\"phone\"},{\"key\":\"m\",\"type\":\"multi_choice\"}]", 0, NULL);
	json_t *values = json_loads("{\"name\":\"あおば薬局\",\"n\":3,\"tel\":\"042-555\",\"m\":[\"月\",\"火\"]}",
				    0, NULL);
	char *s = rec_app_search_text(fields, values);
	assert_string_equal(s, "あおば薬局\n042-555\n月\n火");
	free(s);
	json_decref(values);
	json_decref(fields);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_types),
		cmocka_unit_test(test_text_limits),
		cmocka_unit_test(test_values_every_error_listed),
		cmocka_unit_test(test_values_optional_and_partial),
		cmocka_unit_test(test_values_end_before_start),
		cmocka_unit_test(test_search_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

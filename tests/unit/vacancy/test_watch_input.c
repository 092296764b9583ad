/* test_watch_input.c - the checks of a watch (POST /v1/watches) in
 * carelink-vacancy that need no database: name 1..60 characters, kind,
 * from <= to within the horizon, room, beds 1..10, care level and condition
 * codes, district, near and radius_km (0.1..200, only with near); and the
 * API's watch object (near as {lat,lng}, matches ranked) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/vacancy/access.c"
#include "../../../services/vacancy/days.c"
#include "../../../services/vacancy/search_distance.c"
#include "../../../services/vacancy/search_rank.c"
#include "../../../services/vacancy/watch_input.c"
#include "../../../services/vacancy/watch_json.c"

/* days.c and access.c refer to these for routes this test does not call */
const char *vac_facility_offers(const struct vac_facility *f)
{
	(void)f;
	return NULL;
}

int vac_db_facility_get(struct cl_pg *pg, const char *tenant, const char *id,
			struct vac_facility *out)
{
	(void)pg, (void)tenant, (void)id, (void)out;
	return CL_ENOENT;
}

struct watch_case {
	const char *body; /* JSON */
	const char *want; /* NULL: valid */
};

/* today is 2026-12-01; the horizon ends on 2027-02-28 (today + 89) */
#define OK_RANGE "\"kind\":\"short_stay\",\"from\":\"2026-12-05\",\"to\":\"2026-12-07\""
static const struct watch_case cases[] = {
	{"{\"name\":\"北地区 女性\"," OK_RANGE "}", NULL},
	{"{\"name\":\"w\",\"kind\":\"backup\",\"from\":\"2026-12-01\",\"to\":\"2027-02-28\","
	 "\"room\":\"men\",\"beds\":10,\"care_level\":\"care_5\",\"conditions\":[\"oxygen\"],"
	 "\"district\":\"北地区\",\"near\":\"35.6,139.3\",\"radius_km\":0.1}",
	 NULL},
	{"{\"name\":\"w\"," OK_RANGE ",\"room\":null,\"beds\":null,\"conditions\":null}", NULL},
	{"{\"name\":\"\"," OK_RANGE "}", "invalid_name"},
	{"{" OK_RANGE "}", "invalid_name"},
	{"{\"name\":7," OK_RANGE "}", "invalid_name"},
	{"{\"name\":\"  \u3000 \"," OK_RANGE "}", "invalid_name"},
	{"{\"name\":\"ああああああああああああああああああああああああああああああああああああああああ"
	 "ああああああああああああああああああああああ\"," OK_RANGE "}",
	 "invalid_name"},
	{"{\"name\":\"w\",\"kind\":\"hotel\",\"from\":\"2026-12-05\",\"to\":\"2026-12-07\"}",
	 "invalid_kind"},
	{"{\"name\":\"w\",\"kind\":\"short_stay\",\"from\":\"2026-12-07\",\"to\":\"2026-12-05\"}",
	 "invalid_range"},
	{"{\"name\":\"w\",\"kind\":\"short_stay\",\"from\":\"2026-12-5\",\"to\":\"2026-12-07\"}",
	 "invalid_range"},
	{"{\"name\":\"w\",\"kind\":\"short_stay\",\"to\":\"2026-12-07\"}", "invalid_range"},
	{"{\"name\":\"w\",\"kind\":\"short_stay\",\"from\":\"2026-11-30\",\"to\":\"2026-12-07\"}",
	 "out_of_horizon"},
	{"{\"name\":\"w\",\"kind\":\"short_stay\",\"from\":\"2026-12-01\",\"to\":\"2027-03-01\"}",
	 "out_of_horizon"},
	{"{\"name\":\"w\"," OK_RANGE ",\"room\":\"either\"}", "invalid_body"},
	{"{\"name\":\"w\"," OK_RANGE ",\"beds\":0}", "invalid_count"},
	{"{\"name\":\"w\"," OK_RANGE ",\"beds\":11}", "invalid_count"},
	{"{\"name\":\"w\"," OK_RANGE ",\"beds\":1.5}", "invalid_count"},
	{"{\"name\":\"w\"," OK_RANGE ",\"care_level\":\"care_6\"}", "invalid_code"},
	{"{\"name\":\"w\"," OK_RANGE ",\"conditions\":[\"Oxygen\"]}", "invalid_code"},
	{"{\"name\":\"w\"," OK_RANGE ",\"conditions\":\"oxygen\"}", "invalid_code"},
	{"{\"name\":\"w\"," OK_RANGE ",\"near\":\"91,139\"}", "invalid_query"},
	{"{\"name\":\"w\"," OK_RANGE ",\"near\":\"35.6,139.3\",\"radius_km\":0}", "invalid_query"},
	{"{\"name\":\"w\"," OK_RANGE ",\"near\":\"35.6,139.3\",\"radius_km\":201}", "invalid_query"},
	{"{\"name\":\"w\"," OK_RANGE ",\"radius_km\":5}", "invalid_query"},
	{"{\"name\":\"w\"," OK_RANGE ",\"district\":3}", "invalid_query"},
};

static long today_number(void)
{
	long today;
	assert_int_equal(vac_day_parse("2026-12-01", &today), 0);
	return today;
}

static void test_watch_input_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *body = json_loads(cases[i].body, 0, NULL);
		assert_non_null(body);
		struct vac_watch_input in;
		const char *message = NULL;
		const char *got = vac_watch_input_take(body, today_number(), &in, &message);
		if (cases[i].want) {
			if (!got || strcmp(got, cases[i].want))
				fail_msg("case %zu: want %s, got %s", i, cases[i].want,
					 got ? got : "valid");
			assert_non_null(message);
		} else if (got) {
			fail_msg("case %zu: want valid, got %s (%s)", i, got, message);
		}
		vac_watch_input_release(&in);
		json_decref(body);
	}
}

static void test_watch_input_defaults(void **state)
{
	(void)state;
	json_t *body = json_loads("{\"name\":\"w\"," OK_RANGE "}", 0, NULL);
	struct vac_watch_input in;
	const char *message = NULL;
	assert_null(vac_watch_input_take(body, today_number(), &in, &message));
	assert_string_equal(in.room, "any");
	assert_int_equal(in.beds, 1);
	assert_null(in.care_level);
	assert_null(in.district);
	assert_false(in.has_near);
	assert_true(in.radius_km < 0);
	assert_string_equal(in.conditions_json, "[]");
	vac_watch_input_release(&in);
	json_decref(body);
}

static void test_watch_json_near_and_ranking(void **state)
{
	(void)state;
	json_t *row = json_loads("{\"id\":\"w1\",\"name\":\"n\",\"near_lat\":35.0,\"near_lng\":139.0,"
				 "\"radius_km\":50}",
				 0, NULL);
	json_t *matches = json_loads(
		"[{\"facility\":{\"name\":\"far\",\"latitude\":35.2,\"longitude\":139.0},"
		"\"min_available\":2},"
		"{\"facility\":{\"name\":\"near\",\"latitude\":35.01,\"longitude\":139.0},"
		"\"min_available\":2},"
		"{\"facility\":{\"name\":\"roomy\",\"latitude\":35.3,\"longitude\":139.0},"
		"\"min_available\":5}]",
		0, NULL);
	json_t *w = vac_watch_json(row, matches);
	const json_t *near = json_object_get(w, "near");
	assert_true(json_is_object(near));
	assert_true(json_real_value(json_object_get(near, "lat")) == 35.0);
	assert_null(json_object_get(w, "near_lat"));
	const json_t *m = json_object_get(w, "matches");
	assert_int_equal(json_array_size(m), 3);
	const char *order[] = {"roomy", "near", "far"};
	for (size_t i = 0; i < 3; i++) {
		const json_t *x = json_array_get(m, i);
		assert_string_equal(
			json_string_value(json_object_get(json_object_get(x, "facility"), "name")),
			order[i]);
		assert_true(json_is_number(json_object_get(x, "distance_km")));
		assert_null(json_object_get(x, "fit"));
	}
	json_decref(w);
	json_decref(row);
	json_decref(matches);
	/* without near: null, and no distances */
	row = json_loads("{\"id\":\"w2\",\"near_lat\":null,\"near_lng\":null}", 0, NULL);
	w = vac_watch_json(row, NULL);
	assert_true(json_is_null(json_object_get(w, "near")));
	assert_int_equal(json_array_size(json_object_get(w, "matches")), 0);
	json_decref(w);
	json_decref(row);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_input_cases),
		cmocka_unit_test(test_watch_input_defaults),
		cmocka_unit_test(test_watch_json_near_and_ranking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_vacancy_distance.c - great-circle distance, the "near" parameter
 * and the ranking of bed search results in carelink-vacancy */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/vacancy/search_distance.c"
#include "../../../services/vacancy/search_rank.c"

static void test_distance(void **state)
{
	(void)state;
	assert_true(fabs(vac_distance_km(35.0, 139.0, 35.0, 139.0)) < 1e-9);
	/* one degree of latitude: 2 pi R / 360 */
	assert_true(fabs(vac_distance_km(35.0, 139.0, 36.0, 139.0) - 111.1951) < 0.001);
	/* Tokyo station to Osaka station, about 403 km */
	double d = vac_distance_km(35.681236, 139.767125, 34.702485, 135.495951);
	assert_true(d > 400 && d < 405);
	/* symmetric, and antipodes are half the circumference */
	assert_true(fabs(d - vac_distance_km(34.702485, 135.495951, 35.681236, 139.767125)) <
		    1e-9);
	assert_true(fabs(vac_distance_km(0, 0, 0, 180) - 20015.1) < 0.1);
	assert_true(fabs(vac_distance_km(0, 170, 0, -170) - 2223.9) < 0.1);
}

static void test_near_parse(void **state)
{
	(void)state;
	double lat, lng;
	assert_int_equal(vac_near_parse("35.65,139.34", &lat, &lng), 0);
	assert_true(fabs(lat - 35.65) < 1e-12 && fabs(lng - 139.34) < 1e-12);
	assert_int_equal(vac_near_parse("-90,180", &lat, &lng), 0);
	const char *bad[] = {"", "35.6", "35.6,", ",139", "91,0", "0,181", "a,b", "1,2,3",
			     "nan,1", "1,inf", "35.6 139.3"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(vac_near_parse(bad[i], &lat, &lng), -1);
	assert_int_equal(vac_near_parse(NULL, &lat, &lng), -1);
}

static json_t *result(const char *name, int min_available, const char *coords)
{
	json_t *f = json_pack("{s:s, s:s}", "id", name, "name", name);
	if (coords) {
		double lat, lng;
		assert_int_equal(vac_near_parse(coords, &lat, &lng), 0);
		json_object_set_new(f, "latitude", json_real(lat));
		json_object_set_new(f, "longitude", json_real(lng));
	} else {
		json_object_set_new(f, "latitude", json_null());
		json_object_set_new(f, "longitude", json_null());
	}
	return json_pack("{s:o, s:i}", "facility", f, "min_available", min_available);
}

static const char *name_at(json_t *results, size_t i)
{
	return json_string_value(
		json_object_get(json_object_get(json_array_get(results, i), "facility"), "name"));
}

static json_t *sample(void)
{
	json_t *a = json_array();
	json_array_append_new(a, result("far2", 2, "35.70,139.30"));
	json_array_append_new(a, result("none2", 2, NULL));
	json_array_append_new(a, result("near2", 2, "35.66,139.35"));
	json_array_append_new(a, result("one", 1, "35.65,139.34"));
	json_array_append_new(a, result("b5", 5, NULL));
	json_array_append_new(a, result("a5", 5, NULL));
	return a;
}

static void test_rank_with_distance(void **state)
{
	(void)state;
	json_t *a = sample();
	vac_search_rank(a, true, 35.65, 139.34, -1, 50);
	assert_int_equal(json_array_size(a), 6);
	const char *want[] = {"a5", "b5", "near2", "far2", "none2", "one"};
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(name_at(a, i), want[i]);
	json_t *one = json_array_get(a, 5);
	assert_true(json_real_value(json_object_get(one, "distance_km")) == 0.0);
	assert_int_equal(json_integer_value(json_object_get(one, "fit")), 1);
	assert_true(json_is_null(json_object_get(json_array_get(a, 0), "distance_km")));
	json_decref(a);
}

static void test_rank_radius_and_limit(void **state)
{
	(void)state;
	json_t *a = sample();
	/* within 2 km of 35.65,139.34: near2 (about 1.4 km) and one; never those
	 * without coordinates */
	vac_search_rank(a, true, 35.65, 139.34, 2.0, 50);
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(name_at(a, 0), "near2");
	assert_string_equal(name_at(a, 1), "one");
	json_decref(a);
	a = sample();
	vac_search_rank(a, false, 0, 0, -1, 3);
	assert_int_equal(json_array_size(a), 3);
	assert_string_equal(name_at(a, 0), "a5");
	assert_string_equal(name_at(a, 1), "b5");
	/* no distance without near: by name among equal fits */
	assert_string_equal(name_at(a, 2), "far2");
	assert_true(json_is_null(json_object_get(json_array_get(a, 2), "distance_km")));
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_near_parse),
		cmocka_unit_test(test_rank_with_distance),
		cmocka_unit_test(test_rank_radius_and_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

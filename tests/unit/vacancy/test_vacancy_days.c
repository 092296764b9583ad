/* test_vacancy_days.c - day arithmetic in Asia/Tokyo and the 90-day
 * horizon of carelink-vacancy */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/vacancy/days.c"

/* days.c refers to it for a request's kind, not tested here */
const char *vac_facility_offers(const struct vac_facility *f)
{
	(void)f;
	return NULL;
}

static void test_parse_format_round_trip(void **state)
{
	(void)state;
	const char *days[] = {"1970-01-01", "2000-02-29", "2024-02-29", "2026-12-31",
			      "2027-01-01", "2100-03-01", "2026-11-24"};
	char out[VAC_DAY_LEN];
	for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
		long d;
		assert_int_equal(vac_day_parse(days[i], &d), 0);
		vac_day_format(d, out);
		assert_string_equal(out, days[i]);
	}
	long d;
	assert_int_equal(vac_day_parse("1970-01-02", &d), 0);
	assert_int_equal(d, 1);
	assert_int_equal(vac_day_parse("2026-12-01", &d), 0);
	long next;
	assert_int_equal(vac_day_parse("2027-02-28", &next), 0);
	assert_int_equal(next - d, 89);
}

static void test_parse_refuses(void **state)
{
	(void)state;
	const char *bad[] = {"",	   "2026-2-01",	 "2026-02-1",	"2026/02/01", "2026-13-01",
			     "2026-00-10", "2026-02-29", "2100-02-29", "2026-04-31", "2026-01-00",
			     "20260101",   "2026-01-01x", "x026-01-01", "1969-12-31", "2026-01-0a"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		long d = -7;
		assert_int_equal(vac_day_parse(bad[i], &d), CL_EINVAL);
		assert_int_equal(d, -7);
	}
	long d;
	assert_int_equal(vac_day_parse(NULL, &d), CL_EINVAL);
}

static void test_today_is_tokyo(void **state)
{
	(void)state;
	char out[VAC_DAY_LEN];
	/* 2026-11-30T14:59:59Z is 23:59:59 in Tokyo; a second later the next day */
	time_t t = 1796050799;
	vac_day_today(t, out);
	assert_string_equal(out, "2026-11-30");
	vac_day_today(t + 1, out);
	assert_string_equal(out, "2026-12-01");
	long d;
	assert_int_equal(vac_day_parse("2026-12-01", &d), 0);
	assert_int_equal(vac_day_number_today(t + 1), d);
	assert_int_equal(vac_day_number_today(t), d - 1);
}

static void test_horizon(void **state)
{
	(void)state;
	long today;
	assert_int_equal(vac_day_parse("2026-12-01", &today), 0);
	assert_false(vac_day_in_horizon(today - 1, today));
	assert_true(vac_day_in_horizon(today, today));
	assert_true(vac_day_in_horizon(today + 89, today));
	assert_false(vac_day_in_horizon(today + 90, today));
	char out[VAC_DAY_LEN];
	vac_day_format(today + 89, out);
	assert_string_equal(out, "2027-02-28");
	vac_day_format(today + 31, out);
	assert_string_equal(out, "2027-01-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format_round_trip),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_today_is_tokyo),
		cmocka_unit_test(test_horizon),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

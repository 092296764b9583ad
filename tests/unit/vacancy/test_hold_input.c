/* test_hold_input.c - the checks of a hold request in carelink-vacancy
 * that need no database: kind, room, beds 1..10, client_label 1..40
 * characters (code points, not bytes), from <= to within the 90-day horizon */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/vacancy/days.c"
#include "../../../services/vacancy/hold_input.c"

/* days.c refers to it for routes this test does not call */
const char *vac_facility_offers(const struct vac_facility *f)
{
	(void)f;
	return NULL;
}

struct input_case {
	const char *kind, *room, *from, *to, *label, *note;
	const char *beds_json; /* NULL: absent */
	const char *want;      /* NULL: valid */
	long want_beds;
};

/* today is 2026-12-01; the horizon ends on 2027-02-28 (today + 89) */
static const struct input_case cases[] = {
	{"short_stay", "either", "2026-12-01", "2026-12-01", "A様", NULL, NULL, NULL, 1},
	{"backup", "men", "2026-12-01", "2027-02-28", "A様 要介護3", "", "10", NULL, 10},
	{"short_stay", "women", "2026-12-05", "2026-12-07", "B", "note", "3", NULL, 3},
	{"hotel", "women", "2026-12-05", "2026-12-07", "B", NULL, NULL, "invalid_kind", 0},
	{"", "women", "2026-12-05", "2026-12-07", "B", NULL, NULL, "invalid_kind", 0},
	{"short_stay", "child", "2026-12-05", "2026-12-07", "B", NULL, NULL, "invalid_body", 0},
	{"short_stay", "women", "2026-12-05", "2026-12-07", "B", NULL, "0", "invalid_count", 0},
	{"short_stay", "women", "2026-12-05", "2026-12-07", "B", NULL, "11", "invalid_count", 0},
	{"short_stay", "women", "2026-12-05", "2026-12-07", "B", NULL, "-1", "invalid_count", 0},
	{"short_stay", "women", "2026-12-05", "2026-12-07", "B", NULL, "1.5", "invalid_count", 0},
	{"short_stay", "women", "2026-12-05", "2026-12-07", "B", NULL, "\"2\"", "invalid_count", 0},
	{"short_stay", "women", "2026-12-05", "2026-12-07", "", NULL, NULL, "invalid_label", 0},
	{"short_stay", "women", "2026-12-07", "2026-12-05", "B", NULL, NULL, "invalid_range", 0},
	{"short_stay", "women", "2026-12-5", "2026-12-07", "B", NULL, NULL, "invalid_range", 0},
	{"short_stay", "women", "2026-02-30", "2026-12-07", "B", NULL, NULL, "invalid_range", 0},
	{"short_stay", "women", "2026-11-30", "2026-12-07", "B", NULL, NULL, "out_of_horizon", 0},
	{"short_stay", "women", "2026-12-01", "2027-03-01", "B", NULL, NULL, "out_of_horizon", 0},
};

static void check_case(const struct input_case *c, long today)
{
	struct vac_hold_input in = {.facility_id = "f", .kind = c->kind, .room = c->room,
				    .from = c->from, .to = c->to, .client_label = c->label,
				    .note = c->note};
	json_t *beds = c->beds_json ? json_loads(c->beds_json, JSON_DECODE_ANY, NULL) : NULL;
	long got_beds = -1;
	const char *message = NULL;
	const char *got = vac_hold_input_check(&in, beds, today, &got_beds, &message);
	if (c->want) {
		assert_non_null(got);
		assert_string_equal(got, c->want);
		assert_non_null(message);
	} else {
		assert_null(got);
		assert_int_equal(got_beds, c->want_beds);
	}
	json_decref(beds);
}

static void input_table(void **state)
{
	(void)state;
	long today;
	assert_int_equal(vac_day_parse("2026-12-01", &today), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i], today);
}

/* 40 characters of three bytes each pass; 41 do not */
static void label_counts_characters(void **state)
{
	(void)state;
	long today;
	assert_int_equal(vac_day_parse("2026-12-01", &today), 0);
	char label[41 * 3 + 1] = "";
	for (int i = 0; i < 40; i++)
		strcat(label, "\xe3\x81\x82"); /* あ */
	struct input_case ok = {"short_stay", "either", "2026-12-01", "2026-12-01", label,
				NULL, NULL, NULL, 1};
	check_case(&ok, today);
	strcat(label, "\xe3\x81\x82");
	struct input_case too_long = {"short_stay", "either", "2026-12-01", "2026-12-01", label,
				      NULL, NULL, "invalid_label", 0};
	check_case(&too_long, today);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(input_table),
		cmocka_unit_test(label_counts_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

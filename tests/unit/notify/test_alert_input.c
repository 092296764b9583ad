/* test_alert_input.c - the checks of an alert's input (ALERTS.md): every
 * refusal code, the implied escalation level, the update body; and who may
 * read, acknowledge, manage and raise */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"

/* pure files of the service, compiled into the test */
#include "../../../services/notify/alert_access.c"
#include "../../../services/notify/alert_input.c"

#define VALID                                                                            \
	"{\"kind\":\"missing_person\",\"severity\":\"severe\",\"title\":\"行方不明\","          \
	"\"description\":\"80代男性\",\"area\":{\"districts\":[\"北地区\"]},"                  \
	"\"audience\":{\"professions\":[\"police_officer\"]}}"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
	assert_non_null(j);
	return j;
}

/* VALID with key set to the JSON value (NULL: removed) */
static json_t *valid_with(const char *key, const char *value)
{
	json_t *b = parse(VALID);
	if (value)
		json_object_set_new(b, key, parse(value));
	else
		json_object_del(b, key);
	return b;
}

static const char *create_code(json_t *body)
{
	json_t *out = NULL;
	struct nt_alert_refusal why = {0};
	int rc = nt_alert_input_create(body, 10, &out, &why);
	json_decref(body);
	if (rc == 0) {
		json_decref(out);
		return "ok";
	}
	assert_int_equal(rc, CL_EINVAL);
	assert_non_null(why.message);
	return why.code;
}

static char *repeat(const char *unit, size_t times)
{
	size_t n = strlen(unit);
	char *s = malloc(n * times + 3);
	assert_non_null(s);
	s[0] = '"';
	for (size_t i = 0; i < times; i++)
		memcpy(s + 1 + i * n, unit, n);
	s[1 + n * times] = '"';
	s[2 + n * times] = '\0';
	return s;
}

static void valid_alert_is_normalised(void **state)
{
	(void)state;
	json_t *out = NULL, *body = parse(VALID);
	struct nt_alert_refusal why;
	assert_int_equal(nt_alert_input_create(body, 7, &out, &why), 0);
	json_decref(body);
	assert_true(json_is_true(json_object_get(out, "requires_ack")));
	assert_string_equal(json_string_value(json_object_get(out, "instruction")), "");
	const json_t *area = json_object_get(out, "area");
	assert_true(json_is_null(json_object_get(area, "circle")));
	assert_true(json_is_null(json_object_get(area, "polygon")));
	assert_int_equal(json_array_size(json_object_get(area, "districts")), 1);
	const json_t *aud = json_object_get(out, "audience");
	assert_true(json_is_false(json_object_get(aud, "everyone")));
	assert_int_equal(json_array_size(json_object_get(aud, "organisations")), 0);
	/* the implied level: after the configured minutes, to the whole tenant */
	const json_t *esc = json_object_get(out, "escalation");
	assert_int_equal(json_array_size(esc), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(esc, 0),
							   "after_minutes")), 7);
	assert_true(json_is_true(json_object_get(
		json_object_get(json_array_get(esc, 0), "audience"), "everyone")));
	json_decref(out);
}

static void no_ack_no_implied_level(void **state)
{
	(void)state;
	json_t *out = NULL, *body = valid_with("requires_ack", "false");
	struct nt_alert_refusal why;
	assert_int_equal(nt_alert_input_create(body, 10, &out, &why), 0);
	json_decref(body);
	assert_int_equal(json_array_size(json_object_get(out, "escalation")), 0);
	json_decref(out);
}

static void kind_and_severity(void **state)
{
	(void)state;
	const char *kinds[] = {"\"missing_person\"", "\"disaster\"", "\"road_closure\"",
			       "\"infectious_disease\"", "\"facility_emergency\"", "\"other\""};
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(create_code(valid_with("kind", kinds[i])), "ok");
	assert_string_equal(create_code(valid_with("kind", "\"fire\"")), "invalid_kind");
	assert_string_equal(create_code(valid_with("kind", NULL)), "invalid_kind");
	assert_string_equal(create_code(valid_with("kind", "3")), "invalid_kind");
	assert_string_equal(create_code(valid_with("severity", "\"extreme\"")), "ok");
	assert_string_equal(create_code(valid_with("severity", "\"minor\"")), "ok");
	assert_string_equal(create_code(valid_with("severity", "\"high\"")), "invalid_severity");
	assert_string_equal(create_code(valid_with("severity", NULL)), "invalid_severity");
}

static void area_rules(void **state)
{
	(void)state;
	assert_string_equal(create_code(valid_with("area", NULL)), "area_required");
	assert_string_equal(create_code(valid_with("area", "{}")), "area_required");
	assert_string_equal(create_code(valid_with("area", "{\"districts\":[]}")),
			    "area_required");
	assert_string_equal(create_code(valid_with("area", "\"北\"")), "invalid_area");
	assert_string_equal(create_code(valid_with("area", "{\"districts\":[\"\"]}")),
			    "invalid_area");
	assert_string_equal(
		create_code(valid_with("area",
				       "{\"circle\":{\"lat\":35.6,\"lng\":139.3,\"radius_km\":2}}")),
		"ok");
	assert_string_equal(
		create_code(valid_with("area",
				       "{\"circle\":{\"lat\":35.6,\"lng\":139.3,\"radius_km\":0}}")),
		"invalid_area");
	assert_string_equal(
		create_code(valid_with("area",
				       "{\"circle\":{\"lat\":35.6,\"lng\":139.3,\"radius_km\":101}}")),
		"invalid_area");
	assert_string_equal(
		create_code(valid_with("area",
				       "{\"circle\":{\"lat\":95,\"lng\":139.3,\"radius_km\":1}}")),
		"invalid_area");
	assert_string_equal(create_code(valid_with(
				    "area", "{\"polygon\":[[35.69,139.33],[35.70,139.34],"
					    "[35.68,139.35],[35.69,139.33]]}")),
			    "ok");
	/* not closed */
	assert_string_equal(create_code(valid_with(
				    "area", "{\"polygon\":[[35.69,139.33],[35.70,139.34],"
					    "[35.68,139.35],[35.69,139.34]]}")),
			    "invalid_area");
	/* too few points */
	assert_string_equal(create_code(valid_with(
				    "area", "{\"polygon\":[[35.69,139.33],[35.70,139.34],"
					    "[35.69,139.33]]}")),
			    "invalid_area");
	/* longitude out of range */
	assert_string_equal(create_code(valid_with(
				    "area", "{\"polygon\":[[35.69,189.33],[35.70,139.34],"
					    "[35.68,139.35],[35.69,189.33]]}")),
			    "invalid_area");
}

static void audience_rules(void **state)
{
	(void)state;
	assert_string_equal(create_code(valid_with("audience", NULL)), "audience_required");
	assert_string_equal(create_code(valid_with("audience", "{}")), "audience_required");
	assert_string_equal(create_code(valid_with("audience", "{\"everyone\":false,"
							       "\"organisations\":[]}")),
			    "audience_required");
	assert_string_equal(create_code(valid_with("audience", "{\"everyone\":true}")), "ok");
	assert_string_equal(create_code(valid_with("audience", "{\"organisations\":[\"o1\"]}")),
			    "ok");
	assert_string_equal(create_code(valid_with("audience", "{\"everyone\":\"yes\"}")),
			    "invalid_audience");
	assert_string_equal(create_code(valid_with("audience", "{\"professions\":[1]}")),
			    "invalid_audience");
	assert_string_equal(create_code(valid_with("audience", "[]")), "invalid_audience");
}

static void text_lengths(void **state)
{
	(void)state;
	char *t100 = repeat("あ", 100), *t101 = repeat("あ", 101);
	char *d4000 = repeat("a", 4000), *d4001 = repeat("a", 4001);
	char *i1000 = repeat("い", 1000), *i1001 = repeat("い", 1001);
	assert_string_equal(create_code(valid_with("title", t100)), "ok");
	assert_string_equal(create_code(valid_with("title", t101)), "invalid_title");
	assert_string_equal(create_code(valid_with("title", "\"\"")), "invalid_title");
	assert_string_equal(create_code(valid_with("title", NULL)), "invalid_title");
	assert_string_equal(create_code(valid_with("description", d4000)), "ok");
	assert_string_equal(create_code(valid_with("description", d4001)),
			    "invalid_description");
	assert_string_equal(create_code(valid_with("description", NULL)), "invalid_description");
	assert_string_equal(create_code(valid_with("instruction", i1000)), "ok");
	assert_string_equal(create_code(valid_with("instruction", "\"\"")), "ok");
	assert_string_equal(create_code(valid_with("instruction", i1001)), "invalid_body");
	free(t100);
	free(t101);
	free(d4000);
	free(d4001);
	free(i1000);
	free(i1001);
}

static void escalation_rules(void **state)
{
	(void)state;
	const char *ok = "[{\"after_minutes\":5,\"audience\":{\"professions\":[\"nurse\"]}},"
			 "{\"after_minutes\":15,\"audience\":{\"everyone\":true}}]";
	assert_string_equal(create_code(valid_with("escalation", ok)), "ok");
	assert_string_equal(create_code(valid_with("escalation", "[]")), "ok");
	/* not increasing */
	assert_string_equal(create_code(valid_with(
				    "escalation",
				    "[{\"after_minutes\":5,\"audience\":{\"everyone\":true}},"
				    "{\"after_minutes\":5,\"audience\":{\"everyone\":true}}]")),
			    "invalid_escalation");
	/* out of range */
	assert_string_equal(create_code(valid_with(
				    "escalation",
				    "[{\"after_minutes\":0,\"audience\":{\"everyone\":true}}]")),
			    "invalid_escalation");
	assert_string_equal(create_code(valid_with(
				    "escalation",
				    "[{\"after_minutes\":1441,\"audience\":{\"everyone\":true}}]")),
			    "invalid_escalation");
	/* no audience */
	assert_string_equal(create_code(valid_with("escalation", "[{\"after_minutes\":5}]")),
			    "invalid_escalation");
	/* more than three levels */
	assert_string_equal(create_code(valid_with(
				    "escalation",
				    "[{\"after_minutes\":1,\"audience\":{\"everyone\":true}},"
				    "{\"after_minutes\":2,\"audience\":{\"everyone\":true}},"
				    "{\"after_minutes\":3,\"audience\":{\"everyone\":true}},"
				    "{\"after_minutes\":4,\"audience\":{\"everyone\":true}}]")),
			    "invalid_escalation");
	assert_string_equal(create_code(valid_with("escalation", "{}")), "invalid_escalation");
	assert_string_equal(create_code(valid_with("requires_ack", "1")), "invalid_body");
	assert_string_equal(create_code(parse("[]")), "invalid_body");
}

/* unknown keys are refused, not ignored */
static void unknown_keys(void **state)
{
	(void)state;
	assert_string_equal(create_code(valid_with("photo", "\"x.png\"")), "invalid_body");
	assert_string_equal(create_code(valid_with("area", "{\"districts\":[\"北\"],"
							   "\"radius\":1}")),
			    "invalid_area");
	assert_string_equal(
		create_code(valid_with("area", "{\"circle\":{\"lat\":35.6,\"lng\":139.3,"
					       "\"radius_km\":2,\"r\":1}}")),
		"invalid_area");
	assert_string_equal(create_code(valid_with("audience", "{\"everyone\":true,"
							       "\"users\":[\"u1\"]}")),
			    "invalid_audience");
	assert_string_equal(create_code(valid_with(
				    "escalation", "[{\"after_minutes\":5,\"audience\":"
						  "{\"everyone\":true},\"x\":1}]")),
			    "invalid_escalation");
}

static const char *update_code(const char *text)
{
	json_t *out = NULL, *body = parse(text);
	struct nt_alert_refusal why = {0};
	int rc = nt_alert_input_update(body, &out, &why);
	json_decref(body);
	json_decref(out);
	return rc == 0 ? "ok" : why.code;
}

static void update_rules(void **state)
{
	(void)state;
	assert_string_equal(update_code("{\"severity\":\"minor\",\"note\":\"見つかった地域\"}"),
			    "ok");
	assert_string_equal(update_code("{\"area\":{\"districts\":[\"南地区\"]}}"), "ok");
	assert_string_equal(update_code("{\"note\":\"only a note\"}"), "invalid_body");
	assert_string_equal(update_code("{}"), "invalid_body");
	assert_string_equal(update_code("{\"kind\":\"disaster\"}"), "invalid_body");
	assert_string_equal(update_code("{\"severity\":\"big\"}"), "invalid_severity");
	assert_string_equal(update_code("{\"title\":\"\"}"), "invalid_title");
	assert_string_equal(update_code("{\"area\":{}}"), "area_required");
	assert_string_equal(update_code("{\"area\":{\"circle\":{\"lat\":1}}}"), "invalid_area");
}

static struct cl_identity person(const char *user, const char *org, const char *prof,
				 const char *role)
{
	struct cl_identity id;
	memset(&id, 0, sizeof id);
	strcpy(id.user, user);
	strcpy(id.organisation, org);
	strcpy(id.profession, prof);
	strcpy(id.tenant, "t1");
	if (role) {
		strcpy(id.roles[0], role);
		id.n_roles = 1;
	}
	return id;
}

static void access_rules(void **state)
{
	(void)state;
	json_t *a = parse(
		"{\"audience\":{\"everyone\":false,\"organisations\":[\"police\"],"
		"\"professions\":[]},\"escalation\":[{\"after_minutes\":5,\"audience\":"
		"{\"everyone\":false,\"organisations\":[],\"professions\":[\"nurse\"]}},"
		"{\"after_minutes\":9,\"audience\":{\"everyone\":true}}],"
		"\"escalation_level\":0,\"raised_by\":{\"id\":\"u-r\",\"organisation\":"
		"{\"id\":\"city\"}},\"acknowledgements\":[{\"user\":{\"id\":\"u-p\"}}]}");
	struct cl_identity raiser = person("u-r", "city", "city_official", NULL);
	struct cl_identity officer = person("u-p", "police", "police_officer", NULL);
	struct cl_identity nurse = person("u-n", "clinic", "nurse", NULL);
	struct cl_identity manager = person("u-m", "city", "city_official", "alert_manager");
	struct cl_identity other_manager = person("u-x", "clinic", "nurse", "alert_manager");
	struct cl_identity admin = person("u-a", "city", "", "tenant_admin");

	assert_true(nt_alert_may_read(a, &raiser));
	assert_true(nt_alert_may_read(a, &officer));
	assert_false(nt_alert_may_read(a, &nurse));
	assert_true(nt_alert_may_read(a, &admin));
	assert_true(nt_alert_may_read(a, &manager));
	assert_false(nt_alert_may_read(a, &other_manager));
	assert_false(nt_alert_in_effective(a, &raiser));
	/* the first level reached: nurses join */
	json_object_set_new(a, "escalation_level", json_integer(1));
	assert_true(nt_alert_in_effective(a, &nurse));
	assert_false(nt_alert_in_effective(a, &raiser));
	json_object_set_new(a, "escalation_level", json_integer(2));
	assert_true(nt_alert_in_effective(a, &raiser));

	assert_true(nt_alert_may_manage(a, &raiser));
	assert_true(nt_alert_may_manage(a, &manager));
	assert_false(nt_alert_may_manage(a, &other_manager));
	assert_false(nt_alert_may_manage(a, &officer));
	assert_true(nt_alert_may_manage(a, &admin));

	assert_true(nt_alert_acked_by(a, "u-p"));
	assert_false(nt_alert_acked_by(a, "u-n"));

	json_t *u = nt_alert_audience_union(a, 0, 0, 1);
	assert_false(json_is_true(json_object_get(u, "everyone")));
	assert_int_equal(json_array_size(json_object_get(u, "professions")), 1);
	assert_int_equal(json_array_size(json_object_get(u, "organisations")), 0);
	json_decref(u);
	u = nt_alert_audience_union(a, 1, 0, 2);
	assert_true(json_is_true(json_object_get(u, "everyone")));
	assert_int_equal(json_array_size(json_object_get(u, "organisations")), 1);
	json_decref(u);
	json_decref(a);
}

static void raisers(void **state)
{
	(void)state;
	const char *list = "city_official, nurse,police_officer";
	struct cl_identity nurse = person("u", "o", "nurse", NULL);
	struct cl_identity worker = person("u", "o", "care_worker", NULL);
	struct cl_identity prefix = person("u", "o", "nurs", NULL);
	struct cl_identity admin = person("u", "o", "care_worker", "tenant_admin");
	assert_true(nt_alert_may_raise(list, &nurse));
	assert_false(nt_alert_may_raise(list, &worker));
	assert_false(nt_alert_may_raise(list, &prefix));
	assert_true(nt_alert_may_raise(list, &admin));
	assert_true(nt_alert_may_raise(NT_ALERT_RAISERS_DEFAULT, &nurse));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_alert_is_normalised),
		cmocka_unit_test(no_ack_no_implied_level),
		cmocka_unit_test(kind_and_severity),
		cmocka_unit_test(area_rules),
		cmocka_unit_test(audience_rules),
		cmocka_unit_test(text_lengths),
		cmocka_unit_test(escalation_rules),
		cmocka_unit_test(unknown_keys),
		cmocka_unit_test(update_rules),
		cmocka_unit_test(access_rules),
		cmocka_unit_test(raisers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

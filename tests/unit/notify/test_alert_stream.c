/* test_alert_stream.c - the emergency-services stream's pure parts: the API
 * alert mapped to each Avro event encodes against schemas/ and decodes to
 * what was raised; CAP times parse and print in +09:00 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the stream is internal to the service: compile it into the test */
#include "../../../services/notify/alert_stream.c"
#include "../../../services/notify/cap_time.c"
#include "../../../services/notify/cap_db.c"
#include "../../../services/notify/cap_xml.c"

static struct cl_avro_registry *reg;

static json_t *alert_new(void)
{
	json_t *a = json_loads(
		"{\"id\":\"17\",\"tenant_id\":\"t-hachioji\",\"kind\":\"missing_person\","
		"\"severity\":\"extreme\",\"title\":\"行方不明\",\"description\":\"80代男性\","
		"\"instruction\":\"\",\"status\":\"active\",\"version\":3,\"escalation_level\":1,"
		"\"requires_ack\":true,"
		"\"area\":{\"districts\":[\"北地区\"],\"circle\":null,"
		"\"polygon\":[[35.69,139.33],[35.70,139.34],[35.68,139.35],[35.69,139.33]]},"
		"\"audience\":{\"everyone\":false,\"organisations\":[\"o1\"],"
		"\"professions\":[\"police_officer\"]},"
		"\"raised_by\":{\"id\":\"u1\",\"name\":\"田中\",\"organisation\":{\"id\":\"o1\","
		"\"name\":\"包括\"}},"
		"\"raised_at\":\"2026-11-25T00:00:00.000Z\",\"updated_at\":\"2026-11-25T00:05:00.250Z\","
		"\"acknowledgements\":[{\"user\":{\"id\":\"u2\"},\"at\":\"2026-11-25T00:06:00Z\"}]}",
		0, NULL);
	assert_non_null(a);
	return a;
}

static json_t *round_trip(const char *change, const json_t *extra, const char **type)
{
	json_t *a = alert_new();
	const char *full = NULL;
	json_t *e = stream_event(a, "17", change, extra, 1000, &full);
	assert_non_null(e);
	unsigned char *bytes = NULL;
	size_t len = 0;
	assert_int_equal(cl_avro_encode(reg, full, e, &bytes, &len), 0);
	json_t *got = NULL;
	assert_int_equal(cl_avro_decode(reg, bytes, len, &got, type), 0);
	assert_true(json_equal(got, e));
	free(bytes);
	json_decref(e);
	json_decref(a);
	return got;
}

static void raised_carries_the_whole_state(void **state)
{
	(void)state;
	const char *type = NULL;
	json_t *got = round_trip("raised", NULL, &type);
	assert_string_equal(type, "carelink.alerts.AlertRaised");
	assert_string_equal(json_string_value(json_object_get(got, "alert_id")), "17");
	assert_string_equal(json_string_value(json_object_get(got, "kind")), "MISSING_PERSON");
	assert_string_equal(json_string_value(json_object_get(got, "severity")), "EXTREME");
	assert_string_equal(json_string_value(json_object_get(got, "status")), "ACTIVE");
	assert_int_equal(json_integer_value(json_object_get(got, "version")), 3);
	assert_int_equal(json_integer_value(json_object_get(got, "acknowledgements")), 1);
	assert_int_equal(json_integer_value(json_object_get(got, "escalation_level")), 1);
	assert_int_equal(json_integer_value(json_object_get(got, "raised_at")), 1795564800000LL);
	assert_int_equal(json_integer_value(json_object_get(got, "updated_at")), 1795565100250LL);
	json_t *area = json_object_get(got, "area");
	assert_true(json_is_null(json_object_get(area, "circle")));
	assert_int_equal(json_array_size(json_object_get(area, "polygon")), 4);
	assert_true(json_number_value(json_object_get(
			    json_array_get(json_object_get(area, "polygon"), 1), "lng")) == 139.34);
	assert_string_equal(json_string_value(json_object_get(got, "raised_by_organisation_id")),
			    "o1");
	json_decref(got);
}

static void every_change_encodes(void **state)
{
	(void)state;
	const char *type = NULL;
	json_t *x = json_pack("{s:s, s:n}", "note", "応答がないため", "changed_by_id");
	json_t *got = round_trip("escalated", x, &type);
	assert_string_equal(type, "carelink.alerts.AlertUpdated");
	assert_string_equal(json_string_value(json_object_get(got, "change")), "ESCALATED");
	assert_true(json_is_null(json_object_get(got, "changed_by_id")));
	json_decref(got);
	json_decref(x);

	x = json_pack("{s:s, s:s}", "note", "", "changed_by_id", "u1");
	got = round_trip("edited", x, &type);
	assert_string_equal(json_string_value(json_object_get(got, "change")), "EDITED");
	json_decref(got);
	json_decref(x);

	x = json_pack("{s:s, s:s, s:s}", "note", "了解", "user_id", "u2", "organisation_id", "o2");
	got = round_trip("acknowledged", x, &type);
	assert_string_equal(type, "carelink.alerts.AlertAcknowledged");
	assert_string_equal(json_string_value(json_object_get(got, "user_id")), "u2");
	json_decref(got);
	json_decref(x);

	x = json_pack("{s:s, s:s}", "note", "", "ended_by_id", "u1");
	got = round_trip("resolved", x, &type);
	assert_string_equal(type, "carelink.alerts.AlertResolved");
	assert_string_equal(json_string_value(json_object_get(got, "outcome")), "RESOLVED");
	json_decref(got);
	got = round_trip("cancelled", x, &type);
	assert_string_equal(json_string_value(json_object_get(got, "outcome")), "CANCELLED");
	json_decref(got);
	json_decref(x);

	json_t *a = alert_new();
	const char *full;
	assert_null(stream_event(a, "17", "exploded", NULL, 0, &full));
	json_decref(a);
}

static void cap_times(void **state)
{
	(void)state;
	int64_t ms;
	char out[32];
	assert_int_equal(nt_cap_time_parse("2026-11-25T00:01:08.123Z", &ms), 0);
	assert_int_equal(ms, 1795564868123LL);
	assert_string_equal(nt_cap_time_format(ms, out), "2026-11-25T09:01:08+09:00");
	assert_int_equal(nt_cap_time_parse("2026-11-25T09:01:08+09:00", &ms), 0);
	assert_int_equal(ms, 1795564868000LL);
	assert_string_equal(nt_cap_time_format(1795618800000LL, out), "2026-11-26T00:00:00+09:00");
	assert_int_equal(nt_cap_time_parse("2026-11-25", &ms), CL_EINVAL);
	assert_int_equal(nt_cap_time_parse("2026-11-25T00:01:08", &ms), CL_EINVAL);
	assert_int_equal(nt_cap_time_parse("2026-11-25T00:01:08Zjunk", &ms), CL_EINVAL);
	assert_int_equal(nt_cap_time_parse(NULL, &ms), CL_EINVAL);
}

static int setup(void **state)
{
	(void)state;
	return cl_avro_registry_load(&reg, CL_SOURCE_DIR "/schemas") == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cl_avro_registry_free(reg);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raised_carries_the_whole_state),
		cmocka_unit_test(every_change_encodes),
		cmocka_unit_test(cap_times),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

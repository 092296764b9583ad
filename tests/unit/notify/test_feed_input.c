/* test_feed_input.c - the pure parts of the feed (FEED.md): the checks of
 * GET /v1/feed's query, of POST /v1/feed/read's body and of PUT
 * /v1/preferences's body (every refusal), the unread counts, and the
 * NotificationsRead and NotificationPreferencesChanged events through the
 * Avro codec of schemas/ */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"

/* pure files of the service, compiled into the test */
#include "../../../services/notify/text.c"
#include "../../../services/notify/feed_query.c"
#include "../../../services/notify/feed_counts.c"
#include "../../../services/notify/feed_read_input.c"
#include "../../../services/notify/preferences_input.c"

#define NT_TEST_NAMESPACE "carelink.notifications."
#include "notify_unit.h"

static json_t *parse(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return j;
}

/* a query as "key=value&key=value" */
static const char *query_get(void *ctx, const char *key)
{
	static char value[128];
	const char *s = ctx;
	size_t n = strlen(key);
	while (s && *s) {
		const char *amp = strchr(s, '&');
		size_t len = amp ? (size_t)(amp - s) : strlen(s);
		if (len > n && strncmp(s, key, n) == 0 && s[n] == '=') {
			snprintf(value, sizeof value, "%.*s", (int)(len - n - 1), s + n + 1);
			return value;
		}
		s = amp ? amp + 1 : NULL;
	}
	return NULL;
}

static const char *query_code(const char *query)
{
	struct nt_feed_query q;
	struct nt_feed_refusal why;
	if (nt_feed_query_parse(query_get, (void *)query, &q, &why) == 0)
		return "ok";
	assert_non_null(why.message);
	return why.code;
}

static void test_query_defaults(void **state)
{
	(void)state;
	struct nt_feed_query q;
	struct nt_feed_refusal why;
	assert_int_equal(nt_feed_query_parse(query_get, "", &q, &why), 0);
	assert_int_equal(q.limit, NT_FEED_LIMIT_DEFAULT);
	assert_int_equal(q.before, 0);
	assert_false(q.has_after);
	assert_false(q.urgent || q.mentions || q.unread || q.include_muted || q.all);
	assert_null(q.space);
	assert_int_equal(nt_feed_query_parse(query_get,
		"limit=500&before=9&urgent=1&mentions=1&unread=1&include_muted=1&all=1"
		"&space=s1&app=a1&patient=p1&after=0", &q, &why), 0);
	assert_int_equal(q.limit, 500);
	assert_int_equal(q.before, 9);
	assert_true(q.has_after);
	assert_int_equal(q.after, 0);
	assert_true(q.urgent && q.mentions && q.unread && q.include_muted && q.all);
	assert_string_equal(q.patient, "p1");
}

static void test_query_refusals(void **state)
{
	(void)state;
	assert_string_equal(query_code("limit=0"), "invalid_limit");
	assert_string_equal(query_code("limit=501"), "invalid_limit");
	assert_string_equal(query_code("limit=x"), "invalid_limit");
	assert_string_equal(query_code("before=0"), "invalid_before");
	assert_string_equal(query_code("before=-3"), "invalid_before");
	assert_string_equal(query_code("after=abc"), "invalid_after");
	assert_string_equal(query_code("urgent=true"), "invalid_filter");
	assert_string_equal(query_code("unread=0"), "invalid_filter");
	assert_string_equal(query_code("all="), "invalid_filter");
	assert_string_equal(query_code("space="), "invalid_filter");
	assert_string_equal(query_code("patient="), "invalid_filter");
	assert_string_equal(query_code("app=0123456789012345678901234567890123456789"
				       "01234567890123456789012345"), "invalid_filter");
}

static const char *read_code(const char *body)
{
	struct nt_feed_read r;
	struct nt_feed_refusal why;
	json_t *b = parse(body);
	int rc = nt_feed_read_input(b, &r, &why);
	json_decref(b);
	return rc == 0 ? "ok" : why.code;
}

static void test_read_input(void **state)
{
	(void)state;
	assert_string_equal(read_code("{\"ids\":[1,2]}"), "ok");
	assert_string_equal(read_code("{\"space_id\":\"s\"}"), "ok");
	assert_string_equal(read_code("{\"all\":true}"), "ok");
	const char *bad[] = {
		"{}", "[]", "{\"all\":false}", "{\"all\":1}", "{\"ids\":[]}",
		"{\"ids\":[0]}", "{\"ids\":[-1]}", "{\"ids\":[\"1\"]}", "{\"ids\":[1.5]}",
		"{\"space_id\":\"\"}", "{\"space_id\":3}", "{\"ids\":[1],\"all\":true}",
		"{\"space_id\":\"s\",\"all\":true}", "{\"other\":1}", "null",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (strcmp(read_code(bad[i]), "invalid_read") != 0)
			fail_msg("accepted %s", bad[i]);
	json_t *many = json_array();
	for (int i = 1; i <= NT_READ_IDS_MAX + 1; i++)
		json_array_append_new(many, json_integer(i));
	json_t *b = json_pack("{s:o}", "ids", many);
	struct nt_feed_read r;
	struct nt_feed_refusal why;
	assert_int_equal(nt_feed_read_input(b, &r, &why), CL_EINVAL);
	json_array_remove(many, 0);
	assert_int_equal(nt_feed_read_input(b, &r, &why), 0);
	assert_int_equal(json_array_size(r.ids), NT_READ_IDS_MAX);
	json_decref(b);
}

/* the refusal's message of body, or "ok" */
static const char *prefs_message(const char *body, json_t **out)
{
	struct nt_feed_refusal why;
	json_t *b = parse(body);
	int rc = nt_preferences_input(b, out, &why);
	json_decref(b);
	if (rc == 0)
		return "ok";
	assert_string_equal(why.code, "invalid_preferences");
	assert_null(*out);
	return why.message;
}

static void test_preferences_ok(void **state)
{
	(void)state;
	json_t *out = NULL;
	assert_string_equal(prefs_message("{}", &out), "ok");
	json_t *want = parse("{\"urgent_only\":false,\"quiet_hours\":null,\"mutes\":[]}");
	assert_true(json_equal(out, want));
	json_decref(out);
	json_decref(want);
	assert_string_equal(prefs_message(
		"{\"urgent_only\":true,\"quiet_hours\":{\"start\":\"22:00\",\"end\":\"07:00\"},"
		"\"mutes\":[{\"kind\":\"space\",\"id\":\"s1\"},{\"kind\":\"thread\",\"id\":\"s1\"}]}",
		&out), "ok");
	assert_true(json_is_true(json_object_get(out, "urgent_only")));
	assert_int_equal(json_array_size(json_object_get(out, "mutes")), 2);
	json_decref(out);
	assert_string_equal(prefs_message(
		"{\"quiet_hours\":{\"start\":\"00:00\",\"end\":\"23:59\"}}", &out), "ok");
	json_decref(out);
}

static void test_preferences_refusals(void **state)
{
	(void)state;
	struct {
		const char *body, *field;
	} bad[] = {
		{"[]", "object"},
		{"{\"urgent_only\":1}", "urgent_only"},
		{"{\"urgent_only\":\"true\"}", "urgent_only"},
		{"{\"quiet_hours\":\"22:00\"}", "quiet_hours"},
		{"{\"quiet_hours\":{\"start\":\"22:00\"}}", "quiet_hours.end"},
		{"{\"quiet_hours\":{\"start\":\"24:00\",\"end\":\"07:00\"}}", "quiet_hours.start"},
		{"{\"quiet_hours\":{\"start\":\"22:60\",\"end\":\"07:00\"}}", "quiet_hours.start"},
		{"{\"quiet_hours\":{\"start\":\"7:00\",\"end\":\"08:00\"}}", "quiet_hours.start"},
		{"{\"quiet_hours\":{\"start\":\"22:00\",\"end\":\"07:0x\"}}", "quiet_hours.end"},
		{"{\"quiet_hours\":{\"start\":\"22:00\",\"end\":\"22:00\"}}", "quiet_hours"},
		{"{\"quiet_hours\":{\"start\":\"22:00\",\"end\":\"07:00\",\"tz\":\"x\"}}",
		 "quiet_hours"},
		{"{\"mutes\":{}}", "mutes"},
		{"{\"mutes\":[\"s1\"]}", "mutes"},
		{"{\"mutes\":[{\"kind\":\"post\",\"id\":\"s1\"}]}", "mutes[].kind"},
		{"{\"mutes\":[{\"kind\":\"space\",\"id\":\"\"}]}", "mutes[].id"},
		{"{\"mutes\":[{\"kind\":\"space\"}]}", "mutes[].id"},
		{"{\"mutes\":[{\"kind\":\"space\",\"id\":\"a\",\"x\":1}]}", "mutes"},
		{"{\"mutes\":[{\"kind\":\"space\",\"id\":\"a\"},{\"kind\":\"space\",\"id\":\"a\"}]}",
		 "repeat"},
		{"{\"mute\":[]}", "unknown key"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *out = NULL;
		const char *m = prefs_message(bad[i].body, &out);
		if (strcmp(m, "ok") == 0 || !strstr(m, bad[i].field))
			fail_msg("%s: %s (wanted a message naming %s)", bad[i].body, m,
				 bad[i].field);
	}
	/* 201 mutes: too many; 200 fine */
	json_t *mutes = json_array();
	char id[16];
	for (int i = 0; i <= NT_MUTES_MAX; i++) {
		snprintf(id, sizeof id, "s%d", i);
		json_array_append_new(mutes, json_pack("{s:s, s:s}", "kind", "space", "id", id));
	}
	json_t *b = json_pack("{s:o}", "mutes", mutes), *out = NULL;
	struct nt_feed_refusal why;
	assert_int_equal(nt_preferences_input(b, &out, &why), CL_EINVAL);
	json_array_remove(mutes, 0);
	assert_int_equal(nt_preferences_input(b, &out, &why), 0);
	json_decref(out);
	json_decref(b);
}

static void test_unread_counts(void **state)
{
	(void)state;
	json_t *rows = parse(
		"[{\"id\":5,\"urgent\":true,\"kind\":\"alert\",\"space_id\":null,"
		"\"app_id\":null,\"patient_id\":null},"
		"{\"id\":4,\"urgent\":false,\"kind\":\"mention\",\"space_id\":\"s1\","
		"\"app_id\":null,\"patient_id\":null},"
		"{\"id\":3,\"urgent\":false,\"kind\":\"post\",\"space_id\":\"s1\","
		"\"app_id\":null,\"patient_id\":null},"
		"{\"id\":2,\"urgent\":false,\"kind\":\"app_record\",\"space_id\":null,"
		"\"app_id\":\"a1\",\"patient_id\":null},"
		"{\"id\":1,\"urgent\":false,\"kind\":\"patient_message\",\"space_id\":null,"
		"\"app_id\":null,\"patient_id\":\"p1\"}]");
	json_t *c = nt_feed_unread_counts(rows);
	json_t *want = parse("{\"total\":5,\"urgent\":1,\"mentions\":1,\"spaces\":{\"s1\":2},"
			     "\"apps\":{\"a1\":1},\"patients\":{\"p1\":1},\"capped\":false}");
	assert_true(json_equal(c, want));
	json_decref(c);
	json_decref(want);
	json_decref(rows);

	rows = json_array();
	for (int i = 0; i <= NT_UNREAD_COUNT_MAX; i++)
		json_array_append_new(rows, parse("{\"urgent\":false,\"kind\":\"post\"}"));
	c = nt_feed_unread_counts(rows);
	assert_int_equal(json_integer_value(json_object_get(c, "total")), NT_UNREAD_COUNT_MAX);
	assert_true(json_is_true(json_object_get(c, "capped")));
	json_decref(c);
	json_decref(rows);
}

static const struct cl_identity who = {.tenant = "t-1", .user = "u-1"};

static void test_events(void **state)
{
	(void)state;
	json_t *ids = parse("[3,4]");
	json_t *ev = through_avro("NotificationsRead", nt_feed_read_event(&who, ids, NULL, 0));
	assert_string_equal(json_string_value(json_object_get(ev, "user_id")), "u-1");
	assert_true(json_equal(json_object_get(ev, "ids"), ids));
	assert_true(json_is_null(json_object_get(ev, "up_to")));
	json_decref(ev);
	json_decref(ids);
	ev = through_avro("NotificationsRead", nt_feed_read_event(&who, NULL, "s1", 42));
	assert_int_equal(json_array_size(json_object_get(ev, "ids")), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "space_id")), "s1");
	assert_int_equal(json_integer_value(json_object_get(ev, "up_to")), 42);
	json_decref(ev);

	json_t *prefs = parse(
		"{\"urgent_only\":true,\"quiet_hours\":{\"start\":\"22:00\",\"end\":\"07:00\"},"
		"\"mutes\":[{\"kind\":\"space\",\"id\":\"s1\"},{\"kind\":\"thread\",\"id\":\"t1\"},"
		"{\"kind\":\"space\",\"id\":\"s2\"}]}");
	ev = through_avro("NotificationPreferencesChanged", nt_preferences_event(&who, prefs));
	assert_true(json_is_true(json_object_get(ev, "urgent_only")));
	assert_string_equal(json_string_value(json_object_get(ev, "quiet_start")), "22:00");
	assert_string_equal(json_string_value(json_object_get(ev, "quiet_end")), "07:00");
	json_t *spaces = parse("[\"s1\",\"s2\"]"), *threads = parse("[\"t1\"]");
	assert_true(json_equal(json_object_get(ev, "muted_spaces"), spaces));
	assert_true(json_equal(json_object_get(ev, "muted_threads"), threads));
	json_decref(spaces);
	json_decref(threads);
	json_decref(ev);
	json_decref(prefs);
	prefs = parse("{\"urgent_only\":false,\"quiet_hours\":null,\"mutes\":[]}");
	ev = through_avro("NotificationPreferencesChanged", nt_preferences_event(&who, prefs));
	assert_true(json_is_null(json_object_get(ev, "quiet_start")));
	json_decref(ev);
	json_decref(prefs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_defaults),
		cmocka_unit_test(test_query_refusals),
		cmocka_unit_test(test_read_input),
		cmocka_unit_test(test_preferences_ok),
		cmocka_unit_test(test_preferences_refusals),
		cmocka_unit_test(test_unread_counts),
		cmocka_unit_test(test_events),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

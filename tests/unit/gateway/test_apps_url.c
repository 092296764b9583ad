/* test_apps_url.c - records' URLs of the app routes: app keys in paths,
 * the list filters f.<key>, from.<key>, to.<key>, filters appended after
 * the fixed query keys; and the secret of a calendar feed URL */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/gateway/calendar_feed_url.c"
#include "../../../services/gateway/workspace_url.c"

static void test_key(void **state)
{
	(void)state;
	assert_true(gw_ws_key_ok("facilities"));
	assert_true(gw_ws_key_ok("a"));
	assert_true(gw_ws_key_ok("starts_at2"));
	assert_false(gw_ws_key_ok(""));
	assert_false(gw_ws_key_ok("1abc"));
	assert_false(gw_ws_key_ok("_abc"));
	assert_false(gw_ws_key_ok("Facilities"));
	assert_false(gw_ws_key_ok("a-b"));
	assert_false(gw_ws_key_ok("a.b"));
	assert_false(gw_ws_key_ok("施設"));
	char k[42];
	memset(k, 'a', 41);
	k[41] = '\0';
	assert_false(gw_ws_key_ok(k));
	k[40] = '\0';
	assert_true(gw_ws_key_ok(k));
}

static void test_filter_key(void **state)
{
	(void)state;
	assert_int_equal(gw_ws_filter_key("f.district"), 1);
	assert_int_equal(gw_ws_filter_key("from.starts_at"), 1);
	assert_int_equal(gw_ws_filter_key("to.capacity"), 1);
	assert_int_equal(gw_ws_filter_key("q"), 0);
	assert_int_equal(gw_ws_filter_key("limit"), 0);
	assert_int_equal(gw_ws_filter_key("fx.name"), 0);
	assert_int_equal(gw_ws_filter_key("_"), 0);
	assert_int_equal(gw_ws_filter_key("f."), CL_EINVAL);
	assert_int_equal(gw_ws_filter_key("f.Name"), CL_EINVAL);
	assert_int_equal(gw_ws_filter_key("from.9"), CL_EINVAL);
	assert_int_equal(gw_ws_filter_key("to.a b"), CL_EINVAL);
	assert_int_equal(gw_ws_filter_key("f.name&x=1"), CL_EINVAL);
	assert_int_equal(gw_ws_filter_key("f.名前"), CL_EINVAL);
}

static void test_path_key(void **state)
{
	(void)state;
	char out[128] = "";
	size_t len = 0;
	char *key[] = {"facilities"};
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/apps/:key/records", key, 1), 0);
	assert_string_equal(out, "/v1/apps/facilities/records");
	/* an id still passes a ":key" segment */
	char *id[] = {"0f8e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"};
	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/apps/:key", id, 1), 0);
	assert_string_equal(out, "/v1/apps/0f8e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b");
	/* a key is no id elsewhere */
	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/app-records/:id", key, 1),
			 CL_ENOENT);
	/* neither id nor key */
	char *bad[] = {"Facilities"}, *dots[] = {".."}, *sep[] = {"a%2fb"};
	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/apps/:key", bad, 1), CL_ENOENT);
	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/apps/:key", dots, 1), CL_ENOENT);
	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/apps/:key", sep, 1), CL_ENOENT);
	/* a segment whose name only starts with "key" is an id segment */
	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/apps/:keys", key, 1), CL_ENOENT);
	/* a fixed query in the pattern is kept as it is */
	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/calendar.ics?scope=mine", NULL, 0),
			 0);
	assert_string_equal(out, "/v1/calendar.ics?scope=mine");
}

static void test_query_appended(void **state)
{
	(void)state;
	char out[256] = "/v1/apps/events/records";
	size_t len = strlen(out);
	const char *bad = NULL;
	const char *const fixed[] = {"q", "sort", NULL};
	const char *const fixed_v[] = {"研修", NULL, NULL};
	assert_int_equal(gw_ws_query(out, sizeof out, &len, fixed, fixed_v, &bad), 0);
	const char *const filters[] = {"from.starts_at", "f.kind", NULL};
	const char *const filters_v[] = {"2026-12-01", "会議&x=1", NULL};
	assert_int_equal(gw_ws_query(out, sizeof out, &len, filters, filters_v, &bad), 0);
	assert_string_equal(out, "/v1/apps/events/records?q=%E7%A0%94%E4%BF%AE"
				 "&from.starts_at=2026-12-01"
				 "&f.kind=%E4%BC%9A%E8%AD%B0%26x%3D1");
	/* filters alone start the query */
	char only[128] = "/v1/apps/events/records";
	len = strlen(only);
	assert_int_equal(gw_ws_query(only, sizeof only, &len, filters, filters_v, &bad), 0);
	assert_memory_equal(only, "/v1/apps/events/records?from.starts_at=", 39);
	/* a value that is not UTF-8 is named */
	const char *const invalid_v[] = {"ok", "\xff", NULL};
	len = strlen(only);
	assert_int_equal(gw_ws_query(only, sizeof only, &len, filters, invalid_v, &bad),
			 CL_EINVAL);
	assert_string_equal(bad, "f.kind");
}

static void test_feed_secret(void **state)
{
	(void)state;
	const char *s = "Abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE"; /* 43 */
	char out[GW_FEED_SECRET_LEN + 1];
	assert_int_equal(strlen(s), GW_FEED_SECRET_LEN);
	assert_true(gw_feed_secret_of(s, out));
	assert_string_equal(out, s);
	char ics[64];
	snprintf(ics, sizeof ics, "%s.ics", s);
	assert_true(gw_feed_secret_of(ics, out));
	assert_string_equal(out, s);
	snprintf(ics, sizeof ics, "%s.ical", s);
	assert_false(gw_feed_secret_of(ics, out));
	assert_false(gw_feed_secret_of("", out));
	assert_false(gw_feed_secret_of(".ics", out));
	assert_false(gw_feed_secret_of("Abcdefghijklmnopqrstuvwxyz0123456789-_ABCD", out));
	assert_false(gw_feed_secret_of("Abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEF", out));
	assert_false(gw_feed_secret_of("Abcdefghijklmnopqrstuvwxyz0123456789+/ABCDE", out));
	assert_false(gw_feed_secret_of("Abcdefghijklmnopqrstuvwxyz0123456789-_ABCD=", out));
}

static void test_feed_url(void **state)
{
	(void)state;
	char out[128];
	assert_true(gw_feed_url("https://care.example.jp/", "SECRET", out, sizeof out));
	assert_string_equal(out, "https://care.example.jp/ical/SECRET");
	assert_true(gw_feed_url("http://127.0.0.1:8080", "S", out, sizeof out));
	assert_string_equal(out, "http://127.0.0.1:8080/ical/S");
	char tiny[16];
	assert_false(gw_feed_url("https://care.example.jp", "SECRET", tiny, sizeof tiny));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_filter_key),
		cmocka_unit_test(test_path_key),
		cmocka_unit_test(test_query_appended),
		cmocka_unit_test(test_feed_secret),
		cmocka_unit_test(test_feed_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

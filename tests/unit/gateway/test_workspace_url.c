/* test_workspace_url.c - records' URLs of the workspace routes: ids in
 * paths, UTF-8 checks (overlong forms, surrogates, past U+10FFFF, cut
 * sequences), percent-encoding of Japanese query text, buffer limits */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/gateway/workspace_url.c"

static void test_id(void **state)
{
	(void)state;
	assert_true(gw_ws_id_ok("0f8e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"));
	assert_true(gw_ws_id_ok("42"));
	assert_false(gw_ws_id_ok(""));
	assert_false(gw_ws_id_ok("../etc"));
	assert_false(gw_ws_id_ok("abc?x=1"));
	assert_false(gw_ws_id_ok("abc%2f"));
	assert_false(gw_ws_id_ok("xyz"));
	char long_id[66];
	memset(long_id, 'a', 65);
	long_id[65] = '\0';
	assert_false(gw_ws_id_ok(long_id));
	long_id[64] = '\0';
	assert_true(gw_ws_id_ok(long_id));
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(gw_ws_utf8_ok(""));
	assert_true(gw_ws_utf8_ok("abc"));
	assert_true(gw_ws_utf8_ok("通行止め"));
	assert_true(gw_ws_utf8_ok("\xf0\x9f\x98\x80"));        /* U+1F600 */
	assert_true(gw_ws_utf8_ok("\xf4\x8f\xbf\xbf"));        /* U+10FFFF */
	assert_false(gw_ws_utf8_ok("\xff"));
	assert_false(gw_ws_utf8_ok("\x80"));                   /* lone continuation */
	assert_false(gw_ws_utf8_ok("\xc0\xaf"));               /* overlong '/' */
	assert_false(gw_ws_utf8_ok("\xe0\x80\xaf"));           /* overlong */
	assert_false(gw_ws_utf8_ok("\xed\xa0\x80"));           /* surrogate */
	assert_false(gw_ws_utf8_ok("\xf4\x90\x80\x80"));       /* past U+10FFFF */
	assert_false(gw_ws_utf8_ok("\xe9\x80"));               /* cut at the end */
	assert_false(gw_ws_utf8_ok("\xe9\x80" "a"));           /* cut in the middle */
	assert_false(gw_ws_utf8_ok("\x82\xa0"));               /* Shift_JIS あ */
}

static void test_escape(void **state)
{
	(void)state;
	char out[64];
	size_t len = 0;
	out[0] = '\0';
	assert_int_equal(gw_ws_escape(out, sizeof out, &len, "道路 a&b=c/~._-"), 0);
	assert_string_equal(out, "%E9%81%93%E8%B7%AF%20a%26b%3Dc%2F~._-");
	assert_int_equal(len, strlen(out));

	/* does not fit: cut back to where it started */
	char small[8] = "x";
	len = 1;
	assert_int_equal(gw_ws_escape(small, sizeof small, &len, "通行"), CL_ETOOBIG);
	assert_int_equal(len, 1);
	assert_string_equal(small, "x");
}

static void test_path(void **state)
{
	(void)state;
	char out[128];
	size_t len = 0;
	char *params[] = {"12ab", "zz"};
	out[0] = '\0';
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/spaces/:id/members", params, 1), 0);
	assert_string_equal(out, "/v1/spaces/12ab/members");

	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/spaces", params, 0), 0);
	assert_string_equal(out, "/v1/spaces");

	char *bad[] = {"zz"};
	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/posts/:id", bad, 1), CL_ENOENT);
	len = 0;
	assert_int_equal(gw_ws_path(out, sizeof out, &len, "/v1/posts/:id", params, 0), CL_ENOENT);

	char tiny[8];
	len = 0;
	assert_int_equal(gw_ws_path(tiny, sizeof tiny, &len, "/v1/spaces", params, 0), CL_ETOOBIG);
}

static void test_query(void **state)
{
	(void)state;
	char out[256];
	size_t len = 0;
	const char *bad = NULL;
	static const char *const keys[] = {"q", "space", "from", NULL};
	const char *values[] = {"徘徊 見守り", NULL, "2026-11-01"};
	out[0] = '\0';
	assert_int_equal(gw_ws_query(out, sizeof out, &len, keys, values, &bad), 0);
	assert_string_equal(out, "?q=%E5%BE%98%E5%BE%8A%20%E8%A6%8B%E5%AE%88%E3%82%8A"
				 "&from=2026-11-01");

	/* nothing given, nothing added */
	const char *none[] = {NULL, NULL, NULL};
	len = 0;
	out[0] = '\0';
	assert_int_equal(gw_ws_query(out, sizeof out, &len, keys, none, &bad), 0);
	assert_string_equal(out, "");

	/* an empty value is passed on (records says what is wrong with it) */
	const char *empty[] = {"", NULL, NULL};
	len = 0;
	assert_int_equal(gw_ws_query(out, sizeof out, &len, keys, empty, &bad), 0);
	assert_string_equal(out, "?q=");

	const char *invalid[] = {"ok", NULL, "\xe9\x80"};
	len = 0;
	assert_int_equal(gw_ws_query(out, sizeof out, &len, keys, invalid, &bad), CL_EINVAL);
	assert_string_equal(bad, "from");

	char small[16];
	len = 0;
	assert_int_equal(gw_ws_query(small, sizeof small, &len, keys, values, &bad), CL_ETOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id),     cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_escape), cmocka_unit_test(test_path),
		cmocka_unit_test(test_query),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

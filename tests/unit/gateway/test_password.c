/* test_password.c - the gateway's password policy (health ministry
 * guideline v6.0): length in characters with and without two-factor, the
 * mix of letters, digits and symbols, the 128-character ceiling, the
 * common-password list; and argon2id hashing with rehash on new limits */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/gateway/password.c"

#define LIST_PATH CL_SOURCE_DIR "/services/gateway/data/common-passwords.txt"

static struct gw_password_list list;

static int load_list(void **state)
{
	(void)state;
	gw_password_list_init(&list);
	return gw_password_list_load(&list, LIST_PATH) == 0 ? 0 : -1;
}

static int free_list(void **state)
{
	(void)state;
	gw_password_list_release(&list);
	return 0;
}

/* s repeated n times */
static char *times(const char *s, size_t n)
{
	size_t len = strlen(s);
	char *out = malloc(len * n + 1);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[len * n] = '\0';
	return out;
}

static const struct policy_case {
	const char *pw;
	bool two_factor;
	const char *email;
	enum gw_password_rule want;
	const char *why;
} cases[] = {
	/* length */
	{"", false, NULL, GW_PASSWORD_TOO_SHORT, "empty"},
	{"Kx7!pQ2#vL9", false, NULL, GW_PASSWORD_TOO_SHORT, "11 characters"},
	{"Kx7!pQ2#vL9$", false, NULL, GW_PASSWORD_TOO_SHORT, "12 characters"},
	{"Kx7!pQ2#vL9$w", false, NULL, GW_PASSWORD_OK, "13 characters, mixed"},
	{"Kx7!pQ2", true, NULL, GW_PASSWORD_TOO_SHORT, "7 characters with two-factor"},
	{"Kx7!pQ2#", true, NULL, GW_PASSWORD_OK, "8 characters with two-factor"},
	{"Kx7!pQ2#", false, NULL, GW_PASSWORD_TOO_SHORT, "8 characters without two-factor"},
	/* the mix */
	{"kxmpqzvlwrtys", false, NULL, GW_PASSWORD_NO_DIGIT, "letters only"},
	{"Kxmpqzvlwrty!", false, NULL, GW_PASSWORD_NO_DIGIT, "no digit"},
	{"Kxmpqzvlwrty7", false, NULL, GW_PASSWORD_NO_SYMBOL, "no symbol"},
	{"8362-9471-0553", false, NULL, GW_PASSWORD_NO_LETTER, "no letter"},
	{"Kx7 pQ2 vL9 wR", false, NULL, GW_PASSWORD_OK, "a space is a symbol"},
	{"Kx7\tpQ2#vL9$wR", false, NULL, GW_PASSWORD_CONTROL, "tab"},
	{"Kx7\npQ2#vL9$wR", false, NULL, GW_PASSWORD_CONTROL, "new line"},
	/* Japanese: characters, not bytes; kana and kanji are letters */
	{"さくらの花が7咲いた!",
	 false, NULL, GW_PASSWORD_TOO_SHORT, "さくらの花が7咲いた! is 11 characters (31 bytes)"},
	{"さくらの花が7咲いた!春だ",
	 false, NULL, GW_PASSWORD_OK, "さくらの花が7咲いた!春だ is 13 characters"},
	{"春夏秋冬1。", true, NULL,
	 GW_PASSWORD_TOO_SHORT, "春夏秋冬1。 is 6 characters"},
	{"春夏秋冬１。雪月", true,
	 NULL, GW_PASSWORD_OK, "春夏秋冬１。雪月: full-width digit, Japanese full stop"},
	{"春夏秋冬雪月花鳥風火水土木",
	 false, NULL, GW_PASSWORD_NO_DIGIT, "13 kanji"},
	/* common passwords: as typed, in any case, with digits and symbols around */
	{"Password1234!", false, NULL, GW_PASSWORD_COMMON, "password + digits + symbol"},
	{"P@ssw0rd", true, NULL, GW_PASSWORD_COMMON, "p@ssw0rd itself"},
	{"QWERTY123456!", false, NULL, GW_PASSWORD_COMMON, "qwerty upper case"},
	{"Sakura2026!!!!", false, NULL, GW_PASSWORD_COMMON, "sakura (Japanese common)"},
	{"!!2026Doraemon", false, NULL, GW_PASSWORD_COMMON, "leading digits and symbols"},
	{"1qaz2wsx3edc!", false, NULL, GW_PASSWORD_COMMON, "keyboard walk"},
	{"Iloveyou1234#", false, NULL, GW_PASSWORD_COMMON, "iloveyou"},
	{"Carelink-demo-2026!", false, NULL, GW_PASSWORD_OK, "the demo password"},
	/* the person's own name */
	{"Kx7!Tanaka#pQ2", false, "tanaka@demo.carelink.jp", GW_PASSWORD_PERSONAL,
	 "email name inside"},
	{"Kx7!Tanaka#pQ2", false, "sato@demo.carelink.jp", GW_PASSWORD_OK, "someone else's"},
	/* not UTF-8 */
	{"Kx7!pQ2#vL9$w\xff", false, NULL, GW_PASSWORD_INVALID_UTF8, "stray byte"},
	{"Kx7!pQ2#vL9$w\xc0\xaf", false, NULL, GW_PASSWORD_INVALID_UTF8, "overlong slash"},
};

static void test_policy_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct policy_case *c = &cases[i];
		enum gw_password_rule got = gw_password_check(&list, c->pw, c->two_factor, c->email);
		if (got != c->want)
			fail_msg("case %zu (%s): got rule %d, want %d", i, c->why, got, c->want);
		const char *msg = gw_password_message(got, c->two_factor);
		assert_non_null(msg);
		if (got != GW_PASSWORD_OK)
			assert_true(strlen(msg) > 0);
	}
}

static void test_length_ceiling(void **state)
{
	(void)state;
	/* "Ab1!" is 4 characters: 32 of them are 128, 33 minus 3 are 129 */
	char *pw = times("Ab1!", 32);
	assert_int_equal(gw_password_check(&list, pw, false, NULL), GW_PASSWORD_OK);
	pw = realloc(pw, 130);
	strcat(pw, "x");
	assert_int_equal(gw_password_chars(pw), 129);
	assert_int_equal(gw_password_check(&list, pw, false, NULL), GW_PASSWORD_TOO_LONG);
	free(pw);
	/* 128 three-byte characters (384 bytes) are allowed: characters count */
	char *ja = times("あ", 125);
	ja = realloc(ja, strlen(ja) + 4);
	strcat(ja, "1!x");
	assert_int_equal(gw_password_chars(ja), 128);
	assert_int_equal(gw_password_check(&list, ja, false, NULL), GW_PASSWORD_OK);
	free(ja);
	ja = times("あ", 130);
	assert_int_equal(gw_password_check(&list, ja, false, NULL), GW_PASSWORD_TOO_LONG);
	free(ja);
}

static void test_messages_name_the_rule(void **state)
{
	(void)state;
	assert_non_null(strstr(gw_password_message(GW_PASSWORD_TOO_SHORT, false), "13文字"));
	assert_non_null(strstr(gw_password_message(GW_PASSWORD_TOO_SHORT, true), "8文字"));
	assert_non_null(strstr(gw_password_message(GW_PASSWORD_TOO_LONG, false), "128文字"));
	assert_non_null(strstr(gw_password_message(GW_PASSWORD_NO_DIGIT, false), "数字"));
	assert_non_null(strstr(gw_password_message(GW_PASSWORD_NO_SYMBOL, false), "記号"));
	assert_non_null(strstr(gw_password_message(GW_PASSWORD_NO_LETTER, false), "英字"));
}

static void test_list(void **state)
{
	(void)state;
	assert_true(list.n >= 1000);
	static const char *const listed[] = {"123456", "password", "qwerty123", "iloveyou",
					     "sakura", "doraemon", "Pokemon", "PASSWORD"};
	for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++)
		assert_true(gw_password_list_has(&list, listed[i]));
	assert_false(gw_password_list_has(&list, "carelink-demo-2026!"));
	assert_false(gw_password_list_has(&list, "# common-passwords.txt"));
	/* sorted and unique: binary search finds every entry */
	for (size_t i = 1; i < list.n; i++)
		assert_true(strcmp(list.words[i - 1], list.words[i]) < 0);
	/* no list: the other rules still hold */
	assert_int_equal(gw_password_check(NULL, "Password1234!", false, NULL), GW_PASSWORD_OK);
	struct gw_password_list none;
	gw_password_list_init(&none);
	assert_int_equal(gw_password_list_load(&none, "/nonexistent/list.txt"), CL_ENOENT);
}

static void test_hash_and_rehash(void **state)
{
	(void)state;
	struct cl_cfg cfg;
	cl_cfg_init(&cfg);
	struct gw_pwhash_params p;
	gw_pwhash_params(&cfg, &p);
	assert_int_equal(p.ops, crypto_pwhash_OPSLIMIT_INTERACTIVE);
	assert_int_equal(p.mem, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	/* cheap limits for the test */
	cl_cfg_set(&cfg, "auth.pwhash_ops", "1");
	cl_cfg_set(&cfg, "auth.pwhash_mem", "65536");
	gw_pwhash_params(&cfg, &p);
	assert_int_equal(p.ops, 1);
	assert_int_equal(p.mem, 65536);
	char h[GW_PASSWORD_HASH_SIZE];
	assert_int_equal(gw_password_hash(&p, "Kx7!pQ2#vL9$w", h), 0);
	assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
	assert_true(gw_password_verify(h, "Kx7!pQ2#vL9$w"));
	assert_false(gw_password_verify(h, "Kx7!pQ2#vL9$W"));
	assert_false(gw_password_needs_rehash(&p, h));
	struct gw_pwhash_params stronger = {.ops = 2, .mem = 65536};
	assert_true(gw_password_needs_rehash(&stronger, h));
	/* out of range: the defaults */
	cl_cfg_set(&cfg, "auth.pwhash_ops", "0");
	cl_cfg_set(&cfg, "auth.pwhash_mem", "12");
	gw_pwhash_params(&cfg, &p);
	assert_int_equal(p.ops, crypto_pwhash_OPSLIMIT_INTERACTIVE);
	assert_int_equal(p.mem, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	cl_cfg_release(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_table),
		cmocka_unit_test(test_length_ceiling),
		cmocka_unit_test(test_messages_name_the_rule),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_hash_and_rehash),
	};
	return cmocka_run_group_tests(tests, load_list, free_list);
}

/* test_totp.c - two-factor codes of the gateway: HOTP against RFC 4226
 * Appendix D, TOTP against every vector of RFC 6238 Appendix B (SHA-1,
 * SHA-256, SHA-512, 8 digits), base32 against RFC 4648 section 10, the code
 * window and replay rule, otpauth URIs, QR SVGs, who must use two-factor */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/gateway/totp.c"

/* Unit tests link libcarelink only; the gateway's own libraries (nettle
 * for HMAC-SHA1, libqrencode) are opened at run time and the few functions
 * totp.c calls are forwarded to them. */
static void *lib_open(const char *a, const char *b)
{
	void *h = dlopen(a, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen(b, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "cannot open %s: %s\n", a, dlerror());
		abort();
	}
	return h;
}

static void *sym(void *lib, const char *name)
{
	void *f = dlsym(lib, name);
	if (!f) {
		fprintf(stderr, "no %s: %s\n", name, dlerror());
		abort();
	}
	return f;
}

static void *nettle_lib(void)
{
	static void *h;
	if (!h)
		h = lib_open("libnettle.so.8", "libnettle.so");
	return h;
}

static void *qrencode_lib(void)
{
	static void *h;
	if (!h)
		h = lib_open("libqrencode.so.4", "libqrencode.so");
	return h;
}

void nettle_hmac_sha1_set_key(struct hmac_sha1_ctx *ctx, size_t len, const uint8_t *key)
{
	void (*f)(struct hmac_sha1_ctx *, size_t, const uint8_t *) =
		(void (*)(struct hmac_sha1_ctx *, size_t, const uint8_t *))sym(
			nettle_lib(), "nettle_hmac_sha1_set_key");
	f(ctx, len, key);
}

void nettle_hmac_sha1_update(struct hmac_sha1_ctx *ctx, size_t len, const uint8_t *data)
{
	void (*f)(struct hmac_sha1_ctx *, size_t, const uint8_t *) =
		(void (*)(struct hmac_sha1_ctx *, size_t, const uint8_t *))sym(
			nettle_lib(), "nettle_hmac_sha1_update");
	f(ctx, len, data);
}

void nettle_hmac_sha1_digest(struct hmac_sha1_ctx *ctx, size_t len, uint8_t *digest)
{
	void (*f)(struct hmac_sha1_ctx *, size_t, uint8_t *) =
		(void (*)(struct hmac_sha1_ctx *, size_t, uint8_t *))sym(
			nettle_lib(), "nettle_hmac_sha1_digest");
	f(ctx, len, digest);
}

QRcode *QRcode_encodeString(const char *s, int version, QRecLevel level, QRencodeMode hint,
			    int cs)
{
	QRcode *(*f)(const char *, int, QRecLevel, QRencodeMode, int) =
		(QRcode * (*)(const char *, int, QRecLevel, QRencodeMode, int))
			sym(qrencode_lib(), "QRcode_encodeString");
	return f(s, version, level, hint, cs);
}

void QRcode_free(QRcode *q)
{
	void (*f)(QRcode *) = (void (*)(QRcode *))sym(qrencode_lib(), "QRcode_free");
	f(q);
}

/* ---------------------------------------------------------------- RFC 4226 */

static const uint8_t rfc_seed20[] = "12345678901234567890";
static const uint8_t rfc_seed32[] = "12345678901234567890123456789012";
static const uint8_t rfc_seed64[] =
	"1234567890123456789012345678901234567890123456789012345678901234";

static void test_hotp_rfc4226(void **state)
{
	(void)state;
	static const char *const want[10] = {"755224", "287082", "359152", "969429", "338314",
					     "254676", "287922", "162583", "399871", "520489"};
	for (uint64_t c = 0; c < 10; c++) {
		char got[7];
		gw_hotp_format(gw_hotp(GW_TOTP_SHA1, rfc_seed20, 20, c, 6), 6, got);
		assert_string_equal(got, want[c]);
	}
}

/* ---------------------------------------------------------------- RFC 6238 */

static const struct totp_vector {
	int64_t time;
	uint64_t step; /* T, as the RFC's table lists it in hex */
	enum gw_totp_alg alg;
	const char *code;
} rfc6238[] = {
	{59LL, 0x1, GW_TOTP_SHA1, "94287082"},
	{59LL, 0x1, GW_TOTP_SHA256, "46119246"},
	{59LL, 0x1, GW_TOTP_SHA512, "90693936"},
	{1111111109LL, 0x23523EC, GW_TOTP_SHA1, "07081804"},
	{1111111109LL, 0x23523EC, GW_TOTP_SHA256, "68084774"},
	{1111111109LL, 0x23523EC, GW_TOTP_SHA512, "25091201"},
	{1111111111LL, 0x23523ED, GW_TOTP_SHA1, "14050471"},
	{1111111111LL, 0x23523ED, GW_TOTP_SHA256, "67062674"},
	{1111111111LL, 0x23523ED, GW_TOTP_SHA512, "99943326"},
	{1234567890LL, 0x273EF07, GW_TOTP_SHA1, "89005924"},
	{1234567890LL, 0x273EF07, GW_TOTP_SHA256, "91819424"},
	{1234567890LL, 0x273EF07, GW_TOTP_SHA512, "93441116"},
	{2000000000LL, 0x3F940AA, GW_TOTP_SHA1, "69279037"},
	{2000000000LL, 0x3F940AA, GW_TOTP_SHA256, "90698825"},
	{2000000000LL, 0x3F940AA, GW_TOTP_SHA512, "38618901"},
	{20000000000LL, 0x27BC86AA, GW_TOTP_SHA1, "65353130"},
	{20000000000LL, 0x27BC86AA, GW_TOTP_SHA256, "77737706"},
	{20000000000LL, 0x27BC86AA, GW_TOTP_SHA512, "47863826"},
};

static void test_totp_rfc6238(void **state)
{
	(void)state;
	assert_int_equal(sizeof rfc6238 / sizeof rfc6238[0], 18);
	for (size_t i = 0; i < sizeof rfc6238 / sizeof rfc6238[0]; i++) {
		const struct totp_vector *v = &rfc6238[i];
		const uint8_t *seed = v->alg == GW_TOTP_SHA1     ? rfc_seed20
				      : v->alg == GW_TOTP_SHA256 ? rfc_seed32
								 : rfc_seed64;
		size_t len = v->alg == GW_TOTP_SHA1 ? 20 : v->alg == GW_TOTP_SHA256 ? 32 : 64;
		int64_t step = gw_totp_step(v->time, 30);
		assert_int_equal(step, (int64_t)v->step);
		char got[9];
		gw_hotp_format(gw_hotp(v->alg, seed, len, (uint64_t)step, 8), 8, got);
		if (strcmp(got, v->code))
			fail_msg("vector %zu (time %lld): got %s, want %s", i, (long long)v->time,
				 got, v->code);
	}
}

/* ---------------------------------------------------------------- codes */

static void code_at(int64_t step, char out[7])
{
	gw_hotp_format(gw_hotp(GW_TOTP_SHA1, rfc_seed20, 20, (uint64_t)step, 6), 6, out);
}

static void test_match_window_and_replay(void **state)
{
	(void)state;
	const int64_t now = 1111111111; /* step 37037037, 1 s into it */
	const int64_t s = now / 30;
	char c[7];
	code_at(s, c);
	assert_int_equal(gw_totp_match(rfc_seed20, 20, c, now, -1), s);
	/* the same step again: a replay */
	assert_int_equal(gw_totp_match(rfc_seed20, 20, c, now, s), -1);
	/* one step either side is accepted, two are not */
	code_at(s - 1, c);
	assert_int_equal(gw_totp_match(rfc_seed20, 20, c, now, -1), s - 1);
	assert_int_equal(gw_totp_match(rfc_seed20, 20, c, now, s - 1), -1);
	code_at(s + 1, c);
	assert_int_equal(gw_totp_match(rfc_seed20, 20, c, now, s), s + 1);
	code_at(s - 2, c);
	assert_int_equal(gw_totp_match(rfc_seed20, 20, c, now, -1), -1);
	code_at(s + 2, c);
	assert_int_equal(gw_totp_match(rfc_seed20, 20, c, now, -1), -1);
	/* an older step is refused once a newer one was used */
	code_at(s - 1, c);
	assert_int_equal(gw_totp_match(rfc_seed20, 20, c, now, s), -1);
}

static void test_match_formats(void **state)
{
	(void)state;
	const int64_t now = 1234567890;
	char c[7], spaced[16];
	code_at(now / 30, c);
	snprintf(spaced, sizeof spaced, "%.3s %.3s", c, c + 3);
	assert_int_equal(gw_totp_match(rfc_seed20, 20, spaced, now, -1), now / 30);
	snprintf(spaced, sizeof spaced, "%.3s-%.3s", c, c + 3);
	assert_int_equal(gw_totp_match(rfc_seed20, 20, spaced, now, -1), now / 30);
	static const char *const bad[] = {"", "12345", "1234567", "12a456", "１２３４５６",
					  "123456\n", "+123456"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(gw_totp_match(rfc_seed20, 20, bad[i], now, -1), -1);
	/* a wrong code of the right shape */
	char wrong[7];
	memcpy(wrong, c, sizeof wrong);
	wrong[0] = (char)(wrong[0] == '9' ? '0' : wrong[0] + 1);
	int64_t got = gw_totp_match(rfc_seed20, 20, wrong, now, -1);
	char prev[7], next[7];
	code_at(now / 30 - 1, prev);
	code_at(now / 30 + 1, next);
	if (strcmp(wrong, prev) && strcmp(wrong, next))
		assert_int_equal(got, -1);
}

static void test_hotp_format_pads(void **state)
{
	(void)state;
	char out[9];
	gw_hotp_format(42, 6, out);
	assert_string_equal(out, "000042");
	gw_hotp_format(7081804, 8, out);
	assert_string_equal(out, "07081804");
}

/* ---------------------------------------------------------------- base32 */

static const struct {
	const char *plain, *b32;
} rfc4648[] = {
	{"", ""},
	{"f", "MY======"},
	{"fo", "MZXQ===="},
	{"foo", "MZXW6==="},
	{"foob", "MZXW6YQ="},
	{"fooba", "MZXW6YTB"},
	{"foobar", "MZXW6YTBOI======"},
};

static void test_base32_rfc4648(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
		const char *p = rfc4648[i].plain, *b = rfc4648[i].b32;
		char enc[64];
		size_t n = gw_base32_encode((const uint8_t *)p, strlen(p), enc, sizeof enc, true);
		assert_int_equal(n, strlen(b));
		assert_string_equal(enc, b);

		uint8_t dec[64];
		long m = gw_base32_decode(b, dec, sizeof dec);
		assert_int_equal(m, (long)strlen(p));
		assert_memory_equal(dec, p, strlen(p));

		/* without padding and in lower case, as people type secrets */
		char bare[64];
		size_t k = 0;
		for (const char *q = b; *q && *q != '='; q++)
			bare[k++] = (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q);
		bare[k] = '\0';
		m = gw_base32_decode(bare, dec, sizeof dec);
		assert_int_equal(m, (long)strlen(p));
		assert_memory_equal(dec, p, strlen(p));
		n = gw_base32_encode((const uint8_t *)p, strlen(p), enc, sizeof enc, false);
		assert_int_equal(n, k);
	}
}

static void test_base32_refuses(void **state)
{
	(void)state;
	uint8_t out[16];
	static const char *const bad[] = {"M", "MZX", "MZXW6Y", "MY=A", "MZ1Q", "MZ8Q", "MZXQ!"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(gw_base32_decode(bad[i], out, sizeof out), -1);
	/* too small a buffer */
	assert_int_equal(gw_base32_decode("MZXW6YTBOI", out, 3), -1);
	char small[8];
	assert_int_equal(gw_base32_encode((const uint8_t *)"foobar", 6, small, sizeof small, true),
			 0);
}

static void test_new_secret(void **state)
{
	(void)state;
	char a[GW_TOTP_SECRET_B32], b[GW_TOTP_SECRET_B32];
	gw_totp_new_secret(a);
	gw_totp_new_secret(b);
	assert_int_equal(strlen(a), 32);
	assert_string_not_equal(a, b);
	uint8_t key[32];
	assert_int_equal(gw_base32_decode(a, key, sizeof key), GW_TOTP_SECRET_BYTES);
}

/* ---------------------------------------------------------------- enrolment */

static void test_uri(void **state)
{
	(void)state;
	char *uri = gw_totp_uri("sato@demo.carelink.jp", "JBSWY3DPEHPK3PXP");
	assert_string_equal(uri, "otpauth://totp/carelink:sato%40demo.carelink.jp"
				 "?secret=JBSWY3DPEHPK3PXP&issuer=carelink&algorithm=SHA1"
				 "&digits=6&period=30");
	free(uri);
	uri = gw_totp_uri("a b&c?@x.jp", "AAAA");
	assert_non_null(strstr(uri, "carelink:a%20b%26c%3F%40x.jp?secret=AAAA&"));
	free(uri);
}

static void test_svg_modules(void **state)
{
	(void)state;
	/* a 3x3 square: dark top row, one dark module in the middle */
	const unsigned char m[9] = {1, 1, 1, 0, 1, 0, 0, 0, 0};
	char *svg = gw_qr_svg_modules(3, m);
	assert_non_null(strstr(svg, "viewBox=\"0 0 11 11\""));
	assert_non_null(strstr(svg, " d=\"M4 4h3v1h-3zM5 5h1v1h-1z\""));
	assert_int_equal(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), 0);
	assert_string_equal(svg + strlen(svg) - 6, "</svg>");
	free(svg);
}

static void test_qr_svg(void **state)
{
	(void)state;
	char *uri = gw_totp_uri("sato@demo.carelink.jp", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
	char *svg = gw_qr_svg(uri);
	assert_non_null(svg);
	/* version 5 or 6 for ~130 bytes at level M: 37 or 41 modules + 8 */
	int size = 0;
	assert_int_equal(sscanf(strstr(svg, "viewBox=\"0 0 "), "viewBox=\"0 0 %d", &size), 1);
	assert_true(size >= 21 + 8 && size <= 177 + 8);
	assert_int_equal((size - 8 - 17) % 4, 0); /* QR widths are 17 + 4 * version */
	/* the three finder patterns: 7 dark modules in a row at (4,4) */
	assert_non_null(strstr(svg, "M4 4h7v1h-7z"));
	free(svg);
	free(uri);
}

/* ---------------------------------------------------------------- who must */

static void test_required(void **state)
{
	(void)state;
	struct cl_cfg cfg;
	cl_cfg_init(&cfg);
	struct cl_identity id;
	memset(&id, 0, sizeof id);
	strcpy(id.profession, "care_manager");
	strcpy(id.roles[id.n_roles++], "member");
	assert_false(gw_totp_required(&cfg, &id));
	strcpy(id.profession, "doctor");
	assert_true(gw_totp_required(&cfg, &id));
	strcpy(id.profession, "firefighter");
	assert_true(gw_totp_required(&cfg, &id));
	strcpy(id.profession, "doc"); /* whole names only */
	assert_false(gw_totp_required(&cfg, &id));
	strcpy(id.roles[id.n_roles++], "tenant_admin");
	assert_true(gw_totp_required(&cfg, &id));

	cl_cfg_set(&cfg, "auth.totp_required_roles", "privacy_officer");
	cl_cfg_set(&cfg, "auth.totp_required_professions", " pharmacist , doctor ");
	assert_false(gw_totp_required(&cfg, &id));
	strcpy(id.profession, "pharmacist");
	assert_true(gw_totp_required(&cfg, &id));
	cl_cfg_set(&cfg, "auth.totp_required_professions", "");
	assert_false(gw_totp_required(&cfg, &id));
	cl_cfg_release(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotp_rfc4226),
		cmocka_unit_test(test_totp_rfc6238),
		cmocka_unit_test(test_match_window_and_replay),
		cmocka_unit_test(test_match_formats),
		cmocka_unit_test(test_hotp_format_pads),
		cmocka_unit_test(test_base32_rfc4648),
		cmocka_unit_test(test_base32_refuses),
		cmocka_unit_test(test_new_secret),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_svg_modules),
		cmocka_unit_test(test_qr_svg),
		cmocka_unit_test(test_required),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_identity.c - signed identity header: round trip, forgery, expiry, malformed input */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "carelink/err.h"
#include "carelink/identity.h"

#define NOW ((time_t)1795000000)

static const char key_hex[] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const char other_key_hex[] =
	"ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

static unsigned char key[CL_IDENTITY_KEY_BYTES];
static unsigned char other_key[CL_IDENTITY_KEY_BYTES];

static int setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	if (cl_identity_key_parse(key_hex, key) != 0 ||
	    cl_identity_key_parse(other_key_hex, other_key) != 0)
		return -1;
	return 0;
}

static void sample(struct cl_identity *id)
{
	memset(id, 0, sizeof(*id));
	strcpy(id->user, "u-0001");
	strcpy(id->organisation, "org-kita-hokatsu");
	strcpy(id->profession, "care_manager");
	strcpy(id->tenant, "city-01");
	strcpy(id->name, "山田 花子 \"はなこ\"");
	strcpy(id->roles[0], "member");
	strcpy(id->roles[1], "space_admin");
	id->n_roles = 2;
	id->expires = NOW + 300;
}

static char *sign_sample(void)
{
	struct cl_identity id;
	char *hdr = NULL;

	sample(&id);
	assert_int_equal(cl_identity_sign(&id, key, &hdr), 0);
	assert_non_null(hdr);
	return hdr;
}

/* A header whose MAC is valid for an arbitrary payload text: checks what
 * verification does with well-signed but ill-formed content. */
static char *forge(const char *json, const unsigned char *k)
{
	size_t jl = strlen(json);
	size_t b64 = sodium_base64_ENCODED_LEN(jl, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	size_t macb64 = sodium_base64_ENCODED_LEN(crypto_auth_hmacsha256_BYTES,
						  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char *out = malloc(b64 + macb64 + 1);
	size_t pl;

	assert_non_null(out);
	sodium_bin2base64(out, b64, (const unsigned char *)json, jl,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	pl = strlen(out);
	crypto_auth_hmacsha256(mac, (const unsigned char *)out, pl, k);
	out[pl] = '.';
	sodium_bin2base64(out + pl + 1, macb64, mac, sizeof(mac),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

static void test_key_parse(void **state)
{
	unsigned char k[CL_IDENTITY_KEY_BYTES];
	static const char *const bad[] = {
		"",
		"00",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00",
		"zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"00 102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	};

	assert_int_equal(cl_identity_key_parse(key_hex, k), 0);
	assert_int_equal(k[0], 0x00);
	assert_int_equal(k[31], 0x1f);
	assert_int_equal(cl_identity_key_parse(
		"FF0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", k), 0);
	assert_int_equal(k[0], 0xff);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cl_identity_key_parse(bad[i], k) != CL_EINVAL)
			fail_msg("accepted key \"%s\"", bad[i]);
}

static void test_round_trip(void **state)
{
	struct cl_identity want, got;
	char *hdr = sign_sample();

	sample(&want);
	assert_int_equal(cl_identity_verify(hdr, key, NOW, &got), 0);
	assert_string_equal(got.user, want.user);
	assert_string_equal(got.organisation, want.organisation);
	assert_string_equal(got.profession, want.profession);
	assert_string_equal(got.tenant, want.tenant);
	assert_string_equal(got.name, want.name);
	assert_int_equal(got.n_roles, 2);
	assert_string_equal(got.roles[0], "member");
	assert_string_equal(got.roles[1], "space_admin");
	assert_int_equal(got.expires, NOW + 300);
	/* header values must be plain token characters */
	assert_null(strpbrk(hdr, " \t\r\n=+/"));
	free(hdr);
}

static void test_payload_is_documented_json(void **state)
{
	char *hdr = sign_sample();
	char *dot = strchr(hdr, '.');
	unsigned char json[2048];
	size_t len = 0;

	assert_non_null(dot);
	assert_int_equal(sodium_base642bin(json, sizeof(json) - 1, hdr, (size_t)(dot - hdr),
					   NULL, &len, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	json[len] = '\0';
	assert_string_equal((char *)json,
		"{\"u\":\"u-0001\",\"o\":\"org-kita-hokatsu\",\"p\":\"care_manager\","
		"\"r\":[\"member\",\"space_admin\"],\"t\":\"city-01\","
		"\"n\":\"山田 花子 \\\"はなこ\\\"\",\"on\":\"\",\"exp\":1795000300}");
	free(hdr);
}

static void test_tampered_payload(void **state)
{
	struct cl_identity got;
	char *hdr = sign_sample();

	/* flip one character in the payload, and try every position */
	for (char *p = hdr; *p != '.'; p++) {
		char saved = *p;

		*p = saved == 'A' ? 'B' : 'A';
		if (cl_identity_verify(hdr, key, NOW, &got) != CL_EAUTH)
			fail_msg("accepted payload tampered at %td", p - hdr);
		assert_string_equal(got.user, "");
		*p = saved;
	}
	assert_int_equal(cl_identity_verify(hdr, key, NOW, &got), 0);
	free(hdr);
}

static void test_payload_swapped_for_other_identity(void **state)
{
	struct cl_identity id, got;
	char *a = sign_sample(), *b = NULL, *mix;
	char *adot, *bdot;

	sample(&id);
	strcpy(id.user, "u-0002");
	assert_int_equal(cl_identity_sign(&id, key, &b), 0);
	adot = strchr(a, '.');
	bdot = strchr(b, '.');
	/* payload of b with the MAC of a */
	mix = malloc(strlen(a) + strlen(b) + 1);
	assert_non_null(mix);
	sprintf(mix, "%.*s%s", (int)(bdot - b), b, adot);
	assert_int_equal(cl_identity_verify(mix, key, NOW, &got), CL_EAUTH);
	free(mix);
	free(a);
	free(b);
}

static void test_tampered_mac(void **state)
{
	struct cl_identity got;
	char *hdr = sign_sample();
	char *mac = strchr(hdr, '.') + 1;

	for (char *p = mac; *p; p++) {
		char saved = *p;

		*p = saved == 'A' ? 'B' : 'A';
		if (cl_identity_verify(hdr, key, NOW, &got) != CL_EAUTH)
			fail_msg("accepted MAC tampered at %td", p - mac);
		*p = saved;
	}
	free(hdr);
}

static void test_wrong_key(void **state)
{
	struct cl_identity got;
	char *hdr = sign_sample();

	assert_int_equal(cl_identity_verify(hdr, other_key, NOW, &got), CL_EAUTH);
	free(hdr);
}

static void test_expiry(void **state)
{
	struct cl_identity got;
	char *hdr = sign_sample();

	assert_int_equal(cl_identity_verify(hdr, key, NOW + 299, &got), 0);
	assert_int_equal(cl_identity_verify(hdr, key, NOW + 300, &got), CL_EAUTH);
	assert_int_equal(cl_identity_verify(hdr, key, NOW + 86400, &got), CL_EAUTH);
	free(hdr);
}

static void test_missing(void **state)
{
	struct cl_identity got;

	memset(&got, 'x', sizeof(got));
	assert_int_equal(cl_identity_verify(NULL, key, NOW, &got), CL_EAUTH);
	assert_string_equal(got.user, "");
	assert_int_equal(got.n_roles, 0);
}

static void test_malformed(void **state)
{
	struct cl_identity got;
	char *huge = malloc(1 << 20);
	char *hdr = sign_sample();
	char *two_dots = malloc(strlen(hdr) + 3);
	char *no_dot = strdup(hdr);
	static const char *const cases[] = {
		"",
		".",
		"..",
		"abc",
		"abc.",
		".abc",
		"!!!!.????",
		"eyJ1IjoidSJ9.not-a-mac",
		"eyJ1IjoidSJ9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"e30=.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};

	assert_non_null(huge);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cl_identity_verify(cases[i], key, NOW, &got) != CL_EAUTH)
			fail_msg("accepted \"%s\"", cases[i]);

	memset(huge, 'A', (1 << 20) - 1);
	huge[(1 << 20) / 2] = '.';
	huge[(1 << 20) - 1] = '\0';
	assert_int_equal(cl_identity_verify(huge, key, NOW, &got), CL_EAUTH);
	for (size_t i = 0; i < (1 << 20) - 1; i++)
		huge[i] = (char)(1 + (i * 131) % 255);
	assert_int_equal(cl_identity_verify(huge, key, NOW, &got), CL_EAUTH);

	/* a valid header with extra characters */
	sprintf(two_dots, "%s.x", hdr);
	assert_int_equal(cl_identity_verify(two_dots, key, NOW, &got), CL_EAUTH);
	sprintf(two_dots, "%s ", hdr);
	assert_int_equal(cl_identity_verify(two_dots, key, NOW, &got), CL_EAUTH);
	*strchr(no_dot, '.') = 'A';
	assert_int_equal(cl_identity_verify(no_dot, key, NOW, &got), CL_EAUTH);

	free(no_dot);
	free(two_dots);
	free(hdr);
	free(huge);
}

#define LONG127 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define LONG128 LONG127 "x"

/* Payloads with a valid MAC: each must be accepted or rejected as listed. */
static const struct payload_case {
	const char *json;
	int want;
} payload_cases[] = {
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100}", 0 },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"r\":[],\"t\":\"d\",\"n\":\"\",\"exp\":1795000100}", 0 },
	{ "{\"u\":\"" LONG127 "\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100}", 0 },
	/* each required field missing in turn */
	{ "{\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"t\":\"d\",\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\"}", CL_EAUTH },
	/* wrong types */
	{ "{\"u\":1,\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":\"1795000100\"}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100.5}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"r\":\"admin\",\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"r\":[1],\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"n\":null,\"exp\":1795000100}", CL_EAUTH },
	/* empty user or tenant */
	{ "{\"u\":\"\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"\",\"exp\":1795000100}", CL_EAUTH },
	/* too long */
	{ "{\"u\":\"" LONG128 "\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"n\":\"" LONG128 "\",\"exp\":1795000100}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"r\":[\"" LONG128 "\"],\"exp\":1795000100}", CL_EAUTH },
	/* an embedded NUL would let "admin\u0000x" pass for "admin" */
	{ "{\"u\":\"a\\u0000b\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100}", CL_EAUTH },
	/* roles: eight fit, nine do not */
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"r\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\"],\"exp\":1795000100}", 0 },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"r\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"],\"exp\":1795000100}", CL_EAUTH },
	/* not an object, unknown or duplicate keys, not JSON at all */
	{ "[\"a\",\"b\"]", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100,\"admin\":true}", CL_EAUTH },
	{ "{\"u\":\"a\",\"u\":\"z\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000100}", CL_EAUTH },
	{ "not json", CL_EAUTH },
	{ "", CL_EAUTH },
	/* expired, or expiring exactly now */
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":1795000000}", CL_EAUTH },
	{ "{\"u\":\"a\",\"o\":\"b\",\"p\":\"c\",\"t\":\"d\",\"exp\":-1}", CL_EAUTH },
};

static void test_payload_checks(void **state)
{
	for (size_t i = 0; i < sizeof(payload_cases) / sizeof(payload_cases[0]); i++) {
		struct cl_identity got;
		char *hdr = forge(payload_cases[i].json, key);
		int rc = cl_identity_verify(hdr, key, NOW, &got);

		if (rc != payload_cases[i].want)
			fail_msg("case %zu: got %d, want %d for %s", i, rc,
				 payload_cases[i].want, payload_cases[i].json);
		free(hdr);
	}
}

static void test_roles(void **state)
{
	struct cl_identity id, got;
	char *hdr = NULL;

	sample(&id);
	id.n_roles = CL_IDENTITY_MAX_ROLES;
	for (size_t i = 0; i < CL_IDENTITY_MAX_ROLES; i++)
		snprintf(id.roles[i], sizeof(id.roles[i]), "role-%zu", i);
	assert_int_equal(cl_identity_sign(&id, key, &hdr), 0);
	assert_int_equal(cl_identity_verify(hdr, key, NOW, &got), 0);
	assert_int_equal(got.n_roles, CL_IDENTITY_MAX_ROLES);
	assert_true(cl_identity_has_role(&got, "role-0"));
	assert_true(cl_identity_has_role(&got, "role-7"));
	assert_false(cl_identity_has_role(&got, "role-8"));
	assert_false(cl_identity_has_role(&got, "role"));
	assert_false(cl_identity_has_role(&got, "role-00"));
	assert_false(cl_identity_has_role(&got, ""));
	free(hdr);

	id.n_roles = 0;
	assert_int_equal(cl_identity_sign(&id, key, &hdr), 0);
	assert_int_equal(cl_identity_verify(hdr, key, NOW, &got), 0);
	assert_int_equal(got.n_roles, 0);
	assert_false(cl_identity_has_role(&got, "role-0"));
	free(hdr);

	/* more roles than the struct can carry */
	id.n_roles = CL_IDENTITY_MAX_ROLES + 1;
	hdr = (char *)"sentinel";
	assert_int_equal(cl_identity_sign(&id, key, &hdr), CL_EINVAL);
	assert_null(hdr);
}

static void test_sign_rejects_bad_fields(void **state)
{
	struct cl_identity id;
	char *hdr = NULL;

	sample(&id);
	memset(id.organisation, 'o', sizeof(id.organisation)); /* no terminator */
	assert_int_equal(cl_identity_sign(&id, key, &hdr), CL_EINVAL);
	assert_null(hdr);

	sample(&id);
	memset(id.roles[1], 'r', sizeof(id.roles[1]));
	assert_int_equal(cl_identity_sign(&id, key, &hdr), CL_EINVAL);

	sample(&id);
	strcpy(id.name, "bad \xff utf-8");
	assert_int_equal(cl_identity_sign(&id, key, &hdr), CL_EINVAL);

	sample(&id);
	id.tenant[0] = '\0';
	assert_int_equal(cl_identity_sign(&id, key, &hdr), CL_EINVAL);

	/* the longest fields still make a header that verifies */
	sample(&id);
	memset(id.user, '\x01', sizeof(id.user) - 1);
	id.user[sizeof(id.user) - 1] = '\0';
	memset(id.name, '"', sizeof(id.name) - 1);
	id.name[sizeof(id.name) - 1] = '\0';
	for (size_t i = 0; i < CL_IDENTITY_MAX_ROLES; i++) {
		memset(id.roles[i], '\x1f', sizeof(id.roles[i]) - 1);
		id.roles[i][sizeof(id.roles[i]) - 1] = '\0';
	}
	id.n_roles = CL_IDENTITY_MAX_ROLES;
	assert_int_equal(cl_identity_sign(&id, key, &hdr), 0);
	{
		struct cl_identity got;

		assert_int_equal(cl_identity_verify(hdr, key, NOW, &got), 0);
		assert_memory_equal(got.user, id.user, sizeof(id.user));
		assert_memory_equal(got.roles[7], id.roles[7], sizeof(id.roles[7]));
	}
	free(hdr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_payload_is_documented_json),
		cmocka_unit_test(test_tampered_payload),
		cmocka_unit_test(test_payload_swapped_for_other_identity),
		cmocka_unit_test(test_tampered_mac),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_payload_checks),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_sign_rejects_bad_fields),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

/* test_avro_hostile.c - decoding hostile input: bad headers, truncation, trailing bytes, huge length claims, the memory budget, random corruption */
#include "avro_support.h"

static void encode_sample(unsigned char **msg, size_t *len)
{
	json_t *post = sample_post();

	encode_ok("carelink.posts.PostCreated", post, msg, len);
	json_decref(post);
}

static int decode_expect_fail(const void *msg, size_t len)
{
	json_t *out = (json_t *)1;
	const char *name = "x";
	int rc = cl_avro_decode(reg, msg, len, &out, &name);

	assert_true(rc < 0);
	assert_null(out);
	assert_null(name);
	return rc;
}

static void test_decode_rejects_header(void **state)
{
	unsigned char *msg = NULL, *copy;
	size_t len = 0;

	(void)state;
	encode_sample(&msg, &len);
	copy = malloc(len);
	assert_non_null(copy);

	memcpy(copy, msg, len);
	copy[0] = 0xC4;
	assert_int_equal(decode_expect_fail(copy, len), CL_EINVAL);
	memcpy(copy, msg, len);
	copy[1] = 0x02;
	assert_int_equal(decode_expect_fail(copy, len), CL_EINVAL);
	memcpy(copy, msg, len);
	copy[9] ^= 0x40; /* a fingerprint nobody registered */
	assert_int_equal(decode_expect_fail(copy, len), CL_ENOENT);
	assert_int_equal(decode_expect_fail(msg, CL_AVRO_HEADER_LEN - 1), CL_EINVAL);
	assert_int_equal(decode_expect_fail(msg, 0), CL_EINVAL);
	/* right header, no datum */
	assert_int_equal(decode_expect_fail(msg, CL_AVRO_HEADER_LEN), CL_EINVAL);
	free(copy);
	free(msg);
}

static void test_decode_truncated(void **state)
{
	unsigned char *msg = NULL, *copy;
	size_t len = 0;

	(void)state;
	encode_sample(&msg, &len);
	for (size_t n = 0; n < len; n++) {
		/* an exact-size copy, so ASan sees any read past the end */
		copy = malloc(n ? n : 1);
		assert_non_null(copy);
		memcpy(copy, msg, n);
		decode_expect_fail(copy, n);
		free(copy);
	}
	free(msg);
}

static void test_decode_trailing_bytes(void **state)
{
	unsigned char *msg = NULL;
	size_t len = 0;

	(void)state;
	encode_sample(&msg, &len);
	msg = realloc(msg, len + 16);
	assert_non_null(msg);
	memset(msg + len, 0, 16);
	assert_int_equal(decode_expect_fail(msg, len + 1), CL_EINVAL);
	assert_int_equal(decode_expect_fail(msg, len + 16), CL_EINVAL);
	assert_non_null(strstr(cl_avro_last_error(), "follow"));
	free(msg);
}



static void test_decode_huge_claims(void **state)
{
	unsigned char m[64];
	size_t n;

	(void)state;
	/* event_id claims 100 MB and brings 3 bytes */
	n = user_header(m);
	n += put_varint(m + n, 100000000);
	memcpy(m + n, "abc", 3);
	n += 3;
	assert_true(n < 20);
	assert_int_equal(decode_expect_fail(m, n), CL_EINVAL);
	assert_non_null(strstr(cl_avro_last_error(), "100000000"));

	/* a length near INT64_MAX, and a negative one */
	n = user_header(m);
	n += put_varint(m + n, INT64_MAX - 1);
	assert_true(decode_expect_fail(m, n) < 0);
	n = user_header(m);
	n += put_varint(m + n, -5);
	assert_int_equal(decode_expect_fail(m, n), CL_EINVAL);

	/* roles claims 10^12 items and brings none */
	n = user_header(m);
	for (int i = 0; i < 6; i++)
		n += put_varint(m + n, i == 2 ? 1764000000000LL : 0); /* strings empty */
	n += put_varint(m + n, 0); /* display_name */
	n += put_varint(m + n, 1000000000000LL);
	assert_true(decode_expect_fail(m, n) < 0);
	/* the same as a negative block count with a block size */
	n = user_header(m);
	for (int i = 0; i < 7; i++)
		n += put_varint(m + n, i == 2 ? 1764000000000LL : 0);
	n += put_varint(m + n, -1000000000000LL);
	n += put_varint(m + n, 5);
	assert_true(decode_expect_fail(m, n) < 0);
}


static void test_decode_max(void **state)
{
	json_t *user = user_with_roles(2000), *out = NULL;
	unsigned char *msg = NULL;
	size_t len = 0;

	(void)state;
	encode_ok("carelink.identity.UserChanged", user, &msg, &len);
	assert_int_equal(cl_avro_decode(reg, msg, len, &out, NULL), 0);
	json_decref(out);
	cl_avro_set_decode_max(CL_AVRO_DECODE_MAX_MIN);
	assert_int_equal(decode_expect_fail(msg, len), CL_ETOOBIG);
	cl_avro_set_decode_max(1); /* raised to the minimum, not obeyed */
	assert_int_equal(decode_expect_fail(msg, len), CL_ETOOBIG);
	cl_avro_set_decode_max(0);
	assert_int_equal(cl_avro_decode(reg, msg, len, &out, NULL), 0);
	assert_true(json_equal(out, user));
	json_decref(out);
	free(msg);
	json_decref(user);
}

/* Many tiny items cost Avro C far more memory than their bytes: the
 * budget must still let real messages through. */
static void test_decode_many_small_items(void **state)
{
	json_t *user = user_with_roles(50000), *back = NULL;
	unsigned char *msg = NULL;
	size_t len = 0;
	int rc;

	(void)state;
	encode_ok("carelink.identity.UserChanged", user, &msg, &len);
	rc = cl_avro_decode(reg, msg, len, &back, NULL);
	if (rc != 0)
		fail_msg("decode of %zu bytes: %d %s", len, rc, cl_avro_last_error());
	assert_int_equal(json_array_size(json_object_get(back, "roles")), 50000);
	json_decref(back);
	free(msg);
	json_decref(user);

	/* twice as many, over the default 8 MiB cap: refused, and what the
	 * decode held stayed within twice the cap */
	user = user_with_roles(100000);
	encode_ok("carelink.identity.UserChanged", user, &msg, &len);
	assert_int_equal(decode_expect_fail(msg, len), CL_ETOOBIG);
	assert_true(cl__avro_budget_peak() > CL_AVRO_DECODE_MAX_DEFAULT);
	assert_true(cl__avro_budget_peak() <= 2 * CL_AVRO_DECODE_MAX_DEFAULT);
	free(msg);
	json_decref(user);
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_decode_fuzz(void **state)
{
	unsigned char *msgs[3];
	size_t lens[3];
	json_t *samples[3] = { sample_post(), sample_notification(), sample_user() };
	static const char *const names[3] = {
		"carelink.posts.PostCreated",
		"carelink.notifications.NotificationCreated",
		"carelink.identity.UserChanged",
	};
	size_t ok = 0;

	(void)state;
	for (int i = 0; i < 3; i++) {
		encode_ok(names[i], samples[i], &msgs[i], &lens[i]);
		json_decref(samples[i]);
	}
	for (int iter = 0; iter < 20000; iter++) {
		int which = (int)(rng() % 3);
		size_t len = lens[which], cut;
		unsigned char *m = malloc(len + 8);
		json_t *out = NULL;
		int flips = 1 + (int)(rng() % 4);

		assert_non_null(m);
		memcpy(m, msgs[which], len);
		for (int f = 0; f < flips; f++) {
			/* mostly in the datum, where Avro C does the work */
			size_t at = CL_AVRO_HEADER_LEN + rng() % (len - CL_AVRO_HEADER_LEN);

			if (rng() % 8 == 0)
				at = rng() % len;
			if (rng() % 2)
				m[at] ^= (unsigned char)(1u << (rng() % 8));
			else
				m[at] = (unsigned char)rng();
		}
		switch (rng() % 4) {
		case 0:
			cut = rng() % len;
			break;
		case 1:
			cut = len + rng() % 8;
			for (size_t k = len; k < cut; k++)
				m[k] = (unsigned char)rng();
			break;
		default:
			cut = len;
		}
		if (cl_avro_decode(reg, m, cut, &out, NULL) == 0) {
			assert_non_null(out);
			json_decref(out);
			ok++;
		} else {
			assert_null(out);
		}
		free(m);
	}
	print_message("fuzz: %zu of 20000 mutated messages still decoded\n", ok);
	for (int i = 0; i < 3; i++)
		free(msgs[i]);
}

/* Decode under caps from the smallest up to enough: the budget runs out at
 * a different allocation of Avro C each time, and every time the decode
 * must fail cleanly (ASan checks the "cleanly") or succeed. */
static void budget_sweep(const struct cl_avro_registry *r, const unsigned char *msg,
			 size_t len, const json_t *want)
{
	size_t max, refused = 0;
	int rc = CL_ETOOBIG;

	for (max = CL_AVRO_DECODE_MAX_MIN; rc == CL_ETOOBIG; max += 12289) {
		json_t *out = NULL;

		assert_true(max <= CL_AVRO_DECODE_MAX_DEFAULT);
		cl_avro_set_decode_max(max);
		rc = cl_avro_decode(r, msg, len, &out, NULL);
		if (rc == 0) {
			assert_true(json_equal(out, want));
		} else if (rc == CL_ETOOBIG) {
			assert_null(out);
			assert_true(cl__avro_budget_peak() <= 2 * max);
			refused++;
		} else {
			fail_msg("cap %zu: %d %s", max, rc, cl_avro_last_error());
		}
		json_decref(out);
	}
	cl_avro_set_decode_max(0);
	print_message("%zu bytes: refused under %zu caps, decoded with %zu\n", len, refused,
		      max - 12289);
	assert_true(refused > 10);
}

static void test_decode_every_budget(void **state)
{
	char dir[] = "/tmp/carelink-avro-XXXXXX";
	struct cl_avro_registry *r = everything_registry(dir);
	json_t *obj = everything_value(), *user = user_with_roles(20000), *m = json_object();
	unsigned char *msg = NULL;
	size_t len = 0;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		char key[16];

		snprintf(key, sizeof(key), "k%d", i);
		json_object_set_new(m, key, json_integer(i));
	}
	json_object_set_new(obj, "m", m);
	assert_int_equal(cl_avro_encode(r, "test.types.Everything", obj, &msg, &len), 0);
	budget_sweep(r, msg, len, obj);
	free(msg);
	encode_ok("carelink.identity.UserChanged", user, &msg, &len);
	budget_sweep(reg, msg, len, user);
	free(msg);
	json_decref(user);
	json_decref(obj);
	cl_avro_registry_free(r);
}

/* Maps, enums, fixeds and unions under random corruption. */
static void test_decode_fuzz_all_types(void **state)
{
	char dir[] = "/tmp/carelink-avro-XXXXXX";
	struct cl_avro_registry *r = everything_registry(dir);
	json_t *obj = everything_value();
	unsigned char *msg = NULL;
	size_t len = 0, ok = 0;

	(void)state;
	assert_int_equal(cl_avro_encode(r, "test.types.Everything", obj, &msg, &len), 0);
	for (int iter = 0; iter < 20000; iter++) {
		unsigned char *m = malloc(len);
		size_t cut = rng() % 3 ? len : rng() % len;
		json_t *out = NULL;

		assert_non_null(m);
		memcpy(m, msg, len);
		for (int f = 0, flips = 1 + (int)(rng() % 3); f < flips; f++)
			m[CL_AVRO_HEADER_LEN + rng() % (len - CL_AVRO_HEADER_LEN)] = (unsigned char)rng();
		if (cl_avro_decode(r, m, cut, &out, NULL) == 0) {
			assert_non_null(out);
			json_decref(out);
			ok++;
		} else {
			assert_null(out);
		}
		free(m);
	}
	print_message("fuzz: %zu of 20000 mutated messages still decoded\n", ok);
	free(msg);
	json_decref(obj);
	cl_avro_registry_free(r);
}

/* ---- threads ---------------------------------------------------------- */


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_rejects_header),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_trailing_bytes),
		cmocka_unit_test(test_decode_huge_claims),
		cmocka_unit_test(test_decode_max),
		cmocka_unit_test(test_decode_many_small_items),
		cmocka_unit_test(test_decode_fuzz),
		cmocka_unit_test(test_decode_every_budget),
		cmocka_unit_test(test_decode_fuzz_all_types),
	};

	return cmocka_run_group_tests_name("test_avro_hostile", tests, setup, teardown);
}

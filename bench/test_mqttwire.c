/* test_mqttwire.c - the reference subscribers' MQTT packets: what they
 * send byte for byte, and packets split across reads */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "mqttwire.h"

static void test_connect_bytes(void **state)
{
	(void)state;
	static const uint8_t want[] = {0x10, 14, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02,
				       0x02, 0x58, 0, 2, 'a', 'b'};
	uint8_t out[64];
	assert_int_equal(mw_connect(out, sizeof out, "ab", 600), sizeof want);
	assert_memory_equal(out, want, sizeof want);
	assert_int_equal(mw_connect(out, 8, "ab", 600), 0);
}

static void test_subscribe_bytes(void **state)
{
	(void)state;
	static const uint8_t want[] = {0x82, 8, 0, 1, 0, 3, 't', '/', 'x', 0};
	uint8_t out[64];
	assert_int_equal(mw_subscribe(out, sizeof out, 1, "t/x"), sizeof want);
	assert_memory_equal(out, want, sizeof want);
}

struct seen {
	int n;
	int kinds[8];
	char payload[8][32];
};

static void on_packet(void *arg, int kind, int flags, const uint8_t *body, size_t len)
{
	struct seen *s = arg;
	(void)flags;
	assert_true(s->n < 8);
	s->kinds[s->n] = kind;
	s->payload[s->n][0] = '\0';
	if (kind == MW_PUBLISH) {
		const uint8_t *t, *p;
		size_t tl, pl;
		assert_int_equal(mw_publish_parse(body, len, &t, &tl, &p, &pl), 0);
		assert_true(pl < 32);
		memcpy(s->payload[s->n], p, pl);
		s->payload[s->n][pl] = '\0';
	}
	s->n++;
}

/* CONNACK, SUBACK, two PUBLISHes and a PINGRESP in one stream */
static const uint8_t stream[] = {
	0x20, 2, 0, 0,
	0x90, 3, 0, 1, 0,
	0x30, 12, 0, 3, 't', '/', 'x', 'r', 'o', 'u', 'n', 'd', '=', '7',
	0x31, 12, 0, 3, 't', '/', 'x', 'r', 'o', 'u', 'n', 'd', '=', '8',
	0xd0, 0,
};

static void check_seen(const struct seen *s)
{
	assert_int_equal(s->n, 5);
	assert_int_equal(s->kinds[0], MW_CONNACK);
	assert_int_equal(s->kinds[1], MW_SUBACK);
	assert_int_equal(s->kinds[2], MW_PUBLISH);
	assert_string_equal(s->payload[2], "round=7");
	assert_string_equal(s->payload[3], "round=8");
	assert_int_equal(s->kinds[4], 13);
}

static void test_reader_whole_and_bytewise(void **state)
{
	(void)state;
	struct mw_reader r;
	struct seen whole = {0}, bytes = {0};
	mw_reader_init(&r);
	assert_int_equal(mw_reader_feed(&r, stream, sizeof stream, on_packet, &whole), 0);
	check_seen(&whole);
	mw_reader_init(&r);
	for (size_t i = 0; i < sizeof stream; i++)
		assert_int_equal(mw_reader_feed(&r, stream + i, 1, on_packet, &bytes), 0);
	check_seen(&bytes);
}

static void test_reader_rejects_oversized(void **state)
{
	(void)state;
	static const uint8_t big[] = {0x30, 0xff, 0xff, 0x03}; /* 65535 bytes */
	struct mw_reader r;
	struct seen s = {0};
	mw_reader_init(&r);
	assert_int_equal(mw_reader_feed(&r, big, sizeof big, on_packet, &s), -1);
	assert_int_equal(s.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_bytes),
		cmocka_unit_test(test_subscribe_bytes),
		cmocka_unit_test(test_reader_whole_and_bytewise),
		cmocka_unit_test(test_reader_rejects_oversized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_cli_message.c - what `carelink-cli tail` prints for one message:
 * decoded events, undecodable payloads with their reason and raw bytes,
 * tombstones, keys and headers that are not text */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the conversion is internal to the tool: compile it into the test */
#include "../../../tools/cli/message.c"

#define SCHEMA_DIR CL_SOURCE_DIR "/schemas"
#define USER_CHANGED "carelink.identity.UserChanged"

static struct cl_avro_registry *reg;

static int setup(void **state)
{
	(void)state;
	return cl_avro_registry_load(&reg, SCHEMA_DIR) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cl_avro_registry_free(reg);
	return 0;
}

/* A valid UserChanged single-object message; caller frees it. */
static unsigned char *user_changed(size_t *len)
{
	json_t *e = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:[s], s:b}",
			      "event_id", "6f1c1d1e-0000-4000-8000-000000000001",
			      "tenant_id", "midori", "time", (json_int_t)1795000000000,
			      "user_id", "u-1", "organisation_id", "o-1",
			      "profession", "care_manager", "display_name", "田中 花子",
			      "roles", "admin", "active", 1);
	unsigned char *out = NULL;

	assert_non_null(e);
	assert_int_equal(cl_avro_encode(reg, USER_CHANGED, e, &out, len), 0);
	json_decref(e);
	return out;
}

static struct cli_message message(const void *payload, size_t len)
{
	struct cli_message m = {
		.topic = "carelink.identity",
		.partition = 4,
		.offset = 17,
		.key = "u-1",
		.key_len = 3,
		.timestamp = 1795000000123,
		.payload = payload,
		.len = len,
	};
	return m;
}

static const char *str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void decodes_an_event(void **state)
{
	size_t len;
	unsigned char *p = user_changed(&len);
	struct cli_header h[] = {
		{ "ce_type", USER_CHANGED, strlen(USER_CHANGED) },
		{ "content-type", "application/avro", 16 },
	};
	struct cli_message m = message(p, len);
	json_t *o;

	(void)state;
	m.headers = h;
	m.n_headers = 2;
	o = cli_message_json(reg, &m);
	assert_string_equal(str(o, "topic"), "carelink.identity");
	assert_int_equal(json_integer_value(json_object_get(o, "partition")), 4);
	assert_int_equal(json_integer_value(json_object_get(o, "offset")), 17);
	assert_string_equal(str(o, "key"), "u-1");
	assert_int_equal(json_integer_value(json_object_get(o, "timestamp")), 1795000000123);
	assert_string_equal(str(json_object_get(o, "headers"), "ce_type"), USER_CHANGED);
	assert_string_equal(str(o, "type"), USER_CHANGED);
	assert_string_equal(str(json_object_get(o, "value"), "display_name"), "田中 花子");
	assert_null(json_object_get(o, "error"));
	assert_null(json_object_get(o, "raw"));
	/* the keys come in the documented order */
	{
		static const char *const order[] = { "topic", "partition", "offset", "key",
						     "timestamp", "headers", "type", "value" };
		size_t i = 0;
		const char *k;
		json_t *v;

		json_object_foreach(o, k, v) {
			assert_true(i < sizeof order / sizeof order[0]);
			assert_string_equal(k, order[i++]);
		}
	}
	json_decref(o);
	free(p);
}

/* the fingerprint printed by `schemas` is the one a hex dump of a message shows */
static void fingerprint_reads_like_the_message(void **state)
{
	size_t len;
	unsigned char *p = user_changed(&len);
	struct cl_avro_schema_info info;
	char hex[17], dump[17];

	(void)state;
	assert_int_equal(cl_avro_registry_find(reg, USER_CHANGED, &info), 0);
	for (int i = 0; i < 8; i++)
		snprintf(dump + 2 * i, 3, "%02x", p[2 + i]);
	assert_string_equal(cli_fingerprint_hex(info.fingerprint, hex), dump);
	assert_string_equal(cli_fingerprint_hex(0x0807060504030201u, hex), "0102030405060708");
	free(p);
}

static void unknown_fingerprint_keeps_raw_bytes(void **state)
{
	static const unsigned char p[] = { 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 'z' };
	struct cli_message m = message(p, sizeof p);
	json_t *o = cli_message_json(reg, &m);

	(void)state;
	assert_true(json_is_null(json_object_get(o, "value")));
	assert_true(json_is_null(json_object_get(o, "type")));
	assert_string_equal(str(o, "error"), "no schema with fingerprint 0102030405060708");
	assert_string_equal(str(o, "raw"), "wwEBAgMEBQYHCHo=");
	json_decref(o);
}

/* a broken datum of a known schema: the type is named, nothing crashes */
static void malformed_datum_names_its_type(void **state)
{
	size_t len;
	unsigned char *p = user_changed(&len);
	/* cases: cut inside the datum; a string claiming about 2^62 bytes */
	size_t cut = CL_AVRO_HEADER_LEN + 5;
	unsigned char huge[CL_AVRO_HEADER_LEN + 10];

	(void)state;
	memcpy(huge, p, CL_AVRO_HEADER_LEN);
	memset(huge + CL_AVRO_HEADER_LEN, 0xfe, 9);
	huge[CL_AVRO_HEADER_LEN + 9] = 0x7f;
	const struct { const void *p; size_t len; } cases[] = {
		{ p, cut },
		{ huge, sizeof huge },
		{ p, CL_AVRO_HEADER_LEN },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cli_message m = message(cases[i].p, cases[i].len);
		json_t *o = cli_message_json(reg, &m);

		assert_string_equal(str(o, "type"), USER_CHANGED);
		assert_true(json_is_null(json_object_get(o, "value")));
		assert_non_null(strstr(str(o, "error"), USER_CHANGED));
		assert_non_null(json_object_get(o, "raw"));
		json_decref(o);
	}
	free(p);
}

/* carelink.alerts.cap carries CAP XML, announced by its content-type */
static void other_content_type_is_explained(void **state)
{
	static const char xml[] = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>";
	struct cli_header h[] = { { "content-type", "application/cap+xml", 19 } };
	struct cli_message m = message(xml, strlen(xml));
	json_t *o;

	(void)state;
	m.headers = h;
	m.n_headers = 1;
	o = cli_message_json(reg, &m);
	assert_string_equal(str(o, "error"), "not avro: content-type \"application/cap+xml\"");
	assert_true(json_is_null(json_object_get(o, "value")));
	assert_true(json_is_null(json_object_get(o, "type")));
	json_decref(o);
}

/* a compacted topic's deletion marker is not an error */
static void tombstone_has_no_error(void **state)
{
	struct cli_message m = message(NULL, 0);
	json_t *o = cli_message_json(reg, &m);

	(void)state;
	assert_true(json_is_null(json_object_get(o, "value")));
	assert_true(json_is_null(json_object_get(o, "type")));
	assert_null(json_object_get(o, "error"));
	assert_null(json_object_get(o, "raw"));
	json_decref(o);
}

static void binary_key_and_headers(void **state)
{
	static const unsigned char key[] = { 0xff, 0xfe };
	struct cli_header h[] = {
		{ "ce_id", "first", 5 },
		{ "trace", NULL, 0 },
		{ "bin", "\xc3\x28", 2 },
		{ "ce_id", "second", 6 },
	};
	struct cli_message m = message(NULL, 0);
	json_t *o, *hdrs;

	(void)state;
	m.key = key;
	m.key_len = sizeof key;
	m.timestamp = -1;
	m.headers = h;
	m.n_headers = 4;
	o = cli_message_json(reg, &m);
	assert_string_equal(str(json_object_get(o, "key"), "base64"), "//4=");
	assert_true(json_is_null(json_object_get(o, "timestamp")));
	hdrs = json_object_get(o, "headers");
	assert_int_equal(json_object_size(hdrs), 3);
	assert_string_equal(str(hdrs, "ce_id"), "second");
	assert_true(json_is_null(json_object_get(hdrs, "trace")));
	assert_string_equal(str(json_object_get(hdrs, "bin"), "base64"), "wyg=");
	json_decref(o);

	m.key = NULL;
	o = cli_message_json(reg, &m);
	assert_true(json_is_null(json_object_get(o, "key")));
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_an_event),
		cmocka_unit_test(fingerprint_reads_like_the_message),
		cmocka_unit_test(unknown_fingerprint_keeps_raw_bytes),
		cmocka_unit_test(malformed_datum_names_its_type),
		cmocka_unit_test(other_content_type_is_explained),
		cmocka_unit_test(tombstone_has_no_error),
		cmocka_unit_test(binary_key_and_headers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

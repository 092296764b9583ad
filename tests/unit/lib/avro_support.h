/* avro_support.h - what the Avro unit tests share: the schemas registry,
 * file helpers and sample events. Included by test_avro*.c only; each test
 * executable uses a part of it. */
#ifndef CARELINK_TEST_AVRO_SUPPORT_H
#define CARELINK_TEST_AVRO_SUPPORT_H
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <avro.h>
#include <jansson.h>

#include "carelink/avro.h"
#include "carelink/err.h"

#define SCHEMA_DIR CL_SOURCE_DIR "/schemas"
#define VECTORS_FILE CL_REFERENCE_DIR "/avro/schema-tests.txt"

static struct cl_avro_registry *reg;

/* Internal to libcarelink (lib/src/avro_alloc.c): the most Avro C memory
 * the calling thread's last decode held. */
size_t cl__avro_budget_peak(void);

/* ---- helpers ---------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 8192;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static json_t *sample_post(void)
{
	json_t *j = json_pack(
		"{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I,"
		" s:{s:[s,s], s:[]}}",
		"event_id", "0b8e3c1e-6f0a-4d8e-9a43-1c2d3e4f5a6b",
		"tenant_id", "city-01",
		"time", (json_int_t)1764000000123LL,
		"post_id", "post-42",
		"space_id", "space-7",
		"space_name", "各機関からのお知らせ",
		"thread_id", "thread-3",
		"thread_title", "Road closures",
		"author_id", "user-9",
		"author_name", "Sato Hanako",
		"author_organisation_id", "org-2",
		"author_organisation_name", "Community general support centre",
		"body", "Route 5 is closed until 17:00.\nUse the river road. \"quoted\" \\ ✓",
		"created_at", (json_int_t)1764000000100LL,
		"audience", "professions", "care_manager", "doctor", "organisations");
	assert_non_null(j);
	json_object_set_new(j, "mentions", json_pack("{s:[s], s:[]}", "users", "user-1",
						     "organisations"));
	json_object_set_new(j, "attachment_count", json_integer(1));
	return j;
}

static json_t *sample_notification(void)
{
	json_t *j = json_pack(
		"{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
		" s:{s:b, s:[s], s:[], s:[s]}, s:s, s:I}",
		"event_id", "7f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b",
		"tenant_id", "city-01",
		"time", (json_int_t)1764000000500LL,
		"notification_id", (json_int_t)9007199254740993LL,
		"kind", "post",
		"title", "New post in Road closures",
		"body", "Route 5 is closed until 17:00.",
		"link", "/spaces/space-7/threads/thread-3#post-42",
		"actor_id", "user-9",
		"actor_name", "Sato Hanako",
		"source_event_id", "0b8e3c1e-6f0a-4d8e-9a43-1c2d3e4f5a6b",
		"audience", "everyone", 0, "users", "user-1", "professions",
		"organisations", "org-5",
		"exclude_user", "user-9",
		"created_at", (json_int_t)1764000000400LL);
	assert_non_null(j);
	json_object_set_new(j, "exclude_users", json_pack("[s]", "user-2"));
	json_object_set_new(j, "subject_id", json_string("post-42"));
	json_object_set_new(j, "space_id", json_string("space-7"));
	json_object_set_new(j, "urgent", json_false());
	json_object_set_new(j, "thread_id", json_string("thread-3"));
	json_object_set_new(j, "app_id", json_null());
	json_object_set_new(j, "patient_id", json_null());
	return j;
}

static json_t *sample_user(void)
{
	json_t *j = json_pack(
		"{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:[s,s], s:b}",
		"event_id", "3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4",
		"tenant_id", "city-01",
		"time", (json_int_t)1764000001000LL,
		"user_id", "user-1",
		"organisation_id", "org-5",
		"profession", "care_manager",
		"display_name", "Suzuki Ichiro",
		"roles", "member", "admin",
		"active", 1);
	assert_non_null(j);
	json_object_set_new(j, "organisation_name", json_string("みどり市地域包括支援センター"));
	return j;
}

static void encode_ok(const char *name, const json_t *obj, unsigned char **out, size_t *len)
{
	int rc = cl_avro_encode(reg, name, obj, out, len);

	if (rc != 0)
		fail_msg("encode %s: %d %s", name, rc, cl_avro_last_error());
	assert_non_null(*out);
	assert_true(*len > CL_AVRO_HEADER_LEN);
}

/* ---- canonical form and fingerprint: the Avro project's vectors ------- */

/* Every Avro type, in a registry of its own. */
static const char everything_avsc[] =
	"{\"type\":\"record\",\"name\":\"Everything\",\"namespace\":\"test.types\",\"fields\":["
	"{\"name\":\"i\",\"type\":\"int\"},"
	"{\"name\":\"l\",\"type\":\"long\"},"
	"{\"name\":\"f\",\"type\":\"float\"},"
	"{\"name\":\"d\",\"type\":\"double\"},"
	"{\"name\":\"b\",\"type\":\"boolean\"},"
	"{\"name\":\"n\",\"type\":\"null\"},"
	"{\"name\":\"s\",\"type\":\"string\"},"
	"{\"name\":\"by\",\"type\":\"bytes\"},"
	"{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"Colour\",\"symbols\":[\"RED\",\"GREEN\"]}},"
	"{\"name\":\"fx\",\"type\":{\"type\":\"fixed\",\"name\":\"Four\",\"size\":4}},"
	"{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"long\"}},"
	"{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Inner\","
	"\"fields\":[{\"name\":\"k\",\"type\":\"string\",\"default\":\"dflt\"}]}}},"
	"{\"name\":\"u\",\"type\":[\"null\",\"int\",\"string\",\"Inner\"]},"
	"{\"name\":\"u2\",\"type\":[\"string\",\"long\"],\"default\":\"x\"},"
	"{\"name\":\"opt\",\"type\":\"Inner\",\"default\":{\"k\":\"d\"}},"
	"{\"name\":\"colour2\",\"type\":\"Colour\",\"default\":\"RED\"}"
	"]}";

static const char everything_json[] =
	"{\"i\":-2147483648,\"l\":9007199254740993,\"f\":1.5,\"d\":-0.25,"
	"\"b\":true,\"n\":null,\"s\":\"h\\u00e9llo \\u2603\","
	"\"by\":\"\\u0000\\u00ff\\u0080a\",\"e\":\"GREEN\",\"fx\":\"ab\\u00fe\\u0001\","
	"\"m\":{\"x\":1,\"y\":-2},\"a\":[{\"k\":\"one\"},{\"k\":\"two\"}],"
	"\"u\":{\"k\":\"in-union\"},\"u2\":12,\"opt\":{\"k\":\"o\"},\"colour2\":\"GREEN\"}";

static struct cl_avro_registry *everything_registry(char *dir)
{
	struct cl_avro_registry *r = NULL;

	assert_non_null(mkdtemp(dir));
	write_file(dir, "Everything.avsc", everything_avsc);
	if (cl_avro_registry_load(&r, dir) != 0)
		fail_msg("load: %s", cl_avro_last_error());
	remove_file(dir, "Everything.avsc");
	assert_int_equal(rmdir(dir), 0);
	return r;
}

static json_t *everything_value(void)
{
	json_error_t jerr;
	json_t *obj = json_loads(everything_json, JSON_ALLOW_NUL, &jerr);

	if (!obj)
		fail_msg("%s", jerr.text);
	return obj;
}

/* ---- main ------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	if (cl_avro_registry_load(&reg, SCHEMA_DIR) != 0) {
		fprintf(stderr, "cannot load %s: %s\n", SCHEMA_DIR, cl_avro_last_error());
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cl_avro_registry_free(reg);
	reg = NULL;
	return 0;
}

static size_t put_varint(unsigned char *p, int64_t v)
{
	uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
	size_t n = 0;

	while (z & ~UINT64_C(0x7f)) {
		p[n++] = (unsigned char)((z & 0x7f) | 0x80);
		z >>= 7;
	}
	p[n++] = (unsigned char)z;
	return n;
}

static size_t user_header(unsigned char *p)
{
	struct cl_avro_schema_info info;

	assert_int_equal(cl_avro_registry_find(reg, "carelink.identity.UserChanged", &info), 0);
	p[0] = 0xC3;
	p[1] = 0x01;
	for (int i = 0; i < 8; i++)
		p[2 + i] = (unsigned char)(info.fingerprint >> (8 * i));
	return CL_AVRO_HEADER_LEN;
}

static json_t *user_with_roles(int n)
{
	json_t *user = sample_user(), *roles = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(roles, json_string(""));
	json_object_set_new(user, "roles", roles);
	return user;
}

#endif

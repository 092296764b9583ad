/* test_avro.c - canonical form, fingerprints, registry and single-object codec of avro.h */
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

struct vector {
	char id[16];
	char *input;
	char *canonical;
	int has_fingerprint;
	int64_t fingerprint;
};

/* Value of a "<<tag value" line, or of a "<<tag" line followed by lines up
 * to one reading "tag". *i is left on the last line consumed. */
static char *heredoc(char **lines, size_t n, size_t *i, const char *tag)
{
	const char *rest = lines[*i] + 2 + strlen(tag);
	size_t cap = 0, len = 0;
	char *val = NULL;

	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest)
		return strdup(rest);
	for ((*i)++; *i < n && strcmp(lines[*i], tag) != 0; (*i)++) {
		size_t l = strlen(lines[*i]);

		if (len + l + 2 > cap) {
			cap = 2 * (len + l + 2);
			val = realloc(val, cap);
			assert_non_null(val);
		}
		if (len)
			val[len++] = '\n';
		memcpy(val + len, lines[*i], l);
		len += l;
		val[len] = '\0';
	}
	return val ? val : strdup("");
}

static size_t load_vectors(struct vector **out)
{
	char *text = read_all(VECTORS_FILE, NULL);
	char **lines = NULL;
	size_t n_lines = 0, n = 0;
	struct vector *v = NULL, *cur = NULL;
	char *save = NULL;

	if (!text)
		fail_msg("cannot read %s: %s", VECTORS_FILE, strerror(errno));
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t ll = strlen(l);

		if (ll && l[ll - 1] == '\r')
			l[ll - 1] = '\0';
		lines = realloc(lines, (n_lines + 1) * sizeof(*lines));
		assert_non_null(lines);
		lines[n_lines++] = l;
	}
	for (size_t i = 0; i < n_lines; i++) {
		const char *l = lines[i];

		if (strncmp(l, "// ", 3) == 0 && l[3] && strspn(l + 3, "0123456789") == strlen(l + 3)) {
			v = realloc(v, (n + 1) * sizeof(*v));
			assert_non_null(v);
			cur = &v[n++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->id, sizeof(cur->id), "%s", l + 3);
		} else if (cur && strncmp(l, "<<INPUT", 7) == 0) {
			cur->input = heredoc(lines, n_lines, &i, "INPUT");
		} else if (cur && strncmp(l, "<<canonical", 11) == 0) {
			cur->canonical = heredoc(lines, n_lines, &i, "canonical");
		} else if (cur && strncmp(l, "<<fingerprint", 13) == 0) {
			char *s = heredoc(lines, n_lines, &i, "fingerprint"), *end;

			errno = 0;
			cur->fingerprint = strtoll(s, &end, 10);
			if (errno || end == s)
				fail_msg("vector %s: bad fingerprint \"%s\"", cur->id, s);
			cur->has_fingerprint = 1;
			free(s);
		}
	}
	free(lines);
	free(text);
	*out = v;
	return n;
}

static void test_reference_vectors(void **state)
{
	struct vector *v = NULL;
	size_t n = load_vectors(&v), with_fp = 0;

	(void)state;
	if (n == 0)
		fail_msg("no test vectors found in %s", VECTORS_FILE);
	for (size_t i = 0; i < n; i++) {
		char *canon = NULL;
		uint64_t fp = 0;

		if (!v[i].input || !v[i].canonical)
			fail_msg("vector %s lacks an input or a canonical form", v[i].id);
		if (cl_avro_canonical_form(v[i].input, &canon) != 0)
			fail_msg("vector %s: %s", v[i].id, cl_avro_last_error());
		if (strcmp(canon, v[i].canonical) != 0)
			fail_msg("vector %s: got %s, want %s", v[i].id, canon, v[i].canonical);
		if (v[i].has_fingerprint) {
			if ((int64_t)cl_avro_crc64(canon, strlen(canon)) != v[i].fingerprint)
				fail_msg("vector %s: fingerprint %lld, want %lld", v[i].id,
					 (long long)(int64_t)cl_avro_crc64(canon, strlen(canon)),
					 (long long)v[i].fingerprint);
			assert_int_equal(cl_avro_fingerprint(v[i].input, &fp), 0);
			assert_true((int64_t)fp == v[i].fingerprint);
			with_fp++;
		}
		free(canon);
		free(v[i].input);
		free(v[i].canonical);
	}
	print_message("checked %zu vectors, %zu with a fingerprint\n", n, with_fp);
	assert_true(with_fp > 0);
	free(v);
}

static void test_crc64_empty(void **state)
{
	(void)state;
	/* The Avro specification: the fingerprint of nothing is EMPTY. */
	assert_true(cl_avro_crc64("", 0) == UINT64_C(0xc15d213aa4d7a795));
	assert_true(cl_avro_crc64("a", 1) != cl_avro_crc64("b", 1));
}

static void expect_canonical(const char *in, const char *want)
{
	char *got = NULL;

	if (cl_avro_canonical_form(in, &got) != 0)
		fail_msg("%s: %s", in, cl_avro_last_error());
	assert_string_equal(got, want);
	free(got);
}

static void test_canonical_rules(void **state)
{
	(void)state;
	/* PRIMITIVES and STRIP: logical types and custom attributes go. */
	expect_canonical("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "\"long\"");
	expect_canonical("{\"type\":\"string\",\"avro.java.string\":\"String\"}", "\"string\"");
	/* STRINGS: escapes become UTF-8. */
	expect_canonical("{\"type\":\"enum\",\"name\":\"\\u0045\",\"symbols\":[\"\\u00e9t\\u00e9\"]}",
			 "{\"name\":\"E\",\"type\":\"enum\",\"symbols\":[\"été\"]}");
	/* FULLNAMES: references are qualified by the enclosing namespace, a
	 * nested namespace applies to what is inside, and "" resets it. */
	expect_canonical(
		"{\"type\":\"record\",\"name\":\"Outer\",\"namespace\":\"n\",\"fields\":["
		"{\"name\":\"a\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"]}},"
		"{\"name\":\"b\",\"type\":\"E\"},"
		"{\"name\":\"c\",\"type\":{\"type\":\"record\",\"name\":\"In\",\"namespace\":\"m\","
		"\"fields\":[{\"name\":\"d\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}}]}},"
		"{\"name\":\"e\",\"type\":\"m.F\"},"
		"{\"name\":\"f\",\"type\":{\"type\":\"record\",\"name\":\"Bare\",\"namespace\":\"\",\"fields\":[]}},"
		"{\"name\":\"g\",\"type\":{\"type\":\"map\",\"values\":\"Bare\"}},"
		"{\"name\":\"h\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"Outer\"}}}]}",
		"{\"name\":\"n.Outer\",\"type\":\"record\",\"fields\":["
		"{\"name\":\"a\",\"type\":{\"name\":\"n.E\",\"type\":\"enum\",\"symbols\":[\"X\"]}},"
		"{\"name\":\"b\",\"type\":\"n.E\"},"
		"{\"name\":\"c\",\"type\":{\"name\":\"m.In\",\"type\":\"record\",\"fields\":["
		"{\"name\":\"d\",\"type\":{\"name\":\"m.F\",\"type\":\"fixed\",\"size\":2}}]}},"
		"{\"name\":\"e\",\"type\":\"m.F\"},"
		"{\"name\":\"f\",\"type\":{\"name\":\"Bare\",\"type\":\"record\",\"fields\":[]}},"
		"{\"name\":\"g\",\"type\":{\"type\":\"map\",\"values\":\"Bare\"}},"
		"{\"name\":\"h\",\"type\":{\"type\":\"array\",\"items\":\"n.Outer\"}}]}");
}

static void test_canonical_invalid(void **state)
{
	static const char *const bad[] = {
		"not json",
		"{\"type\":\"record\",\"fields\":[]}",
		"{\"type\":\"record\",\"name\":\"R\"}",
		"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"x\"}]}",
		"{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[1]}",
		"{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}",
		"{\"type\":\"array\"}",
		"{\"name\":\"x\"}",
		"42",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = (char *)1;

		if (cl_avro_canonical_form(bad[i], &out) != CL_EINVAL)
			fail_msg("accepted %s", bad[i]);
		assert_null(out);
		assert_true(cl_avro_last_error()[0] != '\0');
	}
}

/* ---- registry --------------------------------------------------------- */

static void test_registry_lookup(void **state)
{
	static const char *const names[] = {
		"carelink.posts.PostCreated",
		"carelink.notifications.NotificationCreated",
		"carelink.identity.UserChanged",
	};
	struct cl_avro_schema_info info, again;

	(void)state;
	assert_int_equal(cl_avro_registry_count(reg), 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(cl_avro_registry_find(reg, names[i], &info), 0);
		assert_string_equal(info.full_name, names[i]);
		assert_true(info.fingerprint ==
			    cl_avro_crc64(info.canonical_form, strlen(info.canonical_form)));
		assert_int_equal(cl_avro_registry_find_fingerprint(reg, info.fingerprint, &again), 0);
		assert_ptr_equal(again.full_name, info.full_name);
		/* docs, defaults and logical types are not in the canonical form */
		assert_null(strstr(info.canonical_form, "doc"));
		assert_null(strstr(info.canonical_form, "logicalType"));
		assert_non_null(strstr(info.canonical_form, "{\"name\":\"time\",\"type\":\"long\"}"));
	}
	assert_int_equal(cl_avro_registry_find(reg, "carelink.posts.Audience", &info), CL_ENOENT);
	assert_int_equal(cl_avro_registry_find(reg, "PostCreated", &info), CL_ENOENT);
	assert_int_equal(cl_avro_registry_find_fingerprint(reg, 42, &info), CL_ENOENT);

	assert_int_equal(cl_avro_registry_find(reg, "carelink.posts.PostCreated", &info), 0);
	assert_string_equal(
		info.canonical_form,
		"{\"name\":\"carelink.posts.PostCreated\",\"type\":\"record\",\"fields\":["
		"{\"name\":\"event_id\",\"type\":\"string\"},{\"name\":\"tenant_id\",\"type\":\"string\"},"
		"{\"name\":\"time\",\"type\":\"long\"},{\"name\":\"post_id\",\"type\":\"string\"},"
		"{\"name\":\"space_id\",\"type\":\"string\"},{\"name\":\"space_name\",\"type\":\"string\"},"
		"{\"name\":\"thread_id\",\"type\":\"string\"},{\"name\":\"thread_title\",\"type\":\"string\"},"
		"{\"name\":\"author_id\",\"type\":\"string\"},{\"name\":\"author_name\",\"type\":\"string\"},"
		"{\"name\":\"author_organisation_id\",\"type\":\"string\"},"
		"{\"name\":\"author_organisation_name\",\"type\":\"string\"},"
		"{\"name\":\"body\",\"type\":\"string\"},{\"name\":\"created_at\",\"type\":\"long\"},"
		"{\"name\":\"audience\",\"type\":{\"name\":\"carelink.posts.Audience\",\"type\":\"record\","
		"\"fields\":[{\"name\":\"professions\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
		"{\"name\":\"organisations\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}]}}]}");
}

static void expect_load_fails(const char *dir, int want, const char *mention)
{
	struct cl_avro_registry *r = (struct cl_avro_registry *)1;
	int rc = cl_avro_registry_load(&r, dir);

	if (rc != want)
		fail_msg("load %s: %d, want %d (%s)", dir, rc, want, cl_avro_last_error());
	assert_null(r);
	if (mention && !strstr(cl_avro_last_error(), mention))
		fail_msg("error \"%s\" does not mention %s", cl_avro_last_error(), mention);
}

static void test_registry_errors(void **state)
{
	char dir[] = "/tmp/carelink-avro-XXXXXX";
	static const char *const files[] = { "Bad.avsc", "Wrong.avsc", "Colour.avsc", "Ok.avsc" };

	(void)state;
	expect_load_fails("/nonexistent/carelink/schemas", CL_ENOENT, NULL);
	assert_non_null(mkdtemp(dir));
	expect_load_fails(dir, CL_ENOENT, NULL);

	write_file(dir, "Ok.avsc", "{\"type\":\"record\",\"name\":\"Ok\",\"fields\":[]}");
	write_file(dir, "notes.txt", "not a schema, not loaded");
	{
		struct cl_avro_registry *r = NULL;

		assert_int_equal(cl_avro_registry_load(&r, dir), 0);
		assert_int_equal(cl_avro_registry_count(r), 1);
		cl_avro_registry_free(r);
	}

	write_file(dir, "Bad.avsc", "{\"type\":\"record\",\"name\":\"Bad\",\"fields\":[");
	expect_load_fails(dir, CL_EINVAL, "Bad.avsc");
	remove_file(dir, "Bad.avsc");

	write_file(dir, "Bad.avsc", "{\"type\":\"record\",\"name\":\"Bad\",\"fields\":[{\"name\":\"x\",\"type\":\"nosuchtype\"}]}");
	expect_load_fails(dir, CL_EINVAL, "Bad.avsc");
	remove_file(dir, "Bad.avsc");

	write_file(dir, "Wrong.avsc", "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[]}");
	expect_load_fails(dir, CL_EINVAL, "Wrong.avsc");
	remove_file(dir, "Wrong.avsc");

	write_file(dir, "Colour.avsc", "{\"type\":\"enum\",\"name\":\"Colour\",\"symbols\":[\"RED\"]}");
	expect_load_fails(dir, CL_EINVAL, "Colour.avsc");

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		remove_file(dir, files[i]);
	remove_file(dir, "notes.txt");
	assert_int_equal(rmdir(dir), 0);
}

/* ---- encode and decode ------------------------------------------------ */

static void roundtrip(const char *name, json_t *obj)
{
	struct cl_avro_schema_info info;
	unsigned char *msg = NULL;
	size_t len = 0;
	json_t *back = NULL;
	const char *decoded_name = NULL;
	int rc;

	assert_int_equal(cl_avro_registry_find(reg, name, &info), 0);
	encode_ok(name, obj, &msg, &len);
	assert_int_equal(msg[0], 0xC3);
	assert_int_equal(msg[1], 0x01);
	assert_true(le64(msg + 2) == info.fingerprint);
	rc = cl_avro_decode(reg, msg, len, &back, &decoded_name);
	if (rc != 0)
		fail_msg("decode %s: %d %s", name, rc, cl_avro_last_error());
	assert_ptr_equal(decoded_name, info.full_name);
	if (!json_equal(back, obj)) {
		char *a = json_dumps(obj, JSON_SORT_KEYS), *b = json_dumps(back, JSON_SORT_KEYS);

		fail_msg("round trip of %s changed the value:\n%s\n%s", name, a, b);
	}
	json_decref(back);
	free(msg);
}

static void test_roundtrip_schemas(void **state)
{
	json_t *post = sample_post(), *note = sample_notification(), *user = sample_user();

	(void)state;
	roundtrip("carelink.posts.PostCreated", post);
	roundtrip("carelink.notifications.NotificationCreated", note);
	roundtrip("carelink.identity.UserChanged", user);

	/* the nullable field, null; and an audience of everyone */
	json_object_set_new(note, "exclude_user", json_null());
	json_object_set_new(json_object_get(note, "audience"), "everyone", json_true());
	roundtrip("carelink.notifications.NotificationCreated", note);
	/* empty strings and lists */
	json_object_set_new(user, "display_name", json_string(""));
	json_object_set_new(user, "roles", json_array());
	roundtrip("carelink.identity.UserChanged", user);

	json_decref(post);
	json_decref(note);
	json_decref(user);
}

static void expect_encode_fails(const char *name, const json_t *obj, int want,
				const char *mention)
{
	unsigned char *msg = (unsigned char *)1;
	size_t len = 1;
	int rc = cl_avro_encode(reg, name, obj, &msg, &len);

	if (rc != want)
		fail_msg("encode %s: %d, want %d (%s)", name, rc, want, cl_avro_last_error());
	assert_null(msg);
	assert_int_equal(len, 0);
	if (mention && !strstr(cl_avro_last_error(), mention))
		fail_msg("error \"%s\" does not mention \"%s\"", cl_avro_last_error(), mention);
}

static void test_encode_defaults_and_errors(void **state)
{
	json_t *note = sample_notification(), *post, *user, *back = NULL;
	unsigned char *msg = NULL;
	size_t len = 0;

	(void)state;
	/* a missing field with a default takes it */
	json_object_del(note, "exclude_user");
	encode_ok("carelink.notifications.NotificationCreated", note, &msg, &len);
	assert_int_equal(cl_avro_decode(reg, msg, len, &back, NULL), 0);
	assert_true(json_is_null(json_object_get(back, "exclude_user")));
	json_object_del(back, "exclude_user");
	assert_true(json_equal(back, note));
	json_decref(back);
	free(msg);
	json_object_set_new(note, "exclude_user", json_integer(5));
	expect_encode_fails("carelink.notifications.NotificationCreated", note, CL_EINVAL,
			    "exclude_user");
	json_decref(note);

	post = sample_post();
	json_object_del(post, "body");
	expect_encode_fails("carelink.posts.PostCreated", post, CL_EINVAL, "body");
	json_decref(post);

	/* no default for the audience: leaving it out must not mean everyone */
	post = sample_post();
	json_object_del(post, "audience");
	expect_encode_fails("carelink.posts.PostCreated", post, CL_EINVAL, "audience");
	json_decref(post);

	post = sample_post();
	json_object_set_new(post, "bogus", json_string("x"));
	expect_encode_fails("carelink.posts.PostCreated", post, CL_EINVAL, "bogus");
	json_decref(post);

	post = sample_post();
	json_object_set_new(post, "time", json_string("2026-11-24T10:00:00Z"));
	expect_encode_fails("carelink.posts.PostCreated", post, CL_EINVAL, "time");
	json_decref(post);

	post = sample_post();
	json_object_set_new(json_object_get(post, "audience"), "everyone", json_true());
	expect_encode_fails("carelink.posts.PostCreated", post, CL_EINVAL, "everyone");
	json_decref(post);

	user = sample_user();
	json_array_append_new(json_object_get(user, "roles"), json_integer(3));
	expect_encode_fails("carelink.identity.UserChanged", user, CL_EINVAL, "roles[2]");
	json_object_set_new(user, "roles", json_array());
	json_object_set_new(user, "active", json_string("yes"));
	expect_encode_fails("carelink.identity.UserChanged", user, CL_EINVAL, "active");
	expect_encode_fails("carelink.identity.NoSuchEvent", user, CL_ENOENT, NULL);
	json_decref(user);

	user = json_array();
	expect_encode_fails("carelink.identity.UserChanged", user, CL_EINVAL, NULL);
	json_decref(user);
}

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

static void test_all_types(void **state)
{
	char dir[] = "/tmp/carelink-avro-XXXXXX";
	struct cl_avro_registry *r = everything_registry(dir);
	const char *name = "test.types.Everything";
	json_t *obj = everything_value(), *back = NULL, *bad;
	unsigned char *msg = NULL;
	size_t len = 0;
	json_error_t jerr;
	static const char *const union_values[] = { "null", "7", "\"str\"", "{\"k\":\"rec\"}" };

	(void)state;
	assert_non_null(obj);
	assert_int_equal(cl_avro_encode(r, name, obj, &msg, &len), 0);
	assert_int_equal(cl_avro_decode(r, msg, len, &back, NULL), 0);
	assert_true(json_equal(back, obj));
	json_decref(back);
	free(msg);

	/* each union branch comes back as itself */
	for (size_t i = 0; i < sizeof(union_values) / sizeof(union_values[0]); i++) {
		json_object_set_new(obj, "u", json_loads(union_values[i], JSON_DECODE_ANY, &jerr));
		assert_int_equal(cl_avro_encode(r, name, obj, &msg, &len), 0);
		assert_int_equal(cl_avro_decode(r, msg, len, &back, NULL), 0);
		assert_true(json_equal(back, obj));
		json_decref(back);
		free(msg);
	}

	/* defaults: a union's (first branch), a record's, an enum's */
	json_object_del(obj, "u2");
	json_object_del(obj, "opt");
	json_object_del(obj, "colour2");
	assert_int_equal(cl_avro_encode(r, name, obj, &msg, &len), 0);
	assert_int_equal(cl_avro_decode(r, msg, len, &back, NULL), 0);
	assert_string_equal(json_string_value(json_object_get(back, "u2")), "x");
	assert_string_equal(json_string_value(json_object_get(json_object_get(back, "opt"), "k")), "d");
	assert_string_equal(json_string_value(json_object_get(back, "colour2")), "RED");
	json_decref(back);
	free(msg);

	/* values that do not fit */
	static const char *const misfits[][2] = {
		{ "i", "2147483648" }, { "i", "1.5" }, { "l", "\"1\"" }, { "f", "\"x\"" },
		{ "f", "1e300" },
		{ "b", "1" }, { "n", "0" }, { "s", "null" }, { "by", "\"\\u0100\"" },
		{ "e", "\"BLUE\"" }, { "fx", "\"abc\"" }, { "m", "{\"x\":\"y\"}" },
		{ "a", "[{\"k\":1}]" }, { "a", "{}" }, { "u", "true" }, { "u", "{\"z\":1}" },
	};
	for (size_t i = 0; i < sizeof(misfits) / sizeof(misfits[0]); i++) {
		bad = json_deep_copy(obj);
		json_object_set_new(bad, misfits[i][0], json_loads(misfits[i][1], JSON_DECODE_ANY, &jerr));
		msg = (unsigned char *)1;
		if (cl_avro_encode(r, name, bad, &msg, &len) != CL_EINVAL)
			fail_msg("accepted %s = %s", misfits[i][0], misfits[i][1]);
		assert_null(msg);
		json_decref(bad);
	}

	json_decref(obj);
	cl_avro_registry_free(r);
}

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

static json_t *user_with_roles(int n)
{
	json_t *user = sample_user(), *roles = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(roles, json_string(""));
	json_object_set_new(user, "roles", roles);
	return user;
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

struct worker {
	pthread_t thread;
	int failures;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	json_t *post = sample_post(), *user = user_with_roles(100000);
	unsigned char big[32], *costly = NULL;
	size_t bn = user_header(big), costly_len = 0;

	bn += put_varint(big + bn, 100000000);
	if (cl_avro_encode(reg, "carelink.identity.UserChanged", user, &costly, &costly_len) != 0)
		w->failures++;
	for (int i = 0; i < 300; i++) {
		unsigned char *msg = NULL;
		size_t len = 0;
		json_t *back = NULL;
		char id[32];

		snprintf(id, sizeof(id), "post-%d-%p", i, (void *)w);
		json_object_set_new(post, "post_id", json_string(id));
		if (cl_avro_encode(reg, "carelink.posts.PostCreated", post, &msg, &len) != 0) {
			w->failures++;
			continue;
		}
		if (cl_avro_decode(reg, msg, len, &back, NULL) != 0 || !json_equal(back, post))
			w->failures++;
		json_decref(back);
		back = NULL;
		if (cl_avro_decode(reg, big, bn, &back, NULL) != CL_EINVAL || back ||
		    !strstr(cl_avro_last_error(), "100000000"))
			w->failures++;
		if (cl_avro_decode(reg, msg, len / 2, &back, NULL) != CL_EINVAL || back)
			w->failures++;
		/* now and then a decode that runs out of budget */
		if (i % 50 == 0 &&
		    (cl_avro_decode(reg, costly, costly_len, &back, NULL) != CL_ETOOBIG || back))
			w->failures++;
		free(msg);
	}
	free(costly);
	json_decref(user);
	json_decref(post);
	return NULL;
}

static void test_threads(void **state)
{
	struct worker w[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		w[i].failures = 0;
		assert_int_equal(pthread_create(&w[i].thread, NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
}

/* Avro C's own messages (the detail in ours) must be per thread too: its
 * failures inside libavro land in the failing thread's buffer only. */
static void *avro_c_fail_main(void *arg)
{
	avro_schema_t schema = NULL;

	(void)arg;
	if (avro_schema_from_json_length("{", 1, &schema) == 0)
		return "parsed";
	return avro_strerror()[0] ? NULL : "no message in this thread";
}

static void test_avro_c_errors_per_thread(void **state)
{
	pthread_t t;
	void *res = NULL;

	(void)state;
	avro_set_error("main thread");
	assert_int_equal(pthread_create(&t, NULL, avro_c_fail_main, NULL), 0);
	assert_int_equal(pthread_join(t, &res), 0);
	if (res)
		fail_msg("%s", (const char *)res);
	assert_string_equal(avro_strerror(), "main thread");
}

/* ---- another implementation reads our messages ------------------------ */

static const char python_reader[] =
	"import sys, io, json, datetime\n"
	"import avro.schema, avro.io\n"
	"schema = avro.schema.parse(open(sys.argv[1]).read())\n"
	"data = open(sys.argv[2], 'rb').read()\n"
	"assert data[:2] == b'\\xc3\\x01', 'marker'\n"
	"buf = io.BytesIO(data[10:])\n"
	"datum = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(buf))\n"
	"assert buf.tell() == len(data) - 10, 'datum length'\n"
	"epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)\n"
	"def plain(o):\n"
	"    if isinstance(o, datetime.datetime):\n"
	"        return (o - epoch) // datetime.timedelta(milliseconds=1)\n"
	"    if isinstance(o, dict):\n"
	"        return {k: plain(v) for k, v in o.items()}\n"
	"    if isinstance(o, list):\n"
	"        return [plain(v) for v in o]\n"
	"    return o\n"
	"print(json.dumps(plain(datum)))\n";

static void test_python_reads_messages(void **state)
{
	static const char *const files[3] = { "PostCreated", "NotificationCreated", "UserChanged" };
	static const char *const names[3] = {
		"carelink.posts.PostCreated",
		"carelink.notifications.NotificationCreated",
		"carelink.identity.UserChanged",
	};
	json_t *samples[3] = { sample_post(), sample_notification(), sample_user() };
	char dir[] = "/tmp/carelink-avro-XXXXXX";

	(void)state;
	if (access("/usr/bin/python3", X_OK) != 0 ||
	    system("/usr/bin/python3 -c 'import avro.io' >/dev/null 2>&1") != 0) {
		for (int i = 0; i < 3; i++)
			json_decref(samples[i]);
		skip();
	}
	assert_non_null(mkdtemp(dir));
	write_file(dir, "reader.py", python_reader);
	for (int i = 0; i < 3; i++) {
		unsigned char *msg = NULL;
		size_t len = 0;
		char path[600], cmd[2048], *out;
		FILE *f, *p;
		json_t *got;
		json_error_t jerr;

		encode_ok(names[i], samples[i], &msg, &len);
		snprintf(path, sizeof(path), "%s/msg.bin", dir);
		f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(msg, 1, len, f), len);
		fclose(f);
		free(msg);
		snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/reader.py %s/%s.avsc %s",
			 dir, SCHEMA_DIR, files[i], path);
		p = popen(cmd, "r");
		assert_non_null(p);
		out = calloc(1, 65536);
		assert_non_null(out);
		fread(out, 1, 65535, p);
		assert_int_equal(pclose(p), 0);
		got = json_loads(out, 0, &jerr);
		if (!got || !json_equal(got, samples[i]))
			fail_msg("python read %s as %s", names[i], out);
		json_decref(got);
		free(out);
		json_decref(samples[i]);
	}
	remove_file(dir, "reader.py");
	remove_file(dir, "msg.bin");
	assert_int_equal(rmdir(dir), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_vectors),
		cmocka_unit_test(test_crc64_empty),
		cmocka_unit_test(test_canonical_rules),
		cmocka_unit_test(test_canonical_invalid),
		cmocka_unit_test(test_registry_lookup),
		cmocka_unit_test(test_registry_errors),
		cmocka_unit_test(test_roundtrip_schemas),
		cmocka_unit_test(test_encode_defaults_and_errors),
		cmocka_unit_test(test_all_types),
		cmocka_unit_test(test_decode_rejects_header),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_trailing_bytes),
		cmocka_unit_test(test_decode_huge_claims),
		cmocka_unit_test(test_decode_max),
		cmocka_unit_test(test_decode_many_small_items),
		cmocka_unit_test(test_decode_fuzz),
		cmocka_unit_test(test_decode_every_budget),
		cmocka_unit_test(test_decode_fuzz_all_types),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_avro_c_errors_per_thread),
		cmocka_unit_test(test_python_reads_messages),
	};

	return cmocka_run_group_tests_name("avro", tests, setup, teardown);
}

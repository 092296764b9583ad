/* test_avro_codec.c - single-object encoding round trips, defaults and type errors, every Avro type, threads, and python3-avro reading what we write */
#include "avro_support.h"

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


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_schemas),
		cmocka_unit_test(test_encode_defaults_and_errors),
		cmocka_unit_test(test_all_types),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_avro_c_errors_per_thread),
		cmocka_unit_test(test_python_reads_messages),
	};

	return cmocka_run_group_tests_name("test_avro_codec", tests, setup, teardown);
}

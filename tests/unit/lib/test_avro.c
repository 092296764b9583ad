/* test_avro.c - canonical form, fingerprints against the reference vectors, and the schema registry of avro.h */
#include <sys/stat.h>

#include "avro_support.h"

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
		"carelink.posts.SpaceChanged",
		"carelink.posts.PostEdited",
		"carelink.posts.PostDeleted",
		"carelink.posts.CommentAdded",
		"carelink.posts.PostConfirmed",
		"carelink.directory.AppRecordCreated",
		"carelink.directory.AppRecordUpdated",
		"carelink.directory.AppRecordDeleted",
		"carelink.directory.EventReminderDue",
		"carelink.identity.OrganisationChanged",
		"carelink.directory.AppChanged",
		"carelink.vacancy.VacancyChanged",
		"carelink.vacancy.HoldPlaced",
		"carelink.vacancy.HoldConfirmed",
		"carelink.vacancy.HoldReleased",
		"carelink.vacancy.VacancyWatchMatched",
		"carelink.vacancy.VacancyStale",
		"carelink.records.PatientEntryAdded",
		"carelink.records.CareTeamChanged",
		"carelink.records.BreakGlassOpened",
		"carelink.audit.AccessAudited",
		"carelink.alerts.AlertRaised",
		"carelink.alerts.AlertUpdated",
		"carelink.alerts.AlertAcknowledged",
		"carelink.alerts.AlertResolved",
		"carelink.notifications.NotificationsRead",
		"carelink.notifications.NotificationPreferencesChanged",
	};
	struct cl_avro_schema_info info, again;
	const size_t n = sizeof(names) / sizeof(names[0]);

	(void)state;
	assert_int_equal(cl_avro_registry_count(reg), n);
	for (size_t i = 0; i < n; i++) {
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
		"{\"name\":\"organisations\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}]}},"
		"{\"name\":\"mentions\",\"type\":{\"name\":\"carelink.posts.Mentions\",\"type\":\"record\","
		"\"fields\":[{\"name\":\"users\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
		"{\"name\":\"organisations\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}]}},"
		"{\"name\":\"attachment_count\",\"type\":\"int\"}]}");
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

/* a message written with an earlier version of a schema (schemas/history)
 * decodes, as the current version with the added fields' defaults */
static void test_registry_history(void **state)
{
	char old_dir[] = "/tmp/carelink-avro-old-XXXXXX";
	char dir[] = "/tmp/carelink-avro-new-XXXXXX";
	char hist[128], hist_ev[160];
	static const char v1[] =
		"{\"type\":\"record\",\"name\":\"Ev\",\"namespace\":\"t\",\"fields\":["
		"{\"name\":\"a\",\"type\":\"string\"},"
		"{\"name\":\"r\",\"type\":{\"type\":\"record\",\"name\":\"R\",\"fields\":["
		"{\"name\":\"c\",\"type\":\"int\"}]}}]}";
	static const char v2[] =
		"{\"type\":\"record\",\"name\":\"Ev\",\"namespace\":\"t\",\"fields\":["
		"{\"name\":\"a\",\"type\":\"string\"},"
		"{\"name\":\"r\",\"type\":{\"type\":\"record\",\"name\":\"R\",\"fields\":["
		"{\"name\":\"c\",\"type\":\"int\"},{\"name\":\"d\",\"type\":\"int\",\"default\":3}]}},"
		"{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"},"
		"{\"name\":\"u\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
	struct cl_avro_registry *old = NULL, *cur = NULL;
	json_t *in, *out = NULL;
	unsigned char *msg = NULL;
	size_t len = 0;
	const char *name = NULL;

	(void)state;
	assert_non_null(mkdtemp(old_dir));
	assert_non_null(mkdtemp(dir));
	write_file(old_dir, "Ev.avsc", v1);
	write_file(dir, "Ev.avsc", v2);
	snprintf(hist, sizeof hist, "%s/history", dir);
	snprintf(hist_ev, sizeof hist_ev, "%s/Ev", hist);
	assert_int_equal(mkdir(hist, 0700), 0);
	assert_int_equal(mkdir(hist_ev, 0700), 0);
	write_file(hist_ev, "001.avsc", v1);
	write_file(hist_ev, "002.avsc", v2);

	assert_int_equal(cl_avro_registry_load(&old, old_dir), 0);
	assert_int_equal(cl_avro_registry_load(&cur, dir), 0);
	assert_int_equal(cl_avro_registry_count(cur), 1);
	in = json_pack("{s:s, s:{s:i}}", "a", "hello", "r", "c", 7);
	assert_int_equal(cl_avro_encode(old, "t.Ev", in, &msg, &len), 0);
	assert_int_equal(cl_avro_decode(cur, msg, len, &out, &name), 0);
	assert_string_equal(name, "t.Ev");
	assert_string_equal(json_string_value(json_object_get(out, "a")), "hello");
	assert_string_equal(json_string_value(json_object_get(out, "b")), "x");
	assert_true(json_is_null(json_object_get(out, "u")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "r"), "c")), 7);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "r"), "d")), 3);
	json_decref(out);
	json_decref(in);
	free(msg);
	cl_avro_registry_free(old);
	cl_avro_registry_free(cur);

	/* a history file of another record is refused, naming the file */
	write_file(hist_ev, "003.avsc", "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[]}");
	expect_load_fails(dir, CL_EINVAL, "003.avsc");

	remove_file(hist_ev, "001.avsc");
	remove_file(hist_ev, "002.avsc");
	remove_file(hist_ev, "003.avsc");
	assert_int_equal(rmdir(hist_ev), 0);
	assert_int_equal(rmdir(hist), 0);
	remove_file(dir, "Ev.avsc");
	remove_file(old_dir, "Ev.avsc");
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(rmdir(old_dir), 0);
}

/* ---- encode and decode ------------------------------------------------ */


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_vectors),
		cmocka_unit_test(test_crc64_empty),
		cmocka_unit_test(test_canonical_rules),
		cmocka_unit_test(test_canonical_invalid),
		cmocka_unit_test(test_registry_lookup),
		cmocka_unit_test(test_registry_errors),
		cmocka_unit_test(test_registry_history),
	};

	return cmocka_run_group_tests_name("test_avro", tests, setup, teardown);
}

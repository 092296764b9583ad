/* test_app_fields.c - the checks of app definitions in carelink-records:
 * field lists (keys, labels, types, choices, min/max, limits, built-in
 * marks), read and write rules, and who may read and write */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/records/space_input.c"
#include "../../../services/records/app_fields.c"
#include "../../../services/records/app_access.c"

bool rec_identity_tenant_admin(const struct cl_identity *who)
{
	return cl_identity_has_role(who, "tenant_admin") != 0;
}

static json_t *check(const char *text, char *msg)
{
	json_t *in = json_loads(text, 0, NULL);
	assert_non_null(in);
	json_t *out = rec_app_fields_check(in, NULL, msg, 300);
	json_decref(in);
	return out;
}

static const char *const bad_lists[] = {
	"[]",
	"{}",
	"[{\"key\":\"Name\",\"label\":\"名前\",\"type\":\"text\"}]",
	"[{\"key\":\"1st\",\"label\":\"名前\",\"type\":\"text\"}]",
	"[{\"key\":\"a234567890123456789012345678901234567890x\",\"label\":\"名前\",\"type\":\"text\"}]",
	"[{\"key\":\"name\",\"label\":\"  \",\"type\":\"text\"}]",
	"[{\"key\":\"name\",\"type\":\"text\"}]",
	"[{\"key\":\"name\",\"label\":\"名前\",\"type\":\"string\"}]",
	"[{\"key\":\"name\",\"label\":\"名前\",\"type\":\"text\",\"colour\":1}]",
	"[{\"key\":\"name\",\"label\":\"名前\",\"type\":\"text\"},{\"key\":\"name\",\"label\":\"別\",\"type\":\"text\"}]",
	"[{\"key\":\"k\",\"label\":\"種別\",\"type\":\"choice\"}]",
	"[{\"key\":\"k\",\"label\":\"種別\",\"type\":\"choice\",\"choices\":[]}]",
	"[{\"key\":\"k\",\"label\":\"種別\",\"type\":\"choice\",\"choices\":[\"a\",\"a\"]}]",
	"[{\"key\":\"k\",\"label\":\"種別\",\"type\":\"choice\",\"choices\":[\"a\",\"\"]}]",
	"[{\"key\":\"k\",\"label\":\"種別\",\"type\":\"multi_choice\",\"choices\":[\"a;b\"]}]",
	"[{\"key\":\"k\",\"label\":\"種別\",\"type\":\"text\",\"choices\":[\"a\"]}]",
	"[{\"key\":\"n\",\"label\":\"数\",\"type\":\"number\",\"min\":5,\"max\":1}]",
	"[{\"key\":\"n\",\"label\":\"数\",\"type\":\"number\",\"min\":\"1\"}]",
	"[{\"key\":\"n\",\"label\":\"名前\",\"type\":\"text\",\"max\":10}]",
	"[{\"key\":\"n\",\"label\":\"名前\",\"type\":\"text\",\"required\":\"yes\"}]",
};

static void test_bad_field_lists(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
		char msg[300] = "";
		json_t *out = check(bad_lists[i], msg);
		if (out)
			fail_msg("list %zu accepted: %s", i, bad_lists[i]);
		assert_true(msg[0] != '\0');
	}
}

static void test_message_names_field(void **state)
{
	(void)state;
	char msg[300] = "";
	assert_null(check("[{\"key\":\"ok\",\"label\":\"a\",\"type\":\"text\"},"
			  "{\"key\":\"kind\",\"label\":\"種別\",\"type\":\"choice\"}]", msg));
	assert_non_null(strstr(msg, "kind"));
}

static void test_good_list_normalised(void **state)
{
	(void)state;
	char msg[300] = "";
	json_t *out = check(
		"[{\"key\":\"name\",\"label\":\" 名前 \",\"type\":\"text\",\"required\":true},"
		"{\"key\":\"day\",\"label\":\"日付\",\"type\":\"date\",\"builtin\":true},"
		"{\"key\":\"n\",\"label\":\"数\",\"type\":\"number\",\"min\":0,\"max\":10},"
		"{\"key\":\"k\",\"label\":\"種別\",\"type\":\"multi_choice\",\"choices\":[\" a \",\"b\"]}]",
		msg);
	assert_non_null(out);
	assert_int_equal(json_array_size(out), 4);
	json_t *f = json_array_get(out, 0);
	assert_string_equal(json_string_value(json_object_get(f, "label")), "名前");
	assert_true(json_is_true(json_object_get(f, "required")));
	/* a client cannot mark its own field built in */
	assert_true(json_is_false(json_object_get(json_array_get(out, 1), "builtin")));
	assert_false(json_is_true(json_object_get(json_array_get(out, 1), "required")));
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(json_array_get(out, 3), "choices"), 0)), "a");
	assert_string_equal(rec_app_calendar_field(out), "day");
	json_decref(out);
}

static void test_fifty_fields(void **state)
{
	(void)state;
	json_t *list = json_array();
	for (int i = 0; i < 51; i++) {
		char key[16];
		snprintf(key, sizeof key, "f%d", i);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "key", key, "label", key,
						      "type", "text"));
	}
	char msg[300];
	json_t *out = rec_app_fields_check(list, NULL, msg, sizeof msg);
	assert_null(out);
	json_array_remove(list, 50);
	out = rec_app_fields_check(list, NULL, msg, sizeof msg);
	assert_non_null(out);
	json_decref(out);
	json_decref(list);
}

static void test_builtin_marks_kept(void **state)
{
	(void)state;
	json_t *old = json_loads("[{\"key\":\"name\",\"label\":\"名\",\"type\":\"text\",\"builtin\":true}]",
				 0, NULL);
	json_t *in = json_loads("[{\"key\":\"name\",\"label\":\"事業所名\",\"type\":\"text\"},"
				"{\"key\":\"extra\",\"label\":\"追加\",\"type\":\"text\"}]", 0, NULL);
	char msg[300];
	json_t *out = rec_app_fields_check(in, old, msg, sizeof msg);
	assert_non_null(out);
	assert_true(json_is_true(json_object_get(json_array_get(out, 0), "builtin")));
	assert_true(json_is_false(json_object_get(json_array_get(out, 1), "builtin")));
	json_decref(out);
	json_decref(in);
	json_decref(old);
}

static void test_rules(void **state)
{
	(void)state;
	char msg[300];
	json_t *r = rec_app_rule_check(NULL, true, msg, sizeof msg);
	assert_non_null(r);
	assert_true(json_is_true(json_object_get(r, "owner_organisation")));
	json_decref(r);
	json_t *in = json_loads("{\"professions\":[\"Nurse\"]}", 0, NULL);
	assert_null(rec_app_rule_check(in, false, msg, sizeof msg));
	json_decref(in);
	in = json_loads("{\"professions\":[\"nurse\"],\"owner_organisation\":true}", 0, NULL);
	assert_null(rec_app_rule_check(in, false, msg, sizeof msg)); /* not a read rule member */
	json_decref(in);
	in = json_loads("{\"professions\":[\"nurse\",\"nurse\"],\"organisations\":[\"o1\"]}", 0, NULL);
	r = rec_app_rule_check(in, false, msg, sizeof msg);
	assert_int_equal(json_array_size(json_object_get(r, "professions")), 1);
	json_decref(r);
	json_decref(in);
}

static struct cl_identity person(const char *profession, const char *org, bool admin)
{
	struct cl_identity id = {0};
	strcpy(id.user, "u");
	strcpy(id.tenant, "t");
	strcpy(id.profession, profession);
	strcpy(id.organisation, org);
	strcpy(id.roles[0], admin ? "tenant_admin" : "member");
	id.n_roles = 1;
	return id;
}

static void test_access(void **state)
{
	(void)state;
	struct rec_app_def app = {0};
	app.read = json_loads("{\"professions\":[\"nurse\"],\"organisations\":[\"o2\"]}", 0, NULL);
	app.write = json_loads("{\"professions\":[],\"organisations\":[\"o2\"],"
			       "\"owner_organisation\":true}", 0, NULL);
	struct cl_identity nurse = person("nurse", "o1", false);
	struct cl_identity o2 = person("care_worker", "o2", false);
	struct cl_identity outsider = person("care_manager", "o3", false);
	struct cl_identity admin = person("municipal", "o9", true);
	assert_true(rec_app_can_read(app.read, &nurse));
	assert_true(rec_app_can_read(app.read, &o2));
	assert_false(rec_app_can_read(app.read, &outsider));
	assert_true(rec_app_can_read(app.read, &admin));
	/* owner rule: a reader creates and changes its own organisation's */
	assert_true(rec_app_can_write(&app, &nurse, NULL));
	assert_true(rec_app_can_write(&app, &nurse, "o1"));
	assert_false(rec_app_can_write(&app, &nurse, "o2"));
	/* listed organisation: changes any record */
	assert_true(rec_app_can_write(&app, &o2, "o1"));
	/* not a reader: writes nothing */
	assert_false(rec_app_can_write(&app, &outsider, NULL));
	assert_false(rec_app_can_write(&app, &outsider, "o3"));
	assert_true(rec_app_can_write(&app, &admin, "o1"));
	json_decref(app.write);
	app.write = json_loads("{\"professions\":[],\"organisations\":[],\"owner_organisation\":false}",
			       0, NULL);
	assert_false(rec_app_can_write(&app, &nurse, NULL));
	assert_true(rec_app_can_write(&app, &admin, NULL));
	/* empty read rule: everyone reads */
	json_decref(app.read);
	app.read = json_loads("{\"professions\":[],\"organisations\":[]}", 0, NULL);
	assert_true(rec_app_can_read(app.read, &outsider));
	json_decref(app.read);
	json_decref(app.write);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_field_lists),
		cmocka_unit_test(test_message_names_field),
		cmocka_unit_test(test_good_list_normalised),
		cmocka_unit_test(test_fifty_fields),
		cmocka_unit_test(test_builtin_marks_kept),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_access),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

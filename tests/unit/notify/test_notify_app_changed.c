/* test_notify_app_changed.c - what notify makes of AppChanged, without a
 * database: the copy of the app's readers follows it (same copy, same
 * event-time rule as the record events), nobody is notified, nothing is
 * withdrawn; the consumer picks this planner and the directory inbox;
 * events lacking a value are refused. Every event goes through the Avro
 * codec of schemas/ first, so the planner sees what the consumer decodes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "carelink/avro.h"
#include "carelink/err.h"

/* the planners and the consumer's dispatch are internal to the service:
 * compile them into the test (nothing here opens a connection) */
#include "../../../services/notify/text.c"
#include "../../../services/notify/plan.c"
#include "../../../services/notify/app_plan.c"
#include "../../../services/notify/space_changed.c"
#include "../../../services/notify/post_created.c"
#include "../../../services/notify/comment_added.c"
#include "../../../services/notify/post_edited.c"
#include "../../../services/notify/post_deleted.c"
#include "../../../services/notify/post_confirmed.c"
#include "../../../services/notify/app_record_created.c"
#include "../../../services/notify/app_record_updated.c"
#include "../../../services/notify/app_record_deleted.c"
#include "../../../services/notify/event_reminder_due.c"
#include "../../../services/notify/app_changed.c"
#include "../../../services/notify/vacancy_plan.c"
#include "../../../services/notify/vacancy_watch_matched.c"
#include "../../../services/notify/vacancy_stale.c"
#include "../../../services/notify/hold_placed.c"
#include "../../../services/notify/hold_confirmed.c"
#include "../../../services/notify/hold_released.c"
#include "../../../services/notify/patient_plan.c"
#include "../../../services/notify/care_team_changed.c"
#include "../../../services/notify/patient_entry_added.c"
#include "../../../services/notify/break_glass_opened.c"
#include "../../../services/notify/db_notification.c"
#include "../../../services/notify/db_space.c"
#include "../../../services/notify/db_app.c"
#include "../../../services/notify/db_patient_team.c"
#include "../../../services/notify/db_recipients.c"
#include "../../../services/notify/plan_apply.c"
#include "../../../services/notify/consume.c"

#define TENANT "t-1"
#define APP "a-1"
#define ACTOR "u-admin"

#define NT_TEST_NAMESPACE "carelink.directory."
#include "notify_unit.h"

/* an AppChanged as records writes it (not yet through Avro) */
static json_t *app_changed_raw(const char *change, json_int_t time, json_t *rd)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s}",
			 "event_id", "e-app-1", "tenant_id", TENANT, "time", time,
			 "app_id", APP, "app_key", "shared_db", "name", "研修記録",
			 "change", change, "readers", rd, "actor_id", ACTOR,
			 "actor_name", "高橋 一郎");
}

static json_t *app_changed(const char *change, json_int_t time, json_t *rd)
{
	return through_avro("AppChanged", app_changed_raw(change, time, rd));
}

static bool has(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

static void narrowing_updates_only_the_copy(void **state)
{
	(void)state;
	json_t *ev = app_changed("UPDATED", 1700000005000,
				 prof_org("[\"doctor\", \"nurse\"]", "[\"o-clinic\"]"));
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_app_changed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.event_id, "e-app-1");
	assert_string_equal(plan.tenant_id, TENANT);
	/* the copy of the app's readers is exactly the event's */
	assert_string_equal(plan.app.app_id, APP);
	assert_string_equal(plan.app.tenant_id, TENANT);
	assert_int_equal(plan.app.time, 1700000005000);
	assert_int_equal(json_array_size(plan.app.professions), 2);
	assert_true(has(plan.app.professions, "doctor"));
	assert_true(has(plan.app.professions, "nurse"));
	assert_false(has(plan.app.professions, "care_worker"));
	assert_int_equal(json_array_size(plan.app.organisations), 1);
	assert_true(has(plan.app.organisations, "o-clinic"));
	/* nobody is told, nothing withdrawn, no space touched */
	assert_int_equal(plan.n_notices, 0);
	assert_null(plan.withdraw_id);
	assert_null(plan.space.space_id);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void a_new_open_app_is_for_everyone_without_a_notification(void **state)
{
	(void)state;
	json_t *ev = app_changed("CREATED", 1700000001000, prof_org("[]", "[]"));
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_app_changed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.app.app_id, APP);
	assert_int_equal(json_array_size(plan.app.professions), 0);
	assert_int_equal(json_array_size(plan.app.organisations), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

/* AppChanged and a record event of the same app write the same copy, each
 * with its own event time: the copy's "older never overwrites" rule
 * (nt_db_app_upsert) orders them whichever comes first */
static void app_and_record_events_share_one_copy_by_time(void **state)
{
	(void)state;
	json_t *changed = app_changed("UPDATED", 1700000009000, prof_org("[\"doctor\"]", "[]"));
	json_t *rec = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o,"
				" s:b, s:s}",
				"event_id", "e-rec-1", "tenant_id", TENANT,
				"time", (json_int_t)1700000008000, "record_id", "r-1",
				"app_id", APP, "app_key", "shared_db", "app_name", "研修記録",
				"title", "x", "owner_organisation_id", "o-1",
				"actor_id", "u-w", "actor_name", "w",
				"readers", prof_org("[]", "[]"), "quiet", 0, "values", "{}");
	rec = through_avro("AppRecordCreated", rec);
	struct nt_plan a, b;
	char reason[128];
	assert_int_equal(nt_app_changed_plan(changed, &a, reason, sizeof reason), 0);
	assert_int_equal(nt_app_record_created_plan(rec, &b, reason, sizeof reason), 0);
	assert_string_equal(a.app.app_id, b.app.app_id);
	assert_string_equal(a.app.tenant_id, b.app.tenant_id);
	/* the narrowing is newer than the record's open rule: it wins */
	assert_true(a.app.time > b.app.time);
	assert_int_equal(json_array_size(b.app.professions), 0);
	nt_plan_release(&a);
	nt_plan_release(&b);
	json_decref(changed);
	json_decref(rec);
}

static void the_consumer_picks_it_with_the_directory_inbox(void **state)
{
	(void)state;
	int i = planner_of("carelink.directory.AppChanged");
	assert_true(i >= 0);
	assert_ptr_equal(nt_planners[i].plan, nt_app_changed_plan);
	assert_string_equal(nt_planners[i].inbox, NT_INBOX_DIRECTORY);
	/* the record events keep theirs: one inbox for the whole topic */
	i = planner_of("carelink.directory.AppRecordCreated");
	assert_true(i >= 0);
	assert_string_equal(nt_planners[i].inbox, NT_INBOX_DIRECTORY);
}

static void events_lacking_values_are_refused(void **state)
{
	(void)state;
	struct nt_plan plan;
	char reason[128] = "";
	unsigned char *buf = NULL;
	size_t len = 0;

	/* the schema itself refuses an event without readers (no default) */
	json_t *raw = app_changed_raw("UPDATED", 1700000000000, prof_org("[]", "[]"));
	json_object_del(raw, "readers");
	assert_int_not_equal(cl_avro_encode(reg, NT_SCHEMA_APP_CHANGED, raw, &buf, &len), 0);
	free(buf);
	json_decref(raw);

	/* and the planner: no readers, an empty code, no app */
	json_t *ev = app_changed("UPDATED", 1700000000000, prof_org("[]", "[]"));
	json_object_del(ev, "readers");
	assert_int_equal(nt_app_changed_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	assert_non_null(strstr(reason, "appchanged"));
	assert_non_null(strstr(reason, "readers"));
	nt_plan_release(&plan);
	json_decref(ev);

	ev = app_changed("UPDATED", 1700000000000, prof_org("[\"\"]", "[]"));
	assert_int_equal(nt_app_changed_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	nt_plan_release(&plan);
	json_decref(ev);

	ev = app_changed("UPDATED", 1700000000000, prof_org("[]", "[]"));
	json_object_set_new(ev, "app_id", json_string(""));
	assert_int_equal(nt_app_changed_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	nt_plan_release(&plan);
	json_object_set_new(ev, "app_id", json_string(APP));
	json_object_del(ev, "change");
	assert_int_equal(nt_app_changed_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	assert_non_null(strstr(reason, "appchanged"));
	nt_plan_release(&plan);
	json_decref(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(narrowing_updates_only_the_copy),
		cmocka_unit_test(a_new_open_app_is_for_everyone_without_a_notification),
		cmocka_unit_test(app_and_record_events_share_one_copy_by_time),
		cmocka_unit_test(the_consumer_picks_it_with_the_directory_inbox),
		cmocka_unit_test(events_lacking_values_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_notify_patients.c - what notify makes of each event of
 * carelink.records, without a database: CareTeamChanged updates the copy of
 * the team and tells nobody; a message entry tells its addressees but the
 * author, an incident the whole team (filled in from the copy when the plan
 * is applied) but the author, other categories nobody; BreakGlassOpened
 * tells the team it names and refreshes the copy. No text names the
 * patient; every notice is about its patient (shown only to its team) and
 * targeted (never broad). Events lacking a value are refused, the consumer
 * picks the planners with the records inbox, and the NotificationCreated
 * events fit their schema. Every event goes through the Avro codec first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "carelink/avro.h"
#include "carelink/err.h"

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
#define PATIENT "p-1"
#define ENTRY "e-1"
#define AUTHOR "u-doctor"
#define NURSE "u-nurse"
#define CM "u-cm"
#define OUTSIDER "u-er"
#define GRANT "g-1"
#define TIME ((json_int_t)1795133100000)
/* 2026-11-20T10:05:00+09:00 */
#define EXPIRES ((json_int_t)(1795133100000 + 3600000))

#define NT_TEST_NAMESPACE "carelink.records."
#include "notify_unit.h"

static json_t *entry_added(const char *category, json_t *addressed_to, const char *corrects)
{
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:o}",
			       "event_id", "ev-entry", "tenant_id", TENANT, "time", TIME,
			       "patient_id", PATIENT, "entry_id", ENTRY, "category", category,
			       "author_id", AUTHOR, "addressed_to", addressed_to,
			       "corrects", corrects ? json_string(corrects) : json_null());
	return through_avro("PatientEntryAdded", ev);
}

static json_t *team_changed(json_t *members, json_t *added, json_t *removed)
{
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:o, s:o, s:o}", "event_id", "ev-team",
			       "tenant_id", TENANT, "time", TIME, "patient_id", PATIENT,
			       "members", members, "added", added, "removed", removed);
	return through_avro("CareTeamChanged", ev);
}

static json_t *break_glass(json_t *team)
{
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:o}", "event_id", "ev-bg",
			       "tenant_id", TENANT, "time", TIME, "patient_id", PATIENT,
			       "user_id", OUTSIDER, "grant_id", GRANT, "expires_at", EXPIRES,
			       "team", team);
	return through_avro("BreakGlassOpened", ev);
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

/* plan's only notice: about the patient, targeted, outside spaces and apps,
 * its texts naming no patient */
static struct nt_notification *only(struct nt_plan *plan, const char *kind)
{
	assert_int_equal(plan->n_notices, 1);
	struct nt_notification *n = &plan->notices[0];
	assert_string_equal(n->kind, kind);
	assert_string_equal(n->tenant_id, TENANT);
	assert_string_equal(n->patient_id, PATIENT);
	assert_false(n->audience_everyone);
	assert_int_equal(json_array_size(n->audience_professions), 0);
	assert_int_equal(json_array_size(n->audience_organisations), 0);
	assert_null(n->space_id);
	assert_null(n->app_id);
	assert_null(n->post_id);
	assert_null(plan->space.space_id);
	assert_null(plan->app.app_id);
	assert_null(plan->withdraw_id);
	assert_null(strstr(n->title, PATIENT));
	assert_null(strstr(n->body, PATIENT));
	assert_string_equal(n->actor_name, "");
	return n;
}

static void a_team_change_updates_the_copy_and_tells_nobody(void **state)
{
	(void)state;
	json_t *ev = team_changed(json_pack("[s, s]", AUTHOR, NURSE), json_pack("[s]", NURSE),
				  json_pack("[s]", CM));
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_care_team_changed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.event_id, "ev-team");
	assert_int_equal(plan.n_notices, 0);
	assert_string_equal(plan.team.tenant_id, TENANT);
	assert_string_equal(plan.team.patient_id, PATIENT);
	assert_int_equal(plan.team.time, TIME);
	assert_int_equal(json_array_size(plan.team.members), 2);
	assert_true(has(plan.team.members, AUTHOR));
	assert_true(has(plan.team.members, NURSE));
	assert_false(has(plan.team.members, CM));
	nt_plan_release(&plan);
	json_decref(ev);
}

static void a_message_tells_its_addressees_but_the_author(void **state)
{
	(void)state;
	json_t *ev = entry_added("message", json_pack("[s, s, s]", NURSE, CM, AUTHOR), NULL);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_patient_entry_added_plan(ev, &plan, reason, sizeof reason), 0);
	struct nt_notification *n = only(&plan, "patient_message");
	assert_string_equal(n->title, "利用者の記録にあなた宛てのメッセージがあります");
	assert_string_equal(n->body, "記録を開いて内容を確認してください");
	assert_string_equal(n->link, "#/patients/" PATIENT "/entries/" ENTRY);
	assert_int_equal(json_array_size(n->audience_users), 2);
	assert_true(has(n->audience_users, NURSE));
	assert_true(has(n->audience_users, CM));
	assert_false(has(n->audience_users, AUTHOR));
	assert_string_equal(n->exclude_user, AUTHOR);
	assert_string_equal(n->actor_id, AUTHOR);
	assert_string_equal(n->subject_id, ENTRY);
	assert_false(n->audience_team);
	assert_null(plan.team.patient_id);
	nt_plan_release(&plan);
	json_decref(ev);

	/* a correction says so */
	ev = entry_added("message", json_pack("[s]", NURSE), "e-0");
	assert_int_equal(nt_patient_entry_added_plan(ev, &plan, reason, sizeof reason), 0);
	assert_non_null(strstr(only(&plan, "patient_message")->title, "訂正"));
	nt_plan_release(&plan);
	json_decref(ev);

	/* addressed to nobody but the author: nobody to tell */
	ev = entry_added("message", json_pack("[s]", AUTHOR), NULL);
	assert_int_equal(nt_patient_entry_added_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
	ev = entry_added("message", json_array(), NULL);
	assert_int_equal(nt_patient_entry_added_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void an_incident_tells_the_team_but_the_author(void **state)
{
	(void)state;
	json_t *ev = entry_added("incident", json_array(), NULL);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_patient_entry_added_plan(ev, &plan, reason, sizeof reason), 0);
	struct nt_notification *n = only(&plan, "patient_incident");
	assert_true(n->audience_team);
	assert_int_equal(json_array_size(n->audience_users), 0); /* filled in on apply */
	assert_string_equal(n->exclude_user, AUTHOR);
	assert_string_equal(n->link, "#/patients/" PATIENT "/entries/" ENTRY);
	assert_non_null(strstr(n->title, "事故"));
	assert_false(patient_notice_empty(&(struct nt_notification){.patient_id = NULL}));
	assert_true(patient_notice_empty(n));
	nt_plan_release(&plan);
	json_decref(ev);
}

static void other_categories_tell_nobody(void **state)
{
	(void)state;
	static const char *const categories[] = {"visit_note", "vitals", "medication", "adl"};
	for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++) {
		json_t *ev = entry_added(categories[i], json_array(), NULL);
		struct nt_plan plan;
		char reason[128];
		assert_int_equal(nt_patient_entry_added_plan(ev, &plan, reason, sizeof reason), 0);
		assert_int_equal(plan.n_notices, 0);
		assert_null(plan.team.patient_id);
		nt_plan_release(&plan);
		json_decref(ev);
	}
}

static void a_break_glass_tells_the_team(void **state)
{
	(void)state;
	json_t *ev = break_glass(json_pack("[s, s]", AUTHOR, NURSE));
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_break_glass_opened_plan(ev, &plan, reason, sizeof reason), 0);
	struct nt_notification *n = only(&plan, "break_glass");
	assert_non_null(strstr(n->title, "緊急アクセス"));
	/* the grant's end in Japan time */
	assert_non_null(strstr(n->body, "11月20日(金) 10:05 まで"));
	assert_string_equal(n->link, "#/patients/" PATIENT "/access-history");
	assert_int_equal(json_array_size(n->audience_users), 2);
	assert_true(has(n->audience_users, AUTHOR));
	assert_true(has(n->audience_users, NURSE));
	assert_false(has(n->audience_users, OUTSIDER));
	assert_string_equal(n->actor_id, OUTSIDER);
	assert_string_equal(n->subject_id, GRANT);
	assert_string_equal(plan.team.patient_id, PATIENT);
	assert_int_equal(json_array_size(plan.team.members), 2);
	nt_plan_release(&plan);
	json_decref(ev);

	ev = break_glass(json_array());
	assert_int_equal(nt_break_glass_opened_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void events_lacking_values_are_refused(void **state)
{
	(void)state;
	struct nt_plan plan;
	char reason[128] = "";

	json_t *ev = entry_added("message", json_pack("[s]", NURSE), NULL);
	json_object_set_new(ev, "patient_id", json_string(""));
	assert_int_equal(nt_patient_entry_added_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	assert_non_null(strstr(reason, "patient"));
	nt_plan_release(&plan);
	json_object_set_new(ev, "patient_id", json_string(PATIENT));
	json_object_set_new(ev, "author_id", json_string(""));
	assert_int_equal(nt_patient_entry_added_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	nt_plan_release(&plan);
	json_object_set_new(ev, "author_id", json_string(AUTHOR));
	json_object_set_new(ev, "addressed_to", json_pack("[s]", ""));
	assert_int_equal(nt_patient_entry_added_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	nt_plan_release(&plan);
	json_decref(ev);

	ev = team_changed(json_pack("[s]", ""), json_array(), json_array());
	assert_int_equal(nt_care_team_changed_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	assert_non_null(strstr(reason, "careteamchanged"));
	nt_plan_release(&plan);
	json_decref(ev);

	ev = break_glass(json_pack("[s]", NURSE));
	json_object_set_new(ev, "grant_id", json_string(""));
	assert_int_equal(nt_break_glass_opened_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	assert_non_null(strstr(reason, "breakglassopened"));
	nt_plan_release(&plan);
	json_decref(ev);
}

static void notification_events_fit_their_schema(void **state)
{
	(void)state;
	json_t *evs[] = {
		entry_added("message", json_pack("[s]", NURSE), NULL),
		break_glass(json_pack("[s]", NURSE)),
	};
	nt_plan_fn fns[] = {nt_patient_entry_added_plan, nt_break_glass_opened_plan};
	for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++) {
		struct nt_plan plan;
		char reason[128];
		assert_int_equal(fns[i](evs[i], &plan, reason, sizeof reason), 0);
		assert_int_equal(plan.n_notices, 1);
		struct nt_notification *n = &plan.notices[0];
		n->id = 7;
		n->created_at = 1700000000000;
		json_t *nc = nt_notification_event(n);
		unsigned char *buf = NULL;
		size_t len = 0;
		json_t *back = NULL;
		if (cl_avro_encode(reg, NT_SCHEMA_NOTIFICATION_CREATED, nc, &buf, &len) != 0)
			fail_msg("NotificationCreated does not encode: %s", cl_avro_last_error());
		assert_int_equal(cl_avro_decode(reg, buf, len, &back, NULL), 0);
		/* live pushes go to the named users only */
		const json_t *audience = json_object_get(back, "audience");
		assert_true(json_is_false(json_object_get(audience, "everyone")));
		assert_true(has(json_object_get(audience, "users"), NURSE));
		assert_int_equal(json_array_size(json_object_get(audience, "professions")), 0);
		assert_int_equal(json_array_size(json_object_get(audience, "organisations")), 0);
		free(buf);
		json_decref(back);
		json_decref(nc);
		nt_plan_release(&plan);
		json_decref(evs[i]);
	}
}

static void the_consumer_picks_them_with_the_records_inbox(void **state)
{
	(void)state;
	static const struct {
		const char *schema;
		nt_plan_fn plan;
	} want[] = {
		{"carelink.records.CareTeamChanged", nt_care_team_changed_plan},
		{"carelink.records.PatientEntryAdded", nt_patient_entry_added_plan},
		{"carelink.records.BreakGlassOpened", nt_break_glass_opened_plan},
	};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		int i = planner_of(want[k].schema);
		assert_true(i >= 0);
		assert_ptr_equal(nt_planners[i].plan, want[k].plan);
		assert_string_equal(nt_planners[i].inbox, "notify.records");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_team_change_updates_the_copy_and_tells_nobody),
		cmocka_unit_test(a_message_tells_its_addressees_but_the_author),
		cmocka_unit_test(an_incident_tells_the_team_but_the_author),
		cmocka_unit_test(other_categories_tell_nobody),
		cmocka_unit_test(a_break_glass_tells_the_team),
		cmocka_unit_test(events_lacking_values_are_refused),
		cmocka_unit_test(notification_events_fit_their_schema),
		cmocka_unit_test(the_consumer_picks_them_with_the_records_inbox),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

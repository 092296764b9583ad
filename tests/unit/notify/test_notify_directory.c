/* test_notify_directory.c - what notify makes of each event of
 * carelink.directory, without a database: the notifications (kind,
 * audience, exclusions, subject, app, texts in Asia/Tokyo, link), the copy
 * of the app's readers, quiet events, withdrawal on delete, and the
 * NotificationCreated event of each. Every event goes through the Avro
 * codec of schemas/ first, so the planners see exactly what the consumer
 * decodes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "carelink/avro.h"
#include "carelink/err.h"

/* the planners are internal to the service: compile them into the test
 * (plan_apply.c for the NotificationCreated event, with the database files
 * it refers to; nothing here opens a connection) */
#include "../../../services/notify/text.c"
#include "../../../services/notify/plan.c"
#include "../../../services/notify/app_plan.c"
#include "../../../services/notify/app_record_created.c"
#include "../../../services/notify/app_record_updated.c"
#include "../../../services/notify/app_record_deleted.c"
#include "../../../services/notify/event_reminder_due.c"
#include "../../../services/notify/db_notification.c"
#include "../../../services/notify/db_space.c"
#include "../../../services/notify/db_app.c"
#include "../../../services/notify/db_patient_team.c"
#include "../../../services/notify/db_recipients.c"
#include "../../../services/notify/plan_apply.c"

#define TENANT "t-1"
#define APP "a-1"
#define RECORD "r-1"
#define ACTOR "u-actor"
#define WATCHER1 "u-w1"
#define WATCHER2 "u-w2"
/* 2026-12-01T14:00:00+09:00 (a Tuesday) */
#define STARTS_MS ((json_int_t)1796101200000)

#define NT_TEST_NAMESPACE "carelink.directory."
#include "notify_unit.h"

/* the fields AppRecordCreated/Updated/Deleted share */
static json_t *record_base(const char *app_key, const char *app_name, const char *title,
			   json_t *rd, bool quiet)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b}",
			 "event_id", "e-1", "tenant_id", TENANT,
			 "time", (json_int_t)1700000000123, "record_id", RECORD,
			 "app_id", APP, "app_key", app_key, "app_name", app_name,
			 "title", title, "owner_organisation_id", "o-1",
			 "actor_id", ACTOR, "actor_name", "田中 花子", "readers", rd,
			 "quiet", quiet);
}

static const char *event_values =
	"{\"title\":\"認知症サポーター研修\",\"kind\":\"研修\","
	"\"starts_at\":\"2026-12-01T14:00:00+09:00\",\"place\":\"市民会館 2階\"}";

static json_t *created(const char *app_key, const char *app_name, const char *title,
		       json_t *rd, bool quiet, const char *values)
{
	json_t *ev = record_base(app_key, app_name, title, rd, quiet);
	json_object_set_new(ev, "values", json_string(values));
	return through_avro("AppRecordCreated", ev);
}

static json_t *updated(const char *app_key, json_t *rd, bool quiet, const char *watchers)
{
	json_t *ev = record_base(app_key, "イベントカレンダー", "認知症サポーター研修", rd, quiet);
	json_object_set_new(ev, "values", json_string(event_values));
	json_object_set_new(ev, "changed_fields", json_pack("[s, s]", "starts_at", "place"));
	json_object_set_new(ev, "watchers", json_loads(watchers, 0, NULL));
	return through_avro("AppRecordUpdated", ev);
}

static json_t *deleted(const char *app_key, const char *app_name, bool quiet,
		       const char *watchers)
{
	json_t *ev = record_base(app_key, app_name, "認知症サポーター研修", prof_org("[]", "[]"),
				 quiet);
	json_object_set_new(ev, "watchers", json_loads(watchers, 0, NULL));
	return through_avro("AppRecordDeleted", ev);
}

static json_t *reminder(const char *place, const char *users)
{
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:o, s:o}",
			       "event_id", "e-9", "tenant_id", TENANT,
			       "time", (json_int_t)1700000000999, "record_id", RECORD,
			       "app_id", APP, "title", "地域ケア会議", "starts_at", STARTS_MS,
			       "place", place, "users", json_loads(users, 0, NULL),
			       "readers", prof_org("[]", "[]"));
	return through_avro("EventReminderDue", ev);
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

static void created_is_announced_to_the_apps_readers_not_the_actor(void **state)
{
	(void)state;
	json_t *ev = created("facilities", "事業所一覧", "みどり訪問看護ステーション",
			     prof_org("[\"care_manager\"]", "[\"o-centre\"]"), false,
			     "{\"name\":\"みどり訪問看護ステーション\"}");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_app_record_created_plan(ev, &plan, reason, sizeof reason), 0);
	/* the copy of the app's readers follows the event */
	assert_string_equal(plan.app.app_id, APP);
	assert_string_equal(plan.app.tenant_id, TENANT);
	assert_int_equal(plan.app.time, 1700000000123);
	assert_true(has(plan.app.professions, "care_manager"));
	assert_true(has(plan.app.organisations, "o-centre"));
	assert_null(plan.space.space_id);
	assert_null(plan.withdraw_id);
	assert_int_equal(plan.n_notices, 1);
	struct nt_notification *n = &plan.notices[0];
	assert_string_equal(n->kind, "app_record");
	assert_string_equal(n->title, "「事業所一覧」に「みどり訪問看護ステーション」が追加されました");
	assert_string_equal(n->body, "");
	assert_string_equal(n->link, "#/app-records/" RECORD);
	assert_false(n->audience_everyone);
	assert_true(has(n->audience_professions, "care_manager"));
	assert_true(has(n->audience_organisations, "o-centre"));
	assert_int_equal(json_array_size(n->audience_users), 0);
	assert_string_equal(n->exclude_user, ACTOR);
	assert_string_equal(n->actor_name, "田中 花子");
	assert_string_equal(n->subject_id, RECORD);
	assert_string_equal(n->app_id, APP);
	assert_null(n->space_id);
	assert_null(n->post_id);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void created_event_is_for_everyone_with_its_time_and_place(void **state)
{
	(void)state;
	json_t *ev = created("events", "イベントカレンダー", "認知症サポーター研修",
			     prof_org("[]", "[]"), false, event_values);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_app_record_created_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 1);
	struct nt_notification *n = &plan.notices[0];
	assert_string_equal(n->title, "「イベントカレンダー」に「認知症サポーター研修」が追加されました");
	assert_string_equal(n->body, "12月1日(火) 14:00 ・ 市民会館 2階");
	assert_true(n->audience_everyone);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void quiet_records_only_update_the_copy(void **state)
{
	(void)state;
	struct nt_plan plan;
	char reason[128];
	json_t *ev = created("facilities", "事業所一覧", "一括登録", prof_org("[]", "[\"o-2\"]"),
			     true, "{}");
	assert_int_equal(nt_app_record_created_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	assert_string_equal(plan.app.app_id, APP);
	assert_true(has(plan.app.organisations, "o-2"));
	nt_plan_release(&plan);
	json_decref(ev);

	ev = updated("events", prof_org("[]", "[]"), true, "[\"" WATCHER1 "\"]");
	assert_int_equal(nt_app_record_updated_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	assert_string_equal(plan.app.app_id, APP);
	nt_plan_release(&plan);
	json_decref(ev);

	/* a quiet delete still withdraws, but tells nobody */
	ev = deleted("events", "イベントカレンダー", true, "[\"" WATCHER1 "\"]");
	assert_int_equal(nt_app_record_deleted_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	assert_string_equal(plan.withdraw_id, RECORD);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void update_tells_the_watchers_but_the_actor(void **state)
{
	(void)state;
	json_t *ev = updated("events", prof_org("[]", "[]"), false,
			     "[\"" WATCHER1 "\", \"" WATCHER2 "\"]");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_app_record_updated_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 1);
	struct nt_notification *n = &plan.notices[0];
	assert_string_equal(n->kind, "app_record_updated");
	assert_string_equal(n->title, "イベント「認知症サポーター研修」の内容が変更されました");
	assert_string_equal(n->body, "12月1日(火) 14:00 ・ 市民会館 2階");
	assert_string_equal(n->link, "#/app-records/" RECORD);
	assert_false(n->audience_everyone);
	assert_int_equal(json_array_size(n->audience_users), 2);
	assert_true(has(n->audience_users, WATCHER1));
	assert_true(has(n->audience_users, WATCHER2));
	assert_int_equal(json_array_size(n->audience_professions), 0);
	assert_int_equal(json_array_size(n->audience_organisations), 0);
	assert_string_equal(n->exclude_user, ACTOR);
	assert_string_equal(n->subject_id, RECORD);
	assert_string_equal(n->app_id, APP);
	nt_plan_release(&plan);
	json_decref(ev);

	/* without watchers nobody is told */
	ev = updated("events", prof_org("[]", "[]"), false, "[]");
	assert_int_equal(nt_app_record_updated_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void delete_withdraws_and_tells_the_watchers(void **state)
{
	(void)state;
	json_t *ev = deleted("events", "イベントカレンダー", false, "[\"" WATCHER1 "\"]");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_app_record_deleted_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.withdraw_id, RECORD);
	assert_int_equal(plan.n_notices, 1);
	struct nt_notification *n = &plan.notices[0];
	assert_string_equal(n->kind, "app_record_deleted");
	assert_string_equal(n->title, "イベント「認知症サポーター研修」は中止になりました");
	assert_true(has(n->audience_users, WATCHER1));
	assert_string_equal(n->exclude_user, ACTOR);
	assert_string_equal(n->subject_id, RECORD);
	nt_plan_release(&plan);
	json_decref(ev);

	/* a record of another app, nobody watching: withdrawal only */
	ev = deleted("facilities", "事業所一覧", false, "[]");
	assert_int_equal(nt_app_record_deleted_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.withdraw_id, RECORD);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);

	ev = deleted("shared_db", "研修記録", false, "[\"" WATCHER2 "\"]");
	assert_int_equal(nt_app_record_deleted_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.notices[0].title,
			    "「研修記録」の「認知症サポーター研修」は削除されました");
	nt_plan_release(&plan);
	json_decref(ev);
}

static void reminder_reaches_exactly_the_registered(void **state)
{
	(void)state;
	json_t *ev = reminder("市役所 3階会議室", "[\"" WATCHER1 "\", \"" WATCHER2 "\"]");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_event_reminder_due_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.app.app_id, APP);
	assert_int_equal(plan.app.time, 1700000000999);
	assert_int_equal(plan.n_notices, 1);
	struct nt_notification *n = &plan.notices[0];
	assert_string_equal(n->kind, "reminder");
	assert_string_equal(n->title, "明日のイベント: 「地域ケア会議」");
	/* due the same day in Asia/Tokyo (two hours before): today's event */
	json_t *same_day = json_deep_copy(ev);
	json_object_set_new(same_day, "time",
			    json_integer(json_integer_value(json_object_get(ev, "starts_at")) -
					 2 * 3600 * 1000));
	struct nt_plan today;
	assert_int_equal(nt_event_reminder_due_plan(same_day, &today, reason, sizeof reason), 0);
	assert_string_equal(today.notices[0].title, "今日のイベント: 「地域ケア会議」");
	nt_plan_release(&today);
	json_decref(same_day);
	assert_string_equal(n->body, "12月1日(火) 14:00 ・ 市役所 3階会議室");
	assert_string_equal(n->link, "#/app-records/" RECORD);
	assert_false(n->audience_everyone);
	assert_int_equal(json_array_size(n->audience_users), 2);
	assert_true(has(n->audience_users, WATCHER1));
	assert_true(has(n->audience_users, WATCHER2));
	assert_int_equal(json_array_size(n->audience_professions), 0);
	assert_null(n->exclude_user);
	assert_string_equal(n->subject_id, RECORD);
	assert_string_equal(n->source_event_id, "e-9");
	nt_plan_release(&plan);
	json_decref(ev);

	/* no place: the time only; nobody registered: no notification */
	ev = reminder("", "[\"" WATCHER1 "\"]");
	assert_int_equal(nt_event_reminder_due_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.notices[0].body, "12月1日(火) 14:00");
	nt_plan_release(&plan);
	json_decref(ev);
	ev = reminder("会場", "[]");
	assert_int_equal(nt_event_reminder_due_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void long_titles_are_cut(void **state)
{
	(void)state;
	char title[3 * 150 + 1] = "";
	for (int i = 0; i < 150; i++)
		strcat(title, "研");
	json_t *ev = created("facilities", "事業所一覧", title, prof_org("[]", "[]"), false, "{}");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_app_record_created_plan(ev, &plan, reason, sizeof reason), 0);
	const char *t = plan.notices[0].title;
	assert_non_null(strstr(t, "…」が追加されました"));
	/* 「事業所一覧」に「 + 100 characters + …」が追加されました */
	assert_int_equal(strlen(t), strlen("「事業所一覧」に「") + 100 * 3 +
					    strlen("…」が追加されました"));
	nt_plan_release(&plan);
	json_decref(ev);
}

static void times_are_read_and_written_in_asia_tokyo(void **state)
{
	(void)state;
	int64_t ms = 0;
	assert_int_equal(nt_text_rfc3339_ms("2026-12-01T14:00:00+09:00", &ms), 0);
	assert_int_equal(ms, STARTS_MS);
	assert_int_equal(nt_text_rfc3339_ms("2026-12-01T05:00:00Z", &ms), 0);
	assert_int_equal(ms, STARTS_MS);
	assert_int_equal(nt_text_rfc3339_ms("2026-12-01T05:00:00.250Z", &ms), 0);
	assert_int_equal(ms, STARTS_MS + 250);
	assert_int_equal(nt_text_rfc3339_ms("2026-11-30T21:00:00-08:00", &ms), 0);
	assert_int_equal(ms, STARTS_MS);
	assert_int_equal(nt_text_rfc3339_ms("2026-12-01", &ms), CL_EINVAL);
	assert_int_equal(nt_text_rfc3339_ms("2026-13-01T14:00:00+09:00", &ms), CL_EINVAL);
	assert_int_equal(nt_text_rfc3339_ms("2026-12-01T14:00:00+0900", &ms), CL_EINVAL);
	assert_int_equal(nt_text_rfc3339_ms("2026-12-01T14:00:00", &ms), CL_EINVAL);

	char *s = nt_text_jst(STARTS_MS);
	assert_string_equal(s, "12月1日(火) 14:00");
	free(s);
	/* 23:30 UTC on 31 December is already New Year's Day in Tokyo */
	assert_int_equal(nt_text_rfc3339_ms("2026-12-31T23:30:00Z", &ms), 0);
	s = nt_text_jst(ms);
	assert_string_equal(s, "1月1日(金) 08:30");
	free(s);

	s = nt_app_record_summary("not json");
	assert_string_equal(s, "");
	free(s);
	s = nt_app_record_summary("{\"place\":\"公民館\"}");
	assert_string_equal(s, "公民館");
	free(s);
}

static void events_lacking_values_are_refused(void **state)
{
	(void)state;
	json_t *ev = created("events", "イベントカレンダー", "x", prof_org("[]", "[]"), false, "{}");
	struct nt_plan plan;
	char reason[128] = "";

	json_object_set_new(ev, "record_id", json_string(""));
	assert_int_equal(nt_app_record_created_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	assert_non_null(strstr(reason, "apprecordcreated"));
	nt_plan_release(&plan);
	json_object_set_new(ev, "record_id", json_string(RECORD));
	json_object_del(ev, "readers");
	reason[0] = '\0';
	assert_int_equal(nt_app_record_created_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	assert_non_null(strstr(reason, "readers"));
	nt_plan_release(&plan);
	json_decref(ev);

	ev = updated("events", prof_org("[]", "[]"), false, "[\"" WATCHER1 "\"]");
	json_object_set_new(ev, "watchers", json_pack("[i]", 3));
	assert_int_equal(nt_app_record_updated_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	nt_plan_release(&plan);
	json_decref(ev);

	ev = reminder("会場", "[\"" WATCHER1 "\"]");
	json_object_set_new(ev, "starts_at", json_string("tomorrow"));
	assert_int_equal(nt_event_reminder_due_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void notification_event_fits_its_schema(void **state)
{
	(void)state;
	json_t *rem = reminder("会場", "[\"" WATCHER1 "\"]");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_event_reminder_due_plan(rem, &plan, reason, sizeof reason), 0);
	json_t *ev = created("facilities", "事業所一覧", "薬局", prof_org("[\"pharmacist\"]", "[]"),
		     false, "{}");
	struct nt_plan plan2;
	assert_int_equal(nt_app_record_created_plan(ev, &plan2, reason, sizeof reason), 0);
	struct nt_notification *ns[] = {&plan.notices[0], &plan2.notices[0]};
	for (size_t i = 0; i < 2; i++) {
		ns[i]->id = 7 + (int64_t)i;
		ns[i]->created_at = 1700000000000;
		json_t *nc = nt_notification_event(ns[i]);
		unsigned char *buf = NULL;
		size_t len = 0;
		json_t *back = NULL;
		if (cl_avro_encode(reg, NT_SCHEMA_NOTIFICATION_CREATED, nc, &buf, &len) != 0)
			fail_msg("NotificationCreated does not encode: %s", cl_avro_last_error());
		assert_int_equal(cl_avro_decode(reg, buf, len, &back, NULL), 0);
		assert_string_equal(json_string_value(json_object_get(back, "subject_id")),
				    RECORD);
		assert_true(json_is_null(json_object_get(back, "space_id")));
		const json_t *aud = json_object_get(back, "audience");
		if (i == 0) {
			assert_true(has(json_object_get(aud, "users"), WATCHER1));
			assert_true(json_is_null(json_object_get(back, "exclude_user")));
		} else {
			assert_true(has(json_object_get(aud, "professions"), "pharmacist"));
			assert_string_equal(
				json_string_value(json_object_get(back, "exclude_user")), ACTOR);
		}
		free(buf);
		json_decref(back);
		json_decref(nc);
	}
	nt_plan_release(&plan);
	nt_plan_release(&plan2);
	json_decref(rem);
	json_decref(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(created_is_announced_to_the_apps_readers_not_the_actor),
		cmocka_unit_test(created_event_is_for_everyone_with_its_time_and_place),
		cmocka_unit_test(quiet_records_only_update_the_copy),
		cmocka_unit_test(update_tells_the_watchers_but_the_actor),
		cmocka_unit_test(delete_withdraws_and_tells_the_watchers),
		cmocka_unit_test(reminder_reaches_exactly_the_registered),
		cmocka_unit_test(long_titles_are_cut),
		cmocka_unit_test(times_are_read_and_written_in_asia_tokyo),
		cmocka_unit_test(events_lacking_values_are_refused),
		cmocka_unit_test(notification_event_fits_its_schema),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_notify_vacancy.c - what notify makes of each event of
 * carelink.vacancy, without a database: the notification of a watch that
 * matches, the stale reminder, the notices of holds placed, confirmed and
 * released (who is told, who never is, texts, links), events written
 * before the hold events named the facility's owner, events lacking a
 * value, and the NotificationCreated event of each. Every event goes
 * through the Avro codec of schemas/ first, so the planners see exactly
 * what the consumer decodes. */
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
 * compile them into the test (plan_apply.c for the NotificationCreated
 * event, with the database files it refers to; nothing here opens a
 * connection) */
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
#define FACILITY "f-1"
#define FACILITY_ORG "o-facility"
#define HOLD "h-1"
#define HOLDER "u-holder"
#define STAFF "u-staff"
#define WATCH "w-1"
#define OWNER "u-owner"
/* 2026-11-20T09:05:00+09:00 (a Friday) */
#define UPDATED_MS ((json_int_t)1795133100000)

#define NT_TEST_NAMESPACE "carelink.vacancy."
#include "notify_unit.h"

static json_t *matched(const char *watch_name, const char *kind, const char *from,
		       const char *to, int min_available)
{
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}",
			       "event_id", "e-m", "tenant_id", TENANT,
			       "time", (json_int_t)1700000000123, "watch_id", WATCH,
			       "watch_name", watch_name, "user_id", OWNER,
			       "facility_id", FACILITY, "facility_name", "ひだまり苑",
			       "kind", kind, "from", from, "to", to,
			       "min_available", min_available);
	return through_avro("VacancyWatchMatched", ev);
}

static json_t *stale(const char *owner, json_t *updated_at)
{
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:i}",
			       "event_id", "e-s", "tenant_id", TENANT,
			       "time", (json_int_t)1700000000123, "facility_id", FACILITY,
			       "facility_name", "ひだまり苑", "owner_organisation_id", owner,
			       "offers", "short_stay", "updated_at", updated_at,
			       "stale_hours", 48);
	return through_avro("VacancyStale", ev);
}

/* the fields every hold event has (without the facility's name and owner
 * when org is NULL: an event of the first version of the schema) */
static json_t *hold_base(const char *org, const char *label)
{
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s,"
			       " s:s}",
			       "event_id", "e-h", "tenant_id", TENANT,
			       "time", (json_int_t)1700000000123, "hold_id", HOLD,
			       "facility_id", FACILITY, "kind", "short_stay", "room", "women",
			       "beds", 2, "from", "2026-12-01", "to", "2026-12-03",
			       "holder_id", HOLDER, "holder_organisation_id", "o-holder",
			       "client_label", label);
	if (org) {
		json_object_set_new(ev, "facility_name", json_string("ひだまり苑"));
		json_object_set_new(ev, "facility_organisation_id", json_string(org));
	}
	return ev;
}

static json_t *placed(const char *org, const char *label)
{
	json_t *ev = hold_base(org, label);
	json_object_set_new(ev, "expires_at", json_integer(1700000900123));
	return through_avro("HoldPlaced", ev);
}

static json_t *confirmed(const char *org, const char *by)
{
	json_t *ev = hold_base(org, "A様");
	json_object_set_new(ev, "confirmed_by_id", json_string(by));
	return through_avro("HoldConfirmed", ev);
}

static json_t *released(const char *org, const char *why, const char *by)
{
	json_t *ev = hold_base(org, "A様");
	json_object_set_new(ev, "reason", json_string(why));
	json_object_set_new(ev, "released_by_id", by ? json_string(by) : json_null());
	return through_avro("HoldReleased", ev);
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

/* plan's only notice, checked to be outside any space or app */
static struct nt_notification *only(struct nt_plan *plan, const char *kind)
{
	assert_int_equal(plan->n_notices, 1);
	struct nt_notification *n = &plan->notices[0];
	assert_string_equal(n->kind, kind);
	assert_string_equal(n->tenant_id, TENANT);
	assert_false(n->audience_everyone);
	assert_int_equal(json_array_size(n->audience_professions), 0);
	assert_null(n->space_id);
	assert_null(n->app_id);
	assert_null(n->post_id);
	assert_null(plan->space.space_id);
	assert_null(plan->app.app_id);
	assert_null(plan->withdraw_id);
	return n;
}

static void a_match_tells_the_watchs_owner(void **state)
{
	(void)state;
	json_t *ev = matched("北地区 女性 12月", "short_stay", "2026-12-01", "2026-12-03", 2);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_vacancy_watch_matched_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.event_id, "e-m");
	struct nt_notification *n = only(&plan, "vacancy_match");
	assert_string_equal(n->title, "空きが見つかりました: 「北地区 女性 12月」");
	assert_string_equal(n->body, "ひだまり苑 ・ 12月1日〜12月3日 ・ 空き2床 ・ ショートステイ");
	assert_string_equal(n->link, "#/vacancy/watches/" WATCH);
	assert_int_equal(json_array_size(n->audience_users), 1);
	assert_true(has(n->audience_users, OWNER));
	assert_int_equal(json_array_size(n->audience_organisations), 0);
	assert_null(n->exclude_user);
	assert_string_equal(n->actor_id, "");
	assert_string_equal(n->actor_name, "");
	assert_string_equal(n->subject_id, WATCH);
	assert_string_equal(n->source_event_id, "e-m");
	nt_plan_release(&plan);
	json_decref(ev);

	/* one night of a backup bed */
	ev = matched("後方支援", "backup", "2026-12-31", "2026-12-31", 1);
	assert_int_equal(nt_vacancy_watch_matched_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.notices[0].body, "ひだまり苑 ・ 12月31日 ・ 空き1床 ・ 後方支援病床");
	nt_plan_release(&plan);
	json_decref(ev);
}

static void a_stale_facility_reminds_its_organisation(void **state)
{
	(void)state;
	json_t *ev = stale(FACILITY_ORG, json_integer(UPDATED_MS));
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_vacancy_stale_plan(ev, &plan, reason, sizeof reason), 0);
	struct nt_notification *n = only(&plan, "vacancy_stale");
	assert_string_equal(n->title, "空き情報の更新をお願いします: ひだまり苑");
	assert_string_equal(n->body, "ショートステイ ・ 最終更新: 11月20日(金) 09:05");
	assert_string_equal(n->link, "#/vacancy/facilities/" FACILITY);
	assert_int_equal(json_array_size(n->audience_organisations), 1);
	assert_true(has(n->audience_organisations, FACILITY_ORG));
	assert_int_equal(json_array_size(n->audience_users), 0);
	assert_null(n->exclude_user);
	assert_string_equal(n->actor_id, "");
	assert_string_equal(n->subject_id, FACILITY);
	nt_plan_release(&plan);
	json_decref(ev);

	/* never updated */
	ev = stale(FACILITY_ORG, json_null());
	assert_int_equal(nt_vacancy_stale_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.notices[0].body, "ショートステイ ・ まだ登録されていません");
	nt_plan_release(&plan);
	json_decref(ev);

	/* no owner: nobody to remind, and no reason to dead-letter it */
	ev = stale("", json_null());
	assert_int_equal(nt_vacancy_stale_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void a_placed_hold_tells_the_facility_not_the_holder(void **state)
{
	(void)state;
	json_t *ev = placed(FACILITY_ORG, "A様");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_hold_placed_plan(ev, &plan, reason, sizeof reason), 0);
	struct nt_notification *n = only(&plan, "hold_placed");
	assert_string_equal(n->title, "仮押さえが入りました: ひだまり苑");
	assert_string_equal(n->body,
			    "ショートステイ ・ 12月1日〜12月3日(3泊) ・ 2床(女性) ・ 利用者: A様");
	assert_string_equal(n->link, "#/vacancy/holds/" HOLD);
	assert_true(has(n->audience_organisations, FACILITY_ORG));
	assert_int_equal(json_array_size(n->audience_organisations), 1);
	assert_int_equal(json_array_size(n->audience_users), 0);
	assert_string_equal(n->exclude_user, HOLDER);
	assert_string_equal(n->actor_id, HOLDER);
	assert_string_equal(n->subject_id, HOLD);
	nt_plan_release(&plan);
	json_decref(ev);

	/* no label: no 利用者 part */
	ev = placed(FACILITY_ORG, "");
	assert_int_equal(nt_hold_placed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.notices[0].body,
			    "ショートステイ ・ 12月1日〜12月3日(3泊) ・ 2床(女性)");
	nt_plan_release(&plan);
	json_decref(ev);

	/* written before the owner was named: nobody to tell, not refused */
	ev = placed(NULL, "A様");
	assert_string_equal(json_string_value(json_object_get(ev, "facility_organisation_id")),
			    "");
	assert_int_equal(nt_hold_placed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void a_confirmed_hold_tells_the_holder(void **state)
{
	(void)state;
	json_t *ev = confirmed(FACILITY_ORG, STAFF);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_hold_confirmed_plan(ev, &plan, reason, sizeof reason), 0);
	struct nt_notification *n = only(&plan, "hold_confirmed");
	assert_string_equal(n->title, "仮押さえが確定しました: ひだまり苑");
	assert_string_equal(n->link, "#/vacancy/holds/" HOLD);
	assert_int_equal(json_array_size(n->audience_users), 1);
	assert_true(has(n->audience_users, HOLDER));
	assert_int_equal(json_array_size(n->audience_organisations), 0);
	assert_string_equal(n->exclude_user, STAFF);
	assert_string_equal(n->actor_id, STAFF);
	nt_plan_release(&plan);
	json_decref(ev);

	/* the holder confirmed it: nobody is told */
	ev = confirmed(FACILITY_ORG, HOLDER);
	assert_int_equal(nt_hold_confirmed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);

	/* an old event still tells the holder, with a general name */
	ev = confirmed(NULL, STAFF);
	assert_int_equal(nt_hold_confirmed_plan(ev, &plan, reason, sizeof reason), 0);
	n = only(&plan, "hold_confirmed");
	assert_string_equal(n->title, "仮押さえが確定しました: 施設");
	assert_true(has(n->audience_users, HOLDER));
	nt_plan_release(&plan);
	json_decref(ev);
}

static void a_released_hold_tells_the_other_side(void **state)
{
	(void)state;
	struct nt_plan plan;
	char reason[128];
	struct nt_notification *n;

	/* expired: the holder and the facility, nobody acted */
	json_t *ev = released(FACILITY_ORG, "EXPIRED", NULL);
	assert_int_equal(nt_hold_released_plan(ev, &plan, reason, sizeof reason), 0);
	n = only(&plan, "hold_released");
	assert_string_equal(n->title, "仮押さえの期限が切れました: ひだまり苑");
	assert_string_equal(n->link, "#/vacancy/holds/" HOLD);
	assert_true(has(n->audience_users, HOLDER));
	assert_true(has(n->audience_organisations, FACILITY_ORG));
	assert_null(n->exclude_user);
	assert_string_equal(n->actor_id, "");
	nt_plan_release(&plan);
	json_decref(ev);

	/* released by the holder: the facility, never the holder */
	ev = released(FACILITY_ORG, "RELEASED", HOLDER);
	assert_int_equal(nt_hold_released_plan(ev, &plan, reason, sizeof reason), 0);
	n = only(&plan, "hold_released");
	assert_string_equal(n->title, "仮押さえが解除されました: ひだまり苑");
	assert_int_equal(json_array_size(n->audience_users), 0);
	assert_true(has(n->audience_organisations, FACILITY_ORG));
	assert_string_equal(n->exclude_user, HOLDER);
	assert_string_equal(n->actor_id, HOLDER);
	nt_plan_release(&plan);
	json_decref(ev);

	/* released by the facility's staff: the holder, never the releaser */
	ev = released(FACILITY_ORG, "RELEASED", STAFF);
	assert_int_equal(nt_hold_released_plan(ev, &plan, reason, sizeof reason), 0);
	n = only(&plan, "hold_released");
	assert_int_equal(json_array_size(n->audience_users), 1);
	assert_true(has(n->audience_users, HOLDER));
	assert_int_equal(json_array_size(n->audience_organisations), 0);
	assert_string_equal(n->exclude_user, STAFF);
	nt_plan_release(&plan);
	json_decref(ev);

	/* old events: the holder still hears, the facility cannot */
	ev = released(NULL, "EXPIRED", NULL);
	assert_int_equal(nt_hold_released_plan(ev, &plan, reason, sizeof reason), 0);
	n = only(&plan, "hold_released");
	assert_true(has(n->audience_users, HOLDER));
	assert_int_equal(json_array_size(n->audience_organisations), 0);
	assert_string_equal(n->title, "仮押さえの期限が切れました: 施設");
	nt_plan_release(&plan);
	json_decref(ev);
	ev = released(NULL, "RELEASED", HOLDER);
	assert_int_equal(nt_hold_released_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void nights_and_labels(void **state)
{
	(void)state;
	int n = 0;
	char *s = nt_vacancy_nights("2026-12-30", "2027-01-02", &n);
	assert_string_equal(s, "12月30日〜1月2日");
	assert_int_equal(n, 4);
	free(s);
	assert_null(nt_vacancy_nights("2026-12-03", "2026-12-01", NULL));
	assert_null(nt_vacancy_nights("2026-11-31", "2026-12-01", NULL));
	assert_null(nt_vacancy_nights("2026-1-01", "2026-12-01", NULL));
	assert_null(nt_vacancy_nights(NULL, "2026-12-01", NULL));
	assert_string_equal(nt_vacancy_room_label("men"), "男性");
	assert_string_equal(nt_vacancy_room_label("either"), "男女可");
	assert_string_equal(nt_vacancy_kind_label("capacity"), "ケアマネ空き情報");
}

static void events_lacking_values_are_refused(void **state)
{
	(void)state;
	struct nt_plan plan;
	char reason[128] = "";

	json_t *ev = matched("w", "short_stay", "2026-12-01", "2026-12-03", 1);
	json_object_set_new(ev, "user_id", json_string(""));
	assert_int_equal(nt_vacancy_watch_matched_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	assert_non_null(strstr(reason, "vacancywatchmatched"));
	nt_plan_release(&plan);
	json_object_set_new(ev, "user_id", json_string(OWNER));
	json_object_set_new(ev, "to", json_string("2026-11-30"));
	assert_int_equal(nt_vacancy_watch_matched_plan(ev, &plan, reason, sizeof reason),
			 CL_EINVAL);
	nt_plan_release(&plan);
	json_decref(ev);

	ev = stale(FACILITY_ORG, json_null());
	json_object_set_new(ev, "event_id", json_string(""));
	reason[0] = '\0';
	assert_int_equal(nt_vacancy_stale_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	assert_non_null(strstr(reason, "event id"));
	nt_plan_release(&plan);
	json_decref(ev);

	ev = placed(FACILITY_ORG, "A様");
	json_object_set_new(ev, "holder_id", json_string(""));
	reason[0] = '\0';
	assert_int_equal(nt_hold_placed_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	assert_non_null(strstr(reason, "holdplaced"));
	nt_plan_release(&plan);
	json_decref(ev);

	ev = confirmed(FACILITY_ORG, "");
	reason[0] = '\0';
	assert_int_equal(nt_hold_confirmed_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	assert_non_null(strstr(reason, "confirmed"));
	nt_plan_release(&plan);
	json_decref(ev);

	/* released, not expired, without who released it */
	ev = released(FACILITY_ORG, "RELEASED", NULL);
	reason[0] = '\0';
	assert_int_equal(nt_hold_released_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	assert_non_null(strstr(reason, "holdreleased"));
	nt_plan_release(&plan);
	json_object_set_new(ev, "released_by_id", json_string(STAFF));
	json_object_set_new(ev, "from", json_string("tomorrow"));
	assert_int_equal(nt_hold_released_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void notification_events_fit_their_schema(void **state)
{
	(void)state;
	json_t *evs[] = {
		matched("w", "short_stay", "2026-12-01", "2026-12-03", 1),
		stale(FACILITY_ORG, json_null()),
		placed(FACILITY_ORG, "A様"),
		confirmed(FACILITY_ORG, STAFF),
		released(FACILITY_ORG, "EXPIRED", NULL),
	};
	nt_plan_fn fns[] = {nt_vacancy_watch_matched_plan, nt_vacancy_stale_plan,
			    nt_hold_placed_plan, nt_hold_confirmed_plan, nt_hold_released_plan};
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
		assert_string_equal(json_string_value(json_object_get(back, "kind")), n->kind);
		assert_true(json_is_null(json_object_get(back, "space_id")));
		free(buf);
		json_decref(back);
		json_decref(nc);
		nt_plan_release(&plan);
		json_decref(evs[i]);
	}
}

static void the_consumer_picks_them_with_the_vacancy_inbox(void **state)
{
	(void)state;
	static const struct {
		const char *schema;
		nt_plan_fn plan;
	} want[] = {
		{"carelink.vacancy.VacancyWatchMatched", nt_vacancy_watch_matched_plan},
		{"carelink.vacancy.VacancyStale", nt_vacancy_stale_plan},
		{"carelink.vacancy.HoldPlaced", nt_hold_placed_plan},
		{"carelink.vacancy.HoldConfirmed", nt_hold_confirmed_plan},
		{"carelink.vacancy.HoldReleased", nt_hold_released_plan},
	};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		int i = planner_of(want[k].schema);
		assert_true(i >= 0);
		assert_ptr_equal(nt_planners[i].plan, want[k].plan);
		assert_string_equal(nt_planners[i].inbox, "notify.vacancy");
	}
	/* the facility's whole state makes no notification: ignored */
	assert_int_equal(planner_of("carelink.vacancy.VacancyChanged"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_match_tells_the_watchs_owner),
		cmocka_unit_test(a_stale_facility_reminds_its_organisation),
		cmocka_unit_test(a_placed_hold_tells_the_facility_not_the_holder),
		cmocka_unit_test(a_confirmed_hold_tells_the_holder),
		cmocka_unit_test(a_released_hold_tells_the_other_side),
		cmocka_unit_test(nights_and_labels),
		cmocka_unit_test(events_lacking_values_are_refused),
		cmocka_unit_test(notification_events_fit_their_schema),
		cmocka_unit_test(the_consumer_picks_them_with_the_vacancy_inbox),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_feed_plan.c - what the feed needs from the planners (FEED.md): every
 * notice of PostCreated, CommentAdded, PostEdited and PostConfirmed names
 * its thread, SpaceChanged's none; NotificationCreated (v3) carries urgent,
 * thread_id, app_id and patient_id through the Avro codec of schemas/ */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "carelink/avro.h"
#include "carelink/err.h"

/* the planners, with plan_apply.c for the NotificationCreated event and the
 * database files it refers to (nothing here opens a connection) */
#include "../../../services/notify/text.c"
#include "../../../services/notify/plan.c"
#include "../../../services/notify/space_changed.c"
#include "../../../services/notify/post_created.c"
#include "../../../services/notify/comment_added.c"
#include "../../../services/notify/post_edited.c"
#include "../../../services/notify/post_confirmed.c"
#include "../../../services/notify/db_notification.c"
#include "../../../services/notify/db_space.c"
#include "../../../services/notify/db_app.c"
#include "../../../services/notify/db_patient_team.c"
#include "../../../services/notify/db_recipients.c"
#include "../../../services/notify/plan_apply.c"

#define TENANT "t-1"
#define SPACE "s-1"
#define THREAD "th-1"

#define NT_TEST_NAMESPACE "carelink.posts."
#include "notify_unit.h"

static json_t *mentions(const char *users)
{
	return json_pack("{s:o, s:[]}", "users", json_loads(users, 0, NULL), "organisations");
}

/* the fields every post event shares */
static json_t *base(void)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "event_id", "e-1",
			 "tenant_id", TENANT, "time", (json_int_t)1700000000000,
			 "space_id", SPACE, "space_name", "連絡", "thread_id", THREAD,
			 "thread_title", "お知らせ", "audience", prof_org("[]", "[]"));
}

/* every notice of plan names THREAD; returns how many there are */
static size_t check_thread(nt_plan_fn planner, json_t *ev)
{
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(planner(ev, &plan, reason, sizeof reason), 0);
	size_t n = plan.n_notices;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(plan.notices[i].thread_id);
		assert_string_equal(plan.notices[i].thread_id, THREAD);
		assert_false(plan.notices[i].urgent);
	}
	nt_plan_release(&plan);
	json_decref(ev);
	return n;
}

static void post_events_name_their_thread(void **state)
{
	(void)state;
	json_t *ev = base();
	json_object_update_new(ev, json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:i}", "post_id", "p-1",
		"author_id", "u-1", "author_name", "田中", "author_organisation_id", "o-1",
		"author_organisation_name", "居宅", "body", "本文",
		"created_at", (json_int_t)1700000000000, "mentions", mentions("[\"u-2\"]"),
		"attachment_count", 0));
	assert_int_equal(check_thread(nt_post_created_plan, through_avro("PostCreated", ev)), 2);

	ev = base();
	json_object_update_new(ev, json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:[s]}",
		"comment_id", "c-1", "post_id", "p-1", "post_author_id", "u-1",
		"author_id", "u-2", "author_name", "加藤", "author_organisation_id", "o-1",
		"author_organisation_name", "社協", "body", "承知しました",
		"created_at", (json_int_t)1700000000000, "mentions", mentions("[\"u-3\"]"),
		"participants", "u-1"));
	assert_int_equal(check_thread(nt_comment_added_plan, through_avro("CommentAdded", ev)), 2);

	ev = base();
	json_object_update_new(ev, json_pack(
		"{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:[s]}", "post_id", "p-1",
		"editor_id", "u-1", "editor_name", "田中", "body", "修正",
		"edited_at", (json_int_t)1700000000000, "mentions", mentions("[]"),
		"added_mentions", mentions("[\"u-4\"]"), "confirmed_by", "u-2"));
	assert_int_equal(check_thread(nt_post_edited_plan, through_avro("PostEdited", ev)), 2);

	ev = base();
	json_object_update_new(ev, json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:i}", "post_id", "p-1",
		"post_author_id", "u-1", "user_id", "u-2", "user_name", "加藤",
		"user_organisation_id", "o-1", "user_organisation_name", "社協",
		"confirmed_at", (json_int_t)1700000000000, "confirmed_count", 1,
		"audience_count", 5));
	assert_int_equal(check_thread(nt_post_confirmed_plan, through_avro("PostConfirmed", ev)),
			 1);
}

static void space_notice_names_no_thread(void **state)
{
	(void)state;
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:[], s:s, s:s}",
			       "event_id", "e-1", "tenant_id", TENANT,
			       "time", (json_int_t)1700000000000, "space_id", SPACE,
			       "change", "CREATED", "name", "新スペース", "description", "",
			       "archived", 0, "audience", prof_org("[]", "[]"), "admins",
			       "actor_id", "u-1", "actor_name", "鈴木");
	ev = through_avro("SpaceChanged", ev);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_space_changed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 1);
	assert_null(plan.notices[0].thread_id);
	nt_plan_release(&plan);
	json_decref(ev);
}

/* n's NotificationCreated through the codec; new reference */
static json_t *created_event(const struct nt_notification *n)
{
	json_t *nc = nt_notification_event(n);
	unsigned char *buf = NULL;
	size_t len = 0;
	json_t *back = NULL;
	if (cl_avro_encode(reg, NT_SCHEMA_NOTIFICATION_CREATED, nc, &buf, &len) != 0)
		fail_msg("NotificationCreated does not encode: %s", cl_avro_last_error());
	assert_int_equal(cl_avro_decode(reg, buf, len, &back, NULL), 0);
	free(buf);
	json_decref(nc);
	return back;
}

static void notification_created_carries_the_feed_fields(void **state)
{
	(void)state;
	struct nt_notification n = {
		.id = 7, .created_at = 1700000000000, .tenant_id = TENANT,
		.source_event_id = "e-1", .kind = "alert", .title = "緊急", .body = "本文",
		.link = "#/alerts/1", .actor_id = "u-1", .actor_name = "田中",
		.audience_everyone = true, .urgent = true,
	};
	json_t *back = created_event(&n);
	assert_true(json_is_true(json_object_get(back, "urgent")));
	assert_true(json_is_null(json_object_get(back, "thread_id")));
	assert_true(json_is_null(json_object_get(back, "app_id")));
	assert_true(json_is_null(json_object_get(back, "patient_id")));
	json_decref(back);

	n.kind = "post";
	n.urgent = false;
	n.thread_id = THREAD;
	n.space_id = SPACE;
	n.app_id = "a-1";
	n.patient_id = "pt-1";
	back = created_event(&n);
	assert_false(json_is_true(json_object_get(back, "urgent")));
	assert_string_equal(json_string_value(json_object_get(back, "thread_id")), THREAD);
	assert_string_equal(json_string_value(json_object_get(back, "app_id")), "a-1");
	assert_string_equal(json_string_value(json_object_get(back, "patient_id")), "pt-1");
	assert_string_equal(json_string_value(json_object_get(back, "space_id")), SPACE);
	json_decref(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(post_events_name_their_thread),
		cmocka_unit_test(space_notice_names_no_thread),
		cmocka_unit_test(notification_created_carries_the_feed_fields),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

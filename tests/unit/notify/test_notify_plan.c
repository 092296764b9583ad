/* test_notify_plan.c - what notify makes of each workspace event, without a
 * database: the notifications (kind, audience, exclusions, subject, text,
 * link), the space copy and withdrawals, and the NotificationCreated event
 * of a notification. Every event goes through the Avro codec of schemas/
 * first, so the planners see exactly what the consumer decodes. */
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
#include "../../../services/notify/space_changed.c"
#include "../../../services/notify/post_created.c"
#include "../../../services/notify/comment_added.c"
#include "../../../services/notify/post_edited.c"
#include "../../../services/notify/post_deleted.c"
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
#define POST "p-1"
#define COMMENT "c-1"
#define AUTHOR "u-author"
#define OTHER "u-other"

#define NT_TEST_NAMESPACE "carelink.posts."
#include "notify_unit.h"

static json_t *mentions(const char *users, const char *organisations)
{
	return json_pack("{s:o, s:o}", "users", json_loads(users, 0, NULL),
			 "organisations", json_loads(organisations, 0, NULL));
}

/* the fields every post event shares */
static json_t *base(json_t *aud)
{
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "event_id", "e-1",
			 "tenant_id", TENANT, "time", (json_int_t)1700000000000,
			 "space_id", SPACE, "space_name", "ケアマネ連絡", "thread_id", THREAD,
			 "thread_title", "お知らせ", "audience", aud);
}

static json_t *post_created_event(json_t *aud, json_t *ment, const char *body)
{
	json_t *ev = base(aud);
	json_object_update_new(ev, json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:i}", "post_id", POST,
		"author_id", AUTHOR, "author_name", "田中 花子", "author_organisation_id", "o-1",
		"author_organisation_name", "中央居宅", "body", body,
		"created_at", (json_int_t)1700000000000, "mentions", ment,
		"attachment_count", 0));
	return through_avro("PostCreated", ev);
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

static void space_created_is_announced_to_readers_not_actor(void **state)
{
	(void)state;
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:[], s:s, s:s}",
			       "event_id", "e-1", "tenant_id", TENANT,
			       "time", (json_int_t)1700000000123, "space_id", SPACE,
			       "change", "CREATED", "name", "警察・消防連絡",
			       "description", "緊急時の連絡", "archived", 0,
			       "audience", prof_org("[\"police_officer\"]", "[\"o-fire\"]"),
			       "admins", "actor_id", AUTHOR, "actor_name", "鈴木");
	ev = through_avro("SpaceChanged", ev);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_space_changed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.space.space_id, SPACE);
	assert_int_equal(plan.space.archived, 0);
	assert_int_equal(plan.space.time, 1700000000123);
	assert_int_equal(plan.n_notices, 1);
	struct nt_notification *n = &plan.notices[0];
	assert_string_equal(n->kind, "space");
	assert_string_equal(n->title, "新しいスペース「警察・消防連絡」ができました");
	assert_string_equal(n->body, "緊急時の連絡");
	assert_string_equal(n->link, "#/spaces/" SPACE);
	assert_false(n->audience_everyone);
	assert_true(has(n->audience_professions, "police_officer"));
	assert_true(has(n->audience_organisations, "o-fire"));
	assert_string_equal(n->exclude_user, AUTHOR);
	assert_string_equal(n->subject_id, SPACE);
	assert_string_equal(n->space_id, SPACE);
	assert_null(plan.withdraw_id);
	nt_plan_release(&plan);

	/* an update changes the copy and tells nobody */
	json_object_set_new(ev, "change", json_string("ARCHIVED"));
	json_object_set_new(ev, "archived", json_true());
	assert_int_equal(nt_space_changed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	assert_int_equal(plan.space.archived, 1);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void post_for_readers_and_mention_for_mentioned(void **state)
{
	(void)state;
	json_t *ev = post_created_event(prof_org("[\"care_manager\"]", "[]"),
					mentions("[\"" OTHER "\"]", "[\"o-council\"]"),
					"確認をお願いします");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_post_created_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.space.archived, -1); /* a post does not say */
	assert_int_equal(plan.n_notices, 2);

	struct nt_notification *post = &plan.notices[0];
	assert_string_equal(post->kind, "post");
	assert_string_equal(post->title, "ケアマネ連絡 / お知らせ");
	assert_string_equal(post->body, "確認をお願いします");
	assert_string_equal(post->link, "#/threads/" THREAD "/posts/" POST);
	assert_false(post->audience_everyone);
	assert_true(has(post->audience_professions, "care_manager"));
	assert_string_equal(post->exclude_user, AUTHOR);
	assert_int_equal(json_array_size(post->exclude_users), 1);
	assert_true(has(post->exclude_users, OTHER));
	assert_string_equal(post->subject_id, POST);
	assert_string_equal(post->post_id, POST);
	assert_string_equal(post->space_id, SPACE);

	struct nt_notification *m = &plan.notices[1];
	assert_string_equal(m->kind, "mention");
	assert_string_equal(m->title, "ケアマネ連絡 / お知らせ でメンションされました");
	assert_false(m->audience_everyone);
	assert_true(has(m->audience_users, OTHER));
	assert_true(has(m->audience_organisations, "o-council"));
	assert_int_equal(json_array_size(m->audience_professions), 0);
	assert_string_equal(m->exclude_user, AUTHOR);
	assert_string_equal(m->link, post->link);
	assert_string_equal(m->subject_id, POST);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void post_without_mentions_is_one_broad_notification(void **state)
{
	(void)state;
	json_t *ev = post_created_event(prof_org("[]", "[]"), mentions("[]", "[]"), "本文");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_post_created_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 1);
	assert_true(plan.notices[0].audience_everyone);
	assert_int_equal(json_array_size(plan.notices[0].exclude_users), 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void post_body_is_cut(void **state)
{
	(void)state;
	char body[3 * 250 + 1];
	for (int i = 0; i < 250; i++)
		memcpy(body + 3 * i, "\xE3\x81\x82", 3); /* あ */
	body[sizeof body - 1] = '\0';
	json_t *ev = post_created_event(prof_org("[]", "[]"), mentions("[\"u\"]", "[]"), body);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_post_created_plan(ev, &plan, reason, sizeof reason), 0);
	for (size_t i = 0; i < plan.n_notices; i++) {
		assert_int_equal(strlen(plan.notices[i].body), 3 * 200 + 3);
		assert_string_equal(plan.notices[i].body + 600, "\xE2\x80\xA6");
	}
	nt_plan_release(&plan);
	json_decref(ev);
}

static json_t *comment_event(const char *participants, json_t *ment)
{
	json_t *ev = base(prof_org("[]", "[\"o-1\"]"));
	json_object_update_new(ev, json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o}",
		"comment_id", COMMENT, "post_id", POST, "post_author_id", AUTHOR,
		"author_id", OTHER, "author_name", "加藤 恵", "author_organisation_id", "o-1",
		"author_organisation_name", "社協", "body", "承知しました",
		"created_at", (json_int_t)1700000000000, "mentions", ment,
		"participants", json_loads(participants, 0, NULL)));
	return through_avro("CommentAdded", ev);
}

static void comment_goes_to_participants(void **state)
{
	(void)state;
	json_t *ev = comment_event("[\"" AUTHOR "\", \"u-3\"]", mentions("[\"u-3\"]", "[]"));
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_comment_added_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 2);
	struct nt_notification *c = &plan.notices[0];
	assert_string_equal(c->kind, "comment");
	assert_string_equal(c->title, "ケアマネ連絡 / お知らせ にコメントがありました");
	assert_false(c->audience_everyone);
	assert_int_equal(json_array_size(c->audience_users), 2);
	assert_true(has(c->audience_users, AUTHOR));
	assert_int_equal(json_array_size(c->audience_professions), 0);
	assert_int_equal(json_array_size(c->audience_organisations), 0);
	assert_string_equal(c->exclude_user, OTHER);
	assert_true(has(c->exclude_users, "u-3"));
	assert_string_equal(c->subject_id, COMMENT);
	assert_string_equal(c->post_id, POST);
	/* a comment opens its post */
	assert_string_equal(c->link, "#/threads/" THREAD "/posts/" POST);
	assert_string_equal(plan.notices[1].kind, "mention");
	assert_string_equal(plan.notices[1].subject_id, COMMENT);
	nt_plan_release(&plan);
	json_decref(ev);

	/* nobody following, nobody mentioned: nothing */
	ev = comment_event("[]", mentions("[]", "[]"));
	assert_int_equal(nt_comment_added_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	assert_string_equal(plan.space.space_id, SPACE); /* the copy still follows */
	nt_plan_release(&plan);
	json_decref(ev);
}

static json_t *edited_event(const char *parent, const char *confirmed_by, json_t *added)
{
	json_t *ev = base(prof_org("[]", "[]"));
	json_object_update_new(ev, json_pack(
		"{s:s, s:s?, s:s, s:s, s:s, s:I, s:o, s:o, s:o}", "post_id",
		parent ? COMMENT : POST, "parent_id", parent, "editor_id", AUTHOR,
		"editor_name", "田中 花子", "body", "修正しました",
		"edited_at", (json_int_t)1700000000000, "mentions", mentions("[]", "[]"),
		"added_mentions", added, "confirmed_by", json_loads(confirmed_by, 0, NULL)));
	return through_avro("PostEdited", ev);
}

static void edit_tells_who_confirmed_and_added_mentions(void **state)
{
	(void)state;
	json_t *ev = edited_event(NULL, "[\"u-2\", \"u-3\"]", mentions("[\"u-3\"]", "[]"));
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_post_edited_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 2);
	struct nt_notification *e = &plan.notices[0];
	assert_string_equal(e->kind, "post_edited");
	assert_non_null(strstr(e->title, "確認済みの投稿が編集されました"));
	assert_string_equal(e->body, "修正しました");
	assert_true(has(e->audience_users, "u-2"));
	assert_true(has(e->exclude_users, "u-3")); /* told by the mention instead */
	assert_string_equal(e->exclude_user, AUTHOR);
	assert_string_equal(plan.notices[1].kind, "mention");
	assert_true(has(plan.notices[1].audience_users, "u-3"));
	nt_plan_release(&plan);
	json_decref(ev);

	/* nobody confirmed, nothing added: nobody is told */
	ev = edited_event(NULL, "[]", mentions("[]", "[]"));
	assert_int_equal(nt_post_edited_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);

	/* a comment's edit belongs to its post */
	ev = edited_event(POST, "[]", mentions("[\"u-4\"]", "[]"));
	assert_int_equal(nt_post_edited_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 1);
	assert_string_equal(plan.notices[0].subject_id, COMMENT);
	assert_string_equal(plan.notices[0].post_id, POST);
	assert_string_equal(plan.notices[0].link, "#/threads/" THREAD "/posts/" POST);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void delete_withdraws_and_tells_nobody(void **state)
{
	(void)state;
	json_t *ev = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o}",
			       "event_id", "e-1", "tenant_id", TENANT,
			       "time", (json_int_t)1700000000000, "post_id", COMMENT,
			       "parent_id", POST, "space_id", SPACE, "thread_id", THREAD,
			       "deleted_by_id", AUTHOR, "deleted_by_name", "田中",
			       "deleted_at", (json_int_t)1700000000000,
			       "audience", prof_org("[]", "[]"));
	ev = through_avro("PostDeleted", ev);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_post_deleted_plan(ev, &plan, reason, sizeof reason), 0);
	assert_string_equal(plan.withdraw_id, COMMENT);
	assert_int_equal(plan.n_notices, 0);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void confirmation_goes_to_the_author_with_counts(void **state)
{
	(void)state;
	json_t *ev = base(prof_org("[]", "[]"));
	json_object_update_new(ev, json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:i}", "post_id", POST,
		"post_author_id", AUTHOR, "user_id", OTHER, "user_name", "加藤 恵",
		"user_organisation_id", "o-1", "user_organisation_name", "社協",
		"confirmed_at", (json_int_t)1700000000000, "confirmed_count", 3,
		"audience_count", 12));
	ev = through_avro("PostConfirmed", ev);
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_post_confirmed_plan(ev, &plan, reason, sizeof reason), 0);
	assert_int_equal(plan.n_notices, 1);
	struct nt_notification *n = &plan.notices[0];
	assert_string_equal(n->kind, "confirmation");
	assert_string_equal(n->title, "加藤 恵さんが確認しました（3 / 12 人）");
	assert_string_equal(n->body, "ケアマネ連絡 / お知らせ");
	assert_int_equal(json_array_size(n->audience_users), 1);
	assert_true(has(n->audience_users, AUTHOR));
	assert_false(n->audience_everyone);
	assert_string_equal(n->subject_id, POST);
	assert_string_equal(n->actor_id, OTHER);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void events_lacking_values_are_refused(void **state)
{
	(void)state;
	json_t *ev = post_created_event(prof_org("[]", "[]"), mentions("[]", "[]"), "x");
	struct nt_plan plan;
	char reason[128] = "";

	json_object_set_new(ev, "post_id", json_string(""));
	assert_int_equal(nt_post_created_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	assert_non_null(strstr(reason, "postcreated"));
	nt_plan_release(&plan);
	json_object_set_new(ev, "post_id", json_string(POST));
	json_object_del(ev, "audience");
	reason[0] = '\0';
	assert_int_equal(nt_post_created_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	assert_non_null(strstr(reason, "audience"));
	nt_plan_release(&plan);
	json_object_set_new(ev, "audience", json_pack("{s:[i], s:[]}", "professions", 1,
						      "organisations"));
	assert_int_equal(nt_post_created_plan(ev, &plan, reason, sizeof reason), CL_EINVAL);
	nt_plan_release(&plan);
	json_decref(ev);
}

static void notification_event_fits_its_schema(void **state)
{
	(void)state;
	json_t *ev = post_created_event(prof_org("[\"care_manager\"]", "[]"),
					mentions("[\"" OTHER "\"]", "[]"), "本文");
	struct nt_plan plan;
	char reason[128];
	assert_int_equal(nt_post_created_plan(ev, &plan, reason, sizeof reason), 0);
	for (size_t i = 0; i < plan.n_notices; i++) {
		plan.notices[i].id = 41 + (int64_t)i;
		plan.notices[i].created_at = 1700000000000;
		json_t *nc = nt_notification_event(&plan.notices[i]);
		unsigned char *buf = NULL;
		size_t len = 0;
		json_t *back = NULL;
		if (cl_avro_encode(reg, NT_SCHEMA_NOTIFICATION_CREATED, nc, &buf, &len) != 0)
			fail_msg("NotificationCreated does not encode: %s", cl_avro_last_error());
		assert_int_equal(cl_avro_decode(reg, buf, len, &back, NULL), 0);
		assert_string_equal(json_string_value(json_object_get(back, "subject_id")), POST);
		assert_string_equal(json_string_value(json_object_get(back, "space_id")), SPACE);
		json_t *ex = json_object_get(back, "exclude_users");
		assert_int_equal(json_array_size(ex), i == 0 ? 1 : 0);
		assert_int_equal(json_integer_value(json_object_get(back, "notification_id")),
				 41 + (int)i);
		free(buf);
		json_decref(back);
		json_decref(nc);
	}
	nt_plan_release(&plan);
	json_decref(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(space_created_is_announced_to_readers_not_actor),
		cmocka_unit_test(post_for_readers_and_mention_for_mentioned),
		cmocka_unit_test(post_without_mentions_is_one_broad_notification),
		cmocka_unit_test(post_body_is_cut),
		cmocka_unit_test(comment_goes_to_participants),
		cmocka_unit_test(edit_tells_who_confirmed_and_added_mentions),
		cmocka_unit_test(delete_withdraws_and_tells_nobody),
		cmocka_unit_test(confirmation_goes_to_the_author_with_counts),
		cmocka_unit_test(events_lacking_values_are_refused),
		cmocka_unit_test(notification_event_fits_its_schema),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

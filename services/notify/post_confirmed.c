/* post_confirmed.c - PostConfirmed: the post's author is told who confirmed
 * ("○○さんが確認しました") and how many of the readers have */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"

int nt_post_confirmed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			   size_t reason_size)
{
	int rc = nt_plan_begin(plan, ev, "postconfirmed", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *space_name = nt_event_text(ev, "space_name");
	const char *thread_title = nt_event_text(ev, "thread_title");
	const char *thread_id = nt_event_str(ev, "thread_id");
	const char *post_id = nt_event_str(ev, "post_id");
	const char *author_id = nt_event_str(ev, "post_author_id");
	const char *user_id = nt_event_str(ev, "user_id");
	const char *user_name = nt_event_text(ev, "user_name");
	const json_t *confirmed = json_object_get(ev, "confirmed_count");
	const json_t *audience = json_object_get(ev, "audience_count");
	if (!space_name || !thread_title || !thread_id || !post_id || !author_id ||
	    !user_id || !user_name || !json_is_integer(confirmed) ||
	    !json_is_integer(audience)) {
		snprintf(reason, reason_size, "postconfirmed lacks a required value");
		return CL_EINVAL;
	}

	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_CONFIRMATION, post_id, post_id);
	json_t *users = json_pack("[s]", author_id);
	n->actor_id = user_id;
	n->actor_name = user_name;
	n->title = nt_text_printf("%sさんが確認しました（%lld / %lld 人）", user_name,
				  (long long)json_integer_value(confirmed),
				  (long long)json_integer_value(audience));
	n->body = nt_text_printf("%s / %s", space_name, thread_title);
	n->link = nt_link_post(thread_id, post_id);
	nt_notice_users(n, users);
	json_decref(users);
	n->exclude_user = user_id;
	return 0;
}

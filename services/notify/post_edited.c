/* post_edited.c - PostEdited: the people who had confirmed the post are told
 * that what they confirmed changed ("post_edited"), and the mentions the
 * edit added get a "mention"; nobody else is told again */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"
#include "carelink/util.h"

int nt_post_edited_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			size_t reason_size)
{
	int rc = nt_plan_begin(plan, ev, "postedited", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *space_name = nt_event_text(ev, "space_name");
	const char *thread_title = nt_event_text(ev, "thread_title");
	const char *thread_id = nt_event_str(ev, "thread_id");
	const char *subject_id = nt_event_str(ev, "post_id");
	const char *parent_id = nt_event_str(ev, "parent_id");
	const char *editor_id = nt_event_str(ev, "editor_id");
	const char *editor_name = nt_event_text(ev, "editor_name");
	const char *text = nt_event_text(ev, "body");
	const json_t *added = json_object_get(ev, "added_mentions");
	const json_t *confirmed_by = json_object_get(ev, "confirmed_by");
	if (!space_name || !thread_title || !thread_id || !subject_id || !editor_id ||
	    !editor_name || !text || !json_is_object(added) || !json_is_array(confirmed_by)) {
		snprintf(reason, reason_size, "postedited lacks a required value");
		return CL_EINVAL;
	}

	/* a comment's notifications belong to its post and open it */
	const char *post_id = parent_id ? parent_id : subject_id;
	const json_t *added_users = json_object_get(added, "users");
	char *where = nt_text_printf("%s / %s", space_name, thread_title);
	char *link = nt_link_post(thread_id, post_id);
	if (json_array_size(confirmed_by) > 0) {
		struct nt_notification *n =
			nt_plan_notice(plan, NT_KIND_POST_EDITED, subject_id, post_id);
		n->actor_id = editor_id;
		n->actor_name = editor_name;
		n->title = nt_text_printf("確認済みの投稿が編集されました（%s）", where);
		n->body = nt_text_cut(text, NT_BODY_MAX_CODEPOINTS);
		n->link = cl_xstrdup(link);
		nt_notice_users(n, confirmed_by);
		n->exclude_user = editor_id;
		n->exclude_users = json_is_array(added_users) ? json_deep_copy(added_users)
							      : json_array();
	}
	nt_plan_mention(plan, added, subject_id, post_id, editor_id, editor_name, where, text,
			link);
	free(link);
	free(where);
	return 0;
}

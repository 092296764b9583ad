/* comment_added.c - CommentAdded: a targeted "comment" notification for the
 * people following the post (its author and earlier commenters) without the
 * comment's author and the mentioned users, who get a "mention" instead */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"
#include "carelink/util.h"

int nt_comment_added_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			  size_t reason_size)
{
	int rc = nt_plan_begin(plan, ev, "commentadded", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *space_name = nt_event_text(ev, "space_name");
	const char *thread_title = nt_event_text(ev, "thread_title");
	const char *thread_id = nt_event_str(ev, "thread_id");
	const char *post_id = nt_event_str(ev, "post_id");
	const char *comment_id = nt_event_str(ev, "comment_id");
	const char *author_id = nt_event_str(ev, "author_id");
	const char *author_name = nt_event_text(ev, "author_name");
	const char *text = nt_event_text(ev, "body");
	const json_t *mentions = json_object_get(ev, "mentions");
	const json_t *mentioned = json_object_get(mentions, "users");
	const json_t *participants = json_object_get(ev, "participants");
	if (!space_name || !thread_title || !thread_id || !post_id || !comment_id ||
	    !author_id || !author_name || !text || !json_is_array(participants) ||
	    (mentions && !json_is_object(mentions))) {
		snprintf(reason, reason_size, "commentadded lacks a required value");
		return CL_EINVAL;
	}

	char *where = nt_text_printf("%s / %s", space_name, thread_title);
	char *link = nt_link_post(thread_id, post_id);
	if (json_array_size(participants) > 0) {
		struct nt_notification *n =
			nt_plan_notice(plan, NT_KIND_COMMENT, comment_id, post_id);
		n->actor_id = author_id;
		n->actor_name = author_name;
		n->title = nt_text_printf("%s にコメントがありました", where);
		n->body = nt_text_cut(text, NT_BODY_MAX_CODEPOINTS);
		n->link = cl_xstrdup(link);
		nt_notice_users(n, participants);
		n->exclude_user = author_id;
		n->exclude_users = json_is_array(mentioned) ? json_deep_copy(mentioned)
							    : json_array();
	}
	nt_plan_mention(plan, mentions, comment_id, post_id, author_id, author_name, where,
			text, link);
	free(link);
	free(where);
	return 0;
}

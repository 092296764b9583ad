/* post_created.c - PostCreated: one broad "post" notification for every
 * reader of the space (matched on read) without the author and the
 * mentioned users, who get a targeted "mention" notification instead */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"
#include "carelink/util.h"

int nt_post_created_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			 size_t reason_size)
{
	int rc = nt_plan_begin(plan, ev, "postcreated", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *space_name = nt_event_text(ev, "space_name");
	const char *thread_title = nt_event_text(ev, "thread_title");
	const char *thread_id = nt_event_str(ev, "thread_id");
	const char *post_id = nt_event_str(ev, "post_id");
	const char *author_id = nt_event_str(ev, "author_id");
	const char *author_name = nt_event_text(ev, "author_name");
	const char *text = nt_event_text(ev, "body");
	const json_t *mentions = json_object_get(ev, "mentions");
	const json_t *mentioned = json_object_get(mentions, "users");
	if (!space_name || !thread_title || !thread_id || !post_id || !author_id ||
	    !author_name || !text || (mentions && !json_is_object(mentions))) {
		snprintf(reason, reason_size, "postcreated lacks a required value");
		return CL_EINVAL;
	}

	char *where = nt_text_printf("%s / %s", space_name, thread_title);
	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_POST, post_id, post_id);
	n->actor_id = author_id;
	n->actor_name = author_name;
	n->title = cl_xstrdup(where);
	n->body = nt_text_cut(text, NT_BODY_MAX_CODEPOINTS);
	n->link = nt_link_post(thread_id, post_id);
	nt_notice_space_audience(n, plan);
	n->exclude_user = author_id;
	n->exclude_users = json_is_array(mentioned) ? json_deep_copy(mentioned) : json_array();

	nt_plan_mention(plan, mentions, post_id, post_id, author_id, author_name, where, text,
			n->link);
	free(where);
	return 0;
}

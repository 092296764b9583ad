/* space_changed.c - SpaceChanged: notify's copy of the space's readers
 * follows it; a new space is announced to its readers, not to its creator */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "carelink/err.h"

int nt_space_changed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			  size_t reason_size)
{
	int rc = nt_plan_begin(plan, ev, "spacechanged", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *change = nt_event_str(ev, "change");
	const char *name = nt_event_text(ev, "name");
	const char *description = nt_event_text(ev, "description");
	const char *actor_id = nt_event_str(ev, "actor_id");
	const char *actor_name = nt_event_text(ev, "actor_name");
	const json_t *archived = json_object_get(ev, "archived");
	if (!change || !name || !description || !actor_id || !actor_name ||
	    !json_is_boolean(archived)) {
		snprintf(reason, reason_size, "spacechanged lacks a required value");
		return CL_EINVAL;
	}
	plan->space.archived = json_is_true(archived) ? 1 : 0;
	if (strcmp(change, "CREATED") != 0)
		return 0;

	const char *sid = plan->space.space_id;
	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_SPACE, sid, NULL);
	n->actor_id = actor_id;
	n->actor_name = actor_name;
	n->title = nt_text_printf("新しいスペース「%s」ができました", name);
	n->body = nt_text_cut(description, NT_BODY_MAX_CODEPOINTS);
	n->link = nt_link_space(sid);
	nt_notice_space_audience(n, plan);
	n->exclude_user = actor_id;
	return 0;
}

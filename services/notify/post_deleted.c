/* post_deleted.c - PostDeleted: every notification about the post (and its
 * comments) or about the comment is withdrawn from every feed; nobody is
 * told */
#include "notify.h"

#include <stdio.h>

#include "carelink/err.h"

int nt_post_deleted_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			 size_t reason_size)
{
	int rc = nt_plan_begin(plan, ev, "postdeleted", reason, reason_size);
	if (rc < 0)
		return rc;
	plan->withdraw_id = nt_event_str(ev, "post_id");
	if (!plan->withdraw_id) {
		snprintf(reason, reason_size, "postdeleted lacks a required value");
		return CL_EINVAL;
	}
	return 0;
}

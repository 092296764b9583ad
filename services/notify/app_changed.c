/* app_changed.c - AppChanged: notify's copy of the app's readers follows
 * it at once (narrowing an app hides its records' notifications from the
 * people taken out without waiting for a record event); nobody is told */
#include "notify.h"

#include <stdio.h>

#include "carelink/err.h"

int nt_app_changed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			size_t reason_size)
{
	int rc = nt_app_plan_readers(plan, ev, "appchanged", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *change = nt_event_str(ev, "change");
	const char *app_key = nt_event_str(ev, "app_key");
	const char *name = nt_event_text(ev, "name");
	const char *actor_id = nt_event_str(ev, "actor_id");
	const char *actor_name = nt_event_text(ev, "actor_name");
	if (!change || !app_key || !name || !actor_id || !actor_name) {
		snprintf(reason, reason_size, "appchanged lacks a required value");
		return CL_EINVAL;
	}
	return 0;
}

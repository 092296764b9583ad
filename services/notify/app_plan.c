/* app_plan.c - what the planners of carelink.directory events share:
 * reading the event, the copy of the app's readers, the app's audience and
 * the one-line summary of an event calendar record (no database) */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"
#include "carelink/util.h"

/* the event id, tenant and app copy of plan from ev; false when one lacks */
static bool app_readers_read(struct nt_plan *plan, const json_t *ev)
{
	const json_t *readers = json_object_get(ev, "readers");
	const json_t *professions = json_object_get(readers, "professions");
	const json_t *organisations = json_object_get(readers, "organisations");
	const json_t *time = json_object_get(ev, "time");

	memset(plan, 0, sizeof *plan);
	plan->event_id = nt_event_str(ev, "event_id");
	plan->tenant_id = nt_event_str(ev, "tenant_id");
	plan->app.app_id = nt_event_str(ev, "app_id");
	if (!plan->event_id || !plan->tenant_id || !plan->app.app_id ||
	    !json_is_integer(time) || !nt_string_array(professions) ||
	    !nt_string_array(organisations))
		return false;
	plan->app.tenant_id = plan->tenant_id;
	plan->app.professions = professions;
	plan->app.organisations = organisations;
	plan->app.time = json_integer_value(time);
	return true;
}

int nt_app_plan_readers(struct nt_plan *plan, const json_t *ev, const char *what,
			char *reason, size_t reason_size)
{
	if (app_readers_read(plan, ev))
		return 0;
	snprintf(reason, reason_size, "%s lacks its event id, tenant, time, app or readers",
		 what);
	return CL_EINVAL;
}

int nt_app_plan_begin(struct nt_plan *plan, const json_t *ev, const char *what,
		      const char **record_id, char *reason, size_t reason_size)
{
	bool ok = app_readers_read(plan, ev);
	*record_id = nt_event_str(ev, "record_id");
	if (!ok || !*record_id) {
		snprintf(reason, reason_size,
			 "%s lacks its event id, tenant, time, app, record or readers", what);
		return CL_EINVAL;
	}
	return 0;
}

void nt_notice_app_audience(struct nt_notification *n, const struct nt_plan *plan)
{
	const json_t *p = plan->app.professions, *o = plan->app.organisations;

	n->audience_everyone = json_array_size(p) == 0 && json_array_size(o) == 0;
	n->audience_professions = json_deep_copy(p);
	n->audience_organisations = json_deep_copy(o);
}

char *nt_app_record_summary(const char *values)
{
	json_t *v = values ? json_loads(values, 0, NULL) : NULL;
	const char *starts = json_string_value(json_object_get(v, "starts_at"));
	const char *place = json_string_value(json_object_get(v, "place"));
	char *when = NULL, *out;
	int64_t ms;

	if (starts && nt_text_rfc3339_ms(starts, &ms) == 0)
		when = nt_text_jst(ms);
	if (place && !*place)
		place = NULL;
	if (when && place)
		out = nt_text_printf("%s ・ %s", when, place);
	else
		out = cl_xstrdup(when ? when : place ? place : "");
	free(when);
	json_decref(v);
	return out;
}

/* patient_plan.c - what the planners of carelink.records events share:
 * reading the event, the copy of a patient's team, a notice about a
 * patient and the links of the patient pages (no database) */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "carelink/err.h"

int nt_patient_plan_begin(struct nt_plan *plan, const json_t *ev, const char *what,
			  const char **patient_id, char *reason, size_t reason_size)
{
	memset(plan, 0, sizeof *plan);
	plan->event_id = nt_event_str(ev, "event_id");
	plan->tenant_id = nt_event_str(ev, "tenant_id");
	*patient_id = nt_event_str(ev, "patient_id");
	if (!plan->event_id || !plan->tenant_id || !*patient_id ||
	    !json_is_integer(json_object_get(ev, "time"))) {
		snprintf(reason, reason_size, "%s lacks its event id, tenant, time or patient",
			 what);
		return CL_EINVAL;
	}
	return 0;
}

void nt_patient_plan_team(struct nt_plan *plan, const json_t *ev, const char *patient_id,
			  const json_t *members)
{
	plan->team.tenant_id = plan->tenant_id;
	plan->team.patient_id = patient_id;
	plan->team.members = members;
	plan->team.time = json_integer_value(json_object_get(ev, "time"));
}

struct nt_notification *nt_patient_notice(struct nt_plan *plan, const char *kind,
					  const char *subject_id, const char *patient_id,
					  const char *actor_id)
{
	struct nt_notification *n = nt_plan_notice(plan, kind, subject_id, NULL);
	n->patient_id = patient_id;
	n->actor_id = actor_id;
	n->actor_name = "";
	n->audience_everyone = false;
	return n;
}

char *nt_link_patient_entry(const char *patient_id, const char *entry_id)
{
	return nt_text_printf("#/patients/%s/entries/%s", patient_id, entry_id);
}

char *nt_link_patient_access(const char *patient_id)
{
	return nt_text_printf("#/patients/%s/access-history", patient_id);
}

/* care_team_changed.c - CareTeamChanged: notify's copy of the patient's
 * team becomes the event's members (so a member who left or was removed
 * stops seeing the notifications about the patient at once); nobody is
 * notified */
#include "notify.h"

#include <stdio.h>

#include "carelink/err.h"

int nt_care_team_changed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			      size_t reason_size)
{
	const char *patient_id;
	int rc = nt_patient_plan_begin(plan, ev, "careteamchanged", &patient_id, reason,
				       reason_size);
	if (rc < 0)
		return rc;
	const json_t *members = json_object_get(ev, "members");
	if (!nt_string_array(members)) {
		snprintf(reason, reason_size, "careteamchanged lacks its members");
		return CL_EINVAL;
	}
	nt_patient_plan_team(plan, ev, patient_id, members);
	return 0;
}

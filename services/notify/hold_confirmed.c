/* hold_confirmed.c - HoldConfirmed: a "hold_confirmed" notification for the
 * holder, unless the holder confirmed it */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"

int nt_hold_confirmed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			   size_t reason_size)
{
	struct nt_hold h;
	int rc = nt_vacancy_plan_begin(plan, ev, "holdconfirmed", reason, reason_size);
	if (rc == 0)
		rc = nt_hold_read(&h, ev, "holdconfirmed", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *confirmer = nt_event_str(ev, "confirmed_by_id");
	if (!confirmer) {
		snprintf(reason, reason_size, "holdconfirmed lacks who confirmed it");
		return CL_EINVAL;
	}
	if (strcmp(confirmer, h.holder_id) == 0)
		return 0;

	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_HOLD_CONFIRMED, h.hold_id,
						   NULL);
	json_t *users = json_pack("[s]", h.holder_id);
	n->actor_id = confirmer;
	n->actor_name = ""; /* the event carries no names */
	n->title = nt_text_printf("仮押さえが確定しました: %s",
				  nt_vacancy_facility_label(h.facility_name));
	n->body = nt_hold_body(&h);
	n->link = nt_link_vacancy_hold(h.hold_id);
	nt_notice_users(n, users);
	n->exclude_user = confirmer;
	json_decref(users);
	return 0;
}

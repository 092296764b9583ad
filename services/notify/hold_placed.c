/* hold_placed.c - HoldPlaced: a "hold_placed" notification for the staff
 * of the organisation owning the facility, never the holder; an event
 * written before it named the owner tells nobody */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"

int nt_hold_placed_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			size_t reason_size)
{
	struct nt_hold h;
	int rc = nt_vacancy_plan_begin(plan, ev, "holdplaced", reason, reason_size);
	if (rc == 0)
		rc = nt_hold_read(&h, ev, "holdplaced", reason, reason_size);
	if (rc < 0)
		return rc;
	if (!h.facility_organisation_id)
		return 0;

	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_HOLD_PLACED, h.hold_id, NULL);
	n->actor_id = h.holder_id;
	n->actor_name = ""; /* the event carries no names */
	n->title = nt_text_printf("仮押さえが入りました: %s",
				  nt_vacancy_facility_label(h.facility_name));
	n->body = nt_hold_body(&h);
	n->link = nt_link_vacancy_hold(h.hold_id);
	n->audience_everyone = false;
	n->audience_organisations = json_pack("[s]", h.facility_organisation_id);
	n->exclude_user = h.holder_id;
	return 0;
}

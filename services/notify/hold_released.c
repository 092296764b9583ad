/* hold_released.c - HoldReleased: a "hold_released" notification. Expired:
 * the holder and the facility's organisation; released by the holder: the
 * facility's organisation but the holder; released by anyone else (the
 * facility's staff): the holder. Without the facility's organisation
 * (events written before it was added) only the holder can be told. */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"

int nt_hold_released_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			  size_t reason_size)
{
	struct nt_hold h;
	int rc = nt_vacancy_plan_begin(plan, ev, "holdreleased", reason, reason_size);
	if (rc == 0)
		rc = nt_hold_read(&h, ev, "holdreleased", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *why = nt_event_str(ev, "reason");
	const char *releaser = nt_event_str(ev, "released_by_id");
	if (!why) {
		snprintf(reason, reason_size, "holdreleased lacks its reason");
		return CL_EINVAL;
	}
	bool expired = strcmp(why, NT_RELEASE_EXPIRED) == 0;
	if (!expired && !releaser) {
		snprintf(reason, reason_size, "holdreleased lacks who released it");
		return CL_EINVAL;
	}
	bool by_holder = !expired && strcmp(releaser, h.holder_id) == 0;
	bool tell_holder = !by_holder;
	bool tell_facility = (expired || by_holder) && h.facility_organisation_id;
	if (!tell_holder && !tell_facility)
		return 0;

	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_HOLD_RELEASED, h.hold_id,
						   NULL);
	const char *name = nt_vacancy_facility_label(h.facility_name);
	n->actor_id = expired ? "" : releaser;
	n->actor_name = ""; /* the event carries no names */
	n->title = expired ? nt_text_printf("仮押さえの期限が切れました: %s", name)
			   : nt_text_printf("仮押さえが解除されました: %s", name);
	n->body = nt_hold_body(&h);
	n->link = nt_link_vacancy_hold(h.hold_id);
	n->audience_everyone = false;
	n->audience_users = tell_holder ? json_pack("[s]", h.holder_id) : json_array();
	n->audience_organisations = tell_facility ? json_pack("[s]", h.facility_organisation_id)
						  : json_array();
	n->exclude_user = expired ? NULL : releaser;
	return 0;
}

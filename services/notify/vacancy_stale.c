/* vacancy_stale.c - VacancyStale: a "vacancy_stale" reminder for the staff
 * of the organisation owning a facility whose vacancy data is old, with
 * when it was last updated (in Asia/Tokyo) */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"
#include "carelink/log.h"

int nt_vacancy_stale_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			  size_t reason_size)
{
	int rc = nt_vacancy_plan_begin(plan, ev, "vacancystale", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *facility_id = nt_event_str(ev, "facility_id");
	const char *facility_name = nt_event_text(ev, "facility_name");
	const char *owner = nt_event_str(ev, "owner_organisation_id");
	const char *offers = nt_event_str(ev, "offers");
	const json_t *updated_at = json_object_get(ev, "updated_at");
	if (!facility_id || !facility_name || !offers ||
	    !(json_is_null(updated_at) || json_is_integer(updated_at))) {
		snprintf(reason, reason_size, "vacancystale lacks a required value");
		return CL_EINVAL;
	}
	if (!owner) {
		/* nobody to remind; not the event's fault to be dead-lettered */
		cl_log_warn("stale facility without an owner: nobody reminded", "facility_id",
			    facility_id, "source_event_id", plan->event_id, NULL);
		return 0;
	}

	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_VACANCY_STALE, facility_id,
						   NULL);
	json_t *orgs = json_pack("[s]", owner);
	/* nobody acted: vacancy itself reminds */
	n->actor_id = "";
	n->actor_name = "";
	n->title = nt_text_printf("空き情報の更新をお願いします: %s",
				  nt_vacancy_facility_label(facility_name));
	if (json_is_integer(updated_at)) {
		char *when = nt_text_jst(json_integer_value(updated_at));
		n->body = nt_text_printf("%s ・ 最終更新: %s", nt_vacancy_kind_label(offers), when);
		free(when);
	} else {
		n->body = nt_text_printf("%s ・ まだ登録されていません",
					 nt_vacancy_kind_label(offers));
	}
	n->link = nt_link_vacancy_facility(facility_id);
	n->audience_everyone = false;
	n->audience_organisations = orgs;
	return 0;
}

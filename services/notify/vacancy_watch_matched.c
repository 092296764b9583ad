/* vacancy_watch_matched.c - VacancyWatchMatched: a targeted "vacancy_match"
 * notification for the owner of the saved bed search a facility now
 * matches, with the facility, the nights checked and the fewest free beds */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"

int nt_vacancy_watch_matched_plan(const json_t *ev, struct nt_plan *plan, char *reason,
				  size_t reason_size)
{
	int rc = nt_vacancy_plan_begin(plan, ev, "vacancywatchmatched", reason, reason_size);
	if (rc < 0)
		return rc;
	const char *watch_id = nt_event_str(ev, "watch_id");
	const char *watch_name = nt_event_text(ev, "watch_name");
	const char *user_id = nt_event_str(ev, "user_id");
	const char *facility_id = nt_event_str(ev, "facility_id");
	const char *facility_name = nt_event_text(ev, "facility_name");
	const char *kind = nt_event_str(ev, "kind");
	const json_t *min_available = json_object_get(ev, "min_available");
	char *nights = nt_vacancy_nights(nt_event_str(ev, "from"), nt_event_str(ev, "to"), NULL);
	if (!watch_id || !watch_name || !user_id || !facility_id || !facility_name || !kind ||
	    !json_is_integer(min_available) || !nights) {
		snprintf(reason, reason_size, "vacancywatchmatched lacks a required value");
		free(nights);
		return CL_EINVAL;
	}

	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_VACANCY_MATCH, watch_id, NULL);
	char *name = nt_text_cut(watch_name, NT_RECORD_TITLE_MAX_CODEPOINTS);
	json_t *users = json_pack("[s]", user_id);
	/* nobody acted: the watch itself tells its owner */
	n->actor_id = "";
	n->actor_name = "";
	n->title = nt_text_printf("空きが見つかりました: 「%s」", name);
	n->body = nt_text_printf("%s ・ %s ・ 空き%d床 ・ %s",
				 nt_vacancy_facility_label(facility_name), nights,
				 (int)json_integer_value(min_available),
				 nt_vacancy_kind_label(kind));
	n->link = nt_link_vacancy_watch(watch_id);
	nt_notice_users(n, users);
	json_decref(users);
	free(name);
	free(nights);
	return 0;
}

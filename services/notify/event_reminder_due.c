/* event_reminder_due.c - EventReminderDue: a targeted "reminder"
 * notification for each person registered for an event of the event
 * calendar, with its start (in Asia/Tokyo) and place */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"

int nt_event_reminder_due_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			       size_t reason_size)
{
	const char *record_id;
	int rc = nt_app_plan_begin(plan, ev, "eventreminderdue", &record_id, reason,
				   reason_size);
	if (rc < 0)
		return rc;
	const char *title = nt_event_text(ev, "title");
	const char *place = nt_event_text(ev, "place");
	const json_t *starts_at = json_object_get(ev, "starts_at");
	const json_t *users = json_object_get(ev, "users");
	if (!title || !place || !json_is_integer(starts_at) || !nt_string_array(users)) {
		snprintf(reason, reason_size, "eventreminderdue lacks a required value");
		return CL_EINVAL;
	}
	if (json_array_size(users) == 0)
		return 0;

	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_REMINDER, record_id, NULL);
	char *cut = nt_text_cut(title, NT_RECORD_TITLE_MAX_CODEPOINTS);
	char *when = nt_text_jst(json_integer_value(starts_at));
	char *where = nt_text_cut(place, NT_BODY_MAX_CODEPOINTS);
	/* nobody acted: the calendar itself reminds */
	n->actor_id = "";
	n->actor_name = "";
	/* the day it starts, seen from when the reminder was due: the lead time
	 * is a day, so today or tomorrow */
	const json_t *now = json_object_get(ev, "time");
	int64_t start_day = nt_text_jst_day(json_integer_value(starts_at));
	bool today = json_is_integer(now) &&
		     nt_text_jst_day(json_integer_value(now)) >= start_day;
	n->title = nt_text_printf(today ? "今日のイベント: 「%s」" : "明日のイベント: 「%s」", cut);
	n->body = *where ? nt_text_printf("%s ・ %s", when, where)
			 : nt_text_printf("%s", when);
	n->link = nt_link_app_record(record_id);
	nt_notice_users(n, users);
	free(cut);
	free(when);
	free(where);
	return 0;
}

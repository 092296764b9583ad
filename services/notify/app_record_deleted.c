/* app_record_deleted.c - AppRecordDeleted: every notification about the
 * record is withdrawn from every feed; the record's watchers (the people
 * registered for an event) but the actor get a targeted
 * "app_record_deleted" notification, unless the delete is quiet (bulk) */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"

int nt_app_record_deleted_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			       size_t reason_size)
{
	const char *record_id;
	int rc = nt_app_plan_begin(plan, ev, "apprecorddeleted", &record_id, reason,
				   reason_size);
	if (rc < 0)
		return rc;
	const char *app_key = nt_event_str(ev, "app_key");
	const char *app_name = nt_event_text(ev, "app_name");
	const char *title = nt_event_text(ev, "title");
	const char *actor_id = nt_event_str(ev, "actor_id");
	const char *actor_name = nt_event_text(ev, "actor_name");
	const json_t *quiet = json_object_get(ev, "quiet");
	const json_t *watchers = json_object_get(ev, "watchers");
	if (!app_key || !app_name || !title || !actor_id || !actor_name ||
	    (quiet && !json_is_boolean(quiet)) || !nt_string_array(watchers)) {
		snprintf(reason, reason_size, "apprecorddeleted lacks a required value");
		return CL_EINVAL;
	}
	plan->withdraw_id = record_id;
	if (json_is_true(quiet) || json_array_size(watchers) == 0)
		return 0;

	/* inserted after the withdrawal, so it stays */
	struct nt_notification *n =
		nt_plan_notice(plan, NT_KIND_APP_RECORD_DELETED, record_id, NULL);
	char *cut = nt_text_cut(title, NT_RECORD_TITLE_MAX_CODEPOINTS);
	bool event = strcmp(app_key, NT_APP_KEY_EVENTS) == 0;
	n->actor_id = actor_id;
	n->actor_name = actor_name;
	n->title = event ? nt_text_printf("イベント「%s」は中止になりました", cut)
			 : nt_text_printf("「%s」の「%s」は削除されました", app_name, cut);
	n->body = nt_text_printf("%s", "");
	n->link = nt_link_app_record(record_id);
	nt_notice_users(n, watchers);
	n->exclude_user = actor_id;
	free(cut);
	return 0;
}

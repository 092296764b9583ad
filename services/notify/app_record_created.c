/* app_record_created.c - AppRecordCreated: one broad "app_record"
 * notification for every reader of the app (matched on read) but the
 * actor; a quiet (bulk) record only updates the copy of the app's readers */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"

int nt_app_record_created_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			       size_t reason_size)
{
	const char *record_id;
	int rc = nt_app_plan_begin(plan, ev, "apprecordcreated", &record_id, reason,
				   reason_size);
	if (rc < 0)
		return rc;
	const char *app_key = nt_event_str(ev, "app_key");
	const char *app_name = nt_event_text(ev, "app_name");
	const char *title = nt_event_text(ev, "title");
	const char *actor_id = nt_event_str(ev, "actor_id");
	const char *actor_name = nt_event_text(ev, "actor_name");
	const char *values = nt_event_text(ev, "values");
	const json_t *quiet = json_object_get(ev, "quiet");
	if (!app_key || !app_name || !title || !actor_id || !actor_name || !values ||
	    (quiet && !json_is_boolean(quiet))) {
		snprintf(reason, reason_size, "apprecordcreated lacks a required value");
		return CL_EINVAL;
	}
	if (json_is_true(quiet))
		return 0;

	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_APP_RECORD, record_id, NULL);
	char *cut = nt_text_cut(title, NT_RECORD_TITLE_MAX_CODEPOINTS);
	n->actor_id = actor_id;
	n->actor_name = actor_name;
	n->title = nt_text_printf("「%s」に「%s」が追加されました", app_name, cut);
	n->body = strcmp(app_key, NT_APP_KEY_EVENTS) == 0 ? nt_app_record_summary(values)
							  : nt_text_printf("%s", "");
	n->link = nt_link_app_record(record_id);
	nt_notice_app_audience(n, plan);
	n->exclude_user = actor_id;
	free(cut);
	return 0;
}

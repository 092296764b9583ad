/* consume.c - the consumer of carelink.posts, carelink.directory,
 * carelink.vacancy and carelink.records: decode an event, pick its planner
 * and inbox by the schema's full name, apply the plan; other types
 * (VacancyChanged among them) are ignored, undecodable messages go to the
 * dead-letter topic */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "carelink/avro.h"
#include "carelink/err.h"
#include "carelink/log.h"

static const struct {
	const char *schema;
	nt_plan_fn plan;
	const char *inbox;
} nt_planners[] = {
	{NT_SCHEMA_SPACE_CHANGED, nt_space_changed_plan, NT_INBOX_POSTS},
	{NT_SCHEMA_POST_CREATED, nt_post_created_plan, NT_INBOX_POSTS},
	{NT_SCHEMA_COMMENT_ADDED, nt_comment_added_plan, NT_INBOX_POSTS},
	{NT_SCHEMA_POST_EDITED, nt_post_edited_plan, NT_INBOX_POSTS},
	{NT_SCHEMA_POST_DELETED, nt_post_deleted_plan, NT_INBOX_POSTS},
	{NT_SCHEMA_POST_CONFIRMED, nt_post_confirmed_plan, NT_INBOX_POSTS},
	{NT_SCHEMA_APP_RECORD_CREATED, nt_app_record_created_plan, NT_INBOX_DIRECTORY},
	{NT_SCHEMA_APP_RECORD_UPDATED, nt_app_record_updated_plan, NT_INBOX_DIRECTORY},
	{NT_SCHEMA_APP_RECORD_DELETED, nt_app_record_deleted_plan, NT_INBOX_DIRECTORY},
	{NT_SCHEMA_EVENT_REMINDER_DUE, nt_event_reminder_due_plan, NT_INBOX_DIRECTORY},
	{NT_SCHEMA_APP_CHANGED, nt_app_changed_plan, NT_INBOX_DIRECTORY},
	{NT_SCHEMA_VACANCY_WATCH_MATCHED, nt_vacancy_watch_matched_plan, NT_INBOX_VACANCY},
	{NT_SCHEMA_VACANCY_STALE, nt_vacancy_stale_plan, NT_INBOX_VACANCY},
	{NT_SCHEMA_HOLD_PLACED, nt_hold_placed_plan, NT_INBOX_VACANCY},
	{NT_SCHEMA_HOLD_CONFIRMED, nt_hold_confirmed_plan, NT_INBOX_VACANCY},
	{NT_SCHEMA_HOLD_RELEASED, nt_hold_released_plan, NT_INBOX_VACANCY},
	{NT_SCHEMA_CARE_TEAM_CHANGED, nt_care_team_changed_plan, NT_INBOX_RECORDS},
	{NT_SCHEMA_PATIENT_ENTRY_ADDED, nt_patient_entry_added_plan, NT_INBOX_RECORDS},
	{NT_SCHEMA_BREAK_GLASS_OPENED, nt_break_glass_opened_plan, NT_INBOX_RECORDS},
};

/* the index of type's planner in nt_planners, or -1 */
static int planner_of(const char *type)
{
	for (size_t i = 0; i < sizeof nt_planners / sizeof nt_planners[0]; i++)
		if (strcmp(type, nt_planners[i].schema) == 0)
			return (int)i;
	return -1;
}

int nt_events_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
		      size_t reason_size)
{
	struct nt_app *app = arg;
	json_t *ev = NULL;
	const char *type = NULL;
	int rc = cl_avro_decode(app->svc->schemas, msg->payload, msg->len, &ev, &type);
	if (rc < 0) {
		snprintf(reason, reason_size, "invalid avro: %s", cl_avro_last_error());
		return CL_EINVAL;
	}
	int i = planner_of(type);
	if (i < 0) {
		cl_log_debug("event ignored", "type", type, NULL);
		json_decref(ev);
		return 0;
	}
	struct nt_plan plan;
	rc = nt_planners[i].plan(ev, &plan, reason, reason_size);
	plan.inbox = nt_planners[i].inbox;
	if (rc == 0)
		rc = nt_plan_apply(app, &plan, reason, reason_size);
	nt_plan_release(&plan);
	json_decref(ev);
	return rc;
}

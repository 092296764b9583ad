/* patient_entry_added.c - PatientEntryAdded: a "patient_message" for the
 * people a message entry is addressed to (not its author), a
 * "patient_incident" for the whole team as notify copies it but the author;
 * other categories tell nobody. The texts name no patient and hold none of
 * the entry's text (the event carries neither). */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "carelink/err.h"
#include "carelink/util.h"

/* the users of addressed_to but author; new reference */
static json_t *addressees(const json_t *addressed_to, const char *author)
{
	json_t *users = json_array();
	size_t i;
	const json_t *v;
	json_array_foreach(addressed_to, i, v)
		if (strcmp(json_string_value(v), author) != 0)
			json_array_append(users, (json_t *)v);
	return users;
}

int nt_patient_entry_added_plan(const json_t *ev, struct nt_plan *plan, char *reason,
				size_t reason_size)
{
	const char *patient_id;
	int rc = nt_patient_plan_begin(plan, ev, "patiententryadded", &patient_id, reason,
				       reason_size);
	if (rc < 0)
		return rc;
	const char *entry_id = nt_event_str(ev, "entry_id");
	const char *category = nt_event_str(ev, "category");
	const char *author_id = nt_event_str(ev, "author_id");
	const json_t *addressed_to = json_object_get(ev, "addressed_to");
	if (!entry_id || !category || !author_id || !nt_string_array(addressed_to)) {
		snprintf(reason, reason_size, "patiententryadded lacks a required value");
		return CL_EINVAL;
	}
	bool correction = nt_event_str(ev, "corrects") != NULL;

	if (strcmp(category, NT_ENTRY_MESSAGE) == 0) {
		json_t *users = addressees(addressed_to, author_id);
		if (json_array_size(users) > 0) {
			struct nt_notification *n = nt_patient_notice(
				plan, NT_KIND_PATIENT_MESSAGE, entry_id, patient_id, author_id);
			n->title = cl_xstrdup(correction
							  ? "利用者の記録のあなた宛てメッセージが訂正されました"
							  : "利用者の記録にあなた宛てのメッセージがあります");
			n->body = cl_xstrdup("記録を開いて内容を確認してください");
			n->link = nt_link_patient_entry(patient_id, entry_id);
			nt_notice_users(n, users);
			n->exclude_user = author_id;
		}
		json_decref(users);
	} else if (strcmp(category, NT_ENTRY_INCIDENT) == 0) {
		struct nt_notification *n = nt_patient_notice(plan, NT_KIND_PATIENT_INCIDENT,
							      entry_id, patient_id, author_id);
		n->title = cl_xstrdup(correction
						  ? "利用者の記録の事故・ヒヤリハット報告が訂正されました"
						  : "利用者の記録に事故・ヒヤリハットの報告があります");
		n->body = cl_xstrdup("記録を開いて内容を確認してください");
		n->link = nt_link_patient_entry(patient_id, entry_id);
		n->audience_team = true; /* the team's members, filled in by nt_plan_apply() */
		n->exclude_user = author_id;
	}
	return 0;
}

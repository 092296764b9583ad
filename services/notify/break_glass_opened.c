/* break_glass_opened.c - BreakGlassOpened: someone outside the team opened
 * a patient's file in an emergency; a "break_glass" notification for the
 * team the event names (which also refreshes notify's copy of the team),
 * linking to the access history. The texts name neither the patient nor
 * the reason. */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "carelink/err.h"
#include "carelink/util.h"

int nt_break_glass_opened_plan(const json_t *ev, struct nt_plan *plan, char *reason,
			       size_t reason_size)
{
	const char *patient_id;
	int rc = nt_patient_plan_begin(plan, ev, "breakglassopened", &patient_id, reason,
				       reason_size);
	if (rc < 0)
		return rc;
	const char *user_id = nt_event_str(ev, "user_id");
	const char *grant_id = nt_event_str(ev, "grant_id");
	const json_t *expires_at = json_object_get(ev, "expires_at");
	const json_t *team = json_object_get(ev, "team");
	if (!user_id || !grant_id || !json_is_integer(expires_at) || !nt_string_array(team)) {
		snprintf(reason, reason_size, "breakglassopened lacks a required value");
		return CL_EINVAL;
	}
	nt_patient_plan_team(plan, ev, patient_id, team);
	if (json_array_size(team) == 0)
		return 0;

	struct nt_notification *n =
		nt_patient_notice(plan, NT_KIND_BREAK_GLASS, grant_id, patient_id, user_id);
	char *until = nt_text_jst(json_integer_value(expires_at));
	n->title = cl_xstrdup("担当利用者の記録が緊急アクセス（ブレークグラス）で開かれました");
	n->body = nt_text_printf("%s まで閲覧できます ・ 理由と操作はアクセス履歴で確認できます",
				 until);
	n->link = nt_link_patient_access(patient_id);
	nt_notice_users(n, team);
	n->exclude_user = user_id;
	free(until);
	return 0;
}

/* plan.c - what the planners share: reading the event, the notices and
 * their audiences; for carelink.posts events the space copy and the mention
 * notice (no database) */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"
#include "carelink/util.h"

const char *nt_event_str(const json_t *ev, const char *key)
{
	const char *s = json_string_value(json_object_get(ev, key));
	return s && *s ? s : NULL;
}

const char *nt_event_text(const json_t *ev, const char *key)
{
	return json_string_value(json_object_get(ev, key));
}

void nt_notification_release(struct nt_notification *n)
{
	free(n->title);
	free(n->body);
	free(n->link);
	json_decref(n->audience_users);
	json_decref(n->audience_professions);
	json_decref(n->audience_organisations);
	json_decref(n->exclude_users);
	memset(n, 0, sizeof *n);
}

void nt_plan_release(struct nt_plan *p)
{
	for (size_t i = 0; i < p->n_notices; i++)
		nt_notification_release(&p->notices[i]);
	p->n_notices = 0;
}

bool nt_string_array(const json_t *a)
{
	size_t i;
	const json_t *v;

	if (!json_is_array(a))
		return false;
	json_array_foreach(a, i, v)
		if (!json_string_value(v) || !*json_string_value(v))
			return false;
	return true;
}

int nt_plan_begin(struct nt_plan *plan, const json_t *ev, const char *what,
		  char *reason, size_t reason_size)
{
	const json_t *audience = json_object_get(ev, "audience");
	const json_t *professions = json_object_get(audience, "professions");
	const json_t *organisations = json_object_get(audience, "organisations");
	const json_t *time = json_object_get(ev, "time");

	memset(plan, 0, sizeof *plan);
	plan->event_id = nt_event_str(ev, "event_id");
	plan->tenant_id = nt_event_str(ev, "tenant_id");
	plan->space.space_id = nt_event_str(ev, "space_id");
	plan->thread_id = nt_event_str(ev, "thread_id");
	if (!plan->event_id || !plan->tenant_id || !plan->space.space_id ||
	    !json_is_integer(time) || !nt_string_array(professions) ||
	    !nt_string_array(organisations)) {
		snprintf(reason, reason_size,
			 "%s lacks its event id, tenant, time, space or audience", what);
		return CL_EINVAL;
	}
	plan->space.tenant_id = plan->tenant_id;
	plan->space.professions = professions;
	plan->space.organisations = organisations;
	plan->space.archived = -1;
	plan->space.time = json_integer_value(time);
	return 0;
}

struct nt_notification *nt_plan_notice(struct nt_plan *plan, const char *kind,
				       const char *subject_id, const char *post_id)
{
	if (plan->n_notices == NT_PLAN_NOTICES_MAX)
		abort(); /* a planner's bug, not the event's */
	struct nt_notification *n = &plan->notices[plan->n_notices++];
	memset(n, 0, sizeof *n);
	n->tenant_id = plan->tenant_id;
	n->source_event_id = plan->event_id;
	n->kind = kind;
	n->subject_id = subject_id;
	n->post_id = post_id;
	n->space_id = plan->space.space_id;
	n->app_id = plan->app.app_id;
	n->thread_id = plan->thread_id;
	return n;
}

void nt_notice_space_audience(struct nt_notification *n, const struct nt_plan *plan)
{
	const json_t *p = plan->space.professions, *o = plan->space.organisations;

	n->audience_everyone = json_array_size(p) == 0 && json_array_size(o) == 0;
	n->audience_professions = json_deep_copy(p);
	n->audience_organisations = json_deep_copy(o);
}

void nt_notice_users(struct nt_notification *n, const json_t *users)
{
	n->audience_everyone = false;
	json_decref(n->audience_users);
	n->audience_users = json_deep_copy(users);
}

bool nt_mentions_any(const json_t *mentions)
{
	return json_array_size(json_object_get(mentions, "users")) > 0 ||
	       json_array_size(json_object_get(mentions, "organisations")) > 0;
}

void nt_plan_mention(struct nt_plan *plan, const json_t *mentions, const char *subject_id,
		     const char *post_id, const char *actor_id, const char *actor_name,
		     const char *where, const char *text, const char *link)
{
	if (!nt_mentions_any(mentions))
		return;
	struct nt_notification *n = nt_plan_notice(plan, NT_KIND_MENTION, subject_id, post_id);
	const json_t *users = json_object_get(mentions, "users");
	const json_t *orgs = json_object_get(mentions, "organisations");

	n->actor_id = actor_id;
	n->actor_name = actor_name;
	n->title = nt_text_printf("%s でメンションされました", where);
	n->body = nt_text_cut(text, NT_BODY_MAX_CODEPOINTS);
	n->link = cl_xstrdup(link);
	n->audience_everyone = false;
	n->audience_users = json_is_array(users) ? json_deep_copy(users) : json_array();
	n->audience_organisations = json_is_array(orgs) ? json_deep_copy(orgs) : json_array();
	n->exclude_user = actor_id;
}

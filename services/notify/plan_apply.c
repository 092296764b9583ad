/* plan_apply.c - one event's plan in one transaction: the inbox claim, the
 * space, app or patient team copy, withdrawals, the notifications and their
 * NotificationCreated events in the outbox; exactly once per event id */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/outbox.h"

struct plan_tx {
	const struct cl_avro_registry *schemas;
	struct nt_plan *plan;
};

/* a new reference to a, or a new empty array for NULL */
static json_t *array_or_empty(json_t *a)
{
	return a ? json_incref(a) : json_array();
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *nt_notification_event(const struct nt_notification *n)
{
	json_t *ev = cl_event_new(n->tenant_id);
	json_t *audience = json_pack("{s:b, s:o, s:o, s:o}",
				     "everyone", n->audience_everyone,
				     "users", array_or_empty(n->audience_users),
				     "professions", array_or_empty(n->audience_professions),
				     "organisations", array_or_empty(n->audience_organisations));
	json_object_set_new(ev, "notification_id", json_integer(n->id));
	json_object_set_new(ev, "kind", json_string(n->kind));
	json_object_set_new(ev, "title", json_string(n->title));
	json_object_set_new(ev, "body", json_string(n->body));
	json_object_set_new(ev, "link", json_string(n->link));
	json_object_set_new(ev, "actor_id", json_string(n->actor_id));
	json_object_set_new(ev, "actor_name", json_string(n->actor_name));
	json_object_set_new(ev, "source_event_id", json_string(n->source_event_id));
	json_object_set_new(ev, "audience", audience);
	json_object_set_new(ev, "exclude_user", str_or_null(n->exclude_user));
	json_object_set_new(ev, "created_at", json_integer(n->created_at));
	json_object_set_new(ev, "exclude_users", array_or_empty(n->exclude_users));
	json_object_set_new(ev, "subject_id", str_or_null(n->subject_id));
	json_object_set_new(ev, "space_id", str_or_null(n->space_id));
	json_object_set_new(ev, "urgent", json_boolean(n->urgent));
	json_object_set_new(ev, "thread_id", str_or_null(n->thread_id));
	json_object_set_new(ev, "app_id", str_or_null(n->app_id));
	json_object_set_new(ev, "patient_id", str_or_null(n->patient_id));
	return ev;
}

/* n's audience from the copy of its patient's team (audience_team): the
 * members but n's exclude_user */
static int team_audience(struct cl_pg *pg, struct nt_notification *n)
{
	json_t *members, *users = json_array();
	int rc = nt_db_patient_team_members(pg, n->tenant_id, n->patient_id, &members);
	size_t i;
	const json_t *v;
	json_array_foreach(members, i, v)
		if (!n->exclude_user || strcmp(json_string_value(v), n->exclude_user) != 0)
			json_array_append(users, (json_t *)v);
	nt_notice_users(n, users);
	json_decref(users);
	json_decref(members);
	return rc;
}

/* a notice about a patient reaches named users only: none left, none stored */
static bool patient_notice_empty(const struct nt_notification *n)
{
	return n->patient_id && json_array_size(n->audience_users) == 0;
}

static int plan_tx_run(struct cl_pg *pg, void *arg)
{
	struct plan_tx *t = arg;
	struct nt_plan *p = t->plan;

	p->created = 0;
	p->withdrawn = 0;
	int rc = cl_inbox_claim(pg, p->inbox ? p->inbox : NT_INBOX_POSTS, p->event_id);
	if (rc <= 0)
		return rc; /* 0: handled before, nothing to do */
	if (p->space.space_id) {
		rc = nt_db_space_upsert(pg, &p->space);
		if (rc < 0)
			return rc;
	}
	if (p->app.app_id) {
		rc = nt_db_app_upsert(pg, &p->app);
		if (rc < 0)
			return rc;
	}
	if (p->team.patient_id) {
		rc = nt_db_patient_team_upsert(pg, &p->team);
		if (rc < 0)
			return rc;
	}
	if (p->withdraw_id) {
		rc = nt_db_notification_withdraw(pg, p->tenant_id, p->withdraw_id);
		if (rc < 0)
			return rc;
		p->withdrawn = rc;
	}
	for (size_t i = 0; i < p->n_notices; i++) {
		struct nt_notification *n = &p->notices[i];
		if (n->audience_team) {
			rc = team_audience(pg, n);
			if (rc < 0)
				return rc;
		}
		if (patient_notice_empty(n))
			continue;
		rc = nt_db_notification_insert(pg, n);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue; /* this kind exists for the event already */
		/* targeted: one row per named person (FEED.md "Fan-out") */
		rc = nt_db_recipients_add(pg, n, n->audience_users);
		if (rc < 0)
			return rc;
		json_t *ev = nt_notification_event(n);
		rc = cl_outbox_add(pg, t->schemas, NT_TOPIC_NOTIFICATIONS, n->tenant_id,
				   NT_SCHEMA_NOTIFICATION_CREATED, ev);
		json_decref(ev);
		if (rc < 0)
			return rc;
		p->created++;
	}
	return 0;
}

int nt_plan_apply(struct nt_app *app, struct nt_plan *plan, char *reason,
		  size_t reason_size)
{
	struct plan_tx t = {.schemas = app->svc->schemas, .plan = plan};
	int rc = cl_pg_tx(&app->consumer_pg, CL_PG_READ_COMMITTED, plan_tx_run, &t);
	if (rc == 0) {
		char created[16], withdrawn[16];
		snprintf(created, sizeof created, "%d", plan->created);
		snprintf(withdrawn, sizeof withdrawn, "%d", plan->withdrawn);
		cl_log_info("event handled", "source_event_id", plan->event_id,
			    "tenant_id", plan->tenant_id, "notifications", created,
			    "withdrawn", withdrawn, NULL);
		return 0;
	}
	if (rc != CL_ERETRY && rc != CL_EIO)
		snprintf(reason, reason_size, "cannot store notification: %s", cl_strerror(rc));
	return rc == CL_EIO ? CL_ERETRY : rc;
}

/* alert_change.c - what every change of an alert does once its rows are
 * written, inside the same transaction: the timeline entry, the event on
 * the emergency-services stream, and the urgent notification */
#include "alert_resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "carelink/err.h"
#include "carelink/outbox.h"

static const char *kind_label(const char *kind)
{
	static const char *const map[][2] = {
		{"missing_person", "認知症の方の行方不明"}, {"disaster", "災害"},
		{"road_closure", "通行止め"},             {"infectious_disease", "感染症"},
		{"facility_emergency", "施設の緊急事態"}, {NULL, NULL},
	};
	for (size_t i = 0; kind && map[i][0]; i++)
		if (strcmp(kind, map[i][0]) == 0)
			return map[i][1];
	return "緊急連絡";
}

static const char *action_label(const char *action)
{
	if (strcmp(action, "raised") == 0)
		return "緊急連絡";
	if (strcmp(action, "updated") == 0)
		return "緊急連絡(更新)";
	if (strcmp(action, "escalated") == 0)
		return "緊急連絡(通知範囲拡大)";
	if (strcmp(action, "resolved") == 0)
		return "緊急連絡(解決)";
	if (strcmp(action, "cancelled") == 0)
		return "緊急連絡(取消)";
	return "緊急連絡";
}

/* the change's own fields for nt_alert_stream_add() */
static json_t *change_extra(const char *action, const struct cl_identity *by,
			    const char *note)
{
	json_t *x = json_object();
	const char *user = by ? by->user : "";
	json_object_set_new(x, "note", json_string(note ? note : ""));
	if (strcmp(action, "acknowledged") == 0) {
		json_object_set_new(x, "user_id", json_string(user));
		json_object_set_new(x, "organisation_id", json_string(by ? by->organisation : ""));
	} else if (strcmp(action, "resolved") == 0 || strcmp(action, "cancelled") == 0) {
		json_object_set_new(x, "ended_by_id", json_string(user));
	} else if (strcmp(action, "updated") == 0 || strcmp(action, "escalated") == 0) {
		json_object_set_new(x, "changed_by_id", by ? json_string(user) : json_null());
	}
	return x;
}

/* the urgent notification of the change for audience, with its
 * NotificationCreated in the outbox */
static int change_notify(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			 const json_t *alert, const char *action,
			 const struct cl_identity *by, const json_t *audience)
{
	const char *id = json_string_value(json_object_get(alert, "id"));
	const char *tenant = json_string_value(json_object_get(alert, "tenant_id"));
	char source[96];
	snprintf(source, sizeof source, "alert:%s:v%lld:%s", id,
		 (long long)json_integer_value(json_object_get(alert, "version")), action);
	struct nt_notification n = {
		.tenant_id = tenant,
		.source_event_id = source,
		.kind = NT_KIND_ALERT,
		.title = nt_text_printf("【%s】%s: %s", action_label(action),
					kind_label(json_string_value(json_object_get(alert, "kind"))),
					json_string_value(json_object_get(alert, "title"))),
		.body = nt_text_cut(json_string_value(json_object_get(alert, "description")),
				    NT_BODY_MAX_CODEPOINTS),
		.link = nt_text_printf("#/alerts/%s", id),
		.actor_id = by ? by->user : "",
		.actor_name = by ? by->name : "",
		.audience_everyone = json_is_true(json_object_get(audience, "everyone")),
		.audience_professions = json_incref(json_object_get(audience, "professions")),
		.audience_organisations =
			json_incref(json_object_get(audience, "organisations")),
		.subject_id = id,
		.urgent = true,
	};
	int rc = nt_db_notification_insert(pg, &n);
	if (rc == 1) {
		json_t *ev = nt_notification_event(&n);
		rc = cl_outbox_add(pg, schemas, NT_TOPIC_NOTIFICATIONS, tenant,
				   NT_SCHEMA_NOTIFICATION_CREATED, ev);
		json_decref(ev);
	}
	nt_notification_release(&n);
	return rc < 0 ? rc : 0;
}

int nt_alert_ack_notify(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			const json_t *alert, const struct cl_identity *by, const char *note)
{
	const char *id = json_string_value(json_object_get(alert, "id"));
	const char *tenant = json_string_value(json_object_get(alert, "tenant_id"));
	const char *raiser =
		json_string_value(json_object_get(json_object_get(alert, "raised_by"), "id"));
	if (!raiser || !*raiser || !strcmp(raiser, by->user))
		return 0;
	char source[192];
	snprintf(source, sizeof source, "alert:%s:ack:%s", id, by->user);
	json_t *users = json_pack("[s]", raiser);
	struct nt_notification n = {
		.tenant_id = tenant,
		.source_event_id = source,
		.kind = NT_KIND_ALERT_ACKNOWLEDGED,
		.title = nt_text_printf("%sさんが緊急連絡を確認しました: %s", by->name,
					json_string_value(json_object_get(alert, "title"))),
		.body = nt_text_cut(note && *note ? note : by->organisation_name,
				    NT_BODY_MAX_CODEPOINTS),
		.link = nt_text_printf("#/alerts/%s", id),
		.actor_id = by->user,
		.actor_name = by->name,
		.audience_users = users,
		.subject_id = id,
		.urgent = true,
	};
	int rc = nt_db_notification_insert(pg, &n);
	if (rc == 1)
		rc = nt_db_recipients_add(pg, &n, users);
	else if (rc == 0)
		goto out; /* told already */
	if (rc == 0) {
		json_t *ev = nt_notification_event(&n);
		rc = cl_outbox_add(pg, schemas, NT_TOPIC_NOTIFICATIONS, tenant,
				   NT_SCHEMA_NOTIFICATION_CREATED, ev);
		json_decref(ev);
	}
out:
	nt_notification_release(&n);
	return rc < 0 ? rc : 0;
}

int nt_alert_change_record(struct cl_pg *pg, const struct nt_app *app, const char *tenant, int64_t id, const char *action,
			   const char *stream_change, const struct cl_identity *by,
			   const char *note, const json_t *notify_audience, json_t **alert)
{
	json_t *a = NULL, *extra = NULL;
	int rc = nt_db_alert_timeline_add(pg, id, action, by, note);
	if (rc < 0)
		goto out;
	rc = nt_db_alert_get(pg, tenant, id, false, &a);
	if (rc < 0)
		goto out;
	extra = change_extra(action, by, note);
	const char *base = cl_cfg_get(&app->svc->cfg, "notify.public_url", "");
	if (*base)
		json_object_set_new(extra, "web",
				    json_sprintf("%s/#/alerts/%s", base,
						 json_string_value(json_object_get(a, "id"))));
	const json_t *photo = json_object_get(a, "photo");
	if (*base && json_is_object(photo))
		json_object_set_new(extra, "photo_uri",
				    json_sprintf("%s%s", base,
						 json_string_value(json_object_get(photo, "url"))));
	rc = nt_alert_stream_add(pg, app->svc->schemas, a, stream_change, extra);
	if (rc < 0)
		goto out;
	if (notify_audience) {
		rc = change_notify(pg, app->svc->schemas, a, action, by, notify_audience);
		if (rc < 0)
			goto out;
	}
	*alert = a;
	a = NULL;
out:
	json_decref(extra);
	json_decref(a);
	return rc;
}

int nt_alert_change_told(struct cl_pg *pg, const struct nt_app *app, const json_t *a,
			 int64_t id, const char *action, const char *stream_change,
			 const struct cl_identity *by, const char *note, json_t **alert)
{
	json_t *aud = nt_alert_audience_union(
		a, 1, 0, (int)json_integer_value(json_object_get(a, "escalation_level")));
	int rc = nt_alert_change_record(pg, app, by->tenant, id, action, stream_change, by,
					note, aud, alert);
	json_decref(aud);
	return rc;
}

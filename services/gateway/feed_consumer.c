/* feed_consumer.c - reads carelink.notifications and hands each notification,
 * read mark and change of preferences to the live streams of this gateway
 * replica; reads carelink.identity to end
 * the streams of people who were deactivated. Every replica reads every
 * partition (a consumer group of its own, starting at the end): streams are
 * attached to replicas, not to partitions. */
#include "gateway.h"

#include <carelink/avro.h>
#include <carelink/err.h>
#include <carelink/json.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The item has exactly the keys of notify's /v1/feed items (FEED.md
 * "Items"), so that a notification pushed live and the same one read from
 * the feed (or caught up after Last-Event-ID) are equal; a live one is
 * always unread. */
json_t *gw_notification_item(const json_t *e)
{
	char when[32];
	cl_time_format((int64_t)json_integer_value(json_object_get(e, "created_at")), when);
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:{s:s?, s:s?}, s:s, s:b, s:b,"
			 " s:s?, s:s?, s:s?, s:s?}",
			 "id", json_integer_value(json_object_get(e, "notification_id")),
			 "kind", cl_json_str(e, "kind"), "title", cl_json_str(e, "title"),
			 "body", cl_json_str(e, "body"), "link", cl_json_str(e, "link"),
			 "actor", "id", cl_json_str(e, "actor_id"), "name",
			 cl_json_str(e, "actor_name"), "created_at", when, "read", 0,
			 "urgent", json_is_true(json_object_get(e, "urgent")),
			 "space_id", cl_json_str(e, "space_id"),
			 "thread_id", cl_json_str(e, "thread_id"),
			 "app_id", cl_json_str(e, "app_id"),
			 "patient_id", cl_json_str(e, "patient_id"));
}

static int on_notification(const rd_kafka_message_t *msg, void *arg, char *reason,
			   size_t reason_size)
{
	struct gw_app *app = arg;
	json_t *e = NULL;
	const char *type = NULL;
	int rc = cl_avro_decode(app->svc->schemas, msg->payload, msg->len, &e, &type);
	if (rc < 0) {
		/* not for live push; the feed itself lives in notify */
		cl_log_warn("undecodable notification skipped", "detail", cl_avro_last_error(),
			    NULL);
		return 0;
	}
	if (!strcmp(type, "carelink.identity.UserChanged")) {
		/* on every replica, a changed person's streams end: deactivated
		 * ones stay closed, the others reconnect with their new
		 * organisation, profession and roles and resume by id */
		gw_hub_close_user(app->hub, cl_json_str(e, "user_id"));
	} else if (!strcmp(type, "carelink.notifications.NotificationCreated")) {
		json_t *item = gw_notification_item(e);
		char *data = json_dumps(item, JSON_COMPACT);
		gw_hub_dispatch(app->hub, e, data);
		free(data);
		json_decref(item);
	} else if (!strcmp(type, "carelink.notifications.NotificationsRead")) {
		gw_hub_read(app->hub, e); /* the person's other tabs */
	} else if (!strcmp(type, "carelink.notifications.NotificationPreferencesChanged")) {
		struct gw_prefs p;
		const char *tenant = cl_json_str(e, "tenant_id");
		const char *user = cl_json_str(e, "user_id");
		gw_prefs_from_event(&p, e);
		if (tenant && user)
			gw_hub_prefs(app->hub, tenant, user, &p);
		gw_prefs_release(&p);
	}
	json_decref(e);
	(void)reason;
	(void)reason_size;
	return 0;
}

int gw_feed_consumer_start(struct gw_app *app)
{
	char group[64], id[CL_UUID_LEN + 1];
	cl_uuid_new(id);
	snprintf(group, sizeof group, "gateway-live-%s", id);
	const char *topics[] = {"carelink.notifications", "carelink.identity", NULL};
	int rc = cl_consumer_open(&app->consumer, &app->svc->cfg, group, topics, "latest",
				  on_notification, app);
	if (rc < 0)
		return rc;
	return cl_consumer_start(&app->consumer);
}

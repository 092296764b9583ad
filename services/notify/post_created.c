/* post_created.c - carelink.posts consumer: a PostCreated event becomes one
 * notification for the readers of its space and one NotificationCreated
 * event, exactly once per event id */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/avro.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/outbox.h"
#include "carelink/util.h"

/* What one transaction needs; everything borrowed from the decoded event
 * except title, body and link, which post_notification() allocates. */
struct post_tx {
	const struct cl_avro_registry *schemas;
	const char *event_id;
	struct nt_notification n;
	bool created;  /* set when this delivery made the notification */
};

/* the NotificationCreated event of n; new reference */
static json_t *notification_event(const struct nt_notification *n)
{
	json_t *ev = cl_event_new(n->tenant_id);
	json_t *audience = json_pack("{s:b, s:O, s:O, s:O}",
				     "everyone", n->audience_everyone,
				     "users", n->audience_users,
				     "professions", n->audience_professions,
				     "organisations", n->audience_organisations);
	json_object_set_new(ev, "notification_id", json_integer(n->id));
	json_object_set_new(ev, "kind", json_string(n->kind));
	json_object_set_new(ev, "title", json_string(n->title));
	json_object_set_new(ev, "body", json_string(n->body));
	json_object_set_new(ev, "link", json_string(n->link));
	json_object_set_new(ev, "actor_id", json_string(n->actor_id));
	json_object_set_new(ev, "actor_name", json_string(n->actor_name));
	json_object_set_new(ev, "source_event_id", json_string(n->source_event_id));
	json_object_set_new(ev, "audience", audience);
	json_object_set_new(ev, "exclude_user",
			    n->exclude_user ? json_string(n->exclude_user) : json_null());
	json_object_set_new(ev, "created_at", json_integer(n->created_at));
	return ev;
}

static int post_tx_run(struct cl_pg *pg, void *arg)
{
	struct post_tx *t = arg;
	t->created = false;
	int rc = cl_inbox_claim(pg, NT_INBOX_POSTS, t->event_id);
	if (rc <= 0)
		return rc; /* 0: handled before, nothing to do */
	rc = nt_db_notification_insert(pg, &t->n);
	if (rc <= 0)
		return rc; /* 0: the notification exists already */
	json_t *ev = notification_event(&t->n);
	rc = cl_outbox_add(pg, t->schemas, NT_TOPIC_NOTIFICATIONS, t->n.tenant_id,
			   NT_SCHEMA_NOTIFICATION_CREATED, ev);
	json_decref(ev);
	if (rc == 0)
		t->created = true;
	return rc;
}

/* borrowed string member, NULL when absent or empty */
static const char *str_of(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s && *s ? s : NULL;
}

static int post_created(struct nt_app *app, const json_t *ev, char *reason,
			size_t reason_size)
{
	const char *event_id = str_of(ev, "event_id");
	const char *tenant = str_of(ev, "tenant_id");
	const char *space_name = json_string_value(json_object_get(ev, "space_name"));
	const char *thread_title = json_string_value(json_object_get(ev, "thread_title"));
	const char *thread_id = str_of(ev, "thread_id");
	const char *post_id = str_of(ev, "post_id");
	const char *author_id = str_of(ev, "author_id");
	const char *author_name = json_string_value(json_object_get(ev, "author_name"));
	const char *text = json_string_value(json_object_get(ev, "body"));
	const json_t *audience = json_object_get(ev, "audience");
	json_t *professions = json_object_get(audience, "professions");
	json_t *organisations = json_object_get(audience, "organisations");
	if (!event_id || !tenant || !space_name || !thread_title || !thread_id ||
	    !post_id || !author_id || !author_name || !text ||
	    !json_is_array(professions) || !json_is_array(organisations)) {
		snprintf(reason, reason_size, "postcreated lacks a required value");
		return CL_EINVAL;
	}

	size_t title_len = strlen(space_name) + strlen(thread_title) + 4;
	char *title = cl_xmalloc(title_len);
	size_t link_len = strlen(thread_id) + strlen(post_id) + 18;
	char *link = cl_xmalloc(link_len);
	snprintf(title, title_len, "%s / %s", space_name, thread_title);
	snprintf(link, link_len, "#/threads/%s/posts/%s", thread_id, post_id);
	char *body = nt_text_cut(text, NT_BODY_MAX_CODEPOINTS);
	json_t *users = json_array();

	struct post_tx t = {
		.schemas = app->svc->schemas,
		.event_id = event_id,
		.n = {
			.tenant_id = tenant,
			.source_event_id = event_id,
			.kind = "post",
			.title = title,
			.body = body,
			.link = link,
			.actor_id = author_id,
			.actor_name = author_name,
			.audience_everyone = json_array_size(professions) == 0 &&
					     json_array_size(organisations) == 0,
			.audience_users = users,
			.audience_professions = professions,
			.audience_organisations = organisations,
			.exclude_user = author_id,
		},
	};
	int rc = cl_pg_tx(&app->consumer_pg, CL_PG_READ_COMMITTED, post_tx_run, &t);
	if (rc == 0 && t.created) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)t.n.id);
		cl_log_info("notification created", "notification_id", id,
			    "source_event_id", event_id, "tenant_id", tenant, NULL);
	} else if (rc == 0) {
		cl_log_debug("event already handled", "source_event_id", event_id, NULL);
	} else if (rc != CL_ERETRY && rc != CL_EIO) {
		snprintf(reason, reason_size, "cannot store notification: %s",
			 cl_strerror(rc));
	}
	json_decref(users);
	free(body);
	free(link);
	free(title);
	return rc == CL_EIO ? CL_ERETRY : rc;
}

int nt_posts_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
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
	if (strcmp(type, NT_SCHEMA_POST_CREATED) != 0) {
		cl_log_debug("event ignored", "type", type, NULL);
		json_decref(ev);
		return 0;
	}
	rc = post_created(app, ev, reason, reason_size);
	json_decref(ev);
	return rc;
}

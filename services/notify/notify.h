/* notify.h - the notify service's internal interface: application state,
 * the notification entity, its SQL and the HTTP and Kafka handlers. */
#ifndef CARELINK_NOTIFY_H
#define CARELINK_NOTIFY_H

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carelink/http.h"
#include "carelink/identity.h"
#include "carelink/kafka.h"
#include "carelink/pg.h"
#include "carelink/service.h"

#define NT_TOPIC_POSTS "carelink.posts"
#define NT_TOPIC_NOTIFICATIONS "carelink.notifications"
#define NT_SCHEMA_POST_CREATED "carelink.posts.PostCreated"
#define NT_SCHEMA_NOTIFICATION_CREATED "carelink.notifications.NotificationCreated"
/* inbox consumer name for events of carelink.posts */
#define NT_INBOX_POSTS "notify.posts"

#define NT_FEED_LIMIT_DEFAULT 50
#define NT_FEED_LIMIT_MAX 500
/* code points of a post body kept in a notification */
#define NT_BODY_MAX_CODEPOINTS 200

struct nt_app {
	struct cl_service *svc;     /* borrowed */
	struct cl_consumer consumer;
	struct cl_pg consumer_pg;   /* used only by the consumer thread */
};

/* One notification. Strings and arrays are borrowed from the caller;
 * id and created_at are filled in by nt_db_notification_insert(). */
struct nt_notification {
	int64_t id;
	int64_t created_at;  /* ms since the epoch */
	const char *tenant_id;
	const char *source_event_id;
	const char *kind;
	const char *title;
	const char *body;
	const char *link;
	const char *actor_id;
	const char *actor_name;
	bool audience_everyone;
	const json_t *audience_users;          /* arrays of strings */
	const json_t *audience_professions;
	const json_t *audience_organisations;
	const char *exclude_user;              /* NULL: nobody */
};

/* db_notification.c - one function per statement. "Visible" means: same
 * tenant as who, who is not the excluded user, and the audience is everyone
 * or names who's user, profession or organisation. */

/* nt_db_notification_insert() - insert n unless a notification for
 * n->source_event_id exists. Returns 1 and sets n->id and n->created_at when
 * inserted, 0 when it already existed, or a negative cl_pg_exec() code. */
int nt_db_notification_insert(struct cl_pg *pg, struct nt_notification *n);
/* nt_db_notification_newest() - append to items (a JSON array) up to limit
 * visible feed items with id < before (0: no bound), newest first. */
int nt_db_notification_newest(struct cl_pg *pg, const struct cl_identity *who,
			      int64_t before, int limit, json_t *items);
/* nt_db_notification_after() - append to items up to limit visible feed
 * items with id > after and id < before (0: no bound), oldest first. */
int nt_db_notification_after(struct cl_pg *pg, const struct cl_identity *who,
			     int64_t after, int64_t before, int limit, json_t *items);
/* nt_db_notification_get() - the feed item id when visible to who: *item is
 * a new reference. Returns 0, CL_ENOENT or a cl_pg_exec() code. */
int nt_db_notification_get(struct cl_pg *pg, const struct cl_identity *who,
			   int64_t id, json_t **item);

/* text.c - small text helpers */

/* nt_text_cut() - s cut to at most max code points of UTF-8, with "…"
 * appended when something was cut; never splits a character. The caller
 * frees the result. */
char *nt_text_cut(const char *s, size_t max);
/* nt_parse_id() - s as a decimal integer in 0..INT64_MAX, digits only.
 * Returns 0 or CL_EINVAL. */
int nt_parse_id(const char *s, int64_t *out);

/* post_created.c - the carelink.posts consumer handler (cl_consume_fn;
 * arg is the struct nt_app). */
int nt_posts_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
		     size_t reason_size);

/* feed.c - GET /v1/feed */
enum MHD_Result nt_feed_get(struct cl_http_req *req);
/* notification.c - GET /v1/notifications/:id */
enum MHD_Result nt_notification_get(struct cl_http_req *req);

#endif

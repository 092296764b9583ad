/* feed.h - a person's feed inside carelink-notify (FEED.md): the query and
 * read-state inputs (pure), the unread counts, read marks and preferences
 * in SQL, and the feed's HTTP handlers. notify.h holds the notification
 * itself and who may see it. */
#ifndef NT_FEED_H
#define NT_FEED_H

#include "notify.h"

/* feed_query.c - the query of GET /v1/feed (pure: no database) */

/* A GET /v1/feed query, checked. Strings borrowed from the request. */
struct nt_feed_query {
	int64_t limit;          /* 1..500 */
	int64_t before;         /* 0: no bound */
	int64_t after;          /* with has_after: ids above it, oldest first */
	bool has_after;
	bool urgent, mentions, unread, include_muted, all;
	const char *space;      /* NULL: any */
	const char *app;
	const char *patient;
};

/* A refusal of the feed's routes: code (FEED.md) and a message, static. */
struct nt_feed_refusal {
	const char *code;
	const char *message;
};

/* nt_feed_query_parse() - q from the query parameters, read with
 * get(ctx, key) (NULL when absent). Returns 0 or CL_EINVAL with *why set
 * (invalid_limit, invalid_before, invalid_after, invalid_filter). */
int nt_feed_query_parse(const char *(*get)(void *ctx, const char *key), void *ctx,
			struct nt_feed_query *q, struct nt_feed_refusal *why);

/* feed_counts.c - unread counts (pure) */

#define NT_UNREAD_COUNT_MAX 1000
/* nt_feed_unread_counts() - the object of GET /v1/feed/unread from rows
 * (as nt_db_notification_unread() gives them, at most
 * NT_UNREAD_COUNT_MAX + 1: capped when more than NT_UNREAD_COUNT_MAX, the
 * extra row not counted); new reference. */
json_t *nt_feed_unread_counts(const json_t *rows);

/* feed_read_input.c - the body of POST /v1/feed/read (pure) */

#define NT_READ_IDS_MAX 500
/* The mark a body asks for: exactly one of ids (borrowed array of positive
 * integers), space_id, all. */
struct nt_feed_read {
	const json_t *ids;
	const char *space_id;
	bool all;
};
/* nt_feed_read_input() - check body. Returns 0 or CL_EINVAL with *why
 * (invalid_read). */
int nt_feed_read_input(const json_t *body, struct nt_feed_read *r,
		       struct nt_feed_refusal *why);
/* nt_feed_read_event() - the NotificationsRead event of who's mark: ids
 * (NULL: none), space_id (NULL: none), up_to (0: none); new reference. */
json_t *nt_feed_read_event(const struct cl_identity *who, const json_t *ids,
			   const char *space_id, int64_t up_to);

/* preferences_input.c - the body of PUT /v1/preferences (pure) */

#define NT_MUTES_MAX 200
#define NT_MUTE_ID_MAX 64
/* nt_preferences_input() - check body (FEED.md's rules); *out (new
 * reference) is {"urgent_only","quiet_hours","mutes"} as stored. Returns 0
 * or CL_EINVAL with *why (invalid_preferences, a message naming the
 * field). */
int nt_preferences_input(const json_t *body, json_t **out, struct nt_feed_refusal *why);
/* nt_preferences_event() - the NotificationPreferencesChanged event of
 * who's prefs (as nt_preferences_input() gives them); new reference. */
json_t *nt_preferences_event(const struct cl_identity *who, const json_t *prefs);

/* db_read.c - read state (FEED.md): single reads and marks */

/* nt_db_read_ids() - single reads of who for those of ids (an array of
 * positive integers) visible to who; *read (new array) lists them. */
int nt_db_read_ids(struct cl_pg *pg, const struct cl_identity *who, const json_t *ids,
		   json_t **read);
/* nt_db_read_mark() - who's mark for space_id ("" for the whole feed)
 * moves up to up_to (never down); *stored is the mark as it is now. */
int nt_db_read_mark(struct cl_pg *pg, const struct cl_identity *who, const char *space_id,
		    int64_t up_to, int64_t *stored);

/* db_preferences.c - each person's preferences, one row per person who
 * saved them */

/* nt_db_preferences_get() - *prefs (new reference) is who's preferences
 * object as the API gives it (the defaults when none were saved). */
int nt_db_preferences_get(struct cl_pg *pg, const struct cl_identity *who, json_t **prefs);
/* nt_db_preferences_put() - store prefs (checked by nt_preferences_input())
 * as who's. */
int nt_db_preferences_put(struct cl_pg *pg, const struct cl_identity *who,
			  const json_t *prefs);

/* feed.c - GET /v1/feed */
enum MHD_Result nt_feed_get(struct cl_http_req *req);
/* feed_unread.c - GET /v1/feed/unread; nt_feed_unread_load() - the
 * counts object of who (new reference in *counts). */
enum MHD_Result nt_feed_unread_get(struct cl_http_req *req);
int nt_feed_unread_load(struct cl_pg *pg, const struct cl_identity *who, json_t **counts);
/* feed_read.c - POST /v1/feed/read */
enum MHD_Result nt_feed_read_post(struct cl_http_req *req);
/* preferences.c - GET and PUT /v1/preferences */
enum MHD_Result nt_preferences_get(struct cl_http_req *req);
enum MHD_Result nt_preferences_put(struct cl_http_req *req);

#endif

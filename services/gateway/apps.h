/* apps.h - the apps of the public API (services/records/APPS.md): apps and
 * their records, comments and history, CSV export and import, the facility
 * directory and the event calendar, all forwarded to records by
 * gw_ws_forward() (workspace.h); and the calendar feed URLs, which the
 * gateway itself keeps (calendar_feed*.c, db_calendar_feed.c). */
#ifndef CARELINK_GATEWAY_APPS_H
#define CARELINK_GATEWAY_APPS_H

#include "gateway.h"

#include <carelink/http.h>
#include <carelink/pg.h>
#include <jansson.h>
#include <stdbool.h>

/* apps_routes.c: the route table, joined in routes.c */
extern const struct cl_http_route gw_routes_apps[];

/* apps_apps.c: GET/POST /apps, GET/PATCH /apps/:key */
enum MHD_Result gw_apps_list(struct cl_http_req *req);
enum MHD_Result gw_app_create(struct cl_http_req *req);
enum MHD_Result gw_app_get(struct cl_http_req *req);
enum MHD_Result gw_app_update(struct cl_http_req *req);
/* apps_records.c: an app's records, one record, its history and comments */
enum MHD_Result gw_app_records_list(struct cl_http_req *req);
enum MHD_Result gw_app_record_create(struct cl_http_req *req);
enum MHD_Result gw_app_record_get(struct cl_http_req *req);
enum MHD_Result gw_app_record_update(struct cl_http_req *req);
enum MHD_Result gw_app_record_delete(struct cl_http_req *req);
enum MHD_Result gw_app_record_history(struct cl_http_req *req);
enum MHD_Result gw_app_record_comments(struct cl_http_req *req);
enum MHD_Result gw_app_record_comment_create(struct cl_http_req *req);
/* apps_csv.c: export.csv, imports */
enum MHD_Result gw_app_export(struct cl_http_req *req);
enum MHD_Result gw_app_import_start(struct cl_http_req *req);
enum MHD_Result gw_app_import_get(struct cl_http_req *req);
/* apps_facilities.c: the facility directory */
enum MHD_Result gw_facilities_list(struct cl_http_req *req);
enum MHD_Result gw_facility_districts(struct cl_http_req *req);
enum MHD_Result gw_facility_get(struct cl_http_req *req);
/* apps_events.c: registration and the calendar of the logged-in person */
enum MHD_Result gw_event_register(struct cl_http_req *req);
enum MHD_Result gw_event_unregister(struct cl_http_req *req);
enum MHD_Result gw_event_registrations(struct cl_http_req *req);
enum MHD_Result gw_calendar_ics(struct cl_http_req *req);

/* ---- calendar feed URLs ----
 *
 * A feed URL is "<gateway.public_url>/ical/<secret>": the secret is 32
 * random bytes in base64url without padding (GW_FEED_SECRET_LEN
 * characters); only its SHA-256 (gw_token_hash) is stored, so the URL is
 * shown once, in the answer that creates it. Whoever holds the URL reads
 * the calendar of its person (scope "tenant": every event of the tenant;
 * "mine": the person's registrations) without logging in. */

#define GW_FEED_SECRET_RANDOM 32
#define GW_FEED_SECRET_LEN 43  /* base64url of 32 bytes, no padding */
#define GW_FEEDS_PER_PERSON 20

/* calendar_feed.c: GET/POST /me/calendar-feeds, DELETE /me/calendar-feeds/:id */
enum MHD_Result gw_calendar_feeds_list(struct cl_http_req *req);
enum MHD_Result gw_calendar_feed_create(struct cl_http_req *req);
enum MHD_Result gw_calendar_feed_delete(struct cl_http_req *req);
/* calendar_feed_serve.c: GET /ical/:secret (no session) */
enum MHD_Result gw_calendar_feed_serve(struct cl_http_req *req);

/* calendar_feed_url.c - pure helpers, no I/O */

/* gw_feed_secret_of() - the secret of the last path segment of a feed URL
 * ("<secret>" or "<secret>.ics") copied into out; false when it is not
 * GW_FEED_SECRET_LEN base64url characters (nothing to look up then). */
bool gw_feed_secret_of(const char *segment, char out[GW_FEED_SECRET_LEN + 1]);
/* gw_feed_url() - "<base>/ical/<secret>" into out, base's trailing '/'
 * dropped; false when it does not fit. */
bool gw_feed_url(const char *base, const char *secret, char *out, size_t size);

/* ---- db_calendar_feed.c ---- */

/* A feed as its owner sees it, and what serving it needs. */
struct gw_feed_owner {
	char feed_id[37];
	char scope[8];     /* "tenant" or "mine" */
	bool active;       /* the person can still log in */
	bool stale;        /* last use unrecorded for a minute or more */
};

/* gw_db_calendar_feed_create() - a new feed of user_id (tenant's) with
 * secret_hash; *out a new JSON object {id, scope, url: null, created_at,
 * last_used_at}. CL_ECONFLICT when the person already has
 * GW_FEEDS_PER_PERSON feeds. */
int gw_db_calendar_feed_create(struct cl_pg *pg, const char *id, const char *tenant,
			       const char *user_id, const char *scope,
			       const char *secret_hash, json_t **out);
/* gw_db_calendar_feed_list() - user_id's feeds, newest first, as a new
 * JSON array of the objects above. */
int gw_db_calendar_feed_list(struct cl_pg *pg, const char *user_id, json_t **out);
/* gw_db_calendar_feed_delete() - remove user_id's feed id; CL_ENOENT when
 * the person has no such feed. */
int gw_db_calendar_feed_delete(struct cl_pg *pg, const char *user_id, const char *id);
/* gw_db_user_by_calendar_feed() - the feed of secret_hash and its person
 * (roles: member only; a feed delegates no administration). CL_ENOENT
 * when there is none. */
int gw_db_user_by_calendar_feed(struct cl_pg *pg, const char *secret_hash, struct gw_user *u,
				struct gw_feed_owner *f);
/* gw_db_calendar_feed_touch() - record the feed's use (at most once a
 * minute). */
int gw_db_calendar_feed_touch(struct cl_pg *pg, const char *feed_id);

#endif

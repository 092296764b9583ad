/* gateway.h - the gateway's shared state and the functions its files share */
#ifndef CARELINK_GATEWAY_H
#define CARELINK_GATEWAY_H

#include <carelink/http.h>
#include <carelink/identity.h>
#include <carelink/kafka.h>
#include <carelink/service.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define GW_COOKIE "carelink_session"

struct gw_hub;

struct gw_app {
	struct cl_service *svc;       /* borrowed */
	const char *records_url;      /* "http://127.0.0.1:8081", borrowed from cfg */
	const char *notify_url;
	const char *vacancy_url;      /* "http://127.0.0.1:8082" */
	long idle_timeout_s;          /* session idle timeout */
	long absolute_timeout_s;      /* session absolute timeout */
	bool secure_cookie;           /* add Secure: served over TLS */
	struct gw_hub *hub;           /* live streams */
	size_t max_streams;           /* beyond it new streams get 503 */
	struct cl_consumer consumer;  /* carelink.notifications */
	uv_timer_t heartbeat;
	long heartbeat_s;             /* gateway.heartbeat_s, default 15 */
};

/* A logged-in person, as loaded from a valid session. */
struct gw_user {
	struct cl_identity id;  /* user, organisation, profession, tenant, names, roles */
	char email[256];
	char csrf[64];
};

/* db_user.c */
/* gw_user_from_row() - who u is from columns 0..6 of row 0 of res: id,
 * tenant, organisation id and name, profession, display name, email (no
 * roles: the caller decides them). */
void gw_user_from_row(const PGresult *res, struct gw_user *u);
int gw_db_user_by_email(struct cl_pg *pg, const char *email, struct gw_user *u,
			char *hash, size_t hash_size);
int gw_db_user_by_session(struct cl_pg *pg, const char *token_hash, long idle_s,
			  long absolute_s, struct gw_user *u);
/* db_session.c */
int gw_db_session_create(struct cl_pg *pg, const char *token_hash, const char *user_id,
			 const char *csrf);
int gw_db_session_delete(struct cl_pg *pg, const char *token_hash);
int gw_db_session_touch(struct cl_pg *pg, const char *token_hash);

/* session.c - gw_auth_require(): the person behind a request, by session
 * cookie or, for routes that machine clients may use, by API token
 * ("Authorization: Bearer ..."). scope NULL: sessions only. Answers 401/403
 * itself and returns false when there is none. */
bool gw_auth_require(struct cl_http_req *req, struct gw_user *u, const char *scope);
/* tokens.c - gw_token_require(): the token's owner as a gw_user when the
 * bearer token is valid, not revoked, and carries scope; records its last
 * use. Answers 401 (unknown, revoked) / 403 (scope) itself. */
bool gw_token_require(struct cl_http_req *req, struct gw_user *u, const char *scope);

/* session.c - the session of a request. gw_session_require() answers 401
 * itself (and returns false) when there is none; for state-changing
 * methods it also checks X-CSRF-Token (403 when wrong). */
bool gw_session_require(struct cl_http_req *req, struct gw_user *u);
void gw_token_hash(const char *token, char out[65]);
/* gw_user_json() - {"user":{...},"csrf":...} as the page expects. */
json_t *gw_user_json(const struct gw_user *u);

/* proxy.c - forward to an internal service with the signed identity */
enum MHD_Result gw_proxy(struct cl_http_req *req, const struct gw_user *u,
			 const char *base, const char *path_and_query, const char *method,
			 bool with_body);
/* gw_sign() - identity header for u valid 60 s; caller frees. */
char *gw_sign(struct gw_app *app, const struct gw_user *u);

/* A person's notification preferences as live push applies them
 * (services/notify/FEED.md): stream_prefs.c reads them (gw_prefs_from_*),
 * hub.c keeps them per stream and applies them (the other gw_prefs_*). */
struct gw_prefs {
	bool urgent_only;            /* only urgent notifications are pushed */
	int quiet_start, quiet_end;  /* minutes of the day in Asia/Tokyo; -1: none */
	char **spaces, **threads;    /* muted ids, owned */
	size_t n_spaces, n_threads;
};
/* One notification as the hub matches it against streams; all borrowed. */
struct gw_live_item {
	int64_t id;
	bool urgent;
	bool mention;                /* kind "mention" */
	const char *space_id, *thread_id;  /* NULL when none */
};
/* gw_prefs_init() - the defaults (nothing muted, no quiet hours); allocates
 * nothing. gw_prefs_release() frees what p owns and resets it. */
void gw_prefs_init(struct gw_prefs *p);
void gw_prefs_release(struct gw_prefs *p);
/* gw_prefs_copy() - dst (uninitialised) becomes a deep copy of src. */
void gw_prefs_copy(struct gw_prefs *dst, const struct gw_prefs *src);
/* gw_prefs_from_json() - p from notify's GET /v1/preferences answer;
 * gw_prefs_from_event() - from a decoded NotificationPreferencesChanged.
 * Unusable members are left at their defaults. Release p afterwards. */
void gw_prefs_from_json(struct gw_prefs *p, const json_t *doc);
void gw_prefs_from_event(struct gw_prefs *p, const json_t *e);
/* gw_prefs_tokyo_minute() - the minute of the day (0..1439) in Asia/Tokyo. */
int gw_prefs_tokyo_minute(int64_t unix_s);
/* gw_prefs_quiet() - true when minute lies in p's quiet hours. */
bool gw_prefs_quiet(const struct gw_prefs *p, int minute);
/* gw_prefs_wants() - true when it is pushed to a person with p: urgent ones
 * always, in urgent-only mode nothing else, mentions even when muted, the
 * rest unless their space or thread is muted. */
bool gw_prefs_wants(const struct gw_prefs *p, const struct gw_live_item *it);

/* hub.c - live streams of connected browsers. Every event of a stream but
 * `ready` carries "seq", the stream's counter (1, 2, 3...; ready is 0);
 * heartbeats repeat the last one. */
struct gw_stream;
struct gw_hub *gw_hub_new(void);
void gw_hub_free(struct gw_hub *hub);
/* gw_stream_start() - a new stream of who with preferences prefs (taken
 * over: the caller must not release them); pushes `ready` {"seq":0,
 * "resumed":resumed}. While resumed, live notifications are held back until
 * gw_stream_caught_up(), so that the catch-up comes first and in order.
 * Two references: the caller's request and the response each unref. */
struct gw_stream *gw_stream_start(struct gw_hub *hub, struct MHD_Connection *conn,
				  const struct cl_identity *who, struct gw_prefs *prefs,
				  bool resumed);
/* gw_stream_open() - the same with the default preferences, not resumed. */
struct gw_stream *gw_stream_open(struct gw_hub *hub, struct MHD_Connection *conn,
				 const struct cl_identity *who);
/* gw_stream_push() - queue one SSE event for s: data is a JSON object's
 * compact text, to which "seq" (and "silent":true when silent) is added;
 * id > 0 is the SSE id, and an id already sent is dropped. Returns false
 * when the stream is closed. */
bool gw_stream_push(struct gw_stream *s, int64_t id, const char *event, const char *data,
		    bool silent);
/* gw_stream_silent() - true when a notification (urgent or not) pushed
 * now to s goes silent: not urgent, in s's quiet hours. */
bool gw_stream_silent(struct gw_stream *s, bool urgent);
/* gw_stream_caught_up() - the catch-up is over (its last id last_id): the
 * held back live notifications that it did not send follow, and the rest go
 * live. */
void gw_stream_caught_up(struct gw_stream *s, int64_t last_id);
void gw_stream_unref(struct gw_stream *s);
ssize_t gw_stream_read(void *cls, uint64_t pos, char *buf, size_t max);
/* gw_hub_dispatch() - queue a notification (data: the live item's compact
 * JSON text) for every stream of the tenant whose person is in the
 * audience of n (a decoded NotificationCreated) and whose preferences want
 * it, and wake them. Returns how many streams received it. */
size_t gw_hub_dispatch(struct gw_hub *hub, const json_t *n, const char *data);
/* gw_hub_read() - a decoded NotificationsRead pushed as `read` to the
 * person's streams; returns how many. */
size_t gw_hub_read(struct gw_hub *hub, const json_t *e);
/* gw_hub_prefs() - the person's open streams take a copy of prefs. */
size_t gw_hub_prefs(struct gw_hub *hub, const char *tenant, const char *user,
		    const struct gw_prefs *prefs);
/* gw_hub_heartbeat() - `heartbeat` {"seq": last} to every stream. */
void gw_hub_heartbeat(struct gw_hub *hub);
void gw_hub_close_all(struct gw_hub *hub);
/* gw_hub_close_user() - end every stream of user at once (deactivation,
 * logout everywhere); returns how many were ended. */
size_t gw_hub_close_user(struct gw_hub *hub, const char *user);
size_t gw_hub_count(struct gw_hub *hub);

/* feed_consumer.c */
int gw_feed_consumer_start(struct gw_app *app);
/* gw_notification_item() - the feed item the page shows, from a decoded
 * NotificationCreated event: exactly the keys of notify's /v1/feed items
 * (FEED.md "Items"); new reference. */
json_t *gw_notification_item(const json_t *event);

/* gw_public_base() - gateway.public_url without a trailing slash
 * (http://127.0.0.1:<http.port> when unset) into out (public_url.c). */
void gw_public_base(struct gw_app *app, char *out, size_t size);

/* handlers */
enum MHD_Result gw_login(struct cl_http_req *req);
enum MHD_Result gw_logout(struct cl_http_req *req);
enum MHD_Result gw_me(struct cl_http_req *req);
enum MHD_Result gw_api_feed(struct cl_http_req *req);
enum MHD_Result gw_stream(struct cl_http_req *req);
/* feed_routes.c - the feed's other routes, forwarded to notify */
enum MHD_Result gw_feed_unread(struct cl_http_req *req);
enum MHD_Result gw_feed_read(struct cl_http_req *req);
enum MHD_Result gw_preferences_get(struct cl_http_req *req);
enum MHD_Result gw_preferences_put(struct cl_http_req *req);
enum MHD_Result gw_static(struct cl_http_req *req);

/* seed.c */
int gw_seed_demo(struct cl_service *svc);

#endif

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

/* hub.c - live streams of connected browsers */
struct gw_stream;
struct gw_hub *gw_hub_new(void);
void gw_hub_free(struct gw_hub *hub);
struct gw_stream *gw_stream_open(struct gw_hub *hub, struct MHD_Connection *conn,
				 const struct cl_identity *who);
/* gw_stream_push() - queue one SSE event for s unless its id was already
 * sent. Returns false when the stream is closed. */
bool gw_stream_push(struct gw_stream *s, int64_t id, const char *event, const char *data);
void gw_stream_unref(struct gw_stream *s);
ssize_t gw_stream_read(void *cls, uint64_t pos, char *buf, size_t max);
/* gw_hub_dispatch() - queue a notification for every stream whose person is
 * in the audience (see NotificationCreated) and wake them. Returns how many
 * streams received it. */
size_t gw_hub_dispatch(struct gw_hub *hub, const json_t *notification, const char *data);
void gw_hub_heartbeat(struct gw_hub *hub);
void gw_hub_close_all(struct gw_hub *hub);
/* gw_hub_close_user() - end every stream of user at once (deactivation,
 * logout everywhere); returns how many were ended. */
size_t gw_hub_close_user(struct gw_hub *hub, const char *user);
size_t gw_hub_count(struct gw_hub *hub);

/* feed_consumer.c */
int gw_feed_consumer_start(struct gw_app *app);
/* gw_notification_item() - the feed item the page shows, from a decoded
 * NotificationCreated event; new reference. */
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
enum MHD_Result gw_static(struct cl_http_req *req);

/* seed.c */
int gw_seed_demo(struct cl_service *svc);

#endif

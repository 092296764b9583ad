/* workspace.h - the forwarder of the routes other services serve: records'
 * shared workspace (spaces, threads, posts, comments, confirmations,
 * attachments, search; services/records/API.md) and apps (apps.h;
 * services/records/APPS.md), vacancy's capacity, beds and holds
 * (vacancy.h; services/vacancy/API.md), and notify's urgent alerts
 * (alerts.h; services/notify/ALERTS.md). Every such route is forwarded to
 * its service with the signed identity of the caller, from /api/v1/<tail>
 * to the service's /v1/<tail>. The service decides who may do what; its
 * status and body pass through unchanged. */
#ifndef CARELINK_GATEWAY_WORKSPACE_H
#define CARELINK_GATEWAY_WORKSPACE_H

#include <carelink/http.h>
#include <stdbool.h>
#include <stddef.h>

struct gw_user; /* gateway.h */

/* Longest internal URL the gateway builds; longer ones answer 414. */
#define GW_WS_URL_MAX 4096

enum gw_ws_flags {
	GW_WS_BODY = 1,  /* the request's body goes along (JSON, or any bytes) */
	GW_WS_FILE = 2,  /* a file: the request's Content-Type goes along, and the
			  * answer's Content-Disposition and Cache-Control come back */
	GW_WS_FILTERS = 4, /* the list filters of an app's records go along too:
			    * f.<key>, from.<key>, to.<key> (see gw_ws_filter_key;
			    * at most GW_WS_FILTERS_MAX, else 400) */
};

/* The service a route is forwarded to (its base URL: records.url,
 * vacancy.url, notify.url). */
enum gw_ws_service {
	GW_WS_RECORDS,
	GW_WS_VACANCY,
	GW_WS_NOTIFY,
};

/* Most filter parameters one request passes on. */
#define GW_WS_FILTERS_MAX 32

/* How one public route is passed on. */
struct gw_ws_route {
	/* the service's path, ":name" segments taken in order from the public
	 * path's parameters (which must look like ids, else 404; a segment
	 * named ":key" also takes an app key, see gw_ws_key_ok) */
	const char *target;
	/* token scope accepted besides a browser session; NULL: session only */
	const char *scope;
	/* query keys passed on (NULL-terminated, at most 16); others are dropped */
	const char *const *query;
	/* the 404 for a path id that is not an id: code and message */
	const char *missing_code;
	const char *missing_message;
	unsigned flags;  /* gw_ws_flags */
};

/* gw_ws_forward() - authenticate (session with X-CSRF-Token on writes, or
 * a token with route->scope), build records' URL and pass the request on;
 * records' answer is sent back as it is (503 `unavailable` when records is
 * not reachable). Returns the MHD result of the queued answer. */
enum MHD_Result gw_ws_forward(struct cl_http_req *req, const struct gw_ws_route *route);
/* gw_ws_forward_to() - the same for a route of another service. */
enum MHD_Result gw_ws_forward_to(struct cl_http_req *req, enum gw_ws_service service,
				 const struct gw_ws_route *route);
/* gw_ws_forward_as() - the same for a caller already known (u, borrowed;
 * no session or token is looked at): for routes that authenticate in
 * their own way, such as calendar feed URLs. */
enum MHD_Result gw_ws_forward_as(struct cl_http_req *req, const struct gw_user *u,
				 const struct gw_ws_route *route);

/* workspace_url.c - pure helpers, no I/O */

/* gw_ws_id_ok() - true when s may stand in a path as an id: 1..64
 * characters of hexadecimal digits and '-'. */
bool gw_ws_id_ok(const char *s);
/* gw_ws_key_ok() - true when s is an app or field key:
 * [a-z][a-z0-9_]{0,39}. */
bool gw_ws_key_ok(const char *s);
/* gw_ws_filter_key() - what a query key is to the records list of an app:
 * 1 a filter ("f.<key>", "from.<key>" or "to.<key>" with a key that
 * gw_ws_key_ok), CL_EINVAL one of those prefixes with anything else
 * after it, 0 no filter at all. */
int gw_ws_filter_key(const char *key);
/* gw_ws_utf8_ok() - true when s is well-formed UTF-8 (no overlong forms,
 * surrogates or code points past U+10FFFF). */
bool gw_ws_utf8_ok(const char *s);
/* gw_ws_escape() - append s percent-encoded (everything but RFC 3986
 * unreserved characters) to out at *len, keeping out NUL-terminated.
 * Returns 0, or CL_ETOOBIG when it does not fit (out is then cut back
 * to *len). */
int gw_ws_escape(char *out, size_t size, size_t *len, const char *s);
/* gw_ws_path() - the target pattern with its ":name" segments replaced by
 * params[0..n) in order, appended to out at *len. Returns 0, CL_ENOENT
 * when a parameter is missing or is not an id (for a ":key" segment: an
 * id or a key), CL_ETOOBIG when it does not fit. */
int gw_ws_path(char *out, size_t size, size_t *len, const char *pattern,
	       char *const *params, size_t n);
/* gw_ws_query() - "?k=v&k2=v2" of the keys whose values[] are not NULL,
 * keys and values percent-encoded, appended to out at *len (nothing when
 * none; "&" instead of "?" first when out already holds a '?').
 * Returns 0, CL_EINVAL when a value is not UTF-8 (*bad_key names it),
 * CL_ETOOBIG when it does not fit. */
int gw_ws_query(char *out, size_t size, size_t *len, const char *const *keys,
		const char *const *values, const char **bad_key);

/* handlers (workspace_spaces.c, workspace_threads.c, workspace_posts.c,
 * workspace_attachments.c, workspace_search.c) */
enum MHD_Result gw_api_spaces(struct cl_http_req *req);
enum MHD_Result gw_api_space(struct cl_http_req *req);
enum MHD_Result gw_api_thread_posts(struct cl_http_req *req);
enum MHD_Result gw_api_post_create(struct cl_http_req *req);
enum MHD_Result gw_ws_space_create(struct cl_http_req *req);
enum MHD_Result gw_ws_space_update(struct cl_http_req *req);
enum MHD_Result gw_ws_space_members(struct cl_http_req *req);
enum MHD_Result gw_ws_thread_create(struct cl_http_req *req);
enum MHD_Result gw_ws_thread_order(struct cl_http_req *req);
enum MHD_Result gw_ws_thread_update(struct cl_http_req *req);
enum MHD_Result gw_ws_post_get(struct cl_http_req *req);
enum MHD_Result gw_ws_post_update(struct cl_http_req *req);
enum MHD_Result gw_ws_post_delete(struct cl_http_req *req);
enum MHD_Result gw_ws_post_history(struct cl_http_req *req);
enum MHD_Result gw_ws_comment_create(struct cl_http_req *req);
enum MHD_Result gw_ws_post_confirm(struct cl_http_req *req);
enum MHD_Result gw_ws_post_confirmations(struct cl_http_req *req);
enum MHD_Result gw_ws_attachment_upload(struct cl_http_req *req);
enum MHD_Result gw_ws_attachment_get(struct cl_http_req *req);
enum MHD_Result gw_ws_search(struct cl_http_req *req);

#endif

/* feed_routes.c - the feed's routes besides the list and the stream: unread
 * counts, marking read and the person's preferences, forwarded to notify
 * (services/notify/FEED.md) with the caller's signed identity; notify's
 * answer passes through unchanged. Reads take a session or a token with
 * feed:read; writes a session with its X-CSRF-Token. */
#include "gateway.h"
#include "routes.h"
#include "workspace.h"

static const struct gw_ws_route feed_unread = {"/v1/feed/unread", "feed:read", NULL,
					       "not_found", "not found", 0};
static const struct gw_ws_route feed_read = {"/v1/feed/read", NULL, NULL, "not_found",
					     "not found", GW_WS_BODY};
static const struct gw_ws_route prefs_get = {"/v1/preferences", "feed:read", NULL,
					     "not_found", "not found", 0};
static const struct gw_ws_route prefs_put = {"/v1/preferences", NULL, NULL, "not_found",
					     "not found", GW_WS_BODY};

enum MHD_Result gw_feed_unread(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &feed_unread);
}

enum MHD_Result gw_feed_read(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &feed_read);
}

enum MHD_Result gw_preferences_get(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &prefs_get);
}

enum MHD_Result gw_preferences_put(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &prefs_put);
}

const struct cl_http_route gw_routes_feed[] = {
	{"GET", "/api/v1/feed/unread", gw_feed_unread, 0},
	{"POST", "/api/v1/feed/read", gw_feed_read, CL_HTTP_JSON},
	{"GET", "/api/v1/preferences", gw_preferences_get, 0},
	{"PUT", "/api/v1/preferences", gw_preferences_put, CL_HTTP_JSON},
	{NULL, NULL, NULL, 0},
};

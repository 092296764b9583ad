/* stream.c - GET /api/v1/stream: a person's live notifications as server-sent
 * events (services/notify/FEED.md "Live push"): their preferences read from
 * notify on opening, `ready`, the catch-up after Last-Event-ID from notify's
 * feed (or `reset` when it cannot be caught up), then live */
#include "gateway.h"

#include <carelink/httpc.h>
#include <carelink/log.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_CATCHUP_PAGE 500
#define GW_CATCHUP_PAGES 100 /* 50,000 notifications; beyond: too_far_behind */
#define GW_CATCHUP_TIMEOUT_MS 10000
#define GW_PREFS_TIMEOUT_MS 3000 /* a stream opens with the defaults rather than wait */

static void stream_request_done(void *user)
{
	gw_stream_unref(user);
}

static void stream_response_done(void *cls)
{
	gw_stream_unref(cls);
}

/* GET path of notify as u: 0 with *status and the parsed body (NULL when
 * not JSON; caller decrefs), or CL_EIO when notify did not answer */
static int notify_get(struct gw_app *app, const struct gw_user *u, const char *path,
		      long timeout_ms, long *status, json_t **doc)
{
	char url[512];
	snprintf(url, sizeof url, "%s%s", app->notify_url, path);
	char *hdr = gw_sign(app, u);
	struct cl_httpc_resp resp;
	int rc = cl_httpc_call("GET", url, hdr, NULL, 0, timeout_ms, &resp);
	free(hdr);
	*doc = NULL;
	*status = resp.status;
	if (rc == 0 && resp.status != 0)
		*doc = json_loadb(resp.body, resp.len, 0, NULL);
	cl_httpc_resp_release(&resp);
	return rc < 0 || *status == 0 ? -1 : 0;
}

/* the person's preferences, or the defaults when notify cannot tell */
static void prefs_load(struct gw_app *app, const struct gw_user *u, struct gw_prefs *p)
{
	long status;
	json_t *doc;
	gw_prefs_init(p);
	int rc = notify_get(app, u, "/v1/preferences", GW_PREFS_TIMEOUT_MS, &status, &doc);
	if (rc < 0 || status != 200 || !json_is_object(doc)) {
		char code[16];
		snprintf(code, sizeof code, "%ld", status);
		cl_log_warn("stream preferences unavailable; defaults apply", "user_id", u->id.user,
			    "status", code, NULL);
	} else {
		gw_prefs_from_json(p, doc);
	}
	json_decref(doc);
}

/* every notification after *last_id, oldest first; NULL when caught up,
 * else the reason of the reset the client gets; *last_id is the last sent */
static const char *catch_up(struct gw_app *app, const struct gw_user *u, struct gw_stream *s,
			    long long *last_id)
{
	for (int pages = 0; pages < GW_CATCHUP_PAGES; pages++) {
		char path[128];
		long status;
		json_t *doc;
		snprintf(path, sizeof path, "/v1/feed?after=%lld&limit=%d", *last_id,
			 GW_CATCHUP_PAGE);
		if (notify_get(app, u, path, GW_CATCHUP_TIMEOUT_MS, &status, &doc) < 0)
			return "unavailable";
		if (status == 410) {
			json_decref(doc);
			*last_id = 0; /* nothing was sent: every held-back one follows */
			return "unknown_event_id";
		}
		json_t *items = json_object_get(doc, "notifications");
		if (status != 200 || !json_is_array(items)) {
			json_decref(doc);
			return "unavailable";
		}
		size_t i, n = json_array_size(items);
		json_t *item;
		json_array_foreach(items, i, item)
		{
			long long id = (long long)json_integer_value(json_object_get(item, "id"));
			char *data = json_dumps(item, JSON_COMPACT);
			bool urgent = json_is_true(json_object_get(item, "urgent"));
			if (data)
				gw_stream_push(s, id, "notification", data, gw_stream_silent(s, urgent));
			free(data);
			if (id > *last_id)
				*last_id = id;
		}
		json_decref(doc);
		if (n < GW_CATCHUP_PAGE)
			return NULL;
	}
	return "too_far_behind";
}

enum MHD_Result gw_stream(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	if (!gw_auth_require(req, &u, "feed:read"))
		return req->result;

	if (!cl_consumer_assigned(&app->consumer)) {
		/* live events would be missed until this replica reads the topic */
		cl_http_set_header(req, "Retry-After", "2");
		return cl_http_error(req, 503, "starting",
				     "live updates are starting; try again shortly");
	}

	if (gw_hub_count(app->hub) >= app->max_streams) {
		/* the rest of the connections stay free for API calls */
		cl_http_set_header(req, "Retry-After", "30");
		return cl_http_error(req, 503, "too_many_streams",
				     "this server has no room for more live connections; retrying");
	}

	const char *last = cl_http_header(req, "Last-Event-ID");
	if (!last)
		last = cl_http_query(req, "last_event_id");
	long long last_id = -1;
	if (last && *last) {
		char *end;
		last_id = strtoll(last, &end, 10);
		if (*end || last_id < 0)
			return cl_http_error(req, 400, "invalid_last_event_id",
					     "Last-Event-ID must be a notification id");
	}

	struct gw_prefs prefs;
	prefs_load(app, &u, &prefs);
	/* registered before catching up, so nothing published meanwhile is
	 * missed: it is held back until the catch-up is sent, and what the
	 * catch-up already had is dropped by id */
	struct gw_stream *s = gw_stream_start(app->hub, req->conn, &u.id, &prefs, last_id >= 0);
	if (last_id >= 0) {
		long long caught = last_id;
		const char *reset = catch_up(app, &u, s, &caught);
		if (reset) {
			char data[64];
			snprintf(data, sizeof data, "{\"reason\":\"%s\"}", reset);
			cl_log_warn("stream resumes with a reset", "user_id", u.id.user, "reason",
				    reset, NULL);
			gw_stream_push(s, 0, "reset", data, false);
		}
		gw_stream_caught_up(s, caught);
	}

	struct MHD_Response *resp = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, 4096, gw_stream_read, s, stream_response_done);
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	req->user = s;
	req->user_free = stream_request_done;
	return cl_http_queue(req, 200, resp);
}

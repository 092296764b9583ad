/* stream.c - GET /api/v1/stream: a person's live notifications as server-sent
 * events, resuming after Last-Event-ID from notify's feed */
#include "gateway.h"

#include <carelink/httpc.h>
#include <carelink/log.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_CATCHUP_PAGE 500

static void stream_request_done(void *user)
{
	gw_stream_unref(user);
}

static void stream_response_done(void *cls)
{
	gw_stream_unref(cls);
}

/* send every notification after last_id, oldest first; false when notify
 * could not be asked (the stream then tells the client to retry later) */
static bool catch_up(struct gw_app *app, const struct gw_user *u, struct gw_stream *s,
		     long long last_id)
{
	for (int pages = 0; pages < 100; pages++) {
		char url[512];
		snprintf(url, sizeof url, "%s/v1/feed?after=%lld&limit=%d", app->notify_url,
			 last_id, GW_CATCHUP_PAGE);
		char *hdr = gw_sign(app, u);
		struct cl_httpc_resp resp;
		int rc = cl_httpc_call("GET", url, hdr, NULL, 0, 10000, &resp);
		free(hdr);
		if (rc < 0 || resp.status != 200) {
			cl_httpc_resp_release(&resp);
			return false;
		}
		json_t *doc = json_loadb(resp.body, resp.len, 0, NULL);
		cl_httpc_resp_release(&resp);
		json_t *items = json_object_get(doc, "notifications");
		size_t i, n = json_array_size(items);
		json_t *item;
		json_array_foreach(items, i, item)
		{
			long long id = (long long)json_integer_value(json_object_get(item, "id"));
			char *data = json_dumps(item, JSON_COMPACT);
			gw_stream_push(s, id, "notification", data);
			free(data);
			if (id > last_id)
				last_id = id;
		}
		json_decref(doc);
		if (n < GW_CATCHUP_PAGE)
			return true;
	}
	return true;
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

	/* registered before catching up, so nothing published meanwhile is
	 * missed; duplicates are dropped by id */
	struct gw_stream *s = gw_stream_open(app->hub, req->conn, &u.id);
	gw_stream_push(s, 0, "ready", "{}");
	if (last_id >= 0 && !catch_up(app, &u, s, last_id))
		cl_log_warn("stream catch-up failed", "user_id", u.id.user, NULL);

	struct MHD_Response *resp = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, 4096, gw_stream_read, s, stream_response_done);
	MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	req->user = s;
	req->user_free = stream_request_done;
	return cl_http_queue(req, 200, resp);
}

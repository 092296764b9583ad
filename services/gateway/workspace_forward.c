/* workspace_forward.c - one workspace, app, vacancy, patient or alert
 * request passed on to its service (records, vacancy, notify) with the caller's signed
 * identity and address (X-Forwarded-For), and the service's answer passed
 * back unchanged */
#include "audit.h"
#include "gateway.h"
#include "workspace.h"

#include <carelink/err.h>
#include <carelink/httpc.h>
#include <carelink/log.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_WS_QUERY_MAX 16
#define GW_WS_TIMEOUT_MS 10000
#define GW_WS_FILE_TIMEOUT_MS 60000

/* the filter parameters of a request (GW_WS_FILTERS), borrowed from it */
struct filters {
	const char *keys[GW_WS_FILTERS_MAX + 1];
	const char *values[GW_WS_FILTERS_MAX + 1];
	size_t n;
	const char *bad;   /* a malformed filter key */
	bool too_many;
};

static enum MHD_Result filter_collect(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *value)
{
	(void)kind;
	struct filters *f = cls;
	int k = gw_ws_filter_key(key);
	if (k == 0)
		return MHD_YES; /* not a filter: dropped, as unknown keys are */
	if (k < 0) {
		f->bad = key;
		return MHD_NO;
	}
	if (f->n == GW_WS_FILTERS_MAX) {
		f->too_many = true;
		return MHD_NO;
	}
	f->keys[f->n] = key;
	f->values[f->n++] = value ? value : "";
	return MHD_YES;
}

/* the filters appended to url; false after queuing the 4xx that explains why */
static bool filters_append(struct cl_http_req *req, char *url, size_t size, size_t *len)
{
	struct filters f = {.n = 0};
	const char *bad_key = NULL;
	char msg[200];
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, filter_collect, &f);
	if (f.bad) {
		snprintf(msg, sizeof msg,
			 "%.60s は絞り込みのキーではありません（f.<項目キー>、from.<項目キー>、to.<項目キー>）",
			 gw_ws_utf8_ok(f.bad) ? f.bad : "?");
		cl_http_error(req, 400, "invalid_query", msg);
		return false;
	}
	if (f.too_many) {
		snprintf(msg, sizeof msg, "絞り込みは %d 個までです", GW_WS_FILTERS_MAX);
		cl_http_error(req, 400, "invalid_query", msg);
		return false;
	}
	int rc = gw_ws_query(url, size, len, f.keys, f.values, &bad_key);
	if (rc == CL_EINVAL) {
		snprintf(msg, sizeof msg, "%s が UTF-8 の文字列ではありません", bad_key);
		cl_http_error(req, 400, "invalid_query", msg);
		return false;
	}
	if (rc < 0) {
		cl_http_error(req, 414, "uri_too_long", "問い合わせが長すぎます");
		return false;
	}
	return true;
}

/* the base URL of a service */
static const char *service_url(const struct gw_app *app, enum gw_ws_service service)
{
	switch (service) {
	case GW_WS_VACANCY:
		return app->vacancy_url;
	case GW_WS_NOTIFY:
		return app->notify_url;
	case GW_WS_RECORDS:
		break;
	}
	return app->records_url;
}

/* the 503 message when a service does not answer */
static const char *service_down(enum gw_ws_service service)
{
	switch (service) {
	case GW_WS_VACANCY:
		return "空き情報サービスに接続できません。しばらくしてからもう一度お試しください";
	case GW_WS_NOTIFY:
		return "通知サービスに接続できません。しばらくしてからもう一度お試しください";
	case GW_WS_RECORDS:
		break;
	}
	return "記録サービスに接続できません。しばらくしてからもう一度お試しください";
}

/* the service's URL for req, or false after queuing the 4xx that explains why */
static bool target_url(struct cl_http_req *req, enum gw_ws_service service,
		       const struct gw_ws_route *route, char *url, size_t size)
{
	struct gw_app *app = req->app;
	const char *values[GW_WS_QUERY_MAX + 1] = {0};
	const char *bad_key = NULL;
	size_t len = 0;
	url[0] = '\0';
	for (size_t i = 0; route->query && route->query[i] && i < GW_WS_QUERY_MAX; i++)
		values[i] = cl_http_query(req, route->query[i]);
	int n = snprintf(url, size, "%s", service_url(app, service));
	int rc = n < 0 || (size_t)n >= size ? CL_ETOOBIG : 0;
	len = rc ? 0 : (size_t)n;
	if (rc == 0)
		rc = gw_ws_path(url, size, &len, route->target, req->params, req->n_params);
	if (rc == CL_ENOENT) {
		cl_http_error(req, 404, route->missing_code, route->missing_message);
		return false;
	}
	if (rc == 0)
		rc = gw_ws_query(url, size, &len, route->query, values, &bad_key);
	if (rc == CL_EINVAL) {
		char msg[160];
		snprintf(msg, sizeof msg, "%s が UTF-8 の文字列ではありません", bad_key);
		cl_http_error(req, 400, "invalid_query", msg);
		return false;
	}
	if (rc < 0) {
		cl_http_error(req, 414, "uri_too_long", "問い合わせが長すぎます");
		return false;
	}
	if (route->flags & GW_WS_FILTERS)
		return filters_append(req, url, size, &len);
	return true;
}

/* the content type the request's body goes with: the client's for a file
 * (checked like any header value), JSON otherwise */
static const char *body_type(struct cl_http_req *req, const struct gw_ws_route *route)
{
	const char *type = cl_http_header(req, "Content-Type");
	if (!(route->flags & GW_WS_FILE))
		return "application/json";
	if (!type || !*type || strlen(type) > 255 || !cl_http_header_ok("Content-Type", type))
		return "application/octet-stream";
	return type;
}

/* a request body goes along for writes; DELETE only when it has one */
static bool with_body(const struct cl_http_req *req, const struct gw_ws_route *route)
{
	if (!(route->flags & GW_WS_BODY))
		return false;
	if (!strcmp(req->method, "DELETE"))
		return req->body_len > 0;
	return strcmp(req->method, "GET") && strcmp(req->method, "HEAD");
}

static enum MHD_Result answer(struct cl_http_req *req, const struct gw_ws_route *route,
			      const struct cl_httpc_resp *resp)
{
	if (route->flags & GW_WS_FILE) {
		if (resp->content_disposition[0])
			cl_http_set_header(req, "Content-Disposition", resp->content_disposition);
		if (resp->cache_control[0])
			cl_http_set_header(req, "Cache-Control", resp->cache_control);
	}
	if (resp->status == 204)
		return cl_http_empty(req, (unsigned)resp->status);
	return cl_http_bytes(req, (unsigned)resp->status,
			     resp->content_type[0] ? resp->content_type
						   : "application/json; charset=utf-8",
			     resp->body, resp->len);
}

/* req passed on to service as u */
static enum MHD_Result forward(struct cl_http_req *req, const struct gw_user *u,
			       enum gw_ws_service service, const struct gw_ws_route *route)
{
	struct gw_app *app = req->app;
	char url[GW_WS_URL_MAX];
	if (!target_url(req, service, route, url, sizeof url))
		return req->result;
	char *identity = gw_sign(app, u);
	if (!identity)
		return cl_http_fail(req, CL_EFATAL);
	/* the client's address as the gateway saw it, for the service's audit */
	char client[64];
	const char *address = gw_client_address(req, client, sizeof client);
	bool body = with_body(req, route);
	struct cl_httpc_req rq = {
		.method = req->method,
		.url = url,
		.identity = identity,
		.forwarded_for = address && *address ? address : NULL,
		.body = body ? req->body : NULL,
		.body_len = body ? req->body_len : 0,
		.content_type = body ? body_type(req, route) : NULL,
		.timeout_ms = (route->flags & GW_WS_FILE) ? GW_WS_FILE_TIMEOUT_MS
							  : GW_WS_TIMEOUT_MS,
	};
	struct cl_httpc_resp resp;
	int rc = cl_httpc_request(&rq, &resp);
	free(identity);
	enum MHD_Result r;
	if (rc < 0 || resp.status == 0)
		r = cl_http_error(req, 503, "unavailable", service_down(service));
	else
		r = answer(req, route, &resp);
	cl_httpc_resp_release(&resp);
	return r;
}

enum MHD_Result gw_ws_forward_to(struct cl_http_req *req, enum gw_ws_service service,
				 const struct gw_ws_route *route)
{
	struct gw_user u;
	if (!gw_auth_require(req, &u, route->scope))
		return req->result;
	return forward(req, &u, service, route);
}

enum MHD_Result gw_ws_forward(struct cl_http_req *req, const struct gw_ws_route *route)
{
	return gw_ws_forward_to(req, GW_WS_RECORDS, route);
}

enum MHD_Result gw_ws_forward_as(struct cl_http_req *req, const struct gw_user *u,
				 const struct gw_ws_route *route)
{
	return forward(req, u, GW_WS_RECORDS, route);
}

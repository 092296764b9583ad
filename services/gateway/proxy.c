/* proxy.c - the public API's calls forwarded to notify with the signed
 * identity of the logged-in person (the workspace's, to records, are in
 * workspace_*.c) */
#include "gateway.h"

#include <carelink/err.h>
#include <carelink/httpc.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *gw_sign(struct gw_app *app, const struct gw_user *u)
{
	struct cl_identity id = u->id;
	id.expires = (int64_t)time(NULL) + 60;
	char *hdr = NULL;
	if (cl_identity_sign(&id, app->svc->identity_key, &hdr) < 0)
		return NULL;
	return hdr;
}

enum MHD_Result gw_proxy(struct cl_http_req *req, const struct gw_user *u,
			 const char *base, const char *path_and_query, const char *method,
			 bool with_body)
{
	struct gw_app *app = req->app;
	char url[2048];
	snprintf(url, sizeof url, "%s%s", base, path_and_query);
	char *hdr = gw_sign(app, u);
	if (!hdr)
		return cl_http_fail(req, CL_EFATAL);
	struct cl_httpc_resp resp;
	int rc = cl_httpc_call(method, url, hdr, with_body ? req->body : NULL,
			       with_body ? req->body_len : 0, 10000, &resp);
	free(hdr);
	enum MHD_Result r;
	if (rc < 0 || resp.status == 0)
		r = cl_http_error(req, 503, "unavailable",
				  "a service is not reachable; try again shortly");
	else
		r = cl_http_bytes(req, (unsigned)resp.status,
				  resp.content_type[0] ? resp.content_type
						       : "application/json; charset=utf-8",
				  resp.body, resp.len);
	cl_httpc_resp_release(&resp);
	return r;
}

/* GET /api/v1/feed: the query checked here, as notify checks it, so that
 * only known keys with safe values are put into notify's URL */

static const char *const feed_flags[] = {"urgent", "mentions", "unread", "include_muted", "all",
					 NULL};
static const char *const feed_ids[] = {"space", "app", "patient", NULL};

/* a positive id (0 allowed when zero_ok) or -1 when absent; -2 when bad */
static long long query_id(struct cl_http_req *req, const char *key, bool zero_ok)
{
	const char *v = cl_http_query(req, key);
	if (!v)
		return -1;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < 0 || (!zero_ok && n == 0) || strlen(v) > 18)
		return -2;
	return n;
}

/* an id of a space, app or patient: 1..64 characters of [A-Za-z0-9_-] */
static bool feed_id_ok(const char *v)
{
	size_t n = strlen(v);
	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] >= '0' && v[i] <= '9') && !(v[i] >= 'a' && v[i] <= 'z') &&
		    !(v[i] >= 'A' && v[i] <= 'Z') && v[i] != '-' && v[i] != '_')
			return false;
	return true;
}

enum MHD_Result gw_api_feed(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	char path[1024], msg[128];
	if (!gw_auth_require(req, &u, "feed:read"))
		return req->result;
	long long limit = query_id(req, "limit", false);
	if (limit == -2 || limit > 500)
		return cl_http_error(req, 400, "invalid_limit", "limit must be 1..500");
	long long before = query_id(req, "before", false);
	if (before == -2)
		return cl_http_error(req, 400, "invalid_before", "before must be a notification id");
	long long after = query_id(req, "after", true);
	if (after == -2)
		return cl_http_error(req, 400, "invalid_after", "after must be a notification id");
	size_t n = (size_t)snprintf(path, sizeof path, "/v1/feed?limit=%lld",
				    limit > 0 ? limit : 50);
	if (before > 0)
		n += (size_t)snprintf(path + n, sizeof path - n, "&before=%lld", before);
	if (after >= 0)
		n += (size_t)snprintf(path + n, sizeof path - n, "&after=%lld", after);
	for (size_t i = 0; feed_flags[i]; i++) {
		const char *v = cl_http_query(req, feed_flags[i]);
		if (!v)
			continue;
		if (strcmp(v, "1")) {
			snprintf(msg, sizeof msg, "%s takes the value 1", feed_flags[i]);
			return cl_http_error(req, 400, "invalid_filter", msg);
		}
		n += (size_t)snprintf(path + n, sizeof path - n, "&%s=1", feed_flags[i]);
	}
	for (size_t i = 0; feed_ids[i]; i++) {
		const char *v = cl_http_query(req, feed_ids[i]);
		if (!v)
			continue;
		if (!feed_id_ok(v)) {
			snprintf(msg, sizeof msg, "%s must be an id", feed_ids[i]);
			return cl_http_error(req, 400, "invalid_filter", msg);
		}
		n += (size_t)snprintf(path + n, sizeof path - n, "&%s=%s", feed_ids[i], v);
	}
	return gw_proxy(req, &u, app->notify_url, path, "GET", false);
}

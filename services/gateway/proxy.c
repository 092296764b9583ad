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

/* numeric query values only: they are put into the internal url */
static long query_long(struct cl_http_req *req, const char *key, long def, bool *bad)
{
	const char *v = cl_http_query(req, key);
	if (!v)
		return def;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 0)
		*bad = true;
	return n;
}

enum MHD_Result gw_api_feed(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	struct gw_user u;
	char path[256];
	bool bad = false;
	if (!gw_auth_require(req, &u, "feed:read"))
		return req->result;
	long limit = query_long(req, "limit", 50, &bad);
	long before = query_long(req, "before", 0, &bad);
	long after = query_long(req, "after", -1, &bad);
	if (bad)
		return cl_http_error(req, 400, "invalid_query", "limit, before and after are numbers");
	int n = snprintf(path, sizeof path, "/v1/feed?limit=%ld", limit);
	if (before > 0)
		n += snprintf(path + n, sizeof path - (size_t)n, "&before=%ld", before);
	if (after >= 0)
		snprintf(path + n, sizeof path - (size_t)n, "&after=%ld", after);
	return gw_proxy(req, &u, app->notify_url, path, "GET", false);
}

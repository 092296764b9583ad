/* http.c - request dispatch over libmicrohttpd: routing, bodies, identity,
 * health, readiness and metrics endpoints */
#include "http_internal.h"
#include "carelink/err.h"
#include "carelink/json.h"
#include "carelink/log.h"
#include "carelink/metrics.h"
#include "carelink/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>


struct http_conn {
	struct cl_http_req req;
	const struct cl_http_route *route;
	size_t cap;
	size_t max_body; /* this request's limit, from its route */
	bool too_big;
	bool routed;
};

bool cl_http_route_match(const char *pattern, const char *path,
			 char *params[CL_HTTP_MAX_PARAMS], size_t *n)
{
	size_t plen = strlen(pattern);
	*n = 0;
	if (plen && pattern[plen - 1] == '*')
		return !strncmp(pattern, path, plen - 1);
	const char *p = pattern, *u = path;
	while (*p && *u) {
		if (*p == ':') {
			const char *end = strchr(u, '/');
			size_t len = end ? (size_t)(end - u) : strlen(u);
			if (len == 0 || *n == CL_HTTP_MAX_PARAMS)
				goto no_match;
			char *v = cl_xmalloc(len + 1);
			memcpy(v, u, len);
			v[len] = '\0';
			params[(*n)++] = v;
			u += len;
			while (*p && *p != '/')
				p++;
			continue;
		}
		if (*p != *u)
			goto no_match;
		p++;
		u++;
	}
	if (!*p && !*u)
		return true;
no_match:
	for (size_t i = 0; i < *n; i++)
		free(params[i]);
	*n = 0;
	return false;
}

static void req_clear_params(struct cl_http_req *req)
{
	for (size_t i = 0; i < req->n_params; i++)
		free(req->params[i]);
	req->n_params = 0;
}

static const struct cl_http_route *route_find(struct cl_http_server *s,
					      struct cl_http_req *req, bool *path_known)
{
	*path_known = false;
	for (const struct cl_http_route *r = s->routes; r && r->method; r++) {
		if (!cl_http_route_match(r->pattern, req->path, req->params, &req->n_params))
			continue;
		if (!strcmp(r->method, req->method))
			return r;
		*path_known = true;
		req_clear_params(req);
	}
	return NULL;
}

/* the body limit of the route a request will reach: max_upload for an
 * upload route, else max_body */
static size_t body_limit(const struct cl_http_server *s, const char *method, const char *path)
{
	for (const struct cl_http_route *r = s->routes; r && r->method; r++) {
		char *params[CL_HTTP_MAX_PARAMS];
		size_t n = 0;
		if (strcmp(r->method, method) || !cl_http_route_match(r->pattern, path, params, &n))
			continue;
		for (size_t i = 0; i < n; i++)
			free(params[i]);
		if ((r->flags & CL_HTTP_UPLOAD) && s->opts.max_upload > s->opts.max_body)
			return s->opts.max_upload;
		return s->opts.max_body;
	}
	return s->opts.max_body;
}

/* RFC 9110 token characters */
static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

bool cl_http_header_ok(const char *name, const char *value)
{
	if (!name || !*name || !value)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (!is_tchar(*p))
			return false;
	/* field-value: visible characters, spaces, tabs and obs-text; never
	 * CR or LF, which would end the header and start another */
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

int cl_http_set_header(struct cl_http_req *req, const char *name, const char *value)
{
	if (!cl_http_header_ok(name, value)) {
		cl_log_warn("response header refused", "header", name ? name : "", NULL);
		return CL_EINVAL;
	}
	if (req->n_headers == CL_HTTP_MAX_HEADERS) {
		cl_log_warn("too many response headers", "header", name, NULL);
		return CL_ETOOBIG;
	}
	req->headers[req->n_headers][0] = cl_xstrdup(name);
	req->headers[req->n_headers][1] = cl_xstrdup(value);
	req->n_headers++;
	return 0;
}

/* add name: value unless the response already has a header of that name */
static void default_header(struct MHD_Response *resp, const char *name, const char *value)
{
	if (!MHD_get_response_header(resp, name))
		MHD_add_response_header(resp, name, value);
}

enum MHD_Result cl_http_queue(struct cl_http_req *req, unsigned status,
			      struct MHD_Response *resp)
{
	for (size_t i = 0; i < req->n_headers; i++)
		MHD_add_response_header(resp, req->headers[i][0], req->headers[i][1]);
	/* the handler's own choices (pages: their CSP, cache policy) win */
	default_header(resp, "X-Content-Type-Options", "nosniff");
	default_header(resp, "Referrer-Policy", "no-referrer");
	default_header(resp, "Cache-Control", "no-store");
	default_header(resp, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
	default_header(resp, "X-Frame-Options", "DENY");
	struct cl_http_server *s = req->server;
	if (s && s->tls)
		default_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (s) {
		cl_metric_add(s->requests, 1);
		if (status >= 500)
			cl_metric_add(s->server_errors, 1);
		else if (status >= 400)
			cl_metric_add(s->client_errors, 1);
	}
	req->result = MHD_queue_response(req->conn, status, resp);
	MHD_destroy_response(resp);
	return req->result;
}

enum MHD_Result cl_http_bytes(struct cl_http_req *req, unsigned status,
			      const char *content_type, const void *data, size_t len)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		len, (void *)data, MHD_RESPMEM_MUST_COPY);
	/* a content type passed on from elsewhere (a service's answer) is a
	 * header value like any other */
	if (content_type && !cl_http_header_ok("Content-Type", content_type)) {
		cl_log_warn("response content type refused", NULL);
		content_type = "application/octet-stream";
	}
	if (content_type)
		MHD_add_response_header(resp, "Content-Type", content_type);
	return cl_http_queue(req, status, resp);
}

enum MHD_Result cl_http_empty(struct cl_http_req *req, unsigned status)
{
	return cl_http_bytes(req, status, NULL, "", 0);
}

enum MHD_Result cl_http_json(struct cl_http_req *req, unsigned status, json_t *body)
{
	/* 15 significant digits: a decimal of up to 15 digits (a coordinate,
	 * a count written as 1.5) comes back as written, without float noise */
	char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(body);
	if (!text)
		abort();
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		strlen(text), text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	return cl_http_queue(req, status, resp); /* adds Cache-Control: no-store */
}

/* a JSON string of message; a message cut inside a UTF-8 sequence (jansson
 * truncates its error texts by bytes) loses the partial character */
static json_t *message_string(const char *message, const char *fallback)
{
	json_t *j = json_string(message);
	size_t n = strlen(message);
	for (size_t cut = 1; !j && cut <= 3 && cut < n; cut++)
		j = json_stringn(message, n - cut);
	return j ? j : json_string(fallback);
}

enum MHD_Result cl_http_error(struct cl_http_req *req, unsigned status,
			      const char *code, const char *message)
{
	json_t *m = message_string(message, "the request was refused");
	json_t *body = json_pack("{s:{s:s, s:o}}", "error", "code", code, "message", m);
	if (!body)
		abort(); /* code is ours and valid UTF-8 */
	return cl_http_json(req, status, body);
}

enum MHD_Result cl_http_fail(struct cl_http_req *req, int code)
{
	switch (code) {
	case CL_EINVAL: return cl_http_error(req, 400, "invalid", "the request is invalid");
	case CL_ENOENT: return cl_http_error(req, 404, "not_found", "not found");
	case CL_EAUTH: return cl_http_error(req, 401, "unauthenticated", "authentication required");
	case CL_EFORBID: return cl_http_error(req, 403, "forbidden", "not allowed");
	case CL_ECONFLICT: return cl_http_error(req, 409, "conflict", "conflicts with the current state");
	case CL_ETOOBIG: return cl_http_error(req, 413, "too_large", "too large");
	case CL_ERETRY: return cl_http_error(req, 503, "unavailable", "temporarily unavailable, try again");
	}
	return cl_http_error(req, 500, "internal", "internal error");
}

json_t *cl_http_body_json(struct cl_http_req *req)
{
	char err[200];
	if (!req->body_len) {
		cl_http_error(req, 400, "invalid_body", "a json body is required");
		return NULL;
	}
	json_t *j = cl_json_parse(req->body, req->body_len, req->server->opts.max_depth,
				  err, sizeof err);
	if (!j)
		cl_http_error(req, 400, "invalid_body", err);
	return j;
}

const char *cl_http_query(struct cl_http_req *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *cl_http_header(struct cl_http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *cl_http_cookie(struct cl_http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

struct MHD_Daemon *cl_http_daemon(struct cl_http_server *srv)
{
	return srv->daemon;
}

bool cl_http_is_tls(const struct cl_http_server *srv)
{
	return srv && srv->tls;
}

static bool is_json_type(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strlen("application/json");
	return !strncasecmp(ct, "application/json", n) && (ct[n] == '\0' || ct[n] == ';');
}

static enum MHD_Result builtin(struct cl_http_server *s, struct cl_http_req *req,
			       bool *handled)
{
	*handled = true;
	if (!strcmp(req->path, "/healthz"))
		return cl_http_json(req, 200, json_pack("{s:s}", "status", "ok"));
	if (!strcmp(req->path, "/readyz")) {
		bool ok = !s->opts.ready || s->opts.ready(s->opts.ready_arg);
		return cl_http_json(req, ok ? 200 : 503,
				    json_pack("{s:s}", "status", ok ? "ready" : "not_ready"));
	}
	if (!strcmp(req->path, "/metrics")) {
		size_t len;
		char *text = cl_metrics_render(&len);
		struct MHD_Response *resp =
			MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(resp, "Content-Type",
					"text/plain; version=0.0.4; charset=utf-8");
		return cl_http_queue(req, 200, resp);
	}
	*handled = false;
	return MHD_NO;
}

/* true when origin is one of the configured cross-origin callers */
static bool origin_allowed(const struct cl_http_server *s, const char *origin)
{
	const char *list = s->opts.cors_origins;
	size_t n = origin ? strlen(origin) : 0;
	if (!list || !n || !cl_http_header_ok("Origin", origin))
		return false;
	for (const char *p = list; *p;) {
		while (cl__http_is_list_sep(*p))
			p++;
		const char *end = p;
		while (*end && !cl__http_is_list_sep(*end))
			end++;
		if ((size_t)(end - p) == n && !strncmp(p, origin, n))
			return true;
		p = end;
	}
	return false;
}

/* true when method is one of the names in list ("GET, POST") */
static bool method_listed(const char *list, const char *method)
{
	size_t n = strlen(method);
	for (const char *p = list; n && (p = strstr(p, method)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* the methods of the routes whose pattern matches path, "GET, POST" */
static void path_methods(const struct cl_http_server *s, const char *path, char *out,
			 size_t size)
{
	out[0] = '\0';
	for (const struct cl_http_route *r = s->routes; r && r->method; r++) {
		char *params[CL_HTTP_MAX_PARAMS];
		size_t n;
		if (!cl_http_route_match(r->pattern, path, params, &n))
			continue;
		for (size_t i = 0; i < n; i++)
			free(params[i]);
		if (method_listed(out, r->method))
			continue;
		if (out[0])
			strncat(out, ", ", size - strlen(out) - 1);
		strncat(out, r->method, size - strlen(out) - 1);
	}
}

/* a CORS preflight: answered only for a configured origin and a method the
 * resource has; everything else is refused */
static enum MHD_Result preflight(struct cl_http_server *s, struct cl_http_req *req,
				 const char *origin)
{
	const char *want = cl_http_header(req, "Access-Control-Request-Method");
	char methods[128];
	path_methods(s, req->path, methods, sizeof methods);
	if (!origin_allowed(s, origin) || !want || !method_listed(methods, want))
		return cl_http_error(req, 403, "cors_forbidden",
				     "cross-origin requests are not allowed from this origin");
	cl_http_set_header(req, "Access-Control-Allow-Origin", origin);
	cl_http_set_header(req, "Access-Control-Allow-Methods", methods);
	cl_http_set_header(req, "Access-Control-Allow-Headers",
			   "Authorization, Content-Type, X-CSRF-Token, Last-Event-ID");
	cl_http_set_header(req, "Access-Control-Max-Age", "600");
	cl_http_set_header(req, "Vary", "Origin");
	return cl_http_empty(req, 204);
}

static enum MHD_Result dispatch(struct cl_http_server *s, struct http_conn *hc)
{
	struct cl_http_req *req = &hc->req;
	if (hc->too_big)
		return cl_http_error(req, 413, "body_too_large", "the request body is too large");
	const char *origin = cl_http_header(req, "Origin");
	if (!strcmp(req->method, "OPTIONS") && origin)
		return preflight(s, req, origin);
	if (origin && origin_allowed(s, origin)) {
		cl_http_set_header(req, "Access-Control-Allow-Origin", origin);
		cl_http_set_header(req, "Vary", "Origin");
	}
	if (!strcmp(req->method, "GET")) {
		bool handled;
		enum MHD_Result r = builtin(s, req, &handled);
		if (handled)
			return r;
	}
	bool path_known;
	const struct cl_http_route *route = route_find(s, req, &path_known);
	if (!route) {
		if (path_known)
			return cl_http_error(req, 405, "method_not_allowed",
					     "method not allowed on this resource");
		return cl_http_error(req, 404, "not_found", "no such resource");
	}
	if (route->flags & CL_HTTP_AUTH) {
		const char *hdr = cl_http_header(req, CL_IDENTITY_HEADER);
		if (!s->opts.identity_key ||
		    cl_identity_verify(hdr, s->opts.identity_key, time(NULL), &req->identity) < 0)
			return cl_http_error(req, 401, "unauthenticated",
					     "a valid signed identity is required");
	}
	if ((route->flags & CL_HTTP_JSON) &&
	    !is_json_type(cl_http_header(req, "Content-Type")))
		return cl_http_error(req, 415, "unsupported_media_type",
				     "content-type must be application/json");
	return route->fn(req);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct cl_http_server *s = cls;
	struct http_conn *hc = *con_cls;
	(void)version;
	if (!hc) {
		hc = cl_xcalloc(1, sizeof *hc);
		hc->req.conn = conn;
		hc->req.server = s;
		hc->req.method = method;
		hc->req.path = url;
		hc->req.app = s->opts.app;
		hc->req.body = cl_xcalloc(1, 1);
		hc->max_body = body_limit(s, method, url);
		*con_cls = hc;
		return MHD_YES;
	}
	if (hc->routed)
		return MHD_YES; /* a suspended stream being resumed */
	if (*upload_size) {
		size_t n = *upload_size;
		if (!hc->too_big && hc->req.body_len + n > hc->max_body)
			hc->too_big = true;
		if (!hc->too_big) {
			if (hc->req.body_len + n + 1 > hc->cap) {
				hc->cap = (hc->req.body_len + n + 1) * 2;
				if (hc->cap > hc->max_body + 1)
					hc->cap = hc->max_body + 1;
				hc->req.body = cl_xrealloc(hc->req.body, hc->cap);
			}
			memcpy(hc->req.body + hc->req.body_len, upload_data, n);
			hc->req.body_len += n;
			hc->req.body[hc->req.body_len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	hc->routed = true;
	return dispatch(s, hc);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_conn *hc = *con_cls;
	(void)cls;
	(void)conn;
	(void)toe;
	if (!hc)
		return;
	if (hc->req.user_free)
		hc->req.user_free(hc->req.user);
	req_clear_params(&hc->req);
	for (size_t i = 0; i < hc->req.n_headers; i++) {
		free(hc->req.headers[i][0]);
		free(hc->req.headers[i][1]);
	}
	free(hc->req.body);
	free(hc);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	(void)cls;
	vsnprintf(buf, sizeof buf, fmt, ap);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	cl_log_warn("http server", "detail", buf, NULL);
}

/* the whole of a PEM text must reach GnuTLS: copy it and its terminator */
static char *copy_opt(const char *s)
{
	return s && *s ? cl_xstrdup(s) : NULL;
}

static void free_secret(char *s)
{
	if (s)
		sodium_memzero(s, strlen(s));
	free(s);
}

static void server_free(struct cl_http_server *s)
{
	free(s->tls_cert);
	free_secret(s->tls_key);
	free(s->tls_priorities);
	free(s->cors_origins);
	free(s->trusted_proxies);
	free(s);
}

int cl_http_start(struct cl_http_server **out, const struct cl_http_route *routes,
		  const struct cl_http_opts *opts)
{
	struct cl_http_server *s = cl_xcalloc(1, sizeof *s);
	s->routes = routes;
	s->opts = *opts;
	if (!s->opts.threads)
		s->opts.threads = 4;
	if (!s->opts.connection_limit)
		s->opts.connection_limit = 1000;
	if (!s->opts.max_body)
		s->opts.max_body = 1 << 20;
	if (!s->opts.max_depth)
		s->opts.max_depth = 32;
	s->opts.tls_cert = s->tls_cert = copy_opt(opts->tls_cert);
	s->opts.tls_key = s->tls_key = copy_opt(opts->tls_key);
	s->opts.tls_priorities = s->tls_priorities =
		copy_opt(opts->tls_priorities ? opts->tls_priorities : CL_HTTP_TLS_PRIORITIES);
	s->opts.cors_origins = s->cors_origins = copy_opt(opts->cors_origins);
	s->opts.trusted_proxies = s->trusted_proxies = copy_opt(opts->trusted_proxies);
	s->requests = cl_metric_counter("carelink_http_requests_total", "http responses sent");
	s->client_errors = cl_metric_counter("carelink_http_client_errors_total",
					     "http responses with a 4xx status");
	s->server_errors = cl_metric_counter("carelink_http_server_errors_total",
					     "http responses with a 5xx status");

	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)s->opts.port);
	if (inet_pton(AF_INET, s->opts.bind ? s->opts.bind : "127.0.0.1", &addr.sin_addr) != 1) {
		cl_log_error("bad http bind address", "bind", s->opts.bind, NULL);
		server_free(s);
		return CL_EINVAL;
	}
	if (!s->tls_cert != !s->tls_key) {
		cl_log_error("tls needs both a certificate and a key", NULL);
		server_free(s);
		return CL_EINVAL;
	}
	s->tls = s->tls_cert && s->tls_key;
	if (s->tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		cl_log_error("libmicrohttpd was built without tls", NULL);
		server_free(s);
		return CL_EINVAL;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (s->opts.allow_suspend)
		flags |= MHD_ALLOW_SUSPEND_RESUME;
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key},
		{MHD_OPTION_HTTPS_PRIORITIES, 0, s->tls_priorities},
		{MHD_OPTION_END, 0, NULL},
	};
	if (s->tls)
		flags |= MHD_USE_TLS;
	else
		tls_opts[0].option = MHD_OPTION_END;
	s->daemon = MHD_start_daemon(
		flags, (uint16_t)s->opts.port, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, s->opts.threads,
		MHD_OPTION_CONNECTION_LIMIT, s->opts.connection_limit,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_ARRAY, tls_opts,
		MHD_OPTION_END);
	if (!s->daemon) {
		char port[16];
		snprintf(port, sizeof port, "%u", s->opts.port);
		cl_log_error("http server failed to start", "port", port, "tls",
			     s->tls ? "on" : "off", NULL);
		server_free(s);
		return CL_EIO;
	}
	*out = s;
	return 0;
}

void cl_http_stop(struct cl_http_server *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->daemon);
	server_free(srv);
}

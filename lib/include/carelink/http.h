/* http.h - HTTP server helpers over libmicrohttpd.
 *
 * A service declares a route table; the helper buffers request bodies (with
 * a hard size limit), checks Content-Type and the signed identity where a
 * route asks for them, and answers /healthz, /readyz and /metrics itself.
 * Handlers run on libmicrohttpd's worker threads and may block on the
 * database; they must answer with one of the cl_http_* response functions.
 * Errors reaching a client are {"error":{"code":"...","message":"..."}}.
 */
#ifndef CARELINK_HTTP_H
#define CARELINK_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "carelink/identity.h"

#define CL_HTTP_MAX_PARAMS 4
#define CL_HTTP_MAX_HEADERS 8

struct cl_http_server;

struct cl_http_req {
	struct MHD_Connection *conn;       /* borrowed */
	struct cl_http_server *server;     /* borrowed */
	const char *method;
	const char *path;
	char *params[CL_HTTP_MAX_PARAMS];  /* ":name" segments, in order */
	size_t n_params;
	char *body;                        /* NUL-terminated, owned by helper */
	size_t body_len;
	struct cl_identity identity;       /* valid for CL_HTTP_AUTH routes */
	void *app;                         /* cl_http_opts.app */
	enum MHD_Result result;            /* what a helper that answered queued */
	/* headers added to the next response, e.g. Set-Cookie */
	char *headers[CL_HTTP_MAX_HEADERS][2];
	size_t n_headers;
	void *user;                        /* free for the handler (e.g. SSE) */
	void (*user_free)(void *user);     /* called when the request ends */
};

typedef enum MHD_Result (*cl_http_fn)(struct cl_http_req *req);

enum cl_http_route_flags {
	CL_HTTP_AUTH = 1,  /* require a valid X-Carelink-Identity: else 401 */
	CL_HTTP_JSON = 2,  /* require Content-Type: application/json: else 415 */
};

struct cl_http_route {
	const char *method;   /* "GET", "POST", ... */
	const char *pattern;  /* "/v1/threads/:id/posts"; "*" suffix = prefix */
	cl_http_fn fn;
	unsigned flags;
};

struct cl_http_opts {
	const char *bind;           /* address, default "127.0.0.1" */
	unsigned port;
	unsigned threads;           /* worker threads, default 4 */
	unsigned connection_limit;  /* default 1000 */
	size_t max_body;            /* bytes, default 1 MiB */
	size_t max_depth;           /* JSON nesting, default 32 */
	const unsigned char *identity_key;  /* CL_IDENTITY_KEY_BYTES, borrowed */
	bool allow_suspend;         /* long-lived streams suspend connections */
	bool (*ready)(void *arg);   /* /readyz: dependencies reachable */
	void *ready_arg;
	void *app;                  /* handed to handlers as req->app */
};

/* cl_http_start() - serve routes (borrowed; must outlive the server).
 * Returns 0 or CL_EIO (port taken, ...). */
int cl_http_start(struct cl_http_server **out, const struct cl_http_route *routes,
		  const struct cl_http_opts *opts);
/* cl_http_stop() - stop accepting, finish, free. */
void cl_http_stop(struct cl_http_server *srv);
/* cl_http_daemon() - the libmicrohttpd daemon (for resume and the like). */
struct MHD_Daemon *cl_http_daemon(struct cl_http_server *srv);

/* Responses. Each queues the answer and returns the MHD result, also kept
 * in req->result. cl_http_json() takes ownership of body. */
enum MHD_Result cl_http_json(struct cl_http_req *req, unsigned status, json_t *body);
enum MHD_Result cl_http_error(struct cl_http_req *req, unsigned status,
			      const char *code, const char *message);
enum MHD_Result cl_http_bytes(struct cl_http_req *req, unsigned status,
			      const char *content_type, const void *data, size_t len);
enum MHD_Result cl_http_empty(struct cl_http_req *req, unsigned status);
/* cl_http_queue() - queue a prepared response (adds pending headers);
 * destroys resp. */
enum MHD_Result cl_http_queue(struct cl_http_req *req, unsigned status,
			      struct MHD_Response *resp);

/* cl_http_set_header() - add a header to the response about to be queued
 * (name and value copied). */
void cl_http_set_header(struct cl_http_req *req, const char *name, const char *value);

/* cl_http_body_json() - the body parsed as JSON (new reference), or NULL
 * after queuing 400 (invalid JSON, too deep, empty) for the handler to
 * return req->result. */
json_t *cl_http_body_json(struct cl_http_req *req);

/* cl_http_query() / cl_http_header() / cl_http_cookie() - borrowed values
 * of the request, NULL when absent. */
const char *cl_http_query(struct cl_http_req *req, const char *key);
const char *cl_http_header(struct cl_http_req *req, const char *name);
const char *cl_http_cookie(struct cl_http_req *req, const char *name);

/* cl_http_status_error() - the usual mapping of a CL_E* code to a client
 * error: 400 invalid, 404 not found, 401, 403, 409, 413, 503 retry, else
 * 500 (no detail leaked). */
enum MHD_Result cl_http_fail(struct cl_http_req *req, int code);

#endif

/* http.h - HTTP server helpers over libmicrohttpd.
 *
 * A service declares a route table; the helper buffers request bodies (with
 * a hard size limit), checks Content-Type and the signed identity where a
 * route asks for them, and answers /healthz, /readyz and /metrics itself.
 * Handlers run on libmicrohttpd's worker threads and may block on the
 * database; they must answer with one of the cl_http_* response functions.
 * Errors reaching a client are {"error":{"code":"...","message":"..."}}.
 *
 * Every response carries X-Content-Type-Options: nosniff, Referrer-Policy:
 * no-referrer, and, unless the handler set its own, Cache-Control: no-store,
 * Content-Security-Policy: default-src 'none'; frame-ancestors 'none' and
 * X-Frame-Options: DENY (pages set their own policy with
 * cl_http_set_header(), which wins); over TLS also Strict-Transport-Security. Cross-origin requests are refused
 * unless cl_http_opts.cors_origins lists the Origin: then preflights are
 * answered and responses carry Access-Control-Allow-Origin.
 */
#ifndef CARELINK_HTTP_H
#define CARELINK_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	CL_HTTP_UPLOAD = 4, /* a file upload: body up to cl_http_opts.max_upload */
};

struct cl_http_route {
	const char *method;   /* "GET", "POST", ... */
	const char *pattern;  /* "/v1/threads/:id/posts"; "*" suffix = prefix */
	cl_http_fn fn;
	unsigned flags;
};

/* cl_http_routes_join() - the n NULL-terminated route tables (a service's
 * parts each keep their own) as one new NULL-terminated table, in order;
 * the caller frees it. */
struct cl_http_route *cl_http_routes_join(const struct cl_http_route *const *tables, size_t n);

/* GnuTLS priorities when none are configured: TLS 1.2 minimum, 1.3 preferred */
#define CL_HTTP_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE"

/* Paging of lists: ?limit= 1..CL_HTTP_PAGE_MAX, default CL_HTTP_PAGE_DEFAULT */
#define CL_HTTP_PAGE_DEFAULT 50
#define CL_HTTP_PAGE_MAX 200

struct cl_http_opts {
	const char *bind;           /* address, default "127.0.0.1" */
	unsigned port;
	unsigned threads;           /* worker threads, default 4 */
	unsigned connection_limit;  /* default 1000 */
	size_t max_body;            /* bytes, default 1 MiB */
	size_t max_upload;          /* bytes on CL_HTTP_UPLOAD routes, default max_body */
	size_t max_depth;           /* JSON nesting, default 32 */
	const unsigned char *identity_key;  /* CL_IDENTITY_KEY_BYTES, borrowed */
	bool allow_suspend;         /* long-lived streams suspend connections */
	bool (*ready)(void *arg);   /* /readyz: dependencies reachable */
	void *ready_arg;
	void *app;                  /* handed to handlers as req->app */
	/* HTTPS when both are set: PEM text (not paths) of the certificate
	 * chain and its private key. Copied by cl_http_start(). */
	const char *tls_cert;
	const char *tls_key;
	const char *tls_priorities; /* GnuTLS priority string, default above */
	/* Origins ("https://a.example") that may call cross-origin, separated
	 * by commas or spaces; NULL or "": CORS off. Copied. */
	const char *cors_origins;
	/* Addresses of reverse proxies whose X-Forwarded-For is believed,
	 * separated by commas or spaces; NULL: none. Copied. */
	const char *trusted_proxies;
};

/* cl_http_start() - serve routes (borrowed; must outlive the server).
 * Returns 0 or CL_EIO (port taken, ...). */
int cl_http_start(struct cl_http_server **out, const struct cl_http_route *routes,
		  const struct cl_http_opts *opts);
/* cl_http_stop() - stop accepting, finish, free. */
void cl_http_stop(struct cl_http_server *srv);
/* cl_http_daemon() - the libmicrohttpd daemon (for resume and the like). */
struct MHD_Daemon *cl_http_daemon(struct cl_http_server *srv);
/* cl_http_is_tls() - true when srv serves HTTPS (e.g. for Secure cookies). */
bool cl_http_is_tls(const struct cl_http_server *srv);

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
 * (name and value copied). Refuses, with CL_EINVAL and a log line, a name
 * that is not an HTTP token or a value holding CR, LF or another control
 * character but tab (header injection), and with CL_ETOOBIG more than
 * CL_HTTP_MAX_HEADERS headers; nothing is added then. Returns 0. */
int cl_http_set_header(struct cl_http_req *req, const char *name, const char *value);
/* cl_http_header_ok() - true when name: value may be sent as it is. */
bool cl_http_header_ok(const char *name, const char *value);

/* cl_http_body_json() - the body parsed as JSON (new reference), or NULL
 * after queuing 400 (invalid JSON, too deep, empty) for the handler to
 * return req->result. */
json_t *cl_http_body_json(struct cl_http_req *req);

/* cl_http_query() / cl_http_header() / cl_http_cookie() - borrowed values
 * of the request, NULL when absent. */
const char *cl_http_query(struct cl_http_req *req, const char *key);
const char *cl_http_header(struct cl_http_req *req, const char *name);
const char *cl_http_cookie(struct cl_http_req *req, const char *name);

/* cl_http_client_address() - the client's address: the peer's, or, when
 * the peer is one of cl_http_opts.trusted_proxies, the nearest address of
 * X-Forwarded-For that is not itself a trusted proxy (every
 * X-Forwarded-For line counts, in order). Writes into buf (size >= 46 for
 * any IPv6 address) and returns it; "" when unknown. */
const char *cl_http_client_address(struct cl_http_req *req, char *buf, size_t size);
/* cl_http_forwarded_client() - the pure part of the above: peer is the
 * peer's address, xff the X-Forwarded-For value(s) joined by commas (may
 * be NULL), trusted the list of trusted proxies (may be NULL). Walks xff
 * from the right while the hop is trusted; stops at a hop that is not an
 * IP address and keeps the last one that was. Writes into buf, returns it. */
const char *cl_http_forwarded_client(const char *peer, const char *xff, const char *trusted,
				     char *buf, size_t size);
/* cl_http_addr_listed() - true when addr is an IP address equal (as an
 * address, not as text) to one of list's (comma/space-separated). */
bool cl_http_addr_listed(const char *list, const char *addr);

/* cl_http_route_match() - does path match pattern ("/a/:id/b", or a prefix
 * ending in "*")? On a match the ":name" segments are in params[0..*n)
 * (malloc'd, caller frees each); on no match nothing is allocated, *n = 0.
 * A ":name" segment matches one non-empty path segment. */
bool cl_http_route_match(const char *pattern, const char *path,
			 char *params[CL_HTTP_MAX_PARAMS], size_t *n);

/* Paging of lists: cursor is opaque to clients; the helpers here use the
 * decimal id of the last entry of the previous page. */
struct cl_http_page {
	long limit;        /* 1..CL_HTTP_PAGE_MAX */
	int64_t cursor;    /* id the page continues from; 0: the first page */
};
/* cl_http_page_parse() - limit and cursor texts (either may be NULL) into
 * *page. Returns 0 or CL_EINVAL (limit not 1..200, cursor not an id). */
int cl_http_page_parse(const char *limit, const char *cursor, struct cl_http_page *page);
/* cl_http_page() - the same for ?limit= and ?cursor= of req (an empty
 * cursor is none); false after queuing 400 invalid_limit or invalid_cursor
 * (the handler returns req->result). */
bool cl_http_page(struct cl_http_req *req, struct cl_http_page *page);
/* cl_http_cursor_json() - the "next_cursor" value: last_id (the id of the
 * page's last entry) as a string when more entries follow (a handler
 * selects limit + 1 rows to know), else JSON null. New reference. */
json_t *cl_http_cursor_json(bool more, int64_t last_id);

/* cl_http_status_error() - the usual mapping of a CL_E* code to a client
 * error: 400 invalid, 404 not found, 401, 403, 409, 413, 503 retry, else
 * 500 (no detail leaked). */
enum MHD_Result cl_http_fail(struct cl_http_req *req, int code);

#endif

/* httpc.h - internal HTTP calls between services (libcurl), carrying the
 * signed identity header. Blocking: call from worker threads only.
 *
 * Each calling thread keeps one libcurl handle for all its calls, so a
 * worker thread talking to records or notify reuses its kept-alive
 * connection instead of opening one per call. The handle is freed when
 * the thread ends (or by cl_httpc_thread_release()). curl_global_init()
 * must have run before the first call (cl_service_open() does it). */
#ifndef CARELINK_HTTPC_H
#define CARELINK_HTTPC_H

#include <stdbool.h>
#include <stddef.h>

struct cl_httpc_resp {
	long status;          /* HTTP status, 0 when no answer */
	char *body;           /* owned, NUL-terminated */
	size_t len;
	char content_type[128];
	/* the answer's Content-Disposition and Cache-Control, "" when absent
	 * or longer than the buffer (a cut header would say something else) */
	char content_disposition[2048];
	char cache_control[128];
	bool reused;          /* the answer came over an already open connection */
};

/* One internal request, for cl_httpc_request(). Fields left zero take the
 * defaults given. Every pointer is borrowed for the call. */
struct cl_httpc_req {
	const char *method;        /* "GET", "POST", ...; NULL: "GET" */
	const char *url;
	const char *identity;      /* X-Carelink-Identity value, NULL: none */
	const char *forwarded_for; /* X-Forwarded-For value (the client's
				    * address a proxy saw), NULL: none */
	const void *body;          /* NULL: no body; may hold any bytes */
	size_t body_len;
	const char *content_type;  /* of body; NULL: application/json */
	long timeout_ms;           /* 0: 10 s */
};

/* cl_httpc_call() - method url with optional identity header value and
 * JSON body (NULL for none); the whole answer is kept in *out (up to
 * 16 MiB). Returns 0 when an HTTP answer arrived (any status), CL_EIO
 * otherwise. Release *out with cl_httpc_resp_release() in both cases. */
int cl_httpc_call(const char *method, const char *url, const char *identity,
		  const char *body, size_t body_len, long timeout_ms,
		  struct cl_httpc_resp *out);
/* cl_httpc_request() - the same for a request of any content type (a
 * file upload: binary body with its own Content-Type); also keeps the
 * answer's Content-Disposition and Cache-Control in *out. A content type
 * holding CR or LF is refused with CL_EINVAL before anything is sent.
 * Returns 0 when an HTTP answer arrived (any status), CL_EIO otherwise;
 * release *out with cl_httpc_resp_release() in every case. */
int cl_httpc_request(const struct cl_httpc_req *rq, struct cl_httpc_resp *out);
void cl_httpc_resp_release(struct cl_httpc_resp *resp);

/* cl_httpc_thread_release() - close the calling thread's handle and its
 * connections now (e.g. before curl_global_cleanup() on the main thread). */
void cl_httpc_thread_release(void);

#endif

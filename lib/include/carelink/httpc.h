/* httpc.h - internal HTTP calls between services (libcurl), carrying the
 * signed identity header. Blocking: call from worker threads only. */
#ifndef CARELINK_HTTPC_H
#define CARELINK_HTTPC_H

#include <stddef.h>

struct cl_httpc_resp {
	long status;          /* HTTP status, 0 when no answer */
	char *body;           /* owned, NUL-terminated */
	size_t len;
	char content_type[128];
};

/* cl_httpc_call() - method url with optional identity header value and
 * JSON body (NULL for none); the whole answer is kept in *out (up to
 * 16 MiB). Returns 0 when an HTTP answer arrived (any status), CL_EIO
 * otherwise. Release *out with cl_httpc_resp_release() in both cases. */
int cl_httpc_call(const char *method, const char *url, const char *identity,
		  const char *body, size_t body_len, long timeout_ms,
		  struct cl_httpc_resp *out);
void cl_httpc_resp_release(struct cl_httpc_resp *resp);

#endif

/* http_internal.h - the HTTP server's state, shared by the http_*.c files
 * of libcarelink only */
#ifndef CARELINK_HTTP_INTERNAL_H
#define CARELINK_HTTP_INTERNAL_H

#include "carelink/http.h"
#include "carelink/metrics.h"

struct cl_http_server {
	struct MHD_Daemon *daemon;
	const struct cl_http_route *routes;
	struct cl_http_opts opts;  /* its strings are the copies below */
	char *tls_cert, *tls_key, *tls_priorities, *cors_origins, *trusted_proxies;
	bool tls;
	struct cl_metric *requests, *client_errors, *server_errors;
};

/* cl__http_is_list_sep() - a separator of configured lists: comma, space */
bool cl__http_is_list_sep(char c);

#endif

/* client_address.c - who is on the other end: the peer, or the client a
 * trusted reverse proxy names in X-Forwarded-For (the walk lives in lib) */
#include "audit.h"

const char *gw_client_address(struct cl_http_req *req, char *buf, size_t size)
{
	return cl_http_client_address(req, buf, size);
}

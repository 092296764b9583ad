/* tokens.c - API tokens for machine clients (emergency services, analytics) */
#include "gateway.h"

bool gw_token_require(struct cl_http_req *req, struct gw_user *u, const char *scope)
{
	(void)u;
	(void)scope;
	cl_http_error(req, 401, "invalid_token", "the API token is not valid");
	return false;
}

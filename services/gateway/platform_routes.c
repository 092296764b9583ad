/* platform_routes.c - the routes of the OpenAPI document and the audit log */
#include "gateway.h"
#include "routes.h"

const struct cl_http_route gw_routes_platform[] = {
	{NULL, NULL, NULL, 0},
};

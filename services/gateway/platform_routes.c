/* platform_routes.c - the routes of the OpenAPI document and the audit log */
#include "gateway.h"
#include "platform.h"
#include "routes.h"

const struct cl_http_route gw_routes_platform[] = {
	{"GET", "/api/v1/openapi.json", gw_api_openapi, 0},
	{"GET", "/api/v1/audit", gw_api_audit, 0},
	{NULL, NULL, NULL, 0},
};

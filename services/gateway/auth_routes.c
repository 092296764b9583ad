/* auth_routes.c - the routes of passwords, two-factor enrolment */
#include "gateway.h"
#include "routes.h"

const struct cl_http_route gw_routes_auth[] = {
	{NULL, NULL, NULL, 0},
};

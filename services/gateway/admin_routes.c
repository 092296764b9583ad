/* admin_routes.c - the routes of organisations, users, invitations */
#include "gateway.h"
#include "routes.h"

const struct cl_http_route gw_routes_admin[] = {
	{NULL, NULL, NULL, 0},
};

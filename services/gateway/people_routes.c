/* people_routes.c - the routes of the people directory, profiles and API tokens */
#include "gateway.h"
#include "routes.h"

const struct cl_http_route gw_routes_people[] = {
	{NULL, NULL, NULL, 0},
};

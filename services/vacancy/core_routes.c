/* core_routes.c - the routes of capacity, beds, the board and search */
#include "vacancy.h"

const struct cl_http_route vac_routes_core[] = {
	{"GET", "/v1/capacity", vac_capacity_list, CL_HTTP_AUTH},
	{0},
};

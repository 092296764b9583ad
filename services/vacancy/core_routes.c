/* core_routes.c - the routes of capacity, beds, the board and search */
#include "vacancy.h"

const struct cl_http_route vac_routes_core[] = {
	{"GET", "/v1/capacity", vac_capacity_list, CL_HTTP_AUTH},
	{"GET", "/v1/facilities/:id/capacity", vac_capacity_get, CL_HTTP_AUTH},
	{"PUT", "/v1/facilities/:id/capacity", vac_capacity_put, CL_HTTP_AUTH},
	{"GET", "/v1/facilities/:id/beds", vac_beds_get, CL_HTTP_AUTH},
	{"PUT", "/v1/facilities/:id/beds", vac_beds_put, CL_HTTP_AUTH},
	{"GET", "/v1/board", vac_board_get, CL_HTTP_AUTH},
	{"GET", "/v1/search/beds", vac_search_beds, CL_HTTP_AUTH},
	{0},
};

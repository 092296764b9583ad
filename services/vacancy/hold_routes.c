/* hold_routes.c - the routes of holds */
#include "vacancy.h"

const struct cl_http_route vac_routes_holds[] = {
	{"POST", "/v1/holds", vac_hold_place, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/holds", vac_hold_list, CL_HTTP_AUTH},
	{"GET", "/v1/holds/:id", vac_hold_show, CL_HTTP_AUTH},
	{"POST", "/v1/holds/:id/confirm", vac_hold_confirm, CL_HTTP_AUTH},
	{"POST", "/v1/holds/:id/release", vac_hold_release, CL_HTTP_AUTH},
	{0},
};

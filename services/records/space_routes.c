/* space_routes.c - the routes of spaces and threads */
#include "records.h"

const struct cl_http_route rec_routes_spaces[] = {
	{"GET", "/v1/spaces", rec_space_list, CL_HTTP_AUTH},
	{"GET", "/v1/spaces/:id", rec_space_get, CL_HTTP_AUTH},
	{0},
};

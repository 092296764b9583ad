/* space_routes.c - the routes of spaces and threads */
#include "records.h"

const struct cl_http_route rec_routes_spaces[] = {
	{"GET", "/v1/spaces", rec_space_list, CL_HTTP_AUTH},
	{"POST", "/v1/spaces", rec_space_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/spaces/:id", rec_space_get, CL_HTTP_AUTH},
	{"PATCH", "/v1/spaces/:id", rec_space_patch, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/spaces/:id/members", rec_space_members, CL_HTTP_AUTH},
	{"POST", "/v1/spaces/:id/threads", rec_thread_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"PUT", "/v1/spaces/:id/thread-order", rec_thread_order, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"PATCH", "/v1/threads/:id", rec_thread_patch, CL_HTTP_AUTH | CL_HTTP_JSON},
	{0},
};

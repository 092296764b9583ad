/* watch_routes.c - the routes of watches and freshness */
#include "vacancy.h"

const struct cl_http_route vac_routes_watches[] = {
	{"POST", "/v1/watches", vac_watch_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/watches", vac_watch_list, CL_HTTP_AUTH},
	{"GET", "/v1/watches/:id", vac_watch_show, CL_HTTP_AUTH},
	{"DELETE", "/v1/watches/:id", vac_watch_delete, CL_HTTP_AUTH},
	{"GET", "/v1/freshness", vac_freshness_get, CL_HTTP_AUTH},
	{0},
};

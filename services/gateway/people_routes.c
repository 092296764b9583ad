/* people_routes.c - the routes of the people directory, profiles and API tokens */
#include "people.h"
#include "routes.h"

const struct cl_http_route gw_routes_people[] = {
	{"GET", "/api/v1/people", gw_people_list, 0},
	{"GET", "/api/v1/people/:id", gw_person_get, 0},
	{"GET", "/api/v1/people/:id/photo", gw_photo_get, 0},
	{"PATCH", "/api/v1/me/profile", gw_profile_patch, CL_HTTP_JSON},
	/* the raw image is the body: not JSON */
	{"PUT", "/api/v1/me/photo", gw_photo_put, 0},
	{"DELETE", "/api/v1/me/photo", gw_photo_delete, 0},
	{"GET", "/api/v1/tokens", gw_tokens_list, 0},
	{"POST", "/api/v1/tokens", gw_token_create, CL_HTTP_JSON},
	{"DELETE", "/api/v1/tokens/:id", gw_token_revoke, 0},
	{NULL, NULL, NULL, 0},
};

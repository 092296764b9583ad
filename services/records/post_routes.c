/* post_routes.c - the routes of posts, comments, attachments and search */
#include "records.h"

const struct cl_http_route rec_routes_posts[] = {
	{"GET", "/v1/threads/:id/posts", rec_thread_posts, CL_HTTP_AUTH},
	{"POST", "/v1/threads/:id/posts", rec_post_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{0},
};

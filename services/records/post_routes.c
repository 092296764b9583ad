/* post_routes.c - the routes of posts, comments, attachments and search */
#include "records.h"

const struct cl_http_route rec_routes_posts[] = {
	{"GET", "/v1/threads/:id/posts", rec_thread_posts, CL_HTTP_AUTH},
	{"POST", "/v1/threads/:id/posts", rec_post_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/posts/:id", rec_post_get, CL_HTTP_AUTH},
	{"PATCH", "/v1/posts/:id", rec_post_edit, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"DELETE", "/v1/posts/:id", rec_post_delete, CL_HTTP_AUTH},
	{"GET", "/v1/posts/:id/history", rec_post_history, CL_HTTP_AUTH},
	{"POST", "/v1/posts/:id/comments", rec_comment_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"POST", "/v1/posts/:id/confirm", rec_confirm_post, CL_HTTP_AUTH},
	{"GET", "/v1/posts/:id/confirmations", rec_confirm_list, CL_HTTP_AUTH},
	{"POST", "/v1/attachments", rec_attachment_upload, CL_HTTP_AUTH | CL_HTTP_UPLOAD},
	{"GET", "/v1/attachments/:id", rec_attachment_get, CL_HTTP_AUTH},
	{"GET", "/v1/search", rec_search, CL_HTTP_AUTH},
	{0},
};

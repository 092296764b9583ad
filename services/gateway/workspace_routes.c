/* workspace_routes.c - the route table of the shared workspace: spaces,
 * threads, posts, comments, confirmations, attachments, search */
#include "gateway.h"
#include "workspace.h"

const struct cl_http_route gw_routes_workspace[] = {
	{"GET", "/api/v1/spaces", gw_api_spaces, 0},
	{"POST", "/api/v1/spaces", gw_ws_space_create, CL_HTTP_JSON},
	{"GET", "/api/v1/spaces/:id", gw_api_space, 0},
	{"PATCH", "/api/v1/spaces/:id", gw_ws_space_update, CL_HTTP_JSON},
	{"GET", "/api/v1/spaces/:id/members", gw_ws_space_members, 0},
	{"POST", "/api/v1/spaces/:id/threads", gw_ws_thread_create, CL_HTTP_JSON},
	{"PUT", "/api/v1/spaces/:id/thread-order", gw_ws_thread_order, CL_HTTP_JSON},
	{"PATCH", "/api/v1/threads/:id", gw_ws_thread_update, CL_HTTP_JSON},
	{"GET", "/api/v1/threads/:id/posts", gw_api_thread_posts, 0},
	{"POST", "/api/v1/threads/:id/posts", gw_api_post_create, CL_HTTP_JSON},
	{"GET", "/api/v1/posts/:id", gw_ws_post_get, 0},
	{"PATCH", "/api/v1/posts/:id", gw_ws_post_update, CL_HTTP_JSON},
	{"DELETE", "/api/v1/posts/:id", gw_ws_post_delete, 0},
	{"GET", "/api/v1/posts/:id/history", gw_ws_post_history, 0},
	{"POST", "/api/v1/posts/:id/comments", gw_ws_comment_create, CL_HTTP_JSON},
	{"POST", "/api/v1/posts/:id/confirm", gw_ws_post_confirm, 0},
	{"GET", "/api/v1/posts/:id/confirmations", gw_ws_post_confirmations, 0},
	{"POST", "/api/v1/attachments", gw_ws_attachment_upload, CL_HTTP_UPLOAD},
	{"GET", "/api/v1/attachments/:id", gw_ws_attachment_get, 0},
	{"GET", "/api/v1/search", gw_ws_search, 0},
	{NULL, NULL, NULL, 0},
};

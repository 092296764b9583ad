/* workspace_posts.c - posts: a thread's posts, posting (also with a token of
 * scope posts:write), one post, editing, its history, deleting */
#include "gateway.h"
#include "workspace.h"

static const char *const page_keys[] = {"limit", "before", NULL};

#define THREAD_MISSING "thread_not_found", "スレッドが見つかりません"
#define POST_MISSING "post_not_found", "投稿が見つかりません"

static const struct gw_ws_route thread_posts = {"/v1/threads/:id/posts", NULL, page_keys,
						THREAD_MISSING, 0};
static const struct gw_ws_route post_create = {"/v1/threads/:id/posts", "posts:write", NULL,
					       THREAD_MISSING, GW_WS_BODY};
static const struct gw_ws_route post_get = {"/v1/posts/:id", NULL, NULL, POST_MISSING, 0};
static const struct gw_ws_route post_update = {"/v1/posts/:id", NULL, NULL, POST_MISSING,
					       GW_WS_BODY};
static const struct gw_ws_route post_delete = {"/v1/posts/:id", NULL, NULL, POST_MISSING,
					       GW_WS_BODY};
static const struct gw_ws_route post_history = {"/v1/posts/:id/history", NULL, NULL,
						POST_MISSING, 0};

enum MHD_Result gw_api_thread_posts(struct cl_http_req *req)
{
	return gw_ws_forward(req, &thread_posts);
}

enum MHD_Result gw_api_post_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &post_create);
}

enum MHD_Result gw_ws_post_get(struct cl_http_req *req)
{
	return gw_ws_forward(req, &post_get);
}

enum MHD_Result gw_ws_post_update(struct cl_http_req *req)
{
	return gw_ws_forward(req, &post_update);
}

enum MHD_Result gw_ws_post_delete(struct cl_http_req *req)
{
	return gw_ws_forward(req, &post_delete);
}

enum MHD_Result gw_ws_post_history(struct cl_http_req *req)
{
	return gw_ws_forward(req, &post_history);
}

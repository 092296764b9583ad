/* workspace_replies.c - what readers add to a post: comments and the read
 * confirmation 「確認しました」 (both also with a token of scope
 * posts:write), and who has confirmed */
#include "gateway.h"
#include "workspace.h"

#define POST_MISSING "post_not_found", "投稿が見つかりません"

static const struct gw_ws_route comment_create = {"/v1/posts/:id/comments", "posts:write",
						  NULL, POST_MISSING, GW_WS_BODY};
static const struct gw_ws_route post_confirm = {"/v1/posts/:id/confirm", "posts:write", NULL,
						POST_MISSING, GW_WS_BODY};
static const struct gw_ws_route post_confirmations = {"/v1/posts/:id/confirmations", NULL,
						      NULL, POST_MISSING, 0};

enum MHD_Result gw_ws_comment_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &comment_create);
}

enum MHD_Result gw_ws_post_confirm(struct cl_http_req *req)
{
	return gw_ws_forward(req, &post_confirm);
}

enum MHD_Result gw_ws_post_confirmations(struct cl_http_req *req)
{
	return gw_ws_forward(req, &post_confirmations);
}

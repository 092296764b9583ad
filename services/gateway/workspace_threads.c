/* workspace_threads.c - the standing threads of a space: adding one,
 * renaming or closing it, their order */
#include "gateway.h"
#include "workspace.h"

static const struct gw_ws_route thread_create = {
	"/v1/spaces/:id/threads", NULL, NULL, "space_not_found", "スペースが見つかりません",
	GW_WS_BODY};
static const struct gw_ws_route thread_order = {
	"/v1/spaces/:id/thread-order", NULL, NULL, "space_not_found", "スペースが見つかりません",
	GW_WS_BODY};
static const struct gw_ws_route thread_update = {
	"/v1/threads/:id", NULL, NULL, "thread_not_found", "スレッドが見つかりません", GW_WS_BODY};

enum MHD_Result gw_ws_thread_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &thread_create);
}

enum MHD_Result gw_ws_thread_order(struct cl_http_req *req)
{
	return gw_ws_forward(req, &thread_order);
}

enum MHD_Result gw_ws_thread_update(struct cl_http_req *req)
{
	return gw_ws_forward(req, &thread_update);
}

/* workspace_spaces.c - /api/v1/spaces: the spaces a person may open, one
 * space with its threads, its members; creating and changing spaces */
#include "gateway.h"
#include "workspace.h"

static const char *const list_keys[] = {"all", NULL};
static const char *const member_keys[] = {"q", NULL};

#define SPACE_MISSING "space_not_found", "スペースが見つかりません"

static const struct gw_ws_route spaces_list = {"/v1/spaces", NULL, list_keys, SPACE_MISSING, 0};
static const struct gw_ws_route space_create = {"/v1/spaces", NULL, NULL, SPACE_MISSING,
						GW_WS_BODY};
static const struct gw_ws_route space_get = {"/v1/spaces/:id", NULL, NULL, SPACE_MISSING, 0};
static const struct gw_ws_route space_update = {"/v1/spaces/:id", NULL, NULL, SPACE_MISSING,
						GW_WS_BODY};
static const struct gw_ws_route space_members = {"/v1/spaces/:id/members", NULL, member_keys,
						 SPACE_MISSING, 0};

enum MHD_Result gw_api_spaces(struct cl_http_req *req)
{
	return gw_ws_forward(req, &spaces_list);
}

enum MHD_Result gw_ws_space_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &space_create);
}

enum MHD_Result gw_api_space(struct cl_http_req *req)
{
	return gw_ws_forward(req, &space_get);
}

enum MHD_Result gw_ws_space_update(struct cl_http_req *req)
{
	return gw_ws_forward(req, &space_update);
}

enum MHD_Result gw_ws_space_members(struct cl_http_req *req)
{
	return gw_ws_forward(req, &space_members);
}

/* apps_apps.c - apps: the readable list, creating one (tenant admins), one
 * app by id or key, changing its fields and rules */
#include "apps.h"
#include "workspace.h"

#define APP_MISSING "app_not_found", "アプリが見つかりません"

static const struct gw_ws_route apps_list = {"/v1/apps", NULL, NULL, APP_MISSING, 0};
static const struct gw_ws_route app_create = {"/v1/apps", NULL, NULL, APP_MISSING, GW_WS_BODY};
static const struct gw_ws_route app_get = {"/v1/apps/:key", NULL, NULL, APP_MISSING, 0};
static const struct gw_ws_route app_update = {"/v1/apps/:key", NULL, NULL, APP_MISSING,
					      GW_WS_BODY};

enum MHD_Result gw_apps_list(struct cl_http_req *req)
{
	return gw_ws_forward(req, &apps_list);
}

enum MHD_Result gw_app_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &app_create);
}

enum MHD_Result gw_app_get(struct cl_http_req *req)
{
	return gw_ws_forward(req, &app_get);
}

enum MHD_Result gw_app_update(struct cl_http_req *req)
{
	return gw_ws_forward(req, &app_update);
}

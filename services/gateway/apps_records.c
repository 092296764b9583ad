/* apps_records.c - the records of an app: the list (search, filters, sort,
 * paging), creating, one record, changing, deleting, its history and its
 * comments */
#include "apps.h"
#include "workspace.h"

#define APP_MISSING "app_not_found", "アプリが見つかりません"
#define RECORD_MISSING "record_not_found", "レコードが見つかりません"

/* besides these, the filters f.<key>, from.<key>, to.<key> (GW_WS_FILTERS) */
static const char *const list_keys[] = {"q", "sort", "limit", "cursor", NULL};

static const struct gw_ws_route records_list = {"/v1/apps/:key/records", NULL, list_keys,
						APP_MISSING, GW_WS_FILTERS};
static const struct gw_ws_route record_create = {"/v1/apps/:key/records", NULL, NULL,
						 APP_MISSING, GW_WS_BODY};
static const struct gw_ws_route record_get = {"/v1/app-records/:id", NULL, NULL,
					      RECORD_MISSING, 0};
static const struct gw_ws_route record_update = {"/v1/app-records/:id", NULL, NULL,
						 RECORD_MISSING, GW_WS_BODY};
static const struct gw_ws_route record_delete = {"/v1/app-records/:id", NULL, NULL,
						 RECORD_MISSING, 0};
static const struct gw_ws_route record_history = {"/v1/app-records/:id/history", NULL, NULL,
						  RECORD_MISSING, 0};
static const struct gw_ws_route record_comments = {"/v1/app-records/:id/comments", NULL, NULL,
						   RECORD_MISSING, 0};
static const struct gw_ws_route comment_create = {"/v1/app-records/:id/comments", NULL, NULL,
						  RECORD_MISSING, GW_WS_BODY};

enum MHD_Result gw_app_records_list(struct cl_http_req *req)
{
	return gw_ws_forward(req, &records_list);
}

enum MHD_Result gw_app_record_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &record_create);
}

enum MHD_Result gw_app_record_get(struct cl_http_req *req)
{
	return gw_ws_forward(req, &record_get);
}

enum MHD_Result gw_app_record_update(struct cl_http_req *req)
{
	return gw_ws_forward(req, &record_update);
}

enum MHD_Result gw_app_record_delete(struct cl_http_req *req)
{
	return gw_ws_forward(req, &record_delete);
}

enum MHD_Result gw_app_record_history(struct cl_http_req *req)
{
	return gw_ws_forward(req, &record_history);
}

enum MHD_Result gw_app_record_comments(struct cl_http_req *req)
{
	return gw_ws_forward(req, &record_comments);
}

enum MHD_Result gw_app_record_comment_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &comment_create);
}

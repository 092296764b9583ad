/* apps_csv.c - CSV of an app's records: the export download (UTF-8 or
 * Shift_JIS, the list's filters apply), an import upload (any content type,
 * the raw file as the body) and the progress of an import */
#include "apps.h"
#include "workspace.h"

#define APP_MISSING "app_not_found", "アプリが見つかりません"
#define IMPORT_MISSING "import_not_found", "取り込みが見つかりません"

/* besides these, the filters f.<key>, from.<key>, to.<key> (GW_WS_FILTERS) */
static const char *const export_keys[] = {"encoding", "q", "sort", NULL};
static const char *const import_keys[] = {"encoding", "mode", NULL};

/* GW_WS_FILE: Content-Type and Content-Disposition of the download come back */
static const struct gw_ws_route app_export = {"/v1/apps/:key/export.csv", NULL, export_keys,
					      APP_MISSING, GW_WS_FILTERS | GW_WS_FILE};
/* GW_WS_FILE: the upload's own Content-Type goes along */
static const struct gw_ws_route import_start = {"/v1/apps/:key/imports", NULL, import_keys,
						APP_MISSING, GW_WS_BODY | GW_WS_FILE};
static const struct gw_ws_route import_get = {"/v1/imports/:id", NULL, NULL, IMPORT_MISSING,
					      0};

enum MHD_Result gw_app_export(struct cl_http_req *req)
{
	return gw_ws_forward(req, &app_export);
}

enum MHD_Result gw_app_import_start(struct cl_http_req *req)
{
	return gw_ws_forward(req, &import_start);
}

enum MHD_Result gw_app_import_get(struct cl_http_req *req)
{
	return gw_ws_forward(req, &import_get);
}

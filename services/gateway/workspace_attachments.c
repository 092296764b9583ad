/* workspace_attachments.c - files of posts: an upload (raw bytes with their
 * own Content-Type, up to http.max_upload) and a download (the bytes with
 * records' Content-Type, Content-Disposition and Cache-Control) */
#include "gateway.h"
#include "workspace.h"

static const char *const upload_keys[] = {"filename", NULL};

#define ATTACHMENT_MISSING "attachment_not_found", "添付ファイルが見つかりません"

static const struct gw_ws_route upload = {"/v1/attachments", NULL, upload_keys,
					  ATTACHMENT_MISSING, GW_WS_BODY | GW_WS_FILE};
static const struct gw_ws_route download = {"/v1/attachments/:id", NULL, NULL,
					    ATTACHMENT_MISSING, GW_WS_FILE};

enum MHD_Result gw_ws_attachment_upload(struct cl_http_req *req)
{
	return gw_ws_forward(req, &upload);
}

enum MHD_Result gw_ws_attachment_get(struct cl_http_req *req)
{
	return gw_ws_forward(req, &download);
}

/* alerts_photo.c - an alert's photo: the upload (raw JPEG or PNG with its
 * own Content-Type, session only) and the download (sessions and API
 * tokens with alerts:read, like the CAP document; notify's Content-Type and
 * Cache-Control come back) */
#include "alerts.h"
#include "workspace.h"

static const struct gw_ws_route photo_put = {"/v1/alerts/:id/photo", NULL, NULL,
					     GW_AL_ALERT_MISSING, GW_WS_BODY | GW_WS_FILE};
static const struct gw_ws_route photo_get = {"/v1/alerts/:id/photo", GW_AL_SCOPE, NULL,
					     GW_AL_ALERT_MISSING, GW_WS_FILE};

enum MHD_Result gw_al_photo_put(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &photo_put);
}

enum MHD_Result gw_al_photo_get(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &photo_get);
}

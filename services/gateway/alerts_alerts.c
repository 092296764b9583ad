/* alerts_alerts.c - the alerts themselves: raising one, the caller's list
 * (active, ended or all; or those pending the caller's acknowledgement),
 * one alert with its timeline and acknowledgements, updating it */
#include "alerts.h"
#include "workspace.h"

static const char *const list_keys[] = {"status", "pending", NULL};

static const struct gw_ws_route alert_create = {"/v1/alerts", NULL, NULL, GW_AL_ALERT_MISSING,
						GW_WS_BODY};
static const struct gw_ws_route alerts_list = {"/v1/alerts", NULL, list_keys, GW_AL_ALERT_MISSING,
					       0};
static const struct gw_ws_route alert_get = {"/v1/alerts/:id", NULL, NULL, GW_AL_ALERT_MISSING, 0};
static const struct gw_ws_route alert_update = {"/v1/alerts/:id", NULL, NULL, GW_AL_ALERT_MISSING,
						GW_WS_BODY};

enum MHD_Result gw_al_alert_create(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &alert_create);
}

enum MHD_Result gw_al_alerts_list(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &alerts_list);
}

enum MHD_Result gw_al_alert_get(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &alert_get);
}

enum MHD_Result gw_al_alert_update(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &alert_update);
}

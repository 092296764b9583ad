/* alerts_actions.c - what is done to an alert besides updating it:
 * acknowledging it, resolving it, cancelling it; each with an optional
 * {"note"} body that goes along when there is one */
#include "alerts.h"
#include "workspace.h"

static const struct gw_ws_route alert_ack = {"/v1/alerts/:id/ack", NULL, NULL,
					     GW_AL_ALERT_MISSING, GW_WS_BODY};
static const struct gw_ws_route alert_resolve = {"/v1/alerts/:id/resolve", NULL, NULL,
						 GW_AL_ALERT_MISSING, GW_WS_BODY};
static const struct gw_ws_route alert_cancel = {"/v1/alerts/:id/cancel", NULL, NULL,
						GW_AL_ALERT_MISSING, GW_WS_BODY};

enum MHD_Result gw_al_alert_ack(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &alert_ack);
}

enum MHD_Result gw_al_alert_resolve(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &alert_resolve);
}

enum MHD_Result gw_al_alert_cancel(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &alert_cancel);
}

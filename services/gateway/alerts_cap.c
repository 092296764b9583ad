/* alerts_cap.c - what emergency services' systems poll: one alert's
 * latest CAP 1.2 document (application/cap+xml) and the Atom index of
 * current alerts (application/atom+xml), for sessions and for API tokens
 * with alerts:read; notify's content type passes through unchanged */
#include "alerts.h"
#include "workspace.h"

static const struct gw_ws_route alert_cap = {"/v1/alerts/:id/cap", GW_AL_SCOPE, NULL,
					     GW_AL_ALERT_MISSING, 0};
static const struct gw_ws_route atom = {"/v1/alerts.atom", GW_AL_SCOPE, NULL, GW_AL_ALERT_MISSING,
					0};

enum MHD_Result gw_al_alert_cap(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &alert_cap);
}

enum MHD_Result gw_al_atom(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_NOTIFY, &atom);
}

/* alerts_routes.c - the route table of urgent alerts: the alerts, their
 * acknowledgement, resolution and cancellation, CAP documents, the Atom
 * index. /alerts.atom is one literal segment, never an :id. */
#include "alerts.h"

const struct cl_http_route gw_routes_alerts[] = {
	{"POST", "/api/v1/alerts", gw_al_alert_create, CL_HTTP_JSON},
	{"GET", "/api/v1/alerts", gw_al_alerts_list, 0},
	{"GET", "/api/v1/alerts.atom", gw_al_atom, 0},
	{"GET", "/api/v1/alerts/:id", gw_al_alert_get, 0},
	{"PATCH", "/api/v1/alerts/:id", gw_al_alert_update, CL_HTTP_JSON},
	{"POST", "/api/v1/alerts/:id/ack", gw_al_alert_ack, 0},
	{"POST", "/api/v1/alerts/:id/resolve", gw_al_alert_resolve, 0},
	{"POST", "/api/v1/alerts/:id/cancel", gw_al_alert_cancel, 0},
	{"GET", "/api/v1/alerts/:id/cap", gw_al_alert_cap, 0},
	{"PUT", "/api/v1/alerts/:id/photo", gw_al_photo_put, CL_HTTP_UPLOAD},
	{"GET", "/api/v1/alerts/:id/photo", gw_al_photo_get, 0},
	{NULL, NULL, NULL, 0},
};

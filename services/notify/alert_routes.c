/* alert_routes.c - the routes of urgent alerts (ALERTS.md), joined with
 * notify's others in main.c */
#include "alert_resource.h"

#include "alerts.h"

const struct cl_http_route nt_routes_alerts[] = {
	{"POST", "/v1/alerts", nt_alert_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/alerts", nt_alerts_list, CL_HTTP_AUTH},
	{"GET", "/v1/alerts/:id", nt_alert_get, CL_HTTP_AUTH},
	{"PATCH", "/v1/alerts/:id", nt_alert_patch, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"POST", "/v1/alerts/:id/ack", nt_alert_ack, CL_HTTP_AUTH},
	{"POST", "/v1/alerts/:id/resolve", nt_alert_resolve, CL_HTTP_AUTH},
	{"POST", "/v1/alerts/:id/cancel", nt_alert_cancel, CL_HTTP_AUTH},
	{"PUT", "/v1/alerts/:id/photo", nt_alert_photo_put, CL_HTTP_AUTH | CL_HTTP_UPLOAD},
	{"GET", "/v1/alerts/:id/photo", nt_alert_photo_get, CL_HTTP_AUTH},
	{NULL, NULL, NULL, 0},
};

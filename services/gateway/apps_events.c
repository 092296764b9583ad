/* apps_events.c - the event calendar: registering for an event and
 * cancelling, who registered (the event's writers), and the iCalendar of
 * the logged-in person (feed URLs for calendar programs: calendar_feed*.c) */
#include "apps.h"
#include "workspace.h"

#define EVENT_MISSING "record_not_found", "イベントが見つかりません"

static const char *const ics_keys[] = {"scope", NULL};

static const struct gw_ws_route registration_create = {"/v1/events/:id/registration", NULL,
						       NULL, EVENT_MISSING, 0};
static const struct gw_ws_route registration_delete = {"/v1/events/:id/registration", NULL,
						       NULL, EVENT_MISSING, 0};
static const struct gw_ws_route registrations = {"/v1/events/:id/registrations", NULL, NULL,
						 EVENT_MISSING, 0};
/* GW_WS_FILE: records' Content-Disposition and Cache-Control come back */
static const struct gw_ws_route calendar = {"/v1/calendar.ics", NULL, ics_keys, EVENT_MISSING,
					    GW_WS_FILE};

enum MHD_Result gw_event_register(struct cl_http_req *req)
{
	return gw_ws_forward(req, &registration_create);
}

enum MHD_Result gw_event_unregister(struct cl_http_req *req)
{
	return gw_ws_forward(req, &registration_delete);
}

enum MHD_Result gw_event_registrations(struct cl_http_req *req)
{
	return gw_ws_forward(req, &registrations);
}

enum MHD_Result gw_calendar_ics(struct cl_http_req *req)
{
	return gw_ws_forward(req, &calendar);
}

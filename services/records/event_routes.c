/* event_routes.c - the routes of the event calendar */
#include "records.h"

const struct cl_http_route rec_routes_events[] = {
	{"POST", "/v1/events/:id/registration", rec_event_register, CL_HTTP_AUTH},
	{"DELETE", "/v1/events/:id/registration", rec_event_unregister, CL_HTTP_AUTH},
	{"GET", "/v1/events/:id/registrations", rec_event_registrations, CL_HTTP_AUTH},
	{"GET", "/v1/calendar.ics", rec_event_calendar, CL_HTTP_AUTH},
	{0},
};

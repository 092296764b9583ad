/* event_routes.c - the routes of the event calendar */
#include "records.h"

const struct cl_http_route rec_routes_events[] = {
	{0},
};

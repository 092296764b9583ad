/* app_routes.c - the routes of apps, app records and the facility directory */
#include "records.h"

const struct cl_http_route rec_routes_apps[] = {
	{0},
};

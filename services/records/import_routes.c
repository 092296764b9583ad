/* import_routes.c - the routes of CSV import and export */
#include "records.h"

const struct cl_http_route rec_routes_imports[] = {
	{0},
};

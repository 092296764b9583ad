/* import_routes.c - the routes of CSV import and export */
#include "records.h"

const struct cl_http_route rec_routes_imports[] = {
	{"GET", "/v1/apps/:id/export.csv", rec_export_csv, CL_HTTP_AUTH},
	{"POST", "/v1/apps/:id/imports", rec_import_create, CL_HTTP_AUTH | CL_HTTP_UPLOAD},
	{"GET", "/v1/imports/:id", rec_import_get, CL_HTTP_AUTH},
	{0},
};

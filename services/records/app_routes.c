/* app_routes.c - the routes of apps, app records and the facility directory */
#include "records.h"

const struct cl_http_route rec_routes_apps[] = {
	{"GET", "/v1/apps", rec_app_list, CL_HTTP_AUTH},
	{"POST", "/v1/apps", rec_app_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/apps/:id", rec_app_get, CL_HTTP_AUTH},
	{"PATCH", "/v1/apps/:id", rec_app_patch, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/apps/:id/records", rec_app_record_list, CL_HTTP_AUTH},
	{"POST", "/v1/apps/:id/records", rec_app_record_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/app-records/:id", rec_app_record_get, CL_HTTP_AUTH},
	{"PATCH", "/v1/app-records/:id", rec_app_record_patch, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"DELETE", "/v1/app-records/:id", rec_app_record_remove, CL_HTTP_AUTH},
	{"GET", "/v1/app-records/:id/history", rec_app_record_history, CL_HTTP_AUTH},
	{"GET", "/v1/app-records/:id/comments", rec_app_comment_list, CL_HTTP_AUTH},
	{"POST", "/v1/app-records/:id/comments", rec_app_comment_create,
	 CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/facilities", rec_facility_list, CL_HTTP_AUTH},
	{"GET", "/v1/facilities/districts", rec_facility_districts, CL_HTTP_AUTH},
	{"GET", "/v1/facilities/:id", rec_facility_get, CL_HTTP_AUTH},
	{0},
};

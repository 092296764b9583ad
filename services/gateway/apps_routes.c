/* apps_routes.c - the route table of the apps: apps and their records,
 * CSV, the facility directory, the event calendar, and the calendar feed
 * URLs (the only route here served without a session: /ical/:secret) */
#include "apps.h"

const struct cl_http_route gw_routes_apps[] = {
	{"GET", "/api/v1/apps", gw_apps_list, 0},
	{"POST", "/api/v1/apps", gw_app_create, CL_HTTP_JSON},
	{"GET", "/api/v1/apps/:id", gw_app_get, 0},
	{"PATCH", "/api/v1/apps/:id", gw_app_update, CL_HTTP_JSON},
	{"GET", "/api/v1/apps/:id/records", gw_app_records_list, 0},
	{"POST", "/api/v1/apps/:id/records", gw_app_record_create, CL_HTTP_JSON},
	{"GET", "/api/v1/apps/:id/export.csv", gw_app_export, 0},
	{"POST", "/api/v1/apps/:id/imports", gw_app_import_start, CL_HTTP_UPLOAD},
	{"GET", "/api/v1/imports/:id", gw_app_import_get, 0},
	{"GET", "/api/v1/app-records/:id", gw_app_record_get, 0},
	{"PATCH", "/api/v1/app-records/:id", gw_app_record_update, CL_HTTP_JSON},
	{"DELETE", "/api/v1/app-records/:id", gw_app_record_delete, 0},
	{"GET", "/api/v1/app-records/:id/history", gw_app_record_history, 0},
	{"GET", "/api/v1/app-records/:id/comments", gw_app_record_comments, 0},
	{"POST", "/api/v1/app-records/:id/comments", gw_app_record_comment_create, CL_HTTP_JSON},
	/* "districts" before ":id", which would take it as an id */
	{"GET", "/api/v1/facilities", gw_facilities_list, 0},
	{"GET", "/api/v1/facilities/districts", gw_facility_districts, 0},
	{"GET", "/api/v1/facilities/:id", gw_facility_get, 0},
	{"POST", "/api/v1/events/:id/registration", gw_event_register, 0},
	{"DELETE", "/api/v1/events/:id/registration", gw_event_unregister, 0},
	{"GET", "/api/v1/events/:id/registrations", gw_event_registrations, 0},
	{"GET", "/api/v1/calendar.ics", gw_calendar_ics, 0},
	{"GET", "/api/v1/me/calendar-feeds", gw_calendar_feeds_list, 0},
	{"POST", "/api/v1/me/calendar-feeds", gw_calendar_feed_create, CL_HTTP_JSON},
	{"DELETE", "/api/v1/me/calendar-feeds/:id", gw_calendar_feed_delete, 0},
	{"GET", "/ical/:secret", gw_calendar_feed_serve, 0},
	{NULL, NULL, NULL, 0},
};

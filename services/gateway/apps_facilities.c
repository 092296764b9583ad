/* apps_facilities.c - the facility directory (the built-in app
 * "facilities" flattened): the list by district, the districts with their
 * counts, one facility */
#include "apps.h"
#include "workspace.h"

#define FACILITY_MISSING "record_not_found", "事業所が見つかりません"

static const char *const list_keys[] = {"district", "kind", "q", "limit", "cursor", NULL};

static const struct gw_ws_route facilities_list = {"/v1/facilities", NULL, list_keys,
						   FACILITY_MISSING, 0};
static const struct gw_ws_route districts = {"/v1/facilities/districts", NULL, NULL,
					     FACILITY_MISSING, 0};
static const struct gw_ws_route facility_get = {"/v1/facilities/:id", NULL, NULL,
						FACILITY_MISSING, 0};

enum MHD_Result gw_facilities_list(struct cl_http_req *req)
{
	return gw_ws_forward(req, &facilities_list);
}

enum MHD_Result gw_facility_districts(struct cl_http_req *req)
{
	return gw_ws_forward(req, &districts);
}

enum MHD_Result gw_facility_get(struct cl_http_req *req)
{
	return gw_ws_forward(req, &facility_get);
}

/* vacancy_search.c - the bed search: facilities with a bed on every night
 * of a range, for a room type, care level and conditions, by district or
 * distance */
#include "vacancy.h"
#include "workspace.h"

static const char *const search_keys[] = {"kind", "from", "to", "room", "care_level",
					  "conditions", "district", "near", "radius_km",
					  "limit", NULL};

static const struct gw_ws_route search = {"/v1/search/beds", NULL, search_keys,
					  GW_VAC_FACILITY_MISSING, 0};

enum MHD_Result gw_vac_search(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &search);
}

/* vacancy_capacity.c - care-manager capacity: the offices' list, one
 * office's capacity, its update by the office's staff */
#include "vacancy.h"
#include "workspace.h"

static const char *const list_keys[] = {"district", "care_level", "capability", NULL};

static const struct gw_ws_route capacity_list = {"/v1/capacity", NULL, list_keys,
						 GW_VAC_FACILITY_MISSING, 0};
static const struct gw_ws_route capacity_get = {"/v1/facilities/:id/capacity", NULL, NULL,
						GW_VAC_FACILITY_MISSING, 0};
static const struct gw_ws_route capacity_put = {"/v1/facilities/:id/capacity", NULL, NULL,
						GW_VAC_FACILITY_MISSING, GW_WS_BODY};

enum MHD_Result gw_vac_capacity_list(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &capacity_list);
}

enum MHD_Result gw_vac_capacity_get(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &capacity_get);
}

enum MHD_Result gw_vac_capacity_put(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &capacity_put);
}

/* vacancy_holds.c - holds on beds: placing one, the caller's or a
 * facility's list, one hold, its confirmation by the facility, its release
 * by the holder or the facility */
#include "vacancy.h"
#include "workspace.h"

static const char *const list_keys[] = {"mine", "facility", "status", NULL};

static const struct gw_ws_route hold_create = {"/v1/holds", NULL, NULL, GW_VAC_HOLD_MISSING,
					       GW_WS_BODY};
static const struct gw_ws_route holds_list = {"/v1/holds", NULL, list_keys, GW_VAC_HOLD_MISSING, 0};
static const struct gw_ws_route hold_get = {"/v1/holds/:id", NULL, NULL, GW_VAC_HOLD_MISSING, 0};
static const struct gw_ws_route hold_confirm = {"/v1/holds/:id/confirm", NULL, NULL,
						GW_VAC_HOLD_MISSING, 0};
static const struct gw_ws_route hold_release = {"/v1/holds/:id/release", NULL, NULL,
						GW_VAC_HOLD_MISSING, 0};

enum MHD_Result gw_vac_hold_create(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &hold_create);
}

enum MHD_Result gw_vac_holds_list(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &holds_list);
}

enum MHD_Result gw_vac_hold_get(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &hold_get);
}

enum MHD_Result gw_vac_hold_confirm(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &hold_confirm);
}

enum MHD_Result gw_vac_hold_release(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &hold_release);
}

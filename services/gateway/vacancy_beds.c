/* vacancy_beds.c - short-stay and backup beds: a facility's days, their
 * update by the facility's staff (a range at once), the board of the
 * coming two weeks */
#include "vacancy.h"
#include "workspace.h"

static const char *const beds_keys[] = {"kind", "from", "to", NULL};
static const char *const board_keys[] = {"kind", "district", NULL};

static const struct gw_ws_route beds_get = {"/v1/facilities/:id/beds", NULL, beds_keys,
					    GW_VAC_FACILITY_MISSING, 0};
static const struct gw_ws_route beds_put = {"/v1/facilities/:id/beds", NULL, NULL,
					    GW_VAC_FACILITY_MISSING, GW_WS_BODY};
static const struct gw_ws_route board = {"/v1/board", NULL, board_keys, GW_VAC_FACILITY_MISSING, 0};

enum MHD_Result gw_vac_beds_get(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &beds_get);
}

enum MHD_Result gw_vac_beds_put(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &beds_put);
}

enum MHD_Result gw_vac_board(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &board);
}

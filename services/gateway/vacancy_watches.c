/* vacancy_watches.c - watches (saved bed searches): saving one, the
 * caller's list, one watch with its matches, deleting it; and the
 * freshness of every facility's vacancy data */
#include "vacancy.h"
#include "workspace.h"

static const char *const list_keys[] = {"active", NULL};
static const char *const freshness_keys[] = {"district", NULL};

static const struct gw_ws_route watch_create = {"/v1/watches", NULL, NULL, GW_VAC_WATCH_MISSING,
						GW_WS_BODY};
static const struct gw_ws_route watches_list = {"/v1/watches", NULL, list_keys,
						GW_VAC_WATCH_MISSING, 0};
static const struct gw_ws_route watch_one = {"/v1/watches/:id", NULL, NULL, GW_VAC_WATCH_MISSING,
					     0};
static const struct gw_ws_route freshness = {"/v1/freshness", NULL, freshness_keys,
					     GW_VAC_FACILITY_MISSING, 0};

enum MHD_Result gw_vac_watch_create(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &watch_create);
}

enum MHD_Result gw_vac_watches_list(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &watches_list);
}

enum MHD_Result gw_vac_watch_get(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &watch_one);
}

enum MHD_Result gw_vac_watch_delete(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &watch_one);
}

enum MHD_Result gw_vac_freshness(struct cl_http_req *req)
{
	return gw_ws_forward_to(req, GW_WS_VACANCY, &freshness);
}

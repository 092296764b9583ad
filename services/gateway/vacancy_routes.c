/* vacancy_routes.c - the route table of vacancy: capacity, beds, the
 * board, the bed search, holds, watches, freshness. /facilities/:id/capacity and
 * /facilities/:id/beds have one segment more than records'
 * /facilities/:id, so the two never match the same path. */
#include "vacancy.h"

const struct cl_http_route gw_routes_vacancy[] = {
	{"GET", "/api/v1/capacity", gw_vac_capacity_list, 0},
	{"GET", "/api/v1/facilities/:id/capacity", gw_vac_capacity_get, 0},
	{"PUT", "/api/v1/facilities/:id/capacity", gw_vac_capacity_put, CL_HTTP_JSON},
	{"GET", "/api/v1/facilities/:id/beds", gw_vac_beds_get, 0},
	{"PUT", "/api/v1/facilities/:id/beds", gw_vac_beds_put, CL_HTTP_JSON},
	{"GET", "/api/v1/board", gw_vac_board, 0},
	{"GET", "/api/v1/search/beds", gw_vac_search, 0},
	{"POST", "/api/v1/holds", gw_vac_hold_create, CL_HTTP_JSON},
	{"GET", "/api/v1/holds", gw_vac_holds_list, 0},
	{"GET", "/api/v1/holds/:id", gw_vac_hold_get, 0},
	{"POST", "/api/v1/holds/:id/confirm", gw_vac_hold_confirm, 0},
	{"POST", "/api/v1/holds/:id/release", gw_vac_hold_release, 0},
	{"POST", "/api/v1/watches", gw_vac_watch_create, CL_HTTP_JSON},
	{"GET", "/api/v1/watches", gw_vac_watches_list, 0},
	{"GET", "/api/v1/watches/:id", gw_vac_watch_get, 0},
	{"DELETE", "/api/v1/watches/:id", gw_vac_watch_delete, 0},
	{"GET", "/api/v1/freshness", gw_vac_freshness, 0},
	{NULL, NULL, NULL, 0},
};

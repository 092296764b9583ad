/* vacancy.h - vacancy's routes in the public API (services/vacancy/API.md):
 * care-manager capacity, short-stay and backup beds, the board, the bed
 * search, holds, watches and freshness, all forwarded to vacancy by gw_ws_forward()
 * (workspace.h) from /api/v1/<tail> to vacancy's /v1/<tail>, session only
 * (no token scope fits them). /facilities/{id}/capacity and
 * /facilities/{id}/beds go to vacancy; /facilities/{id} and the rest of the
 * directory stay with records (apps.h). */
#ifndef CARELINK_GATEWAY_VACANCY_H
#define CARELINK_GATEWAY_VACANCY_H

#include <carelink/http.h>

/* The 404s for a path id that is not an id. */
#define GW_VAC_FACILITY_MISSING "facility_not_found", "施設が見つかりません"
#define GW_VAC_HOLD_MISSING "hold_not_found", "仮押さえが見つかりません"
#define GW_VAC_WATCH_MISSING "watch_not_found", "保存した検索が見つかりません"

/* vacancy_routes.c: the route table, joined in routes.c */
extern const struct cl_http_route gw_routes_vacancy[];

/* vacancy_capacity.c: GET /capacity, GET/PUT /facilities/:id/capacity */
enum MHD_Result gw_vac_capacity_list(struct cl_http_req *req);
enum MHD_Result gw_vac_capacity_get(struct cl_http_req *req);
enum MHD_Result gw_vac_capacity_put(struct cl_http_req *req);
/* vacancy_beds.c: GET/PUT /facilities/:id/beds, GET /board */
enum MHD_Result gw_vac_beds_get(struct cl_http_req *req);
enum MHD_Result gw_vac_beds_put(struct cl_http_req *req);
enum MHD_Result gw_vac_board(struct cl_http_req *req);
/* vacancy_search.c: GET /search/beds */
enum MHD_Result gw_vac_search(struct cl_http_req *req);
/* vacancy_holds.c: POST/GET /holds, GET /holds/:id, confirm, release */
enum MHD_Result gw_vac_hold_create(struct cl_http_req *req);
enum MHD_Result gw_vac_holds_list(struct cl_http_req *req);
enum MHD_Result gw_vac_hold_get(struct cl_http_req *req);
enum MHD_Result gw_vac_hold_confirm(struct cl_http_req *req);
enum MHD_Result gw_vac_hold_release(struct cl_http_req *req);
/* vacancy_watches.c: POST/GET /watches, GET/DELETE /watches/:id, GET
 * /freshness */
enum MHD_Result gw_vac_watch_create(struct cl_http_req *req);
enum MHD_Result gw_vac_watches_list(struct cl_http_req *req);
enum MHD_Result gw_vac_watch_get(struct cl_http_req *req);
enum MHD_Result gw_vac_watch_delete(struct cl_http_req *req);
enum MHD_Result gw_vac_freshness(struct cl_http_req *req);

#endif

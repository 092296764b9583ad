/* alerts.h - urgent alerts (緊急連絡) in the public API
 * (services/notify/ALERTS.md): raising, listing, reading, updating,
 * acknowledging, resolving and cancelling alerts, each alert's CAP 1.2
 * document and the Atom index of current alerts, all forwarded to notify by
 * gw_ws_forward_to() (workspace.h) from /api/v1/<tail> to notify's
 * /v1/<tail>. The CAP document and the Atom index also accept API tokens
 * with the scope `alerts:read` (emergency services' systems poll them) and
 * pass notify's content type through; everything else is session only.
 * Notify decides who may do what. */
#ifndef CARELINK_GATEWAY_ALERTS_H
#define CARELINK_GATEWAY_ALERTS_H

#include <carelink/http.h>

/* The 404 for a path id that is not an id: notify's own answer for an
 * alert the caller may not see. */
#define GW_AL_ALERT_MISSING "alert_not_found", "緊急連絡が見つかりません"

/* The token scope of the CAP document and the Atom index. */
#define GW_AL_SCOPE "alerts:read"

/* alerts_routes.c: the route table, joined in routes.c */
extern const struct cl_http_route gw_routes_alerts[];

/* alerts_alerts.c: POST/GET /alerts, GET/PATCH /alerts/:id */
enum MHD_Result gw_al_alert_create(struct cl_http_req *req);
enum MHD_Result gw_al_alerts_list(struct cl_http_req *req);
enum MHD_Result gw_al_alert_get(struct cl_http_req *req);
enum MHD_Result gw_al_alert_update(struct cl_http_req *req);
/* alerts_actions.c: POST /alerts/:id/ack, /alerts/:id/resolve,
 * /alerts/:id/cancel (an optional {note} body) */
enum MHD_Result gw_al_alert_ack(struct cl_http_req *req);
enum MHD_Result gw_al_alert_resolve(struct cl_http_req *req);
enum MHD_Result gw_al_alert_cancel(struct cl_http_req *req);
/* alerts_cap.c: GET /alerts/:id/cap, GET /alerts.atom (sessions or tokens
 * with alerts:read) */
enum MHD_Result gw_al_alert_cap(struct cl_http_req *req);
enum MHD_Result gw_al_atom(struct cl_http_req *req);
/* alerts_photo.c: PUT /alerts/:id/photo (session; raw image body up to
 * http.max_upload, notify keeps 5 MiB), GET /alerts/:id/photo (sessions or
 * tokens with alerts:read) */
enum MHD_Result gw_al_photo_put(struct cl_http_req *req);
enum MHD_Result gw_al_photo_get(struct cl_http_req *req);

#endif

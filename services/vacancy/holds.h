/* holds.h - holds (tentative reservations of beds) inside carelink-vacancy
 * (included by vacancy.h; see API.md "Holds") */
#ifndef CARELINK_VACANCY_HOLDS_H
#define CARELINK_VACANCY_HOLDS_H

struct vac_app;

/* The routes of holds (hold_routes.c), joined by main.c. */
extern const struct cl_http_route vac_routes_holds[];

/* vac_expiry_start() - the thread that marks holds past their expiry and
 * emits HoldReleased (reason EXPIRED); app->expiry is set. Returns 0 or a
 * negative CL_E* code (hold_expiry.c). */
int vac_expiry_start(struct vac_app *app);
/* vac_expiry_stop() - stop that thread at once and free app->expiry. */
void vac_expiry_stop(struct vac_app *app);

#endif

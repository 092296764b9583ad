/* routes.h - the gateway's route tables: one per module, joined at start.
 * Each table ends with a {NULL} entry. The static files come last. */
#ifndef CARELINK_GATEWAY_ROUTES_H
#define CARELINK_GATEWAY_ROUTES_H

#include <carelink/http.h>
#include <stdio.h>

extern const struct cl_http_route gw_routes_core[];     /* main.c: login, spaces, feed, stream */
extern const struct cl_http_route gw_routes_feed[];     /* feed_routes.c: unread counts, marking
							   read, preferences */
extern const struct cl_http_route gw_routes_auth[];     /* auth_routes.c: passwords, two-factor */
extern const struct cl_http_route gw_routes_admin[];    /* admin_routes.c: organisations, users, invitations */
extern const struct cl_http_route gw_routes_people[];   /* people_routes.c: directory, profiles, tokens */
extern const struct cl_http_route gw_routes_platform[]; /* platform_routes.c: openapi, audit */
extern const struct cl_http_route gw_routes_workspace[]; /* workspace_routes.c: spaces, threads,
							   posts, attachments, search */
extern const struct cl_http_route gw_routes_apps[];     /* apps_routes.c: apps, records, CSV,
							   facilities, events, calendar feeds */
extern const struct cl_http_route gw_routes_vacancy[];  /* vacancy_routes.c: capacity, beds,
							   board, bed search, holds */

/* gw_routes_build() - every table joined, static files last; a method and
 * pattern that an earlier table already has is left out (the first wins,
 * as in dispatch). Caller frees. */
struct cl_http_route *gw_routes_build(void);
/* gw_routes_print() - "METHOD PATTERN" per line, the API routes only, each
 * once. */
void gw_routes_print(FILE *out);

#endif

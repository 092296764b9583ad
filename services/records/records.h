/* records.h - declarations shared inside carelink-records: the application
 * handle, HTTP handlers, the SQL functions and small helpers. */
#ifndef REC_RECORDS_H
#define REC_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "carelink/http.h"
#include "carelink/identity.h"
#include "carelink/kafka.h"
#include "carelink/pg.h"
#include "carelink/service.h"
#include "carelink/util.h"

/* Topic and schema of the event written when a post is created. */
#define REC_TOPIC_POSTS "carelink.posts"
#define REC_EVENT_POST_CREATED "carelink.posts.PostCreated"

/* Limits of GET /v1/threads/:id/posts and of a post body (code points). */
#define REC_POSTS_LIMIT_DEFAULT 200
#define REC_POSTS_LIMIT_MAX 500
#define REC_POST_BODY_MAX 10000

/* The application handed to every handler as req->app. */
struct rec_app {
	struct cl_service *svc;     /* borrowed: pool, schemas, configuration */
	struct cl_consumer people;  /* carelink.identity -> people (people_consumer.c) */
	struct cl_pg people_pg;     /* used only by the people consumer's thread */
	struct rec_imports *imports;     /* CSV import workers (import_worker.c) */
	struct rec_reminders *reminders; /* event reminder thread (event_reminder.c) */
};

/* ---- SQL: one function per statement ----
 *
 * Each returns 0 or a cl_pg_exec() code; CL_ENOENT where a row must exist.
 * Every statement is scoped by the caller's tenant. JSON outputs are new
 * references the caller owns.
 */

/* The visibility rule, for statements whose parameters $1, $2, $3 are the
 * tenant, profession and organisation of the caller and whose spaces row
 * is aliased s. */
#define REC_SQL_SPACE_VISIBLE                                                  \
	"s.tenant_id = $1 AND ("                                               \
	"(cardinality(s.visible_professions) = 0"                              \
	" AND cardinality(s.visible_organisations) = 0)"                       \
	" OR $2 = ANY (s.visible_professions)"                                 \
	" OR $3 = ANY (s.visible_organisations))"

/* A person pe (a row of people) may see space s. */
#define REC_SQL_PERSON_SEES                                                    \
	"((cardinality(s.visible_professions) = 0"                             \
	" AND cardinality(s.visible_organisations) = 0)"                       \
	" OR pe.profession = ANY (s.visible_professions)"                      \
	" OR pe.organisation_id = ANY (s.visible_organisations))"

/* Why a request was refused inside a transaction: set by rec_refuse() in
 * the transaction body, answered by rec_refusal_send() after it rolled back
 * (refusal.c). */
struct rec_refusal {
	unsigned status; /* 0: not refused */
	const char *code;
	const char *message;
};
/* rec_refuse() - fill r; returns CL_ECONFLICT for the transaction body to
 * return (so that it rolls back). */
int rec_refuse(struct rec_refusal *r, unsigned status, const char *code, const char *message);
/* rec_refusal_send() - answer r when set; else 404 not_found_code with
 * not_found_message for CL_ENOENT, or the usual answer to rc. */
enum MHD_Result rec_refusal_send(struct cl_http_req *req, const struct rec_refusal *r, int rc,
				 const char *not_found_code, const char *not_found_message);

/* Route tables of the two halves of the service, joined by main.c. */
extern const struct cl_http_route rec_routes_spaces[]; /* space_routes.c */
extern const struct cl_http_route rec_routes_posts[];  /* post_routes.c */
extern const struct cl_http_route rec_routes_apps[];   /* app_routes.c */
extern const struct cl_http_route rec_routes_imports[]; /* import_routes.c */
extern const struct cl_http_route rec_routes_events[]; /* event_routes.c */

/* rec_seed_demo() - insert the spaces and threads of tools/demo/seed.json
 * under the service home; running it again changes nothing (seed_demo.c).
 * Returns 0 or a negative CL_E* code (logged). */
int rec_seed_demo(struct rec_app *app);
/* rec_seed_demo_posts() - the demo posts of tools/demo/seed.json, after
 * rec_seed_demo(); idempotent (seed_posts.c). */
int rec_seed_demo_posts(struct rec_app *app);
/* rec_seed_demo_apps() - the demo facility directory and event calendar
 * (tools/demo/facilities.json, events.json), after the posts; idempotent
 * (seed_apps.c). */
int rec_seed_demo_apps(struct rec_app *app);

#include "spaces.h"
#include "posts.h"
#include "apps.h"
#include "imports.h"
#include "events.h"

#endif

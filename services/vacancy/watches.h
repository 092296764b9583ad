/* watches.h - watches (saved bed searches) and freshness inside
 * carelink-vacancy (included by vacancy.h; see API.md "Watches" and
 * "Freshness") */
#ifndef CARELINK_VACANCY_WATCHES_H
#define CARELINK_VACANCY_WATCHES_H

#include <jansson.h>
#include <stdbool.h>

struct vac_app;
struct vac_facility;
struct cl_pg;
struct cl_http_req;
struct cl_avro_registry;

#define VAC_EVENT_WATCH_MATCHED "carelink.vacancy.VacancyWatchMatched"
#define VAC_EVENT_STALE "carelink.vacancy.VacancyStale"
#define VAC_WATCHES_MAX 20           /* active watches per person */
#define VAC_WATCH_NAME_MAX 60        /* characters */
#define VAC_FRESHNESS_INTERVAL_S 300 /* vacancy.freshness_interval_s */

/* The routes of watches and freshness (watch_routes.c), joined by main.c. */
extern const struct cl_http_route vac_routes_watches[];

/* A watch as POST /v1/watches gives it, checked; strings borrowed from the
 * body except conditions_json, which vac_watch_input_release() frees. */
struct vac_watch_input {
	const char *name, *kind, *from, *to, *room, *care_level, *district;
	char *conditions_json;  /* JSON array text of the condition codes */
	long beds;
	bool has_near;
	double lat, lng;
	double radius_km;       /* < 0: none */
};

/* vac_watch_input_take() - check the body of POST /v1/watches against
 * today (a day number). NULL when valid (in filled), else the refusal code
 * (static) with *message its text (watch_input.c). */
const char *vac_watch_input_take(const json_t *body, long today, struct vac_watch_input *in,
				 const char **message);
void vac_watch_input_release(struct vac_watch_input *in);

/* vac_watch_json() - the API's watch object from a row of db_watch.c and
 * its matches (both borrowed): near as {lat,lng}, matches with their
 * distance and ranked like search results; new reference (watch_json.c). */
json_t *vac_watch_json(const json_t *row, const json_t *matches);

/* vac_watch_evaluate() - inside the caller's open transaction, after a
 * change of facility f: re-check f against every active watch of tenant
 * of f's bed kind; add f to the watches it starts matching, with a
 * VacancyWatchMatched each, and take it out of those it no longer
 * matches. Changes of one facility are evaluated one after the other (an
 * advisory lock until commit). Returns 0 or a negative CL_E* code
 * (watch_evaluate.c). */
int vac_watch_evaluate(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		       const char *tenant, const struct vac_facility *f);

/* db_watch.c - one function per statement; rows are JSON objects with the
 * API's fields plus near_lat, near_lng (new references). */
int vac_db_watch_insert(struct cl_pg *pg, const char *tenant, const char *user_id,
			const struct vac_watch_input *in, char id[40]);
/* vac_db_watch_active_count() - the person's watches whose last night is
 * today or later. */
int vac_db_watch_active_count(struct cl_pg *pg, const char *tenant, const char *user_id,
			      const char *today, long *n);
/* vac_db_watch_get() - CL_ENOENT when absent, another person's, or id is
 * not a uuid. */
int vac_db_watch_get(struct cl_pg *pg, const char *tenant, const char *user_id, const char *id,
		     const char *today, json_t **row);
int vac_db_watch_list(struct cl_pg *pg, const char *tenant, const char *user_id,
		      bool active_only, const char *today, json_t **rows);
int vac_db_watch_delete(struct cl_pg *pg, const char *tenant, const char *user_id,
			const char *id);
/* vac_db_watch_matches() - [{"facility","min_available","matched_at"}] of
 * a watch (facilities still in the directory). */
int vac_db_watch_matches(struct cl_pg *pg, const char *watch_id, json_t **out);
/* vac_db_watch_match_set() - put facility into the watch's set (or update
 * its min_available); *inserted tells whether it was not there before. */
int vac_db_watch_match_set(struct cl_pg *pg, const char *watch_id, const char *facility_id,
			   long min_available, bool *inserted);
/* vac_db_watch_unmatch() - take facility out of every watch's set but
 * those in keep_json (a JSON array of watch ids). */
int vac_db_watch_unmatch(struct cl_pg *pg, const char *facility_id, const char *keep_json);
/* vac_db_watch_facility_lock() - the transaction-long advisory lock that
 * orders the evaluations of one facility. */
int vac_db_watch_facility_lock(struct cl_pg *pg, const char *facility_id);
/* vac_db_watch_candidates() - the active watches of tenant of bed kind
 * whose district admits the facility, each with whether the facility's
 * nights (from max(from, today) .. to) fit it ("ok", "min_available"):
 * [{"id","name","user_id","from","to","near_lat","near_lng","radius_km",
 * "ok","min_available"}]. */
int vac_db_watch_candidates(struct cl_pg *pg, const char *tenant, const char *facility_id,
			    const char *kind, const char *today, json_t **out);

/* freshness (freshness_get.c, freshness_sweep.c, db_freshness.c) */
enum MHD_Result vac_freshness_get(struct cl_http_req *req);
/* vac_freshness_start() / vac_freshness_stop() - the reminder thread. */
int vac_freshness_start(struct vac_app *app);
void vac_freshness_stop(struct vac_app *app);
/* vac_db_freshness_list() - the API's freshness entries (own for who's
 * organisation). */
int vac_db_freshness_list(struct cl_pg *pg, const char *tenant, const char *district,
			  const char *organisation, long stale_hours, json_t **out);
/* vac_db_freshness_claim() - up to limit facilities due for a reminder,
 * locked (others skip them): [{"tenant_id","id","name","owner","offers",
 * "updated_ms"|null}]. */
int vac_db_freshness_claim(struct cl_pg *pg, long stale_hours, long limit, json_t **out);
/* vac_db_freshness_reminded() - record the reminder of a facility now. */
int vac_db_freshness_reminded(struct cl_pg *pg, const char *tenant, const char *facility_id);

enum MHD_Result vac_watch_create(struct cl_http_req *req);
enum MHD_Result vac_watch_list(struct cl_http_req *req);
enum MHD_Result vac_watch_show(struct cl_http_req *req);
enum MHD_Result vac_watch_delete(struct cl_http_req *req);

#endif

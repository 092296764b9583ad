/* vacancy.h - the vacancy service's shared declarations */
#ifndef CARELINK_VACANCY_H
#define CARELINK_VACANCY_H

#include <carelink/http.h>
#include <carelink/kafka.h>
#include <carelink/pg.h>
#include <carelink/avro.h>
#include <carelink/identity.h>
#include <carelink/service.h>
#include <stdbool.h>

struct vac_expiry;
struct cl_ticker;

struct vac_app {
	struct cl_service *svc;       /* borrowed */
	struct cl_consumer directory; /* carelink.directory -> the facility copy */
	struct cl_pg directory_pg;    /* used only by that consumer's thread */
	struct vac_expiry *expiry;    /* the hold expiry thread (hold_expiry.c) */
	struct cl_ticker *freshness;  /* the freshness reminder thread */
};

/* The routes of capacity, beds, the board and search, joined by main.c
 * with the holds' (core_routes.c). */
extern const struct cl_http_route vac_routes_core[];

/* vac_directory_consume() - cl_consume_fn of carelink.directory: facility
 * records upsert the facility copy, other events are ignored; arg is the
 * struct vac_app (directory_consume.c). */
int vac_directory_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
			  size_t reason_size);

#include "holds.h"
#include "watches.h"

/* Availability: the one rule lives in SQL, sql/002_vacancy.sql,
 * vac_day_available(facility uuid, kind text, day date) ->
 * (avail_men, avail_women, avail_either, held). A hold is active when
 * confirmed, or held with expires_at > now(). On a night, men's holds take
 * men's beds then either beds; women's holds take women's beds then either
 * beds; 'either' holds take either beds, then women's, then men's. A day
 * never declared has 0 beds. */

#define VAC_HORIZON_DAYS 90  /* today ... today + 89, Asia/Tokyo */
#define VAC_DAY_LEN 11       /* "YYYY-MM-DD" and NUL */
#define VAC_TOPIC "carelink.vacancy"

/* a facility of the copy of the directory */
struct vac_facility {
	char id[40];
	char name[256];
	char kind[64];
	char district[128];
	double latitude, longitude;
	bool has_coords;
	char owner_org[CL_IDENTITY_FIELD_MAX];
};

/* db_facility.c */
/* vac_db_facility_get() - the facility id of tenant into *out. Returns 0,
 * CL_ENOENT (absent, deleted, or id not a uuid) or a cl_pg_exec() code. */
int vac_db_facility_get(struct cl_pg *pg, const char *tenant, const char *id,
			struct vac_facility *out);
/* vac_db_facility_upsert() - apply a directory event: insert or update the
 * facility unless the copy holds a newer event_time (ms). Returns 0 or a
 * cl_pg_exec() code. */
int vac_db_facility_upsert(struct cl_pg *pg, const char *tenant, const char *id,
			   const struct vac_facility *f, bool deleted, long long event_ms);
/* vac_facility_offers() - the bed kind ("short_stay", "backup") or
 * "capacity" the facility's directory kind offers; NULL when nothing. */
const char *vac_facility_offers(const struct vac_facility *f);
/* vac_facility_json() - {"id","name","district","kind","latitude","longitude"} */
json_t *vac_facility_json(const struct vac_facility *f);

/* access.c */
/* vac_is_staff() - who belongs to owner_org (the facility's owner). */
bool vac_is_staff(const struct cl_identity *who, const char *owner_org);
/* vac_may_read() - who's profession is in vacancy.read_professions, or who
 * is staff of owner_org (may be NULL: no particular facility). */
bool vac_may_read(const struct vac_app *app, const struct cl_identity *who,
		  const char *owner_org);

/* days.c: days are "YYYY-MM-DD" in Asia/Tokyo */
/* vac_day_today() - today in Asia/Tokyo at unix time now. */
void vac_day_today(time_t now, char out[VAC_DAY_LEN]);
/* vac_day_number_today() - today's day number in Asia/Tokyo. */
long vac_day_number_today(time_t now);
/* vac_day_parse() - a strict YYYY-MM-DD date to a day number (days since
 * 1970-01-01). Returns 0 or CL_EINVAL. */
int vac_day_parse(const char *s, long *day);
/* vac_day_format() - day number to YYYY-MM-DD. */
void vac_day_format(long day, char out[VAC_DAY_LEN]);
/* vac_day_in_horizon() - true when today <= day <= today + 89. */
bool vac_day_in_horizon(long day, long today);

/* vac_range_take() - from .. to of a request (NULL from: today; NULL to:
 * from + default_days - 1) checked: bad dates answer 400 bad_code, to
 * before from or more than 90 days invalid_range (invalid_query when that
 * is bad_code), outside the horizon out_of_horizon. On false the answer is
 * queued. */
bool vac_range_take(struct cl_http_req *req, const char *from, const char *to,
		    long default_days, const char *bad_code, char from_out[VAC_DAY_LEN],
		    char to_out[VAC_DAY_LEN]);
/* vac_kind_take() - "short_stay" or "backup" (static), f's own kind when
 * kind is NULL; NULL after queuing 400 invalid_kind (unknown, or not what
 * f offers; f may be NULL). */
const char *vac_kind_take(struct cl_http_req *req, const char *kind,
			  const struct vac_facility *f);

/* state_event.c */
/* vac_state_event_add() - inside the caller's open transaction, build
 * VacancyChanged with the facility's whole current state (capacity, every
 * declared bed day of the horizon for both kinds, declared and available)
 * and cl_outbox_add() it on carelink.vacancy keyed by the facility id.
 * Then re-check the facility against the watches (vac_watch_evaluate()).
 * Call it after every capacity, bed or hold change. Returns 0, CL_ENOENT
 * (no such facility) or a negative CL_E* code. */
int vac_state_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			const char *tenant, const char *facility_id);

/* stale: vacancy.stale_hours (default 72) */
long vac_stale_hours(const struct vac_app *app);

/* db_capacity.c */
int vac_db_capacity_list(struct cl_pg *pg, const char *tenant, const char *district,
			 const char *care_level, const char *capability, long stale_hours,
			 json_t **out);
/* vac_db_capacity_get() - {"capacity"} object of facility f. */
int vac_db_capacity_get(struct cl_pg *pg, const char *tenant, const struct vac_facility *f,
			long stale_hours, json_t **out);
int vac_db_capacity_put(struct cl_pg *pg, const char *tenant, const char *facility_id,
			const char *levels_json, const char *capabilities_pg,
			const char *note, const struct cl_identity *who);

/* vac_db_capacity_state() - VacancyChanged's capacity: {levels,
 * capabilities, note, updated_at (ms)} or JSON null when never set. */
int vac_db_capacity_state(struct cl_pg *pg, const char *tenant, const char *facility_id,
			  json_t **out);

/* db_beds.c */
/* vac_db_beds_range() - the day objects of API.md from .. to (days never
 * declared have 0 beds). */
int vac_db_beds_range(struct cl_pg *pg, const char *facility_id, const char *kind,
		      const char *from, const char *to, json_t **out);
/* vac_db_beds_updated() - set "updated_at", "updated_by", "stale" of the
 * facility's beds of kind on into. */
int vac_db_beds_updated(struct cl_pg *pg, const char *facility_id, const char *kind,
			long stale_hours, json_t *into);
/* vac_db_beds_set() - declare counts (men, women, either) and the codes
 * (JSON arrays) on every day from .. to, in day order (row locks). */
int vac_db_beds_set(struct cl_pg *pg, const char *tenant, const char *facility_id,
		    const char *kind, const char *from, const char *to, const int counts[3],
		    const char *care_levels_json, const char *conditions_json,
		    const struct cl_identity *who);
/* vac_db_beds_lacking() - 1 and the first day from .. to whose active holds
 * take more beds than declared, 0 when none, or a cl_pg_exec() code. */
int vac_db_beds_lacking(struct cl_pg *pg, const char *facility_id, const char *kind,
			const char *from, const char *to, char day[VAC_DAY_LEN]);
/* vac_db_beds_state() - VacancyChanged's beds (every declared day of the
 * horizon from `from`, both kinds) and beds_updated_at (ms or null). */
int vac_db_beds_state(struct cl_pg *pg, const char *facility_id, const char *from,
		      json_t **beds, json_t **updated_ms);
/* vac_db_history_add() - one row of vacancy_history. */
int vac_db_history_add(struct cl_pg *pg, const char *tenant, const char *facility_id,
		       const char *kind, const char *from, const char *to,
		       const char *values_json, const struct cl_identity *who);

/* request helpers (access.c) */
/* vac_facility_for() - load path facility params[0] for who: answers 404
 * (absent, or who may not read) and returns NULL-like false; with
 * for_update, 403 when who is not its staff. On false the answer is
 * queued in req->result. */
bool vac_facility_for(struct cl_http_req *req, bool for_update, struct vac_facility *f);
/* vac_code_list_ok() - a JSON array of at most max codes [a-z][a-z0-9_]{0,39}. */
bool vac_code_list_ok(const json_t *a, size_t max);
/* vac_care_level_ok() - one of support_1, support_2, care_1 .. care_5. */
bool vac_care_level_ok(const char *s);

/* a bed search (API.md "Search"); strings borrowed, NULL when not given */
struct vac_search {
	const char *tenant;
	const char *kind;            /* short_stay, backup */
	const char *from, *to;       /* YYYY-MM-DD */
	const char *room;            /* men, women, any */
	const char *care_level;
	const char *conditions_json; /* JSON array of codes */
	const char *district;
};

/* db_search.c */
/* vac_kind_directory_kinds() - the directory kinds offering a bed kind, as
 * a PostgreSQL array literal. */
const char *vac_kind_directory_kinds(const char *kind);
/* vac_db_board() - the board's facilities (14 days from `from`). */
int vac_db_board(struct cl_pg *pg, const char *tenant, const char *kind, const char *district,
		 const char *from, long stale_hours, json_t **out);
/* vac_db_search_beds() - the facilities that match q on every night, with
 * nights, min_available, updated_at and stale; no distance, no limit. */
int vac_db_search_beds(struct cl_pg *pg, const struct vac_search *q, long stale_hours,
		       json_t **out);

/* search_distance.c */
/* vac_distance_km() - great-circle distance (haversine, mean Earth radius). */
double vac_distance_km(double lat1, double lng1, double lat2, double lng2);
/* vac_near_parse() - "<lat>,<lng>" within -90..90, -180..180: 0 or -1. */
int vac_near_parse(const char *s, double *lat, double *lng);

/* search_rank.c */
/* vac_search_rank() - set distance_km (from near when has_near, else null)
 * and fit on each result, drop those beyond radius_km (when >= 0; results
 * without coordinates too), sort by fit descending, distance ascending
 * (none last), name, and keep at most limit. */
void vac_search_rank(json_t *results, bool has_near, double lat, double lng,
		     double radius_km, size_t limit);

enum MHD_Result vac_board_get(struct cl_http_req *req);
enum MHD_Result vac_search_beds(struct cl_http_req *req);

/* capacity_*.c */
enum MHD_Result vac_capacity_list(struct cl_http_req *req);
enum MHD_Result vac_capacity_get(struct cl_http_req *req);
enum MHD_Result vac_capacity_put(struct cl_http_req *req);

/* beds_*.c */
enum MHD_Result vac_beds_get(struct cl_http_req *req);
/* vac_beds_answer() - the GET beds answer for f, kind, from .. to; NULL
 * with *rc set on failure (beds_get.c). */
json_t *vac_beds_answer(struct vac_app *app, struct cl_pg *pg, const struct vac_facility *f,
			const char *kind, const char *from, const char *to, int *rc);
enum MHD_Result vac_beds_put(struct cl_http_req *req);

/* seed_demo.c: carelink-vacancy --seed-demo (tools/demo/vacancy.json) */
int vac_seed_demo(struct vac_app *app);
/* db_seed.c: whether the facility has data of kind (beds of a bed kind, or
 * "capacity"); date its data of kind back by hours. */
int vac_db_seed_has_data(struct cl_pg *pg, const char *facility_id, const char *kind, bool *has);
int vac_db_seed_backdate(struct cl_pg *pg, const char *facility_id, const char *kind,
			 long long hours);

#endif

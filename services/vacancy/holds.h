/* holds.h - holds (tentative reservations of beds) inside carelink-vacancy
 * (included by vacancy.h; see API.md "Holds") */
#ifndef CARELINK_VACANCY_HOLDS_H
#define CARELINK_VACANCY_HOLDS_H

#include <jansson.h>
#include <stdbool.h>

struct vac_app;
struct cl_pg;
struct cl_http_req;

#define VAC_EVENT_HOLD_PLACED "carelink.vacancy.HoldPlaced"
#define VAC_EVENT_HOLD_CONFIRMED "carelink.vacancy.HoldConfirmed"
#define VAC_EVENT_HOLD_RELEASED "carelink.vacancy.HoldReleased"
#define VAC_HOLD_MINUTES 30      /* vacancy.hold_minutes */
#define VAC_EXPIRY_INTERVAL_S 10 /* vacancy.expiry_interval_s */
#define VAC_HOLD_BEDS_MAX 10
#define VAC_LABEL_MAX 40         /* characters of client_label */

/* The routes of holds (hold_routes.c), joined by main.c. */
extern const struct cl_http_route vac_routes_holds[];

/* vac_expiry_start() - the thread that marks holds past their expiry and
 * emits HoldReleased (reason EXPIRED); app->expiry is set. Returns 0 or a
 * negative CL_E* code (hold_expiry.c). */
int vac_expiry_start(struct vac_app *app);
/* vac_expiry_stop() - stop that thread at once and free app->expiry. */
void vac_expiry_stop(struct vac_app *app);

/* A hold request as POST /v1/holds gives it; every string borrowed from
 * the request body. */
struct vac_hold_input {
	const char *facility_id, *kind, *room, *from, *to, *client_label, *note;
	long beds;
};

/* vac_hold_input_check() - everything of in but the facility: kind, room,
 * beds (the body's value, NULL when absent: 1) into *beds_out, client_label
 * (1..40 characters), note (up to 1000), from <= to, both within the
 * horizon of today (a day number). NULL when valid, else the refusal code
 * (static) with *message its text (hold_input.c). */
const char *vac_hold_input_check(const struct vac_hold_input *in, const json_t *beds, long today,
				 long *beds_out, const char **message);

/* A refusal decided inside a transaction, answered after it rolled back
 * (hold_refusal.c). */
struct vac_hold_refusal {
	unsigned status;      /* 0: none */
	const char *code;     /* static */
	char message[160];
};
/* vac_hold_refuse() - fill r; returns CL_ECONFLICT to end the transaction. */
int vac_hold_refuse(struct vac_hold_refusal *r, unsigned status, const char *code,
		    const char *message);
/* vac_hold_refusal_send() - answer r when set, 404 hold_not_found for
 * CL_ENOENT, else the usual mapping of rc. */
enum MHD_Result vac_hold_refusal_send(struct cl_http_req *req, const struct vac_hold_refusal *r,
				      int rc);

/* vac_hold_event_add() - add the hold event full_name (HoldPlaced,
 * HoldConfirmed, HoldReleased) for hold (the JSON of db_hold.c, borrowed)
 * with the fields of extra (borrowed, may be NULL) to the outbox, in the
 * open transaction (hold_event.c). */
int vac_hold_event_add(struct cl_pg *pg, struct vac_app *app, const char *full_name,
		       const json_t *hold, const json_t *extra);
/* vac_hold_emit() - vac_hold_event_add() and the facility's VacancyChanged
 * (none when the facility has left the directory). */
int vac_hold_emit(struct cl_pg *pg, struct vac_app *app, const char *full_name,
		  const json_t *hold, const json_t *extra);
/* vac_hold_state_add() - the facility's VacancyChanged alone (the same). */
int vac_hold_state_add(struct cl_pg *pg, struct vac_app *app, const char *tenant,
		       const char *facility_id);

/* vac_hold_public() - the API's hold object from the JSON of db_hold.c
 * (drops the internal fields); new reference (hold_event.c). */
json_t *vac_hold_public(const json_t *hold);

/* db_hold.c - one function per statement. Hold JSON objects are new
 * references the caller frees; they hold the API fields plus
 * "tenant_id", "owner_organisation_id", "facility_id" and "expires_ms". */

/* vac_db_hold_nights_lock() - lock the facility's bed rows of kind from
 * from to to, in day order (SELECT ... FOR UPDATE); *n their count. */
int vac_db_hold_nights_lock(struct cl_pg *pg, const char *tenant, const char *facility_id,
			    const char *kind, const char *from, const char *to, long *n);
/* vac_db_hold_short_night() - the first night from..to on which fewer than
 * beds are available for room by vac_day_available() (a men's hold may use
 * men's and either beds, a women's hold women's and either beds, an
 * 'either' hold any), into day (VAC_DAY_LEN bytes), "" when every night
 * has them. */
int vac_db_hold_short_night(struct cl_pg *pg, const struct vac_hold_input *in,
			    char *day);
/* vac_db_hold_insert() - insert a held hold expiring in minutes; *out its JSON. */
int vac_db_hold_insert(struct cl_pg *pg, const struct cl_identity *who,
		       const struct vac_hold_input *in, long minutes, json_t **out);
/* vac_db_hold_get() - the hold's JSON in the tenant (lock: FOR UPDATE), or
 * CL_ENOENT. */
int vac_db_hold_get(struct cl_pg *pg, const char *tenant, const char *id, bool lock,
		    json_t **out);
/* vac_db_hold_list() - holds of the tenant, newest first, filtered by the
 * holder (holder_id, may be NULL), facility (may be NULL) and effective
 * status (may be NULL); new reference, a JSON array. */
int vac_db_hold_list(struct cl_pg *pg, const char *tenant, const char *holder_id,
		     const char *facility_id, const char *status, json_t **out);
/* vac_db_hold_confirm() - a held hold becomes confirmed; *out its JSON. */
int vac_db_hold_confirm(struct cl_pg *pg, const char *tenant, const char *id, json_t **out);
/* vac_db_hold_release() - a held or confirmed hold becomes released
 * (status "released") or expired ("expired"); *out its JSON. */
int vac_db_hold_end(struct cl_pg *pg, const char *tenant, const char *id, const char *status,
		    json_t **out);
/* vac_db_holds_expired_claim() - lock up to limit held holds past their
 * expiry that no other transaction holds (FOR UPDATE SKIP LOCKED), in
 * facility order; *out a JSON array of them (empty when none). */
int vac_db_holds_expired_claim(struct cl_pg *pg, long limit, json_t **out);

/* Who one is to a hold (hold_access.c). */
struct vac_hold_role {
	bool holder;  /* placed it */
	bool staff;   /* of its facility's owning organisation */
};
/* vac_hold_role_of() - who's role to hold (JSON of db_hold.c); a person
 * who is neither, or may not read vacancies, sees no such hold. */
struct vac_hold_role vac_hold_role_of(const struct vac_app *app, const struct cl_identity *who,
				      const json_t *hold);

/* one file per endpoint */
enum MHD_Result vac_hold_place(struct cl_http_req *req);
enum MHD_Result vac_hold_list(struct cl_http_req *req);
enum MHD_Result vac_hold_show(struct cl_http_req *req);
enum MHD_Result vac_hold_confirm(struct cl_http_req *req);
enum MHD_Result vac_hold_release(struct cl_http_req *req);

#endif

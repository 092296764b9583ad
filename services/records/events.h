/* events.h - the event calendar: registrations, iCalendar and reminders
 * inside carelink-records (included by records.h; see APPS.md) */
#ifndef REC_EVENTS_H
#define REC_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rec_app;
struct cl_pg;
struct cl_identity;

/* Schema of the reminder event (topic REC_TOPIC_DIRECTORY, key: record id). */
#define REC_EVENT_REMINDER_DUE "carelink.directory.EventReminderDue"

/* Defaults of records.reminder_interval_s and records.reminder_lead_hours. */
#define REC_REMINDER_INTERVAL_S 15
#define REC_REMINDER_LEAD_HOURS 24
/* The feed holds events that start at most this many days ago. */
#define REC_ICAL_PAST_DAYS 90

/* rec_event_registration_json() - the "registration" object of an event
 * record for who ({"count","capacity","full","registered","open"}), or NULL
 * when record_id is not an event; new reference (event_registration.c). */
json_t *rec_event_registration_json(struct cl_pg *pg, const struct cl_identity *who,
				    const char *record_id);

/* rec_event_watchers() - the user ids registered for event record_id of
 * tenant (a new JSON array of strings), or NULL when none, for the
 * watchers of AppRecordUpdated/Deleted (event_registration.c). */
json_t *rec_event_watchers(struct cl_pg *pg, const char *tenant, const char *record_id);

/* rec_reminders_start() - the thread that emits EventReminderDue;
 * app->reminders is set. Returns 0 or a negative CL_E* code
 * (event_reminder.c). */
int rec_reminders_start(struct rec_app *app);
/* rec_reminders_stop() - stop that thread and free app->reminders. */
void rec_reminders_stop(struct rec_app *app);

/* ---- registrations (event_registration.c) ---- */

/* An event (a live record of the tenant's events app) locked for a change
 * of its registrations. */
struct rec_event {
	char *owner_org;     /* owned */
	bool started;        /* starts_at is not in the future */
	bool has_capacity;
	double capacity;
};
/* rec_event_release() - free what ev holds and zero it. */
void rec_event_release(struct rec_event *ev);

/* rec_event_find() - inside the open transaction: the events app as who
 * may see it into *app (release it) and event record_id locked into *ev.
 * CL_ENOENT when who may not read the app or record_id is not one of its
 * live records. */
int rec_event_find(struct cl_pg *pg, const struct cl_identity *who, const char *record_id,
		   struct rec_app_def *app, struct rec_event *ev);

/* ---- SQL of the event calendar (db_event.c) ----
 * Each returns 0 or a cl_pg_exec() code; CL_ENOENT where a row must exist. */

/* rec_db_event_lock() - live record record_id of events app app_id of
 * tenant, locked FOR UPDATE (registrations of it wait), into *ev. */
int rec_db_event_lock(struct cl_pg *pg, const char *tenant, const char *app_id,
		      const char *record_id, struct rec_event *ev);
/* rec_db_event_registration_count() - people registered for record_id. */
int rec_db_event_registration_count(struct cl_pg *pg, const char *record_id, long *count);
/* rec_db_event_registration_insert() - register who; *inserted false when
 * they already were. */
int rec_db_event_registration_insert(struct cl_pg *pg, const struct cl_identity *who,
				     const char *record_id, bool *inserted);
/* rec_db_event_registration_delete() - cancel user's registration (none
 * is fine). */
int rec_db_event_registration_delete(struct cl_pg *pg, const char *record_id,
				     const char *user_id);
/* rec_db_event_registration_state() - {"count","capacity","full",
 * "registered","open"} of record_id for user (new reference in *out), or
 * *out NULL when record_id is not a record of tenant's events app. */
int rec_db_event_registration_state(struct cl_pg *pg, const char *tenant, const char *record_id,
				    const char *user_id, json_t **out);
/* rec_db_event_record_taken() - whether any app record (live or deleted)
 * has id (the demo seed's fixed ids). */
int rec_db_event_record_taken(struct cl_pg *pg, const char *id, bool *taken);
/* rec_db_event_watchers() - user ids registered for record_id of tenant,
 * a new JSON array of strings (maybe empty). */
int rec_db_event_watchers(struct cl_pg *pg, const char *tenant, const char *record_id,
			  json_t **out);
/* rec_db_event_registrations() - {"people":[{"id","name","organisation":
 * {"id","name"},"registered_at"}]} of record_id, in the order they
 * registered (new reference). */
int rec_db_event_registrations(struct cl_pg *pg, const char *tenant, const char *record_id,
			       json_t **out);
/* Columns of rec_db_event_calendar(). */
enum rec_event_col {
	REC_EV_ID, REC_EV_TITLE, REC_EV_KIND, REC_EV_PLACE, REC_EV_DESCRIPTION,
	REC_EV_STARTS_MS, REC_EV_ENDS_MS, REC_EV_ORGANISER_ID, REC_EV_ORGANISER_NAME,
	REC_EV_UPDATED_MS, REC_EV_REVISION,
};
/* rec_db_event_calendar() - the live events of app_id (tenant) that start
 * at most REC_ICAL_PAST_DAYS ago, by start; only user's registrations when
 * user is not NULL. *res is PQclear()ed by the caller. */
int rec_db_event_calendar(struct cl_pg *pg, const char *tenant, const char *app_id,
			  const char *user, PGresult **res);
/* rec_db_event_reminders_due() - ids (new JSON array) of events of every
 * tenant that start within lead_hours, have not started, have people
 * registered and were not reminded for their current start. */
int rec_db_event_reminders_due(struct cl_pg *pg, long lead_hours, json_t **ids);
/* rec_db_event_reminder_claim() - lock event record_id when it is still
 * due (see above) and no other transaction holds it (SKIP LOCKED); *out
 * the EventReminderDue fields taken from it ({"tenant_id","record_id",
 * "app_id","title","starts_at" (ms),"place","users","readers"}, new
 * reference), or NULL when not (or no longer) due. */
int rec_db_event_reminder_claim(struct cl_pg *pg, const char *record_id, long lead_hours,
				json_t **out);
/* rec_db_event_reminder_mark() - record that record_id of tenant was
 * reminded for its current start; *marked false when it already was (by
 * another replica): the caller must not emit then. */
int rec_db_event_reminder_mark(struct cl_pg *pg, const char *tenant, const char *record_id,
			       bool *marked);

/* ---- HTTP handlers (one file each) ---- */

/* POST /v1/events/:id/registration (event_register.c) */
enum MHD_Result rec_event_register(struct cl_http_req *req);
/* DELETE /v1/events/:id/registration (event_unregister.c) */
enum MHD_Result rec_event_unregister(struct cl_http_req *req);
/* GET /v1/events/:id/registrations (event_registrations.c) */
enum MHD_Result rec_event_registrations(struct cl_http_req *req);
/* GET /v1/calendar.ics (event_calendar.c) */
enum MHD_Result rec_event_calendar(struct cl_http_req *req);

/* ---- the iCalendar writer (RFC 5545; ical_line.c, ical_calendar.c) ----
 *
 * Pure: no database, no clock. Lines end in CRLF and are folded at 75
 * octets (a continuation line starts with one space, which counts) without
 * splitting a UTF-8 character. */

struct rec_ical {
	char *data;  /* owned, NUL-terminated; NULL until the first write */
	size_t len, cap;
};

/* rec_ical_init() - an empty output; allocates nothing. */
void rec_ical_init(struct rec_ical *ic);
/* rec_ical_release() - free the output; ic is empty afterwards. */
void rec_ical_release(struct rec_ical *ic);
/* rec_ical_line() - append "<name>:<value>" (both copied as they are;
 * value may be NULL for "") folded, with CRLF. name may carry parameters
 * ("DTSTART;TZID=Asia/Tokyo"). */
void rec_ical_line(struct rec_ical *ic, const char *name, const char *value);
/* rec_ical_text() - the same with value escaped as TEXT (see below). */
void rec_ical_text(struct rec_ical *ic, const char *name, const char *value);
/* rec_ical_escape() - value as an RFC 5545 TEXT: "\" ";" "," escaped with
 * a backslash, a line break (CRLF, CR or LF) as "\n", other control
 * characters but tab dropped. Returns a malloc'd string the caller frees. */
char *rec_ical_escape(const char *value);
/* rec_ical_param() - value as a quoted parameter value ("..."): DQUOTE
 * and control characters dropped. malloc'd, caller frees. */
char *rec_ical_param(const char *value);
/* rec_ical_local() - ms (UTC) as Asia/Tokyo local time "YYYYMMDDTHHMMSS"
 * (no daylight saving, +0900 since 1951). Returns out. */
char *rec_ical_local(int64_t ms, char out[20]);
/* rec_ical_utc() - ms as "YYYYMMDDTHHMMSSZ". Returns out. */
char *rec_ical_utc(int64_t ms, char out[20]);

/* One VEVENT; every string borrowed, NULL or "" for none. */
struct rec_ical_event {
	const char *id;            /* record id: UID "<id>@carelink" */
	int64_t starts_ms;         /* UTC */
	int64_t ends_ms;           /* 0: none (starts + 1 hour) */
	int64_t stamp_ms;          /* DTSTAMP */
	int64_t modified_ms;       /* LAST-MODIFIED */
	long sequence;             /* number of changes */
	const char *title, *place, *description, *kind;
	const char *organiser_id, *organiser_name;
};

/* rec_ical_begin() - BEGIN:VCALENDAR, its properties (X-WR-CALNAME name)
 * and the VTIMEZONE of Asia/Tokyo. */
void rec_ical_begin(struct rec_ical *ic, const char *name);
/* rec_ical_event() - one VEVENT of ev. */
void rec_ical_event(struct rec_ical *ic, const struct rec_ical_event *ev);
/* rec_ical_end() - END:VCALENDAR. */
void rec_ical_end(struct rec_ical *ic);

#endif

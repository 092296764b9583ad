/* apps.h - apps (shared small databases): definitions, field validation,
 * records, history, comments and the facility directory inside
 * carelink-records (included by records.h; see APPS.md) */
#ifndef REC_APPS_H
#define REC_APPS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "carelink/http.h"
#include "carelink/identity.h"
#include "carelink/pg.h"
#include "carelink/util.h"

/* Topic and schemas of the directory events (key: record id). */
#define REC_TOPIC_DIRECTORY "carelink.directory"
#define REC_EVENT_APP_RECORD_CREATED "carelink.directory.AppRecordCreated"
#define REC_EVENT_APP_RECORD_UPDATED "carelink.directory.AppRecordUpdated"
#define REC_EVENT_APP_RECORD_DELETED "carelink.directory.AppRecordDeleted"

/* Keys of the built-in apps. */
#define REC_APP_FACILITIES "facilities"
#define REC_APP_EVENTS "events"

/* Limits of APPS.md (code points after trimming). */
#define REC_APP_FIELDS_MAX 50
#define REC_APP_KEY_MAX 40
#define REC_APP_LABEL_MAX 100
#define REC_APP_NAME_MAX 100
#define REC_APP_DESCRIPTION_MAX 2000
#define REC_APP_CHOICES_MAX 200
#define REC_APP_CHOICE_MAX 100
#define REC_APP_TEXT_MAX 1000
#define REC_APP_LONG_TEXT_MAX 10000
#define REC_APP_LINK_MAX 2000
#define REC_APP_COMMENT_MAX 2000

struct rec_app;

struct rec_app_def {               /* an app as loaded for a caller */
	char id[CL_UUID_LEN + 1];
	char *key, *name;               /* owned */
	bool builtin;
	json_t *fields, *read, *write;  /* owned: as in APPS.md */
	bool can_write;                 /* may create records */
	bool can_admin;                 /* tenant admin */
};
/* rec_app_def_release() - free what a holds and zero it. */
void rec_app_def_release(struct rec_app_def *a);

/* ---- the definitions of apps (app_fields.c; pure) ---- */

/* rec_app_key_valid() - true when s matches [a-z][a-z0-9_]{0,39}. */
bool rec_app_key_valid(const char *s);
/* rec_app_fields_check() - check a "fields" list of a POST or PATCH of an
 * app (at most 50 fields, keys valid and unique, labels 1..100, known
 * types, choices 1..200 distinct strings of 1..100 for choice and
 * multi_choice (refused on other types), min <= max for number (refused on
 * other types)). old (may be NULL) is the app's current list: fields of it
 * marked builtin keep that mark. Returns the normalised list (new
 * reference: {"key","label","type","required","choices"?,"min"?,"max"?,
 * "builtin"}) or NULL with a Japanese message naming the field in msg. */
json_t *rec_app_fields_check(const json_t *fields, const json_t *old, char *msg, size_t size);
/* rec_app_rule_check() - a read ({professions, organisations}) or, with
 * is_write, write ({professions, organisations, owner_organisation}) rule
 * (may be NULL: the default); the normalised rule (new reference) or NULL
 * with a message in msg. */
json_t *rec_app_rule_check(const json_t *rule, bool is_write, char *msg, size_t size);
/* rec_app_field_find() - the field of fields with key, borrowed; NULL. */
const json_t *rec_app_field_find(const json_t *fields, const char *key);
/* rec_app_calendar_field() - key of the first date/datetime field; NULL. */
const char *rec_app_calendar_field(const json_t *fields);
/* rec_app_title() - the first text field's value of values ("" if none);
 * borrowed. */
const char *rec_app_title(const json_t *fields, const json_t *values);

/* ---- values of records (app_values.c) ---- */

/* rec_app_value_check() - pure check of one value of field (not NULL, not
 * JSON null): NULL and *out = the value to store (new reference), or the
 * Japanese reason of the refusal (static) and *out NULL. user,
 * organisation and facility values are only checked for form here. */
const char *rec_app_value_check(const json_t *field, const json_t *value, json_t **out);
/* rec_app_values_shape() - pure part of rec_app_values_check(): unknown
 * keys, required fields (not partial: missing or null; partial: null), each
 * value by rec_app_value_check(). Appends {"field","reason"} to errors;
 * returns the normalised values (new reference; nulls dropped unless
 * partial, where they stay to mean "clear"). */
json_t *rec_app_values_shape(const json_t *fields, const json_t *values, bool partial,
			     json_t *errors);
/* rec_app_values_rules() - pure rules across fields of the complete values
 * of a record (ends_at not before starts_at when both are built-in
 * datetime fields); appends to errors. */
void rec_app_values_rules(const json_t *fields, const json_t *values, json_t *errors);
/* check values against fields (partial: only the keys given, for PATCH);
 * appends {"field","reason"} objects to errors (a JSON array; reason in
 * Japanese); *normalised = the values to store (new reference) when no
 * error. Looks up user/organisation/facility ids in the tenant. Returns 0
 * or a pg error. */
int rec_app_values_check(struct cl_pg *pg, const char *tenant, const json_t *fields,
			 const json_t *values, bool partial, json_t *errors,
			 json_t **normalised);
/* rec_app_search_text() - the text q= searches: text, long text, phone,
 * link, choice and multi-choice values joined by newlines; caller frees. */
char *rec_app_search_text(const json_t *fields, const json_t *values);

/* ---- who may do what (app_access.c) ---- */

/* rec_app_can_read() - pure: may who read an app with read rule rule. */
bool rec_app_can_read(const json_t *read, const struct cl_identity *who);
/* may who write a record owned by owner_org in app (NULL owner_org:
 * create) */
bool rec_app_can_write(const struct rec_app_def *app, const struct cl_identity *who,
		       const char *owner_org);

/* ---- SQL of apps (db_app.c) ---- */

/* an app readable by who, by id or key; CL_ENOENT otherwise (ensures the
 * built-ins of who's tenant exist) */
int rec_db_app_find(struct cl_pg *pg, const struct cl_identity *who, const char *id_or_key,
		    struct rec_app_def *out);
/* rec_db_app_json() - the API JSON of app id for who (new reference in
 * *out); CL_ENOENT when not readable. */
int rec_db_app_json(struct cl_pg *pg, const struct cl_identity *who, const char *app_id,
		    json_t **out);
/* rec_db_app_list() - {"apps":[...]} readable by who (new reference). */
int rec_db_app_list(struct cl_pg *pg, const struct cl_identity *who, json_t **out);
/* rec_db_app_insert() - a new app; CL_ECONFLICT when the key is taken. */
int rec_db_app_insert(struct cl_pg *pg, const char *tenant, const char *id, const char *key,
		      const char *name, const char *description, bool builtin,
		      const json_t *fields, const json_t *read, const json_t *write);
/* rec_db_app_update() - set the given (non-NULL) parts of app id. */
int rec_db_app_update(struct cl_pg *pg, const char *tenant, const char *id, const char *name,
		      const char *description, const json_t *fields, const json_t *read,
		      const json_t *write);
/* rec_db_app_lock() - lock app id's row in the open transaction. */
int rec_db_app_lock(struct cl_pg *pg, const char *tenant, const char *id);
/* rec_db_app_readers_share() - the app's read rule as it is now (*read, a
 * new reference), with a share lock on the app until the transaction ends,
 * so that a record event never carries readers older than a change of the
 * rule committed before it. CL_ENOENT when there is no such app. */
int rec_db_app_readers_share(struct cl_pg *pg, const char *tenant, const char *id,
			     json_t **read);
/* rec_db_app_field_usage() - counts over the live records of app id of
 * field key: *with_value records holding a value; when choice is given,
 * *with_choice records using it; *missing records without a value. */
int rec_db_app_field_usage(struct cl_pg *pg, const char *app_id, const char *key,
			   const char *choice, long *with_value, long *with_choice,
			   long *missing);

/* rec_app_event_add() - add the AppChanged event of app (its API JSON as
 * rec_db_app_json() answers it: id, key, name and read are used; borrowed)
 * to the outbox of the open transaction, on carelink.directory with key
 * the app id; change is "CREATED" or "UPDATED", the actor is who. Returns
 * 0, CL_EFATAL (app does not fit the schema) or a cl_pg_exec() code
 * (app_event.c). */
int rec_app_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		      const struct cl_identity *who, const json_t *app, const char *change);

/* ---- built-in apps (app_builtin.c) ---- */

/* rec_app_builtin_ensure() - create the built-in apps of tenant when
 * missing (idempotent, safe under concurrency). */
int rec_app_builtin_ensure(struct cl_pg *pg, const char *tenant);
/* rec_app_builtin_fields() - the field list of built-in app key
 * ("facilities" or "events"), new reference; NULL for another key. */
json_t *rec_app_builtin_fields(const char *key);

/* ---- records (app_record_*.c, db_app_record.c) ---- */

/* Who writes app records and how, for the functions below: the service's
 * schemas (for the directory events), the person, the app, and whether the
 * write is quiet (a bulk write: imports, the demo seed). All borrowed. */
struct rec_app_writer {
	const struct cl_avro_registry *schemas;
	const struct cl_identity *who;
	const struct rec_app_def *app;
	bool quiet;
};
/* Inside the caller's transaction, with values already checked: each
 * writes the row, its history row and its AppRecordCreated / Updated /
 * Deleted event (outbox, key the record id). */
/* rec_app_write_create() - a new record with id (NULL: a new random one),
 * owned by owner_org (NULL: the writer's organisation); id_out gets its id. */
int rec_app_write_create(struct cl_pg *pg, const struct rec_app_writer *w, const char *id,
			  const json_t *values, const char *owner_org,
			  char id_out[CL_UUID_LEN + 1]);
/* rec_app_write_update() - change record_id: values holds only the keys
 * that change (JSON null clears); owner_org NULL leaves the owner. */
int rec_app_write_update(struct cl_pg *pg, const struct rec_app_writer *w,
			  const char *record_id, const json_t *values, const char *owner_org);
/* rec_app_write_delete() - soft-delete record_id. CL_ENOENT when already
 * gone. */
int rec_app_write_delete(struct cl_pg *pg, const struct rec_app_writer *w,
			  const char *record_id);
/* the API JSON of a record for who (see APPS.md "record"), new reference;
 * NULL when not found/readable */
json_t *rec_app_record_json(struct cl_pg *pg, const struct cl_identity *who,
			    const char *record_id);

/* The list query of GET /v1/apps/:id/records (and of the CSV export). */
struct rec_app_query {
	char *q;          /* owned; NULL: none */
	json_t *filters;  /* owned: [{"key","op":"eq"|"from"|"to","kind","v"}] */
	char *sort_key;   /* owned; NULL: updated_at */
	const char *sort_kind; /* "num", "text", "created", "updated" */
	bool descending;
	long limit;       /* 1..200 */
	long offset;      /* from the cursor */
};
void rec_app_query_release(struct rec_app_query *q);
/* rec_app_query_parse() - read q, sort, limit, cursor, f.*, from.*, to.*
 * of req against app's fields; false after queuing 400 invalid_query. */
bool rec_app_query_parse(struct cl_http_req *req, const struct rec_app_def *app,
			 struct rec_app_query *q);
/* rec_db_app_record_ids() - the ids of the live records of app matching
 * query (one page), and the total; *ids a new JSON array of strings. */
int rec_db_app_record_ids(struct cl_pg *pg, const char *tenant, const char *app_id,
			  const struct rec_app_query *query, json_t **ids, long *total);
/* rec_app_record_json_for() - like rec_app_record_json() with the app
 * already loaded (no second access check). */
json_t *rec_app_record_json_for(struct cl_pg *pg, const struct cl_identity *who,
				const struct rec_app_def *app, const char *record_id);
/* rec_db_app_record_app() - app id and owner organisation of live record
 * id of tenant; CL_ENOENT. */
int rec_db_app_record_app(struct cl_pg *pg, const char *tenant, const char *record_id,
			  char app_id[CL_UUID_LEN + 1], char **owner_org);
/* rec_db_app_record_values() - values (new reference), owner and the
 * number of changes of live record id, locked FOR UPDATE. */
/* rec_db_app_record_get_json() - the JSON of live record id of tenant
 * (without can_write and registration) and its owner organisation (caller
 * frees both); CL_ENOENT. */
int rec_db_app_record_get_json(struct cl_pg *pg, const char *tenant, const char *record_id,
			       json_t **out, char **owner_org);
int rec_db_app_record_lock(struct cl_pg *pg, const char *tenant, const char *record_id,
			   json_t **values, char **owner_org);
int rec_db_app_record_insert(struct cl_pg *pg, const char *tenant, const char *app_id,
			     const char *id, const json_t *values, const char *search,
			     const char *owner_org, const char *by_id, const char *by_name);
int rec_db_app_record_update(struct cl_pg *pg, const char *tenant, const char *id,
			     const json_t *values, const char *search, const char *owner_org,
			     const char *by_id, const char *by_name);
int rec_db_app_record_mark_deleted(struct cl_pg *pg, const char *tenant, const char *id,
				   const char *by_id, const char *by_name);
int rec_db_app_change_insert(struct cl_pg *pg, const char *tenant, const char *record_id,
			     const char *action, const json_t *fields, const char *by_id,
			     const char *by_name);
int rec_db_app_changes(struct cl_pg *pg, const char *tenant, const char *record_id,
		       json_t **out);
int rec_db_app_comment_insert(struct cl_pg *pg, const struct cl_identity *who,
			      const char *record_id, const char *id, const char *body);
int rec_db_app_comments(struct cl_pg *pg, const char *tenant, const char *record_id,
			const char *comment_id, json_t **out);
/* rec_db_app_ids_unknown() - of ids (JSON array text) those that are not a
 * user ("user"), organisation ("organisation") or live facility record
 * ("facility") of tenant; new JSON array in *out. */
int rec_db_app_ids_unknown(struct cl_pg *pg, const char *tenant, const char *type,
			   const char *ids, json_t **out);

/* The body of POST / PATCH /v1/apps, checked; NULL: not given. */
struct rec_app_input {
	char *key, *name, *description; /* owned, trimmed */
	json_t *fields, *read, *write;  /* owned, normalised */
};
/* rec_app_input_read() - req's body into *in (create: name and fields
 * required, rules defaulted); old_fields (may be NULL) keeps the builtin
 * marks. false after queuing the 400 answer; release *in either way
 * (app_input.c). */
bool rec_app_input_read(struct cl_http_req *req, bool create, const json_t *old_fields,
			struct rec_app_input *in);
void rec_app_input_release(struct rec_app_input *in);

/* The facility directory's flattened records (db_app_record.c): a page by
 * district (choice order), then name, filtered by district, kind and an
 * ILIKE pattern (each may be NULL); one; the districts with counts. */
int rec_db_facility_list(struct cl_pg *pg, const char *tenant, const char *app_id,
			 const char *district, const char *kind, const char *pattern,
			 long limit, long offset, json_t **out);
int rec_db_facility_get(struct cl_pg *pg, const char *tenant, const char *app_id,
			const char *id, json_t **out);
int rec_db_facility_districts(struct cl_pg *pg, const char *tenant, const char *app_id,
			      json_t **out);

/* rec_app_load() - the app id_or_key readable by req's caller into *app
 * (release it); false after queuing 404 app_not_found or the failure
 * (app_load.c). */
bool rec_app_load(struct cl_http_req *req, struct cl_pg *pg, const char *id_or_key,
		  struct rec_app_def *app);
/* rec_app_record_load() - the app of live record record_id readable by
 * req's caller into *app and the record's owner organisation into *owner
 * (caller frees); false after queuing 404 record_not_found or the failure. */
bool rec_app_record_load(struct cl_http_req *req, struct cl_pg *pg, const char *record_id,
			 struct rec_app_def *app, char **owner);
/* rec_app_owner_read() - check owner_organisation_id of a record body
 * (may be NULL): 403 (queued, false) when someone but a tenant admin names
 * another organisation than their own; an unknown organisation is added
 * to errors (app_record_create.c). */
bool rec_app_owner_read(struct cl_http_req *req, struct cl_pg *pg, const char *owner,
			json_t *errors);
/* rec_app_invalid_record() - answer 400 invalid_record listing errors
 * (borrowed). */
enum MHD_Result rec_app_invalid_record(struct cl_http_req *req, const json_t *errors);

/* ---- HTTP handlers (one file each) ---- */
enum MHD_Result rec_app_list(struct cl_http_req *req);         /* app_list.c */
enum MHD_Result rec_app_create(struct cl_http_req *req);       /* app_create.c */
enum MHD_Result rec_app_get(struct cl_http_req *req);          /* app_get.c */
enum MHD_Result rec_app_patch(struct cl_http_req *req);        /* app_patch.c */
enum MHD_Result rec_app_record_list(struct cl_http_req *req);  /* app_record_list.c */
enum MHD_Result rec_app_record_create(struct cl_http_req *req);/* app_record_create.c */
enum MHD_Result rec_app_record_get(struct cl_http_req *req);   /* app_record_get.c */
enum MHD_Result rec_app_record_patch(struct cl_http_req *req); /* app_record_patch.c */
enum MHD_Result rec_app_record_remove(struct cl_http_req *req);/* app_record_remove.c */
enum MHD_Result rec_app_record_history(struct cl_http_req *req); /* app_record_history.c */
enum MHD_Result rec_app_comment_list(struct cl_http_req *req); /* app_comments.c */
enum MHD_Result rec_app_comment_create(struct cl_http_req *req); /* app_comments.c */
enum MHD_Result rec_facility_list(struct cl_http_req *req);    /* facility_list.c */
enum MHD_Result rec_facility_districts(struct cl_http_req *req); /* facility_get.c */
enum MHD_Result rec_facility_get(struct cl_http_req *req);     /* facility_get.c */

#endif

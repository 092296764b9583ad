/* seed_apps.c - carelink-records --seed-demo: the demo facility directory
 * (tools/demo/facilities.json) and event calendar (tools/demo/events.json,
 * dates relative to the month the seed runs in, Asia/Tokyo) with the
 * events' registrations. Fixed ids make it idempotent: a record whose id
 * exists is skipped. Each new record is written like any other (history
 * row and AppRecordCreated), quiet: the seed is a bulk write. */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEED_ACTOR_ID "seed"
#define SEED_ACTOR_NAME "初期データ"
#define SEED_TOKYO_OFFSET_S (9 * 3600)

struct seed_apps {
	struct rec_app *app;          /* borrowed */
	const char *tenant_id;        /* borrowed from seed */
	json_t *users, *organisations; /* borrowed from seed */
	json_t *facilities, *events;  /* borrowed */
	int year, month;              /* this month in Asia/Tokyo (month 1..12) */
	size_t new_facilities, new_events, new_registrations;
};

/* the string member key of o, "" when absent */
static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

/* the member of array a whose "id" is id, NULL when none */
static const json_t *by_id(const json_t *a, const char *id)
{
	size_t i;
	const json_t *v;
	json_array_foreach(a, i, v)
		if (!strcmp(str(v, "id"), id))
			return v;
	return NULL;
}

/* the seed identity acting for organisation org of the seed */
static int seed_identity(const struct seed_apps *s, const char *org, struct cl_identity *who)
{
	const json_t *o = by_id(s->organisations, org);
	if (!o) {
		cl_log_error("demo record names an unknown organisation", "organisation", org, NULL);
		return CL_EINVAL;
	}
	memset(who, 0, sizeof *who);
	cl_strlcpy(who->user, SEED_ACTOR_ID, sizeof who->user);
	cl_strlcpy(who->name, SEED_ACTOR_NAME, sizeof who->name);
	cl_strlcpy(who->tenant, s->tenant_id, sizeof who->tenant);
	cl_strlcpy(who->organisation, org, sizeof who->organisation);
	cl_strlcpy(who->organisation_name, str(o, "name"), sizeof who->organisation_name);
	cl_strlcpy(who->roles[0], "member", sizeof who->roles[0]);
	cl_strlcpy(who->roles[1], "tenant_admin", sizeof who->roles[1]);
	who->n_roles = 2;
	return 0;
}

/* Create record id of app key with values (checked against its fields),
 * owned by org, unless the id is taken. *created tells which. */
static int record_seed(struct cl_pg *pg, struct seed_apps *s, const char *key, const char *id,
		       const json_t *values, const char *org, bool *created)
{
	struct cl_identity who;
	struct rec_app_def def;
	json_t *errors = json_array(), *clean = NULL;
	*created = false;
	memset(&def, 0, sizeof def);
	int rc = CL_EINVAL;
	if (!cl_uuid_valid(id) || seed_identity(s, org, &who) < 0) {
		cl_log_error("demo record is malformed", "id", id, NULL);
		goto out;
	}
	bool taken;
	rc = rec_db_event_record_taken(pg, id, &taken);
	if (rc < 0 || taken)
		goto out;
	rc = rec_db_app_find(pg, &who, key, &def);
	if (rc < 0)
		goto out;
	clean = rec_app_values_shape(def.fields, values, false, errors);
	if (clean)
		rec_app_values_rules(def.fields, clean, errors);
	if (!clean || json_array_size(errors)) {
		char *e = json_dumps(errors, JSON_COMPACT);
		cl_log_error("demo record is invalid", "id", id, "detail", e, NULL);
		free(e);
		rc = CL_EINVAL;
		goto out;
	}
	struct rec_app_writer w = {s->app->svc->schemas, &who, &def, true};
	char made[CL_UUID_LEN + 1];
	rc = rec_app_write_create(pg, &w, id, clean, org, made);
	*created = rc == 0;
out:
	json_decref(clean);
	json_decref(errors);
	rec_app_def_release(&def);
	return rc;
}

/* the values of a facility of the file: every member but id and owner */
static int facility_seed(struct cl_pg *pg, struct seed_apps *s, const json_t *f)
{
	json_t *values = json_deep_copy(f);
	json_object_del(values, "id");
	json_object_del(values, "owner");
	bool created;
	int rc = record_seed(pg, s, REC_APP_FACILITIES, str(f, "id"), values, str(f, "owner"),
			     &created);
	json_decref(values);
	s->new_facilities += created;
	return rc;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* "YYYY-MM-DDTHH:MM:00+09:00" of day of the month offset months after the
 * seed's month at local time hm ("HH:MM"); false when malformed */
static bool event_time(const struct seed_apps *s, long offset, long day, const char *hm,
		       char out[40])
{
	int h, m;
	char end;
	if (sscanf(hm, "%2d:%2d%c", &h, &m, &end) != 2 || h < 0 || h > 23 || m < 0 || m > 59 ||
	    offset < 0 || offset > 11 || day < 1 || day > 31)
		return false;
	int month0 = s->month - 1 + (int)offset;
	int year = s->year + month0 / 12, month = month0 % 12 + 1;
	int d = (int)day > days_in_month(year, month) ? days_in_month(year, month) : (int)day;
	snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:00+09:00", year, month, d, h, m);
	return true;
}

static int event_seed(struct cl_pg *pg, struct seed_apps *s, const json_t *e)
{
	json_int_t month, day;
	const char *start, *end = NULL, *organiser;
	json_t *registered = NULL;
	json_error_t jerr;
	char starts_at[40], ends_at[40];
	if (json_unpack_ex((json_t *)e, &jerr, 0, "{s:I, s:I, s:s, s?s, s:s, s?o}", "month",
			   &month, "day", &day, "start", &start, "end", &end, "organiser",
			   &organiser, "registered", &registered) ||
	    !event_time(s, (long)month, (long)day, start, starts_at) ||
	    (end && !event_time(s, (long)month, (long)day, end, ends_at))) {
		cl_log_error("demo event is malformed", "id", str(e, "id"), "detail", jerr.text,
			     NULL);
		return CL_EINVAL;
	}
	json_t *values = json_deep_copy(e);
	const char *drop[] = {"id", "month", "day", "start", "end", "registered"};
	for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
		json_object_del(values, drop[i]);
	json_object_set_new(values, "starts_at", json_string(starts_at));
	if (end)
		json_object_set_new(values, "ends_at", json_string(ends_at));
	bool created;
	const char *id = str(e, "id");
	int rc = record_seed(pg, s, REC_APP_EVENTS, id, values, organiser, &created);
	json_decref(values);
	if (rc < 0 || !created)
		return rc;
	s->new_events++;
	size_t i;
	json_t *u;
	json_array_foreach(registered, i, u) {
		const json_t *user = by_id(s->users, json_string_value(u) ? json_string_value(u) : "");
		const json_t *org = user ? by_id(s->organisations, str(user, "organisation")) : NULL;
		if (!org) {
			cl_log_error("demo registration names an unknown user", "id", id, NULL);
			return CL_EINVAL;
		}
		struct cl_identity who;
		memset(&who, 0, sizeof who);
		cl_strlcpy(who.tenant, s->tenant_id, sizeof who.tenant);
		cl_strlcpy(who.user, str(user, "id"), sizeof who.user);
		cl_strlcpy(who.name, str(user, "name"), sizeof who.name);
		cl_strlcpy(who.organisation, str(org, "id"), sizeof who.organisation);
		cl_strlcpy(who.organisation_name, str(org, "name"), sizeof who.organisation_name);
		bool inserted;
		rc = rec_db_event_registration_insert(pg, &who, id, &inserted);
		if (rc < 0)
			return rc;
		s->new_registrations += inserted;
	}
	return 0;
}

static int seed_body(struct cl_pg *pg, void *arg)
{
	struct seed_apps *s = arg;
	size_t i;
	json_t *v;
	s->new_facilities = s->new_events = s->new_registrations = 0;
	json_array_foreach(s->facilities, i, v) {
		int rc = facility_seed(pg, s, v);
		if (rc < 0)
			return rc;
	}
	json_array_foreach(s->events, i, v) {
		int rc = event_seed(pg, s, v);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rec_seed_demo_apps(struct rec_app *app)
{
	json_t *seed = cl_service_json_file(app->svc, "tools/demo/seed.json");
	json_t *facilities = cl_service_json_file(app->svc, "tools/demo/facilities.json");
	json_t *events = cl_service_json_file(app->svc, "tools/demo/events.json");
	int rc = CL_EINVAL;
	struct seed_apps s = {.app = app};
	if (!seed || !facilities || !events)
		goto out;
	json_error_t jerr;
	if (json_unpack_ex(seed, &jerr, 0, "{s:{s:s}, s:o, s:o}", "tenant", "id", &s.tenant_id,
			   "users", &s.users, "organisations", &s.organisations) ||
	    json_unpack_ex(facilities, &jerr, 0, "{s:o}", "facilities", &s.facilities) ||
	    json_unpack_ex(events, &jerr, 0, "{s:o}", "events", &s.events) ||
	    !json_is_array(s.users) || !json_is_array(s.organisations) ||
	    !json_is_array(s.facilities) || !json_is_array(s.events)) {
		cl_log_error("demo apps are malformed", "detail", jerr.text, NULL);
		goto out;
	}
	time_t now = time(NULL) + SEED_TOKYO_OFFSET_S;
	struct tm tm;
	gmtime_r(&now, &tm);
	s.year = tm.tm_year + 1900;
	s.month = tm.tm_mon + 1;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, seed_body, &s);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == 0) {
		char nf[32], ne[32], nr[32];
		snprintf(nf, sizeof nf, "%zu", s.new_facilities);
		snprintf(ne, sizeof ne, "%zu", s.new_events);
		snprintf(nr, sizeof nr, "%zu", s.new_registrations);
		cl_log_info("demo apps applied", "new_facilities", nf, "new_events", ne,
			    "new_registrations", nr, NULL);
	} else {
		cl_log_error("demo apps failed", "detail", cl_strerror(rc), NULL);
	}
out:
	json_decref(seed);
	json_decref(facilities);
	json_decref(events);
	return rc;
}

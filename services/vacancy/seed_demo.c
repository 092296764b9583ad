/* seed_demo.c - carelink-vacancy --seed-demo: the demo vacancies
 * (tools/demo/vacancy.json) of the demo facilities
 * (tools/demo/facilities.json). The facility copy is written first (with
 * the oldest event time, so the directory's own events win later); then
 * beds by weekday over the horizon and capacity, each dated back by its
 * updated_hours_ago, with a history row and the facility's VacancyChanged.
 * A facility that already has data of its kind is left alone, so a restart
 * never overwrites what its staff entered. */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEED_ACTOR_ID "seed"
#define SEED_ACTOR_NAME "初期データ"

struct seed {
	struct vac_app *app;   /* borrowed */
	const char *tenant;    /* borrowed from seed.json */
	json_t *facilities;    /* borrowed */
	json_t *vacancy;       /* borrowed */
	struct cl_identity who;
	size_t seeded;
};

static const char *str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

/* the facility copy of demo facility id */
static int facility_seed(struct cl_pg *pg, struct seed *s, const char *id)
{
	size_t i;
	const json_t *v;
	json_array_foreach(s->facilities, i, v) {
		if (strcmp(str(v, "id"), id))
			continue;
		struct vac_facility f = {0};
		cl_strlcpy(f.id, id, sizeof f.id);
		cl_strlcpy(f.name, str(v, "name"), sizeof f.name);
		cl_strlcpy(f.kind, str(v, "kind"), sizeof f.kind);
		cl_strlcpy(f.district, str(v, "district"), sizeof f.district);
		cl_strlcpy(f.owner_org, str(v, "owner"), sizeof f.owner_org);
		const json_t *lat = json_object_get(v, "latitude"), *lng = json_object_get(v, "longitude");
		f.has_coords = json_is_number(lat) && json_is_number(lng);
		f.latitude = json_number_value(lat);
		f.longitude = json_number_value(lng);
		return vac_db_facility_upsert(pg, s->tenant, id, &f, false, 0);
	}
	cl_log_error("demo vacancy names an unknown facility", "facility", id, NULL);
	return CL_EINVAL;
}

/* one facility's beds: each day of the horizon by its weekday */
static int beds_seed(struct cl_pg *pg, struct seed *s, const json_t *b, long today)
{
	const char *id = str(b, "facility"), *kind = str(b, "kind");
	const json_t *weekly = json_object_get(b, "weekly");
	char *levels = json_dumps(json_object_get(b, "care_levels"), JSON_COMPACT);
	char *conditions = json_dumps(json_object_get(b, "conditions"), JSON_COMPACT);
	int rc = 0;
	if (json_array_size(weekly) != 7 || !levels || !conditions) {
		cl_log_error("demo beds are malformed", "facility", id, NULL);
		rc = CL_EINVAL;
		goto out;
	}
	for (long d = today; d < today + VAC_HORIZON_DAYS && rc == 0; d++) {
		/* day 0 (1970-01-01) was a Thursday: Monday first */
		const json_t *c = json_array_get(weekly, (size_t)((d + 3) % 7));
		int counts[3];
		for (int k = 0; k < 3; k++)
			counts[k] = (int)json_integer_value(json_array_get(c, (size_t)k));
		char day[VAC_DAY_LEN];
		vac_day_format(d, day);
		rc = vac_db_beds_set(pg, s->tenant, id, kind, day, day, counts, levels, conditions,
				     &s->who);
	}
	if (rc == 0) {
		char from[VAC_DAY_LEN], to[VAC_DAY_LEN];
		vac_day_format(today, from);
		vac_day_format(today + VAC_HORIZON_DAYS - 1, to);
		char *values = json_dumps(b, JSON_COMPACT);
		rc = vac_db_history_add(pg, s->tenant, id, kind, from, to, values, &s->who);
		free(values);
	}
out:
	free(levels);
	free(conditions);
	return rc;
}

static int capacity_seed(struct cl_pg *pg, struct seed *s, const json_t *c)
{
	char *levels = json_dumps(json_object_get(c, "levels"), JSON_COMPACT);
	char *capabilities = json_dumps(json_object_get(c, "capabilities"), JSON_COMPACT);
	int rc = CL_EINVAL;
	if (levels && capabilities)
		rc = vac_db_capacity_put(pg, s->tenant, str(c, "facility"), levels, capabilities,
					 str(c, "note"), &s->who);
	if (rc == 0) {
		char *values = json_dumps(c, JSON_COMPACT);
		rc = vac_db_history_add(pg, s->tenant, str(c, "facility"), "capacity", NULL, NULL,
					values, &s->who);
		free(values);
	}
	free(levels);
	free(capabilities);
	return rc;
}

/* one entry of beds or capacity: skipped when the facility has data */
static int entry_seed(struct cl_pg *pg, struct seed *s, const json_t *e, const char *kind,
		      long today)
{
	const char *id = str(e, "facility");
	bool has = false;
	int rc = facility_seed(pg, s, id);
	if (rc == 0)
		rc = vac_db_seed_has_data(pg, id, kind, &has);
	if (rc < 0 || has)
		return rc;
	rc = strcmp(kind, "capacity") ? beds_seed(pg, s, e, today) : capacity_seed(pg, s, e);
	if (rc == 0)
		rc = vac_db_seed_backdate(pg, id, kind,
					  json_integer_value(json_object_get(e, "updated_hours_ago")));
	if (rc == 0)
		rc = vac_state_event_add(pg, s->app->svc->schemas, s->tenant, id);
	if (rc == 0)
		s->seeded++;
	return rc;
}

static int seed_body(struct cl_pg *pg, void *arg)
{
	struct seed *s = arg;
	long today = vac_day_number_today(time(NULL));
	size_t i;
	const json_t *e;
	s->seeded = 0;
	json_array_foreach(json_object_get(s->vacancy, "beds"), i, e) {
		int rc = entry_seed(pg, s, e, str(e, "kind"), today);
		if (rc < 0)
			return rc;
	}
	json_array_foreach(json_object_get(s->vacancy, "capacity"), i, e) {
		int rc = entry_seed(pg, s, e, "capacity", today);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int vac_seed_demo(struct vac_app *app)
{
	json_t *seed = cl_service_json_file(app->svc, "tools/demo/seed.json");
	json_t *facilities = cl_service_json_file(app->svc, "tools/demo/facilities.json");
	json_t *vacancy = cl_service_json_file(app->svc, "tools/demo/vacancy.json");
	struct seed s = {.app = app, .vacancy = vacancy};
	int rc = CL_EINVAL;
	json_error_t jerr;
	if (!seed || !facilities || !vacancy ||
	    json_unpack_ex(seed, &jerr, 0, "{s:{s:s}}", "tenant", "id", &s.tenant) ||
	    json_unpack_ex(facilities, &jerr, 0, "{s:o}", "facilities", &s.facilities)) {
		cl_log_error("demo vacancies cannot be read", NULL);
		goto out;
	}
	cl_strlcpy(s.who.user, SEED_ACTOR_ID, sizeof s.who.user);
	cl_strlcpy(s.who.name, SEED_ACTOR_NAME, sizeof s.who.name);
	cl_strlcpy(s.who.tenant, s.tenant, sizeof s.who.tenant);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, seed_body, &s);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == 0) {
		char n[24];
		snprintf(n, sizeof n, "%zu", s.seeded);
		cl_log_info("demo vacancies applied", "new", n, NULL);
	} else {
		cl_log_error("demo vacancies failed", "detail", cl_strerror(rc), NULL);
	}
out:
	json_decref(seed);
	json_decref(facilities);
	json_decref(vacancy);
	return rc;
}

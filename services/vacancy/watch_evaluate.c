/* watch_evaluate.c - after a change of a facility, the watches it starts
 * or stops matching; each start is a VacancyWatchMatched */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/outbox.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* whether f is within the watch's radius (true without one) */
static bool within_radius(const json_t *w, const struct vac_facility *f)
{
	const json_t *radius = json_object_get(w, "radius_km");
	if (!json_is_number(radius))
		return true;
	if (!f->has_coords)
		return false;
	double d = vac_distance_km(json_number_value(json_object_get(w, "near_lat")),
				   json_number_value(json_object_get(w, "near_lng")), f->latitude,
				   f->longitude);
	return d <= json_number_value(radius);
}

static int matched_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			     const char *tenant, const struct vac_facility *f, const char *kind,
			     const json_t *w)
{
	json_t *ev = cl_event_new(tenant);
	json_t *fields = json_pack(
		"{s:O, s:O, s:O, s:s, s:s, s:s, s:O, s:O, s:O}", "watch_id", json_object_get(w, "id"),
		"watch_name", json_object_get(w, "name"), "user_id", json_object_get(w, "user_id"),
		"facility_id", f->id, "facility_name", f->name, "kind", kind, "from",
		json_object_get(w, "from"), "to", json_object_get(w, "to"), "min_available",
		json_object_get(w, "min_available"));
	int rc = CL_EFATAL;
	if (fields) {
		json_object_update(ev, fields);
		rc = cl_outbox_add(pg, schemas, VAC_TOPIC, f->id, VAC_EVENT_WATCH_MATCHED, ev);
	}
	if (rc == CL_EINVAL || !fields) {
		cl_log_error("VacancyWatchMatched does not match its schema", "facility_id", f->id,
			     NULL);
		rc = CL_EFATAL;
	}
	json_decref(fields);
	json_decref(ev);
	return rc;
}

int vac_watch_evaluate(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		       const char *tenant, const struct vac_facility *f)
{
	const char *kind = vac_facility_offers(f);
	if (!kind || strcmp(kind, "capacity") == 0)
		return 0; /* watches are of beds */
	json_t *candidates = NULL, *keep = json_array();
	char today[VAC_DAY_LEN];
	char *keep_text = NULL;
	vac_day_today(time(NULL), today);
	int rc = vac_db_watch_facility_lock(pg, f->id);
	if (rc == 0)
		rc = vac_db_watch_candidates(pg, tenant, f->id, kind, today, &candidates);
	if (rc < 0)
		goto out;
	size_t i;
	json_t *w;
	json_array_foreach(candidates, i, w) {
		if (!json_is_true(json_object_get(w, "ok")) || !within_radius(w, f))
			continue;
		const char *id = json_string_value(json_object_get(w, "id"));
		bool inserted = false;
		json_array_append(keep, json_object_get(w, "id"));
		rc = vac_db_watch_match_set(
			pg, id, f->id, (long)json_integer_value(json_object_get(w, "min_available")),
			&inserted);
		if (rc == 0 && inserted)
			rc = matched_event_add(pg, schemas, tenant, f, kind, w);
		if (rc < 0)
			goto out;
	}
	keep_text = json_dumps(keep, JSON_COMPACT);
	rc = vac_db_watch_unmatch(pg, f->id, keep_text);
out:
	free(keep_text);
	json_decref(keep);
	json_decref(candidates);
	return rc;
}

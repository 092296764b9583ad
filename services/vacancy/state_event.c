/* state_event.c - VacancyChanged: the facility's whole current state, added
 * to the outbox inside the caller's transaction, and the watches the change
 * makes it match or stop matching */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/outbox.h>
#include <time.h>

#define SCHEMA_VACANCY_CHANGED "carelink.vacancy.VacancyChanged"

int vac_state_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			const char *tenant, const char *facility_id)
{
	struct vac_facility f;
	json_t *ev = NULL, *capacity = NULL, *beds = NULL, *beds_updated = NULL;
	int rc = vac_db_facility_get(pg, tenant, facility_id, &f);
	if (rc < 0)
		return rc;
	long today = vac_day_number_today(time(NULL));
	char from[VAC_DAY_LEN], to[VAC_DAY_LEN];
	vac_day_format(today, from);
	vac_day_format(today + VAC_HORIZON_DAYS - 1, to);
	rc = vac_db_capacity_state(pg, tenant, f.id, &capacity);
	if (rc < 0)
		goto out;
	rc = vac_db_beds_state(pg, f.id, from, &beds, &beds_updated);
	if (rc < 0)
		goto out;
	ev = cl_event_new(tenant);
	json_object_set_new(ev, "facility_id", json_string(f.id));
	json_object_set_new(ev, "facility_name", json_string(f.name));
	json_object_set_new(ev, "owner_organisation_id", json_string(f.owner_org));
	json_object_set_new(ev, "horizon_from", json_string(from));
	json_object_set_new(ev, "horizon_to", json_string(to));
	json_object_set(ev, "capacity", capacity);
	json_object_set(ev, "beds", beds);
	json_object_set(ev, "beds_updated_at", beds_updated);
	/* the watches first: their events precede the state on the key, so a
	 * compacted topic keeps the state as each key's last message */
	rc = vac_watch_evaluate(pg, schemas, tenant, &f);
	if (rc == 0)
		rc = cl_outbox_add(pg, schemas, VAC_TOPIC, f.id, SCHEMA_VACANCY_CHANGED, ev);
out:
	json_decref(ev);
	json_decref(capacity);
	json_decref(beds);
	json_decref(beds_updated);
	return rc;
}

/* directory_consume.c - carelink.directory: the copy of the facility
 * directory. AppRecordCreated / Updated / Deleted of the app "facilities"
 * upsert it (the newest event time wins, so replays are harmless); other
 * events are ignored; undecodable messages go to the dead-letter topic. */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define SCHEMA_CREATED "carelink.directory.AppRecordCreated"
#define SCHEMA_UPDATED "carelink.directory.AppRecordUpdated"
#define SCHEMA_DELETED "carelink.directory.AppRecordDeleted"

static void copy_str(const json_t *values, const char *key, char *dst, size_t size)
{
	const json_t *v = json_object_get(values, key);
	cl_strlcpy(dst, json_is_string(v) ? json_string_value(v) : "", size);
}

/* a finite number in [-lim, lim] from values[key] (number or numeric text) */
static bool coord(const json_t *values, const char *key, double lim, double *out)
{
	const json_t *v = json_object_get(values, key);
	double d;
	if (json_is_number(v))
		d = json_number_value(v);
	else if (json_is_string(v) && json_string_length(v) > 0) {
		char *end;
		d = strtod(json_string_value(v), &end);
		if (*end)
			return false;
	} else
		return false;
	if (!isfinite(d) || d < -lim || d > lim)
		return false;
	*out = d;
	return true;
}

int vac_directory_consume(const rd_kafka_message_t *msg, void *arg, char *reason,
			  size_t reason_size)
{
	struct vac_app *app = arg;
	json_t *ev = NULL, *values = NULL;
	const char *type = NULL;
	int rc = cl_avro_decode(app->svc->schemas, msg->payload, msg->len, &ev, &type);
	if (rc < 0) {
		snprintf(reason, reason_size, "invalid avro: %s", cl_avro_last_error());
		return CL_EINVAL;
	}
	bool deleted = strcmp(type, SCHEMA_DELETED) == 0;
	if (!deleted && strcmp(type, SCHEMA_CREATED) != 0 && strcmp(type, SCHEMA_UPDATED) != 0)
		goto out;
	const char *app_key = cl_json_str(ev, "app_key");
	if (!app_key || strcmp(app_key, "facilities") != 0)
		goto out;
	const char *tenant = cl_json_str(ev, "tenant_id");
	const char *id = cl_json_str(ev, "record_id");
	const char *owner = cl_json_str(ev, "owner_organisation_id");
	const json_t *time = json_object_get(ev, "time");
	if (!tenant || !id || !cl_uuid_valid(id) || !json_is_integer(time)) {
		snprintf(reason, reason_size, "facility record event lacks a required value");
		rc = CL_EINVAL;
		goto out;
	}
	struct vac_facility f = {0};
	cl_strlcpy(f.owner_org, owner ? owner : "", sizeof f.owner_org);
	if (!deleted) {
		const char *text = cl_json_str(ev, "values");
		values = text ? json_loads(text, 0, NULL) : NULL;
		if (!json_is_object(values)) {
			snprintf(reason, reason_size, "facility record values are not a JSON object");
			rc = CL_EINVAL;
			goto out;
		}
		copy_str(values, "name", f.name, sizeof f.name);
		copy_str(values, "kind", f.kind, sizeof f.kind);
		copy_str(values, "district", f.district, sizeof f.district);
		f.has_coords = coord(values, "latitude", 90, &f.latitude) &&
			       coord(values, "longitude", 180, &f.longitude);
	}
	if (cl_pg_ensure(&app->directory_pg) < 0) {
		rc = CL_ERETRY;
		goto out;
	}
	rc = vac_db_facility_upsert(&app->directory_pg, tenant, id, &f, deleted,
				    (long long)json_integer_value(time));
	if (rc == CL_EINVAL) {
		snprintf(reason, reason_size, "facility record refused by the database");
	} else if (rc < 0) {
		rc = CL_ERETRY;
	}
out:
	json_decref(values);
	json_decref(ev);
	return rc < 0 ? rc : 0;
}

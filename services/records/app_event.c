/* app_event.c - the AppChanged event of an app (its name, key and current
 * read rule), written to the outbox in the transaction of the change */
#include "records.h"
#include "carelink/err.h"
#include "carelink/outbox.h"

#include <stdlib.h>

/* the schema of the event (topic carelink.directory, key the app id) */
#define APP_CHANGED_SCHEMA "carelink.directory.AppChanged"

int rec_app_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		      const struct cl_identity *who, const json_t *app, const char *change)
{
	const json_t *read = json_object_get(app, "read");
	const char *app_id = json_string_value(json_object_get(app, "id"));
	json_t *ev = cl_event_new(who->tenant);
	json_t *rest = json_pack("{s:s, s:s, s:s, s:s, s:{s:O, s:O}, s:s, s:s}",
				 "app_id", app_id,
				 "app_key", json_string_value(json_object_get(app, "key")),
				 "name", json_string_value(json_object_get(app, "name")),
				 "change", change, "readers",
				 "professions", json_object_get(read, "professions"),
				 "organisations", json_object_get(read, "organisations"),
				 "actor_id", who->user, "actor_name", who->name);
	if (!ev || !rest || !app_id) {
		/* the app was read back from our own table: ours, not the caller's */
		json_decref(ev);
		json_decref(rest);
		return CL_EFATAL;
	}
	json_object_update(ev, rest);
	json_decref(rest);
	int rc = cl_outbox_add(pg, schemas, REC_TOPIC_DIRECTORY, app_id, APP_CHANGED_SCHEMA, ev);
	json_decref(ev);
	/* the state was checked; a mismatch with the schema is ours */
	return rc == CL_EINVAL ? CL_EFATAL : rc;
}

/* event_registration.c - an event of the event calendar as a registration
 * sees it: the locked event and the "registration" object of its record */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

void rec_event_release(struct rec_event *ev)
{
	free(ev->owner_org);
	memset(ev, 0, sizeof *ev);
}

int rec_event_find(struct cl_pg *pg, const struct cl_identity *who, const char *record_id,
		   struct rec_app_def *app, struct rec_event *ev)
{
	memset(ev, 0, sizeof *ev);
	if (!cl_uuid_valid(record_id)) {
		memset(app, 0, sizeof *app);
		return CL_ENOENT;
	}
	int rc = rec_db_app_find(pg, who, REC_APP_EVENTS, app);
	if (rc < 0)
		return rc;
	return rec_db_event_lock(pg, who->tenant, app->id, record_id, ev);
}

json_t *rec_event_registration_json(struct cl_pg *pg, const struct cl_identity *who,
				    const char *record_id)
{
	json_t *out = NULL;
	if (!cl_uuid_valid(record_id))
		return NULL;
	if (rec_db_event_registration_state(pg, who->tenant, record_id, who->user, &out) < 0)
		return NULL;
	return out;
}

/* the watchers of AppRecordUpdated/Deleted of an event are the people
 * registered for it */
json_t *rec_event_watchers(struct cl_pg *pg, const char *tenant, const char *record_id)
{
	json_t *users = NULL;
	if (!cl_uuid_valid(record_id) ||
	    rec_db_event_watchers(pg, tenant, record_id, &users) < 0)
		return NULL;
	if (json_array_size(users) == 0) {
		json_decref(users);
		return NULL;
	}
	return users;
}

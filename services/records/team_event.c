/* team_event.c - CareTeamChanged on carelink.records: user ids only */
#include "patient_parts.h"
#include "carelink/outbox.h"

#include <string.h>

int rec_team_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		       const char *tenant_id, const char *patient_id, const char *added,
		       const char *removed)
{
	json_t *members = NULL;
	int rc = rec_db_team_ids(pg, patient_id, &members);
	if (rc < 0)
		return rc;
	/* a removal is announced before the row changes: the one who leaves
	 * no longer sees the team afterwards */
	if (removed) {
		size_t i;
		json_t *v;
		json_array_foreach(members, i, v) {
			if (!strcmp(json_string_value(v), removed)) {
				json_array_remove(members, i);
				break;
			}
		}
	}
	json_t *ev = cl_event_new(tenant_id);
	json_object_set_new(ev, "patient_id", json_string(patient_id));
	json_object_set_new(ev, "members", members);
	json_object_set_new(ev, "added", added ? json_pack("[s]", added) : json_array());
	json_object_set_new(ev, "removed", removed ? json_pack("[s]", removed) : json_array());
	rc = cl_outbox_add(pg, schemas, REC_TOPIC_PATIENTS, patient_id, REC_EVENT_TEAM_CHANGED,
			   ev);
	json_decref(ev);
	return rc;
}

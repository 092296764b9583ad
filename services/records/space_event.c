/* space_event.c - the SpaceChanged event of a space, written to the outbox
 * in the transaction of the change */
#include "records.h"
#include "carelink/err.h"
#include "carelink/outbox.h"

#include <stdlib.h>

int rec_space_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			const char *tenant_id, const struct rec_space *s, const char *change,
			const char *actor_id, const char *actor_name)
{
	json_t *ev = cl_event_new(tenant_id);
	json_t *rest = json_pack("{s:s, s:s, s:s, s:s, s:b, s:{s:O, s:O}, s:O, s:s, s:s}",
				 "space_id", s->id, "change", change, "name", s->name,
				 "description", s->description, "archived", s->archived,
				 "audience", "professions", s->professions, "organisations",
				 s->organisations, "admins", s->admins, "actor_id", actor_id,
				 "actor_name", actor_name);
	if (!ev || !rest)
		abort();
	json_object_update(ev, rest);
	json_decref(rest);
	int rc = cl_outbox_add(pg, schemas, REC_TOPIC_POSTS, s->id, REC_EVENT_SPACE_CHANGED, ev);
	json_decref(ev);
	/* the state was checked; a mismatch with the schema is ours */
	return rc == CL_EINVAL ? CL_EFATAL : rc;
}

/* org_announce.c - OrganisationChanged of an organisation's current state,
 * written to the outbox in the caller's transaction */
#include "org_announce.h"

#include <carelink/outbox.h>
#include <jansson.h>

int gw_org_announce(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		    const char *tenant, const char *id, const char *name, const char *kind)
{
	json_t *e = cl_event_new(tenant);
	json_object_set_new(e, "organisation_id", json_string(id));
	json_object_set_new(e, "name", json_string(name));
	json_object_set_new(e, "kind", json_string(kind));
	int rc = cl_outbox_add(pg, schemas, "carelink.identity", id,
			       "carelink.identity.OrganisationChanged", e);
	json_decref(e);
	return rc;
}

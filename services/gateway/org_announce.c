/* org_announce.c - OrganisationChanged of an organisation's current state,
 * written to the outbox in the caller's transaction */
#include "org_announce.h"

#include <carelink/outbox.h>
#include <jansson.h>
#include <libpq-fe.h>

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

static int announce_all_tx(struct cl_pg *pg, void *arg)
{
	const struct cl_avro_registry *schemas = arg;
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT tenant_id::text, id::text, name, kind FROM organisations"
			    " ORDER BY tenant_id, id",
			    0, NULL);
	if (rc < 0)
		return rc;
	for (int i = 0; i < PQntuples(res) && rc == 0; i++)
		rc = gw_org_announce(pg, schemas, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
				     PQgetvalue(res, i, 2), PQgetvalue(res, i, 3));
	PQclear(res);
	return rc;
}

int gw_org_announce_all(struct cl_pg *pg, const struct cl_avro_registry *schemas)
{
	return cl_pg_tx(pg, 0, announce_all_tx, (void *)schemas);
}

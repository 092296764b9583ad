/* org_announce.h - OrganisationChanged on carelink.identity, so that other
 * services know every organisation of a tenant, with or without users */
#ifndef CARELINK_GATEWAY_ORG_ANNOUNCE_H
#define CARELINK_GATEWAY_ORG_ANNOUNCE_H

#include <carelink/avro.h>
#include <carelink/pg.h>

/* gw_org_announce() - write OrganisationChanged (keyed by id) with the
 * organisation's current name and kind to the outbox, inside the caller's
 * open transaction. Borrowed arguments. Returns a cl_outbox_add() code. */
int gw_org_announce(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		    const char *tenant, const char *id, const char *name, const char *kind);

#endif

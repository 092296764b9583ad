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

/* gw_org_announce_all() - OrganisationChanged for every organisation of
 * every tenant, in one transaction of its own: run at start-up, so that
 * organisations made before the event existed (or whose event a consumer
 * lost) are known everywhere; consumers keep the newest state, so a repeat
 * changes nothing. Returns 0 or a negative CL_E* code. */
int gw_org_announce_all(struct cl_pg *pg, const struct cl_avro_registry *schemas);

#endif

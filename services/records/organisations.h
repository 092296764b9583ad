/* organisations.h - records' copy of the tenant's organisations, from
 * OrganisationChanged on carelink.identity (db_organisation.c,
 * people_consumer.c).
 *
 * Table organisations (sql/007_organisations.sql): (tenant_id,
 * organisation_id) -> name, kind, updated_at (the time of the event of that
 * state). View tenant_organisations (tenant_id, organisation_id, name): every
 * organisation records knows, announced or known only through its people;
 * every statement that asks whether an organisation exists or what it is
 * called asks this view. */
#ifndef REC_ORGANISATIONS_H
#define REC_ORGANISATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "carelink/pg.h"

#define REC_EVENT_ORGANISATION_CHANGED "carelink.identity.OrganisationChanged"

/* An organisation as OrganisationChanged carries it; all borrowed. */
struct rec_organisation {
	const char *tenant_id;
	const char *organisation_id;
	const char *name;
	const char *kind;
	int64_t time_ms;  /* the event's time */
};

/* rec_db_organisation_upsert() - store o unless a newer state is stored
 * (the same time stores again, so a replay is harmless); *stored tells
 * whether it was. Returns 0 or a cl_pg_exec() code. */
int rec_db_organisation_upsert(struct cl_pg *pg, const struct rec_organisation *o,
			       bool *stored);

#endif

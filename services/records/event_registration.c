/* event_registration.c - registrations for events of the event calendar */
#include "records.h"

json_t *rec_event_registration_json(struct cl_pg *pg, const struct cl_identity *who,
				    const char *record_id)
{
	(void)pg;
	(void)who;
	(void)record_id;
	return NULL;
}

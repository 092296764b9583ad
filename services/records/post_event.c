/* post_event.c - what every event of posts shares: the audience of the
 * space and the outbox write */
#include "records.h"
#include "carelink/err.h"
#include "carelink/outbox.h"

#include <stdlib.h>

json_t *rec_event_audience(const json_t *professions, const json_t *organisations)
{
	json_t *a = json_pack("{s:o, s:o}", "professions", json_deep_copy(professions),
			      "organisations", json_deep_copy(organisations));
	if (!a)
		abort();
	return a;
}

int rec_event_add(struct cl_pg *pg, const struct rec_app *app, const char *space_id,
		  const char *full_name, json_t *ev)
{
	int rc = cl_outbox_add(pg, app->svc->schemas, REC_TOPIC_POSTS, space_id, full_name, ev);
	/* the request was checked; a mismatch here is ours, not the caller's */
	return rc == CL_EINVAL ? CL_EFATAL : rc;
}

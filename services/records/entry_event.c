/* entry_event.c - PatientEntryAdded to the outbox with each entry: ids,
 * category, author, addressees, corrects; never text or names */
#include "entries.h"
#include "carelink/err.h"
#include "carelink/outbox.h"

#include <stdlib.h>

int rec_entry_event_add(struct cl_pg *pg, const struct rec_app *app,
			const struct cl_identity *who, const char *patient_id,
			const char *entry_id, const char *category, const json_t *addressed_to,
			const char *corrects)
{
	json_t *ev = cl_event_new(who->tenant);
	json_t *to = addressed_to ? json_deep_copy(addressed_to) : json_array();
	json_t *rest = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "patient_id", patient_id,
				 "entry_id", entry_id, "category", category, "author_id",
				 who->user, "addressed_to", to, "corrects",
				 corrects ? json_string(corrects) : json_null());
	if (!ev || !rest)
		abort();
	json_object_update(ev, rest);
	json_decref(rest);
	int rc = cl_outbox_add(pg, app->svc->schemas, REC_TOPIC_PATIENTS, patient_id,
			       REC_EVENT_ENTRY_ADDED, ev);
	json_decref(ev);
	/* the entry was checked; a mismatch here is ours, not the caller's */
	return rc == CL_EINVAL ? CL_EFATAL : rc;
}

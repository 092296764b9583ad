/* audit_add.c - append one row to the audit chain (under the chain's lock)
 * with its AccessAudited event, in the caller's transaction */
#include "patient_parts.h"
#include "carelink/err.h"
#include "carelink/outbox.h"

#include <stdlib.h>

static int audited_event_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			     const struct rec_audit_row *r, const char *hash)
{
	json_t *ev = cl_event_new(r->tenant_id);
	json_object_set_new(ev, "audit_id", json_integer(strtoll(r->id, NULL, 10)));
	json_object_set_new(ev, "user_id", json_string(r->user_id));
	json_object_set_new(ev, "patient_id", r->patient_id ? json_string(r->patient_id)
							    : json_null());
	json_object_set_new(ev, "entry_id", r->entry_id ? json_string(r->entry_id) : json_null());
	json_object_set_new(ev, "action", json_string(r->action));
	json_object_set_new(ev, "outcome", json_string(r->outcome));
	json_object_set_new(ev, "hash", json_string(hash));
	int rc = cl_outbox_add(pg, schemas, REC_TOPIC_AUDIT, r->patient_id ? r->patient_id : "",
			       REC_EVENT_ACCESS_AUDITED, ev);
	json_decref(ev);
	return rc;
}

int rec_audit_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
		  const struct rec_audit *a)
{
	char prev[REC_AUDIT_HASH_HEX + 1], hash[REC_AUDIT_HASH_HEX + 1], id[24], at[40];
	int rc = rec_db_audit_lock(pg);
	if (rc == 0)
		rc = rec_db_audit_head(pg, prev);
	if (rc == 0)
		rc = rec_db_audit_next(pg, id, at);
	if (rc < 0)
		return rc;
	struct rec_audit_row r = {
		.id = id,
		.at = at,
		.tenant_id = a->who->tenant,
		.user_id = a->who->user,
		.user_name = a->who->name,
		.patient_id = a->patient_id,
		.entry_id = a->entry_id,
		.action = a->action,
		.route = a->route ? a->route : "",
		.address = a->address ? a->address : "",
		.outcome = a->outcome,
	};
	char *text = rec_audit_text(&r);
	rec_audit_hash(prev, text, hash);
	free(text);
	rc = rec_db_audit_insert(pg, &r, prev, hash);
	if (rc == 0)
		rc = audited_event_add(pg, schemas, &r, hash);
	return rc;
}

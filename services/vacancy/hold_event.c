/* hold_event.c - the events of a hold change (HoldPlaced, HoldConfirmed,
 * HoldReleased, each with the facility's VacancyChanged) and the API's
 * hold object */
#include "vacancy.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/outbox.h>

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int vac_hold_event_add(struct cl_pg *pg, struct vac_app *app, const char *full_name,
		       const json_t *hold, const json_t *extra)
{
	const char *tenant = str(hold, "tenant_id");
	const char *facility = str(hold, "facility_id");
	const json_t *holder = json_object_get(hold, "holder");
	json_t *ev = cl_event_new(tenant);
	json_t *fields = json_pack("{s:s, s:s, s:s, s:s, s:O, s:s, s:s, s:s, s:s, s:s}", "hold_id",
			      str(hold, "id"), "facility_id", facility, "kind", str(hold, "kind"),
			      "room", str(hold, "room"), "beds", json_object_get(hold, "beds"),
			      "from", str(hold, "from"), "to", str(hold, "to"), "holder_id",
			      str(holder, "id"), "holder_organisation_id",
			      str(json_object_get(holder, "organisation"), "id"), "client_label",
			      str(hold, "client_label"));
	json_object_update(ev, fields);
	json_decref(fields);
	/* the facility's name and owner, for telling its staff */
	json_object_set_new(ev, "facility_name",
			    json_string(str(json_object_get(hold, "facility"), "name")));
	json_object_set_new(ev, "facility_organisation_id",
			    json_string(str(hold, "owner_organisation_id")));
	if (extra)
		json_object_update(ev, (json_t *)extra);
	int rc = cl_outbox_add(pg, app->svc->schemas, VAC_TOPIC, facility, full_name, ev);
	if (rc == CL_EINVAL) {
		cl_log_error("hold event does not match its schema", "event", full_name,
			     "hold_id", str(hold, "id"), NULL);
		rc = CL_EFATAL;
	}
	json_decref(ev);
	return rc;
}

int vac_hold_state_add(struct cl_pg *pg, struct vac_app *app, const char *tenant,
		       const char *facility_id)
{
	int rc = vac_state_event_add(pg, app->svc->schemas, tenant, facility_id);
	return rc == CL_ENOENT ? 0 : rc; /* the facility left the directory: no state */
}

int vac_hold_emit(struct cl_pg *pg, struct vac_app *app, const char *full_name,
		  const json_t *hold, const json_t *extra)
{
	int rc = vac_hold_event_add(pg, app, full_name, hold, extra);
	if (rc == 0)
		rc = vac_hold_state_add(pg, app, str(hold, "tenant_id"), str(hold, "facility_id"));
	return rc;
}

json_t *vac_hold_public(const json_t *hold)
{
	json_t *out = json_deep_copy(hold);
	json_object_del(out, "tenant_id");
	json_object_del(out, "facility_id");
	json_object_del(out, "owner_organisation_id");
	json_object_del(out, "expires_ms");
	return out;
}

/* alerts.h - urgent alerts inside carelink-notify (ALERTS.md): the
 * interface between the alert resource (routes, storage, escalation) and
 * the emergency-services stream (Avro on carelink.alerts, CAP 1.2 on
 * carelink.alerts.cap, the CAP document and the Atom index) */
#ifndef NT_ALERTS_H
#define NT_ALERTS_H

#include <jansson.h>

#include "carelink/avro.h"
#include "carelink/http.h"
#include "carelink/pg.h"

#define NT_TOPIC_ALERTS "carelink.alerts"
#define NT_TOPIC_ALERTS_CAP "carelink.alerts.cap"
#define NT_CAP_CONTENT_TYPE "application/cap+xml"

/* What changed, as the stream names it: "raised", "edited", "escalated",
 * "acknowledged", "resolved", "cancelled". */

/* nt_alert_stream_add() - inside the caller's open transaction, after the
 * alert's rows are written: add the Avro event of change (AlertRaised,
 * AlertUpdated with change EDITED or ESCALATED, AlertAcknowledged,
 * AlertResolved with outcome RESOLVED or CANCELLED) with the alert's whole
 * state on carelink.alerts, and the CAP 1.2 message of the same change on
 * carelink.alerts.cap (recording its identifier and sent time so later
 * messages reference it), both keyed by the alert id. alert is the API's
 * alert object (ALERTS.md) with "tenant_id" added; extra holds the
 * change's own fields (user_id, organisation_id, note, changed_by_id,
 * ended_by_id) and may be NULL. Returns 0 or a negative CL_E* code
 * (alert_stream.c). */
int nt_alert_stream_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			const json_t *alert, const char *change, const json_t *extra);

/* nt_cap_document() - the CAP 1.2 XML (UTF-8, NUL-terminated, caller
 * frees) of change of alert, with identifier and sent given (sent an RFC
 * 3339 time with offset), references the space-separated
 * "sender,identifier,sent" triples of earlier messages (NULL or "" when
 * none), web the alert page's URL (NULL: none). Pure; valid against
 * CAP-v1.2.xsd for every kind and change (cap_xml.c). */
char *nt_cap_document(const json_t *alert, const char *change, const char *identifier,
		      const char *sent, const char *references, const char *web);

/* the routes of alerts (alert_routes.c) and of their CAP document and Atom
 * index (cap_routes.c), joined in main.c */
extern const struct cl_http_route nt_routes_alerts[];
extern const struct cl_http_route nt_routes_cap[];

#endif

/* alerts.h - urgent alerts inside carelink-notify (ALERTS.md): the
 * interface between the alert resource (routes, storage, escalation) and
 * the emergency-services stream (Avro on carelink.alerts, CAP 1.2 on
 * carelink.alerts.cap, the CAP document and the Atom index) */
#ifndef NT_ALERTS_H
#define NT_ALERTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carelink/avro.h"
#include "carelink/http.h"
#include "carelink/identity.h"
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

/* The notification kind that tells the raiser of an acknowledgement. */
#define NT_KIND_ALERT_ACKNOWLEDGED "alert_acknowledged"

/* nt_alert_ack_notify() - inside the acknowledgement's transaction: the
 * targeted, urgent notification "<name>さんが緊急連絡を確認しました:
 * <title>" to alert's raiser (a per-person row), with its
 * NotificationCreated; nothing when by is the raiser. alert is the alert
 * re-read after the change (with tenant_id). Returns 0 or a negative code
 * (alert_change.c). */
int nt_alert_ack_notify(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			const json_t *alert, const struct cl_identity *by, const char *note);

/* The photo of an alert (ALERTS.md "The photo"): JPEG or PNG, checked by
 * magic bytes, at most NT_ALERT_PHOTO_MAX bytes. */
#define NT_ALERT_PHOTO_MAX (5u << 20)

/* nt_alert_photo_type() - "image/jpeg" or "image/png" (static) when
 * content_type (parameters ignored) names one of them and data starts
 * with that format's magic bytes; NULL otherwise. *type_ok tells whether
 * the type alone was acceptable. Pure (alert_photo_type.c). */
const char *nt_alert_photo_type(const char *content_type, const unsigned char *data,
				size_t len, bool *type_ok);

/* nt_alert_photo_sha1() - the hex SHA-1 of data (CAP 1.2's <digest>),
 * NUL-terminated. Pure (alert_photo_type.c). */
void nt_alert_photo_sha1(const void *data, size_t len, char hex[41]);

/* One stored photo; data and content_type owned (free() and PQfreemem()
 * by nt_alert_photo_release()). */
struct nt_alert_photo {
	char *content_type;
	unsigned char *data;  /* PQunescapeBytea()'d */
	size_t size;
	char sha1[41];
};
void nt_alert_photo_release(struct nt_alert_photo *p);

/* db_alert_photo.c - one function per statement */
/* nt_db_alert_photo_put() - store (or replace) alert id's photo with its
 * hex SHA-1. Returns 1 when it replaced one, 0 when it is the first, or a
 * cl_pg_exec() code. */
int nt_db_alert_photo_put(struct cl_pg *pg, int64_t id, const char *content_type,
			  const char *sha1, const void *data, size_t size);
/* nt_db_alert_photo_get() - alert id's photo into *out. Returns 0,
 * CL_ENOENT (no photo) or a cl_pg_exec() code. */
int nt_db_alert_photo_get(struct cl_pg *pg, int64_t id, struct nt_alert_photo *out);

/* alert_photo.c - PUT and GET /v1/alerts/{id}/photo */
enum MHD_Result nt_alert_photo_put(struct cl_http_req *req);
enum MHD_Result nt_alert_photo_get(struct cl_http_req *req);

/* the routes of alerts (alert_routes.c) and of their CAP document and Atom
 * index (cap_routes.c), joined in main.c */
extern const struct cl_http_route nt_routes_alerts[];
extern const struct cl_http_route nt_routes_cap[];

#endif

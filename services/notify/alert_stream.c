/* alert_stream.c - the emergency-services stream (ALERTS.md): every change
 * of an alert as Avro on carelink.alerts and as CAP 1.2 on
 * carelink.alerts.cap, both from the caller's transaction */
#include "cap_stream.h"

#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/outbox.h"
#include "carelink/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NT_ALERT_NS "carelink.alerts."
/* ce_type of the CAP messages on carelink.alerts.cap */
#define NT_CAP_EVENT_TYPE "carelink.alerts.cap.CapMessage"

/* the alert's id as text ("17" from 17 or "17") into out */
static int stream_alert_id(const json_t *alert, char out[32], int64_t *id)
{
	const json_t *v = json_object_get(alert, "id");
	if (json_is_integer(v)) {
		*id = json_integer_value(v);
	} else if (json_is_string(v)) {
		char *end;
		const char *s = json_string_value(v);
		if (!isdigit((unsigned char)*s))
			return CL_EINVAL;
		*id = strtoll(s, &end, 10);
		if (*end)
			return CL_EINVAL;
	} else {
		return CL_EINVAL;
	}
	snprintf(out, 32, "%lld", (long long)*id);
	return 0;
}

/* "missing_person" -> "MISSING_PERSON" */
static json_t *stream_symbol(const json_t *v)
{
	const char *s = json_string_value(v);
	char buf[64];
	size_t i;
	if (!s)
		return json_string("");
	for (i = 0; s[i] && i < sizeof buf - 1; i++)
		buf[i] = (char)toupper((unsigned char)s[i]);
	buf[i] = '\0';
	return json_string(buf);
}

static json_t *stream_strings(const json_t *a)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			json_array_append(out, v);
	return out;
}

static json_t *stream_area(const json_t *area)
{
	const json_t *circle = json_object_get(area, "circle");
	json_t *polygon = json_array();
	size_t i;
	json_t *pt;
	json_array_foreach(json_object_get(area, "polygon"), i, pt)
		json_array_append_new(polygon,
				      json_pack("{s:f, s:f}", "lat",
						json_number_value(json_array_get(pt, 0)), "lng",
						json_number_value(json_array_get(pt, 1))));
	json_t *c = json_null();
	if (json_is_object(circle))
		c = json_pack("{s:f, s:f, s:f}", "lat",
			      json_number_value(json_object_get(circle, "lat")), "lng",
			      json_number_value(json_object_get(circle, "lng")), "radius_km",
			      json_number_value(json_object_get(circle, "radius_km")));
	return json_pack("{s:o, s:o, s:o}", "districts",
			 stream_strings(json_object_get(area, "districts")), "circle", c,
			 "polygon", polygon);
}

static json_t *stream_audience(const json_t *aud)
{
	return json_pack("{s:b, s:o, s:o}", "everyone",
			 json_is_true(json_object_get(aud, "everyone")), "organisations",
			 stream_strings(json_object_get(aud, "organisations")), "professions",
			 stream_strings(json_object_get(aud, "professions")));
}

static const char *stream_str(const json_t *o, const char *key);

/* the photo's reference (no bytes): null without one */
static json_t *stream_photo(const json_t *photo)
{
	if (!json_is_object(photo))
		return json_null();
	return json_pack("{s:s, s:s, s:I, s:s}", "url_path", stream_str(photo, "url"),
			 "content_type", stream_str(photo, "content_type"), "size",
			 (json_int_t)json_integer_value(json_object_get(photo, "size")), "sha1",
			 stream_str(photo, "sha1"));
}

static int64_t stream_ms(const json_t *alert, const char *key, int64_t fallback)
{
	int64_t ms;
	if (nt_cap_time_parse(json_string_value(json_object_get(alert, key)), &ms) < 0)
		return fallback;
	return ms;
}

static const char *stream_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* the Avro event of change: the alert's whole state and the change's own
 * fields; *full_name its schema */
static json_t *stream_event(const json_t *alert, const char *alert_id, const char *change,
			    const json_t *extra, int64_t now, const char **full_name)
{
	const json_t *raiser = json_object_get(alert, "raised_by");
	json_t *e = cl_event_new(stream_str(alert, "tenant_id"));
	json_object_set_new(e, "alert_id", json_string(alert_id));
	json_object_set_new(e, "version",
			    json_integer(json_integer_value(json_object_get(alert, "version"))));
	json_object_set_new(e, "kind", stream_symbol(json_object_get(alert, "kind")));
	json_object_set_new(e, "severity", stream_symbol(json_object_get(alert, "severity")));
	json_object_set_new(e, "status", stream_symbol(json_object_get(alert, "status")));
	json_object_set_new(e, "title", json_string(stream_str(alert, "title")));
	json_object_set_new(e, "description", json_string(stream_str(alert, "description")));
	json_object_set_new(e, "instruction", json_string(stream_str(alert, "instruction")));
	json_object_set_new(e, "area", stream_area(json_object_get(alert, "area")));
	json_object_set_new(e, "audience", stream_audience(json_object_get(alert, "audience")));
	json_object_set_new(e, "requires_ack",
			    json_boolean(json_is_true(json_object_get(alert, "requires_ack"))));
	json_object_set_new(
		e, "escalation_level",
		json_integer(json_integer_value(json_object_get(alert, "escalation_level"))));
	json_object_set_new(
		e, "acknowledgements",
		json_integer((json_int_t)json_array_size(json_object_get(alert, "acknowledgements"))));
	json_object_set_new(e, "raised_by_id", json_string(stream_str(raiser, "id")));
	json_object_set_new(e, "raised_by_organisation_id",
			    json_string(stream_str(json_object_get(raiser, "organisation"), "id")));
	int64_t raised = stream_ms(alert, "raised_at", now);
	json_object_set_new(e, "raised_at", json_integer(raised));
	json_object_set_new(e, "updated_at", json_integer(stream_ms(alert, "updated_at", raised)));
	json_object_set_new(e, "photo", stream_photo(json_object_get(alert, "photo")));
	const char *note = stream_str(extra, "note");

	if (!strcmp(change, "raised")) {
		*full_name = NT_ALERT_NS "AlertRaised";
	} else if (!strcmp(change, "edited") || !strcmp(change, "escalated")) {
		*full_name = NT_ALERT_NS "AlertUpdated";
		const char *by = json_string_value(json_object_get(extra, "changed_by_id"));
		json_object_set_new(e, "change",
				    json_string(!strcmp(change, "edited") ? "EDITED" : "ESCALATED"));
		json_object_set_new(e, "changed_by_id", by ? json_string(by) : json_null());
		json_object_set_new(e, "note", json_string(note));
	} else if (!strcmp(change, "acknowledged")) {
		*full_name = NT_ALERT_NS "AlertAcknowledged";
		json_object_set_new(e, "user_id", json_string(stream_str(extra, "user_id")));
		json_object_set_new(e, "organisation_id",
				    json_string(stream_str(extra, "organisation_id")));
		json_object_set_new(e, "note", json_string(note));
	} else if (!strcmp(change, "resolved") || !strcmp(change, "cancelled")) {
		*full_name = NT_ALERT_NS "AlertResolved";
		json_object_set_new(e, "outcome", json_string(!strcmp(change, "resolved")
								      ? "RESOLVED"
								      : "CANCELLED"));
		json_object_set_new(e, "ended_by_id", json_string(stream_str(extra, "ended_by_id")));
		json_object_set_new(e, "note", json_string(note));
	} else {
		json_decref(e);
		return NULL;
	}
	return e;
}

static bool stream_identifier_taken(const json_t *history, const char *identifier)
{
	size_t i;
	json_t *m;
	json_array_foreach(history, i, m)
		if (!strcmp(stream_str(m, "identifier"), identifier))
			return true;
	return false;
}

static void stream_reference(char *out, size_t size, const json_t *m)
{
	size_t n = strlen(out);
	snprintf(out + n, size - n, "%s%s,%s,%s", n ? " " : "", stream_str(m, "sender"),
		 stream_str(m, "identifier"), stream_str(m, "sent"));
}

/* the CAP message of change: recorded, then added to the outbox */
static int stream_cap(struct cl_pg *pg, const json_t *alert, const char *alert_id,
		      int64_t id, const char *change, const char *web, const char *photo_uri,
		      int64_t now)
{
	const char *tenant = stream_str(alert, "tenant_id");
	int version = (int)json_integer_value(json_object_get(alert, "version"));
	json_t *history = NULL;
	char *doc = NULL;
	char identifier[512], sender[300], sent[32], refs[2048] = "";
	char event_id[CL_UUID_LEN + 1];

	int rc = nt_cap_db_history(pg, id, &history);
	if (rc < 0)
		goto out;
	/* unique per message: a change that keeps the version (an
	 * acknowledgement) gets the message's number after it */
	snprintf(identifier, sizeof identifier, "urn:carelink:%s:alert:%s:%d", tenant, alert_id,
		 version);
	if (stream_identifier_taken(history, identifier))
		snprintf(identifier, sizeof identifier, "urn:carelink:%s:alert:%s:%d.%zu", tenant,
			 alert_id, version, json_array_size(history) + 1);
	snprintf(sender, sizeof sender, "carelink@%s", tenant);
	nt_cap_time_format(now, sent);
	size_t n = json_array_size(history);
	if (strcmp(change, "raised") != 0 && n > 0) {
		stream_reference(refs, sizeof refs, json_array_get(history, 0));
		if (n > 1)
			stream_reference(refs, sizeof refs, json_array_get(history, n - 1));
	}
	json_t *photo = json_object_get(alert, "photo");
	if (json_is_object(photo) && photo_uri && *photo_uri) {
		/* the <resource>'s uri: the photo's absolute URL */
		json_t *copy = json_deep_copy(alert);
		json_object_set_new(json_object_get(copy, "photo"), "uri", json_string(photo_uri));
		doc = nt_cap_document(copy, change, identifier, sent, refs, web);
		json_decref(copy);
	} else {
		doc = nt_cap_document(alert, change, identifier, sent, refs, web);
	}
	if (!doc) {
		rc = CL_EINVAL;
		goto out;
	}
	rc = nt_cap_db_insert(pg, tenant, id, version, change, identifier, sender, sent, doc);
	if (rc == CL_ECONFLICT)
		rc = CL_ERETRY; /* another change took the identifier: read the history again */
	if (rc < 0)
		goto out;
	cl_uuid_new(event_id);
	rc = cl_outbox_add_raw(pg, NT_TOPIC_ALERTS_CAP, alert_id, event_id, NT_CAP_EVENT_TYPE,
			       tenant, NT_CAP_CONTENT_TYPE, doc, strlen(doc));
out:
	free(doc);
	json_decref(history);
	return rc;
}

int nt_alert_stream_add(struct cl_pg *pg, const struct cl_avro_registry *schemas,
			const json_t *alert, const char *change, const json_t *extra)
{
	char alert_id[32];
	int64_t id;
	const char *full_name = NULL;
	int64_t now = cl_now_ms();

	if (!json_is_object(alert) || !change || !*stream_str(alert, "tenant_id") ||
	    stream_alert_id(alert, alert_id, &id) < 0) {
		cl_log_error("alert stream: alert lacks id or tenant_id", NULL);
		return CL_EINVAL;
	}
	json_t *e = stream_event(alert, alert_id, change, extra, now, &full_name);
	if (!e) {
		cl_log_error("alert stream: unknown change", "change", change, NULL);
		return CL_EINVAL;
	}
	int rc = cl_outbox_add(pg, schemas, NT_TOPIC_ALERTS, alert_id, full_name, e);
	json_decref(e);
	if (rc < 0)
		return rc;
	/* extra's "web", when the caller knows the alert page's public URL,
	 * becomes the CAP message's <web> */
	return stream_cap(pg, alert, alert_id, id, change,
			  json_string_value(json_object_get(extra, "web")),
			  json_string_value(json_object_get(extra, "photo_uri")), now);
}

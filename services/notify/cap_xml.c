/* cap_xml.c - an alert's change as a CAP 1.2 document (ALERTS.md "The
 * emergency-services stream"), written by hand with every text escaped */
#include "cap_stream.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_NS "urn:oasis:names:tc:emergency:cap:1.2"

void nt_cap_xml_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\r': fputs("&#13;", f); break;
		default:
			if (*p < 0x20 && *p != '\t' && *p != '\n')
				break;
			fputc(*p, f);
		}
	}
}

static void cap_elem(FILE *f, const char *indent, const char *name, const char *text)
{
	fprintf(f, "%s<%s>", indent, name);
	nt_cap_xml_text(f, text);
	fprintf(f, "</%s>\n", name);
}

static const char *cap_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* the CAP categories of a kind, NULL-terminated */
static const char *const *cap_categories(const char *kind)
{
	static const char *const rescue[] = {"Rescue", NULL}, *const disaster[] = {"Met", "Geo", NULL},
				 *const transport[] = {"Transport", NULL},
				 *const health[] = {"Health", NULL}, *const infra[] = {"Infra", NULL},
				 *const other[] = {"Other", NULL};
	if (!strcmp(kind, "missing_person"))
		return rescue;
	if (!strcmp(kind, "disaster"))
		return disaster;
	if (!strcmp(kind, "road_closure"))
		return transport;
	if (!strcmp(kind, "infectious_disease"))
		return health;
	if (!strcmp(kind, "facility_emergency"))
		return infra;
	return other;
}

static const char *cap_event(const char *kind)
{
	if (!strcmp(kind, "missing_person"))
		return "認知症の方の行方不明";
	if (!strcmp(kind, "disaster"))
		return "災害";
	if (!strcmp(kind, "road_closure"))
		return "通行止め";
	if (!strcmp(kind, "infectious_disease"))
		return "感染症";
	if (!strcmp(kind, "facility_emergency"))
		return "施設の緊急事態";
	return "その他";
}

static const char *cap_severity(const char *severity)
{
	if (!strcmp(severity, "extreme"))
		return "Extreme";
	if (!strcmp(severity, "severe"))
		return "Severe";
	if (!strcmp(severity, "moderate"))
		return "Moderate";
	if (!strcmp(severity, "minor"))
		return "Minor";
	return "Unknown";
}

static const char *cap_msg_type(const char *change)
{
	if (!strcmp(change, "raised"))
		return "Alert";
	if (!strcmp(change, "acknowledged"))
		return "Ack";
	if (!strcmp(change, "cancelled"))
		return "Cancel";
	return "Update"; /* edited, escalated, resolved */
}

static bool cap_change_known(const char *change)
{
	static const char *const known[] = {"raised",       "edited",   "escalated",
					    "acknowledged", "resolved", "cancelled"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(change, known[i]))
			return true;
	return false;
}

/* the area: districts joined by "、", the polygon's "lat,lng" pairs and
 * the circle "lat,lng radius" */
static void cap_area(FILE *f, const json_t *area)
{
	const json_t *districts = json_object_get(area, "districts");
	const json_t *polygon = json_object_get(area, "polygon");
	const json_t *circle = json_object_get(area, "circle");
	size_t i;
	json_t *d;

	fputs("    <area>\n      <areaDesc>", f);
	bool any = false;
	json_array_foreach(districts, i, d) {
		if (!json_is_string(d))
			continue;
		if (any)
			fputs("、", f);
		nt_cap_xml_text(f, json_string_value(d));
		any = true;
	}
	if (!any)
		fputs(json_is_object(circle) ? "指定の円の範囲" : "指定の多角形の範囲", f);
	fputs("</areaDesc>\n", f);
	if (json_is_array(polygon) && json_array_size(polygon) >= 4) {
		json_t *pt;
		fputs("      <polygon>", f);
		json_array_foreach(polygon, i, pt) {
			fprintf(f, "%s%.6f,%.6f", i ? " " : "",
				json_number_value(json_array_get(pt, 0)),
				json_number_value(json_array_get(pt, 1)));
		}
		fputs("</polygon>\n", f);
	}
	if (json_is_object(circle))
		fprintf(f, "      <circle>%.6f,%.6f %.3f</circle>\n",
			json_number_value(json_object_get(circle, "lat")),
			json_number_value(json_object_get(circle, "lng")),
			json_number_value(json_object_get(circle, "radius_km")));
	fputs("    </area>\n", f);
}

/* the alert's photo as a <resource> (CAP 1.2 3.2.3: resourceDesc,
 * mimeType, size, uri, digest = the SHA-1 of the file); none without a
 * photo. The uri is the photo's "uri" when the caller set one (an absolute
 * URL under notify.public_url). */
static void cap_resource(FILE *f, const json_t *photo)
{
	if (!json_is_object(photo))
		return;
	fputs("    <resource>\n", f);
	cap_elem(f, "      ", "resourceDesc", "写真");
	cap_elem(f, "      ", "mimeType", cap_str(photo, "content_type"));
	fprintf(f, "      <size>%lld</size>\n",
		(long long)json_integer_value(json_object_get(photo, "size")));
	if (*cap_str(photo, "uri"))
		cap_elem(f, "      ", "uri", cap_str(photo, "uri"));
	if (*cap_str(photo, "sha1"))
		cap_elem(f, "      ", "digest", cap_str(photo, "sha1"));
	fputs("    </resource>\n", f);
}

char *nt_cap_document(const json_t *alert, const char *change, const char *identifier,
		      const char *sent, const char *references, const char *web)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	if (!json_is_object(alert) || !change || !cap_change_known(change) || !identifier ||
	    !*identifier || !sent || !*sent)
		return NULL;
	f = open_memstream(&buf, &size);
	if (!f)
		return NULL;

	const char *tenant = cap_str(alert, "tenant_id");
	const char *kind = cap_str(alert, "kind");
	const char *status = cap_str(alert, "status");
	bool ended = !strcmp(change, "resolved") || !strcmp(change, "cancelled") ||
		     !strcmp(status, "resolved") || !strcmp(status, "cancelled");
	char sender[300];
	snprintf(sender, sizeof sender, "carelink@%s", tenant);
	char restriction[300];
	snprintf(restriction, sizeof restriction, "carelink tenant %s", tenant);

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fputs("<alert xmlns=\"" CAP_NS "\">\n", f);
	cap_elem(f, "  ", "identifier", identifier);
	cap_elem(f, "  ", "sender", sender);
	cap_elem(f, "  ", "sent", sent);
	cap_elem(f, "  ", "status", "Actual");
	cap_elem(f, "  ", "msgType", cap_msg_type(change));
	cap_elem(f, "  ", "scope", "Restricted");
	cap_elem(f, "  ", "restriction", restriction);
	if (references && *references)
		cap_elem(f, "  ", "references", references);

	fputs("  <info>\n", f);
	cap_elem(f, "    ", "language", "ja-JP");
	for (const char *const *c = cap_categories(kind); *c; c++)
		cap_elem(f, "    ", "category", *c);
	cap_elem(f, "    ", "event", cap_event(kind));
	if (!strcmp(change, "resolved"))
		cap_elem(f, "    ", "responseType", "AllClear");
	cap_elem(f, "    ", "urgency", ended ? "Past" : "Immediate");
	cap_elem(f, "    ", "severity", cap_severity(cap_str(alert, "severity")));
	cap_elem(f, "    ", "certainty", "Observed");
	cap_elem(f, "    ", "headline", cap_str(alert, "title"));
	cap_elem(f, "    ", "description", cap_str(alert, "description"));
	if (*cap_str(alert, "instruction"))
		cap_elem(f, "    ", "instruction", cap_str(alert, "instruction"));
	if (web && *web)
		cap_elem(f, "    ", "web", web);
	cap_resource(f, json_object_get(alert, "photo"));
	cap_area(f, json_object_get(alert, "area"));
	fputs("  </info>\n</alert>\n", f);

	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

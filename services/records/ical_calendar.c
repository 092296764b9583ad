/* ical_calendar.c - the VCALENDAR of the event calendar: its properties,
 * the VTIMEZONE of Asia/Tokyo and one VEVENT per event (APPS.md) */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICAL_TZID "Asia/Tokyo"
#define ICAL_HOUR_MS (3600 * 1000LL)

void rec_ical_begin(struct rec_ical *ic, const char *name)
{
	rec_ical_line(ic, "BEGIN", "VCALENDAR");
	rec_ical_line(ic, "PRODID", "-//carelink//calendar//JA");
	rec_ical_line(ic, "VERSION", "2.0");
	rec_ical_line(ic, "CALSCALE", "GREGORIAN");
	rec_ical_line(ic, "METHOD", "PUBLISH");
	rec_ical_text(ic, "X-WR-CALNAME", name);
	rec_ical_line(ic, "X-WR-TIMEZONE", ICAL_TZID);
	rec_ical_line(ic, "BEGIN", "VTIMEZONE");
	rec_ical_line(ic, "TZID", ICAL_TZID);
	rec_ical_line(ic, "BEGIN", "STANDARD");
	rec_ical_line(ic, "DTSTART", "19700101T000000");
	rec_ical_line(ic, "TZOFFSETFROM", "+0900");
	rec_ical_line(ic, "TZOFFSETTO", "+0900");
	rec_ical_line(ic, "TZNAME", "JST");
	rec_ical_line(ic, "END", "STANDARD");
	rec_ical_line(ic, "END", "VTIMEZONE");
}

static bool set(const char *s)
{
	return s && *s;
}

void rec_ical_event(struct rec_ical *ic, const struct rec_ical_event *ev)
{
	char t[20], uid[CL_UUID_LEN + 16];
	snprintf(uid, sizeof uid, "%s@carelink", ev->id);
	rec_ical_line(ic, "BEGIN", "VEVENT");
	rec_ical_text(ic, "UID", uid);
	rec_ical_line(ic, "DTSTAMP", rec_ical_utc(ev->stamp_ms, t));
	rec_ical_line(ic, "DTSTART;TZID=" ICAL_TZID, rec_ical_local(ev->starts_ms, t));
	int64_t ends = ev->ends_ms ? ev->ends_ms : ev->starts_ms + ICAL_HOUR_MS;
	rec_ical_line(ic, "DTEND;TZID=" ICAL_TZID, rec_ical_local(ends, t));
	rec_ical_text(ic, "SUMMARY", set(ev->title) ? ev->title : "");
	if (set(ev->place))
		rec_ical_text(ic, "LOCATION", ev->place);
	if (set(ev->description))
		rec_ical_text(ic, "DESCRIPTION", ev->description);
	if (set(ev->kind))
		rec_ical_text(ic, "CATEGORIES", ev->kind);
	if (set(ev->organiser_name) && set(ev->organiser_id)) {
		char *cn = rec_ical_param(ev->organiser_name);
		size_t n = strlen(cn) + 32;
		char *name = cl_xmalloc(n);
		snprintf(name, n, "ORGANIZER;CN=%s", cn);
		size_t nu = strlen(ev->organiser_id) + 32;
		char *uri = cl_xmalloc(nu);
		snprintf(uri, nu, "%s%s",
			 cl_uuid_valid(ev->organiser_id) ? "urn:uuid:" : "urn:carelink:organisation:",
			 ev->organiser_id);
		rec_ical_line(ic, name, uri);
		free(uri);
		free(name);
		free(cn);
	}
	if (ev->modified_ms)
		rec_ical_line(ic, "LAST-MODIFIED", rec_ical_utc(ev->modified_ms, t));
	snprintf(t, sizeof t, "%ld", ev->sequence > 0 ? ev->sequence : 0);
	rec_ical_line(ic, "SEQUENCE", t);
	rec_ical_line(ic, "END", "VEVENT");
}

void rec_ical_end(struct rec_ical *ic)
{
	rec_ical_line(ic, "END", "VCALENDAR");
}

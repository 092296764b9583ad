/* vacancy_plan.c - what the planners of carelink.vacancy events share:
 * reading the event and a hold from it, the words for kinds and rooms, the
 * nights of a stay and the links of the vacancy pages (no database) */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"
#include "carelink/util.h"

int nt_vacancy_plan_begin(struct nt_plan *plan, const json_t *ev, const char *what,
			  char *reason, size_t reason_size)
{
	memset(plan, 0, sizeof *plan);
	plan->event_id = nt_event_str(ev, "event_id");
	plan->tenant_id = nt_event_str(ev, "tenant_id");
	if (!plan->event_id || !plan->tenant_id ||
	    !json_is_integer(json_object_get(ev, "time"))) {
		snprintf(reason, reason_size, "%s lacks its event id, tenant or time", what);
		return CL_EINVAL;
	}
	return 0;
}

/* the day (days since 1970-01-01) of a YYYY-MM-DD date; false when s is
 * not one */
static bool vacancy_day_parse(const char *s, long *day, long *month, long *mday)
{
	long v[3] = {0, 0, 0};
	static const int widths[3] = {4, 2, 2};
	const char *p = s;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int f = 0; f < 3; f++, p++) {
		for (int i = 0; i < widths[f]; i++, p++) {
			if (*p < '0' || *p > '9')
				return false;
			v[f] = v[f] * 10 + (*p - '0');
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
		return false;
	long z = cl_days_from_civil(v[0], v[1], v[2]), y, m, d;
	cl_civil_from_days(z, &y, &m, &d);
	if (y != v[0] || m != v[1] || d != v[2])
		return false; /* 31 November and the like */
	*day = z;
	*month = m;
	*mday = d;
	return true;
}

char *nt_vacancy_nights(const char *from, const char *to, int *nights)
{
	long fz, fm, fd, tz, tm, td;

	if (!vacancy_day_parse(from, &fz, &fm, &fd) || !vacancy_day_parse(to, &tz, &tm, &td) ||
	    tz < fz)
		return NULL;
	if (nights)
		*nights = (int)(tz - fz + 1);
	if (tz == fz)
		return nt_text_printf("%ld月%ld日", fm, fd);
	return nt_text_printf("%ld月%ld日〜%ld月%ld日", fm, fd, tm, td);
}

const char *nt_vacancy_kind_label(const char *kind)
{
	if (kind && strcmp(kind, "short_stay") == 0)
		return "ショートステイ";
	if (kind && strcmp(kind, "backup") == 0)
		return "後方支援病床";
	if (kind && strcmp(kind, "capacity") == 0)
		return "ケアマネ空き情報";
	return "空き情報";
}

const char *nt_vacancy_room_label(const char *room)
{
	if (room && strcmp(room, "men") == 0)
		return "男性";
	if (room && strcmp(room, "women") == 0)
		return "女性";
	return "男女可";
}

const char *nt_vacancy_facility_label(const char *name)
{
	return name && *name ? name : "施設";
}

int nt_hold_read(struct nt_hold *h, const json_t *ev, const char *what, char *reason,
		 size_t reason_size)
{
	const json_t *beds = json_object_get(ev, "beds");

	memset(h, 0, sizeof *h);
	h->hold_id = nt_event_str(ev, "hold_id");
	h->facility_id = nt_event_str(ev, "facility_id");
	h->facility_name = nt_event_text(ev, "facility_name");
	h->facility_organisation_id = nt_event_str(ev, "facility_organisation_id");
	h->holder_id = nt_event_str(ev, "holder_id");
	h->kind = nt_event_str(ev, "kind");
	h->room = nt_event_str(ev, "room");
	h->from = nt_event_str(ev, "from");
	h->to = nt_event_str(ev, "to");
	h->client_label = nt_event_text(ev, "client_label");
	if (!h->hold_id || !h->facility_id || !h->holder_id || !h->kind || !h->room ||
	    !h->client_label || !json_is_integer(beds)) {
		snprintf(reason, reason_size,
			 "%s lacks its hold, facility, holder, kind, room, beds or client label",
			 what);
		return CL_EINVAL;
	}
	h->beds = (int)json_integer_value(beds);
	char *nights = nt_vacancy_nights(h->from, h->to, NULL);
	if (!nights) {
		snprintf(reason, reason_size, "%s has no valid nights (from, to)", what);
		return CL_EINVAL;
	}
	free(nights);
	if (!h->facility_name)
		h->facility_name = "";
	return 0;
}

char *nt_hold_body(const struct nt_hold *h)
{
	int n = 0;
	char *nights = nt_vacancy_nights(h->from, h->to, &n);
	char *label = nt_text_cut(h->client_label, NT_RECORD_TITLE_MAX_CODEPOINTS);
	char *out;

	if (!nights)
		nights = cl_xstrdup("");
	if (*label)
		out = nt_text_printf("%s ・ %s(%d泊) ・ %d床(%s) ・ 利用者: %s",
				     nt_vacancy_kind_label(h->kind), nights, n, h->beds,
				     nt_vacancy_room_label(h->room), label);
	else
		out = nt_text_printf("%s ・ %s(%d泊) ・ %d床(%s)",
				     nt_vacancy_kind_label(h->kind), nights, n, h->beds,
				     nt_vacancy_room_label(h->room));
	free(nights);
	free(label);
	return out;
}

char *nt_link_vacancy_watch(const char *watch_id)
{
	return nt_text_printf("#/vacancy/watches/%s", watch_id);
}

char *nt_link_vacancy_facility(const char *facility_id)
{
	return nt_text_printf("#/vacancy/facilities/%s", facility_id);
}

char *nt_link_vacancy_hold(const char *hold_id)
{
	return nt_text_printf("#/vacancy/holds/%s", hold_id);
}

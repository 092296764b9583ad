/* stream_prefs.c - a person's notification preferences (services/notify/
 * FEED.md "Preferences") read from notify's answer to GET /v1/preferences
 * or from a NotificationPreferencesChanged event; hub.c applies them */
#include "gateway.h"

#include <carelink/json.h>
#include <carelink/util.h>
#include <stdlib.h>
#include <string.h>

#define GW_PREFS_MUTES_MAX 200

/* "HH:MM" as minutes of the day, -1 when it is not one */
static int minutes_of(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

static void quiet_set(struct gw_prefs *p, const char *start, const char *end)
{
	int a = minutes_of(start), b = minutes_of(end);
	if (a < 0 || b < 0 || a == b)
		return; /* none: notify refuses such values, so this is not expected */
	p->quiet_start = a;
	p->quiet_end = b;
}

static void id_add(char ***ids, size_t *n, const char *id)
{
	if (!id || !*id || strlen(id) > 64 || *n >= GW_PREFS_MUTES_MAX)
		return;
	*ids = cl_xrealloc(*ids, (*n + 1) * sizeof **ids);
	(*ids)[(*n)++] = cl_xstrdup(id);
}

void gw_prefs_from_json(struct gw_prefs *p, const json_t *doc)
{
	gw_prefs_init(p);
	p->urgent_only = json_is_true(json_object_get(doc, "urgent_only"));
	const json_t *q = json_object_get(doc, "quiet_hours");
	if (json_is_object(q))
		quiet_set(p, cl_json_str(q, "start"), cl_json_str(q, "end"));
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(doc, "mutes"), i, m)
	{
		const char *kind = cl_json_str(m, "kind");
		const char *id = cl_json_str(m, "id");
		if (kind && !strcmp(kind, "space"))
			id_add(&p->spaces, &p->n_spaces, id);
		else if (kind && !strcmp(kind, "thread"))
			id_add(&p->threads, &p->n_threads, id);
	}
}

void gw_prefs_from_event(struct gw_prefs *p, const json_t *e)
{
	gw_prefs_init(p);
	p->urgent_only = json_is_true(json_object_get(e, "urgent_only"));
	quiet_set(p, cl_json_str(e, "quiet_start"), cl_json_str(e, "quiet_end"));
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(e, "muted_spaces"), i, v)
		id_add(&p->spaces, &p->n_spaces, json_string_value(v));
	json_array_foreach(json_object_get(e, "muted_threads"), i, v)
		id_add(&p->threads, &p->n_threads, json_string_value(v));
}

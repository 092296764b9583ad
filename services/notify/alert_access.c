/* alert_access.c - who may read, acknowledge, manage and raise an alert
 * (ALERTS.md "Who may do what"); pure */
#include "alert_resource.h"

#include <string.h>

static bool list_has(const json_t *a, const char *s)
{
	size_t i;
	const json_t *v;
	if (!s || !*s)
		return false;
	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

static bool tenant_admin(const struct cl_identity *who)
{
	return cl_identity_has_role(who, NT_ROLE_TENANT_ADMIN);
}

bool nt_alert_audience_has(const json_t *audience, const struct cl_identity *who)
{
	return json_is_true(json_object_get(audience, "everyone")) ||
	       list_has(json_object_get(audience, "organisations"), who->organisation) ||
	       list_has(json_object_get(audience, "professions"), who->profession);
}

bool nt_alert_in_effective(const json_t *alert, const struct cl_identity *who)
{
	if (nt_alert_audience_has(json_object_get(alert, "audience"), who))
		return true;
	json_int_t level = json_integer_value(json_object_get(alert, "escalation_level"));
	const json_t *levels = json_object_get(alert, "escalation");
	for (json_int_t i = 0; i < level && i < (json_int_t)json_array_size(levels); i++)
		if (nt_alert_audience_has(json_object_get(json_array_get(levels, i), "audience"),
					  who))
			return true;
	return false;
}

static const char *raiser_field(const json_t *alert, const char *key)
{
	return json_string_value(json_object_get(json_object_get(alert, "raised_by"), key));
}

static bool is_raiser(const json_t *alert, const struct cl_identity *who)
{
	const char *id = raiser_field(alert, "id");
	return id && strcmp(id, who->user) == 0;
}

bool nt_alert_may_manage(const json_t *alert, const struct cl_identity *who)
{
	if (is_raiser(alert, who) || tenant_admin(who))
		return true;
	const json_t *org = json_object_get(json_object_get(alert, "raised_by"), "organisation");
	const char *org_id = json_string_value(json_object_get(org, "id"));
	return cl_identity_has_role(who, NT_ROLE_ALERT_MANAGER) && org_id && *org_id &&
	       strcmp(org_id, who->organisation) == 0;
}

/* ALERTS.md's readers, and the managers (who could not otherwise see
 * what they may update, resolve or cancel) */
bool nt_alert_may_read(const json_t *alert, const struct cl_identity *who)
{
	return nt_alert_in_effective(alert, who) || nt_alert_may_manage(alert, who);
}

bool nt_alert_may_raise(const char *raisers, const struct cl_identity *who)
{
	if (tenant_admin(who))
		return true;
	size_t n = strlen(who->profession);
	if (n == 0)
		return false;
	for (const char *p = raisers; *p;) {
		while (*p == ',' || *p == ' ')
			p++;
		const char *end = p;
		while (*end && *end != ',' && *end != ' ')
			end++;
		if ((size_t)(end - p) == n && strncmp(p, who->profession, n) == 0)
			return true;
		p = end;
	}
	return false;
}

bool nt_alert_acked_by(const json_t *alert, const char *user)
{
	size_t i;
	const json_t *a;
	json_array_foreach(json_object_get(alert, "acknowledgements"), i, a) {
		const char *id = json_string_value(json_object_get(json_object_get(a, "user"), "id"));
		if (id && strcmp(id, user) == 0)
			return true;
	}
	return false;
}

json_t *nt_alert_for_reader(const json_t *alert, const struct cl_identity *who)
{
	json_t *copy = json_deep_copy(alert);
	json_object_set_new(copy, "acknowledged_by_me",
			    json_boolean(nt_alert_acked_by(alert, who->user)));
	json_object_del(copy, "tenant_id");
	return copy;
}

/* append the strings of from missing in to */
static void list_merge(json_t *to, const json_t *from)
{
	size_t i;
	const json_t *v;
	json_array_foreach(from, i, v)
		if (!list_has(to, json_string_value(v)))
			json_array_append(to, (json_t *)v);
}

static void audience_merge(json_t *to, const json_t *aud)
{
	if (json_is_true(json_object_get(aud, "everyone")))
		json_object_set_new(to, "everyone", json_true());
	list_merge(json_object_get(to, "organisations"), json_object_get(aud, "organisations"));
	list_merge(json_object_get(to, "professions"), json_object_get(aud, "professions"));
}

json_t *nt_alert_audience_union(const json_t *alert, int with_base, int from, int to)
{
	json_t *u = json_pack("{s:b, s:[], s:[]}", "everyone", 0, "organisations",
			      "professions");
	if (with_base)
		audience_merge(u, json_object_get(alert, "audience"));
	const json_t *levels = json_object_get(alert, "escalation");
	for (int i = from; i < to && i < (int)json_array_size(levels); i++)
		audience_merge(u, json_object_get(json_array_get(levels, i), "audience"));
	return u;
}

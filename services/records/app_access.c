/* app_access.c - who may read an app and who may write its records (the
 * read and write rules of APPS.md; pure) */
#include "records.h"

#include <string.h>

static bool listed(const json_t *list, const char *s)
{
	size_t i;
	const json_t *v;
	if (!s || !*s)
		return false;
	json_array_foreach(list, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	return false;
}

bool rec_app_can_read(const json_t *read, const struct cl_identity *who)
{
	if (rec_identity_tenant_admin(who))
		return true;
	const json_t *p = json_object_get(read, "professions");
	const json_t *o = json_object_get(read, "organisations");
	if (json_array_size(p) == 0 && json_array_size(o) == 0)
		return true;
	return listed(p, who->profession) || listed(o, who->organisation);
}

bool rec_app_can_write(const struct rec_app_def *app, const struct cl_identity *who,
		       const char *owner_org)
{
	if (rec_identity_tenant_admin(who))
		return true;
	if (!rec_app_can_read(app->read, who))
		return false;
	const json_t *w = app->write;
	if (listed(json_object_get(w, "professions"), who->profession) ||
	    listed(json_object_get(w, "organisations"), who->organisation))
		return true;
	if (!json_is_true(json_object_get(w, "owner_organisation")))
		return false;
	return !owner_org || (*who->organisation && !strcmp(owner_org, who->organisation));
}

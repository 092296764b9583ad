/* hold_access.c - who one is to a hold: its holder, its facility's staff */
#include "vacancy.h"

#include <string.h>

struct vac_hold_role vac_hold_role_of(const struct vac_app *app, const struct cl_identity *who,
				      const json_t *hold)
{
	struct vac_hold_role role = {false, false};
	const char *owner = json_string_value(json_object_get(hold, "owner_organisation_id"));
	const char *holder =
		json_string_value(json_object_get(json_object_get(hold, "holder"), "id"));
	if (!vac_may_read(app, who, owner))
		return role;
	role.holder = holder && !strcmp(holder, who->user);
	role.staff = owner && vac_is_staff(who, owner);
	return role;
}

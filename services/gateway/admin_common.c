/* admin_common.c - what the admin module's handlers share: role sets, who
 * may manage whom, paging parameters, audit entries */
#include "admin.h"
#include "audit.h"

#include <carelink/err.h>
#include <string.h>

static const struct {
	const char *name;
	unsigned bit;
} role_names[] = {
	{"member", GW_ROLE_MEMBER},
	{"org_admin", GW_ROLE_ORG_ADMIN},
	{"tenant_admin", GW_ROLE_TENANT_ADMIN},
	{"privacy_officer", GW_ROLE_PRIVACY_OFFICER},
};
#define N_ROLES (sizeof role_names / sizeof role_names[0])

static unsigned role_bit(const char *name)
{
	for (size_t i = 0; i < N_ROLES; i++)
		if (!strcmp(role_names[i].name, name))
			return role_names[i].bit;
	return 0;
}

int gw_roles_parse(const json_t *roles, unsigned *set, const char **why)
{
	if (!json_is_array(roles)) {
		*why = "roles must be an array of role names";
		return CL_EINVAL;
	}
	unsigned s = GW_ROLE_MEMBER;
	size_t i;
	const json_t *r;
	json_array_foreach(roles, i, r)
	{
		unsigned bit = json_is_string(r) ? role_bit(json_string_value(r)) : 0;
		if (!bit) {
			*why = "unknown role: member, org_admin, tenant_admin, privacy_officer are known";
			return CL_EINVAL;
		}
		s |= bit;
	}
	*set = s;
	return 0;
}

json_t *gw_roles_json(unsigned set)
{
	json_t *a = json_array();
	for (size_t i = 0; i < N_ROLES; i++)
		if (set & role_names[i].bit)
			json_array_append_new(a, json_string(role_names[i].name));
	return a;
}

unsigned gw_roles_of(const struct gw_user *u)
{
	unsigned s = 0;
	for (size_t i = 0; i < u->id.n_roles; i++)
		s |= role_bit(u->id.roles[i]);
	return s;
}

bool gw_admin_may_manage(const struct gw_user *u, const char *organisation)
{
	unsigned r = gw_roles_of(u);
	if (r & GW_ROLE_TENANT_ADMIN)
		return true;
	return (r & GW_ROLE_ORG_ADMIN) && !strcmp(u->id.organisation, organisation);
}

bool gw_admin_limit(struct cl_http_req *req, long *limit)
{
	struct cl_http_page page;
	if (cl_http_page_parse(cl_http_query(req, "limit"), NULL, &page) < 0) {
		cl_http_error(req, 400, "invalid_limit", "limit must be a number from 1 to 200");
		return false;
	}
	*limit = page.limit;
	return true;
}

bool gw_admin_cursor(struct cl_http_req *req, const char **cursor)
{
	const char *s = cl_http_query(req, "cursor");
	*cursor = NULL;
	if (!s || !*s)
		return true;
	if (!cl_uuid_valid(s)) {
		cl_http_error(req, 400, "invalid_cursor", "cursor is not one this server gave out");
		return false;
	}
	*cursor = s;
	return true;
}

json_t *gw_admin_page(const char *key, json_t *items, long limit)
{
	json_t *next = json_null();
	if ((long)json_array_size(items) > limit) {
		json_array_remove(items, (size_t)limit);
		const json_t *last = json_array_get(items, (size_t)limit - 1);
		json_t *id = json_object_get(last, "id");
		if (id)
			next = json_copy(id);
	}
	return json_pack("{s:o, s:o}", key, items, "next_cursor", next);
}

bool gw_admin_text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	bool visible = false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false; /* no line breaks or other controls in a name */
		if (*p == ' ')
			continue;
		if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 2; /* ideographic space */
			continue;
		}
		visible = true;
	}
	return visible;
}

/* access.c - who may read and who may update a facility's vacancies */
#include "vacancy.h"

#include <carelink/err.h>
#include <string.h>

#define DEFAULT_READ_PROFESSIONS                                                      \
	"care_manager,social_worker,medical_social_worker,doctor,nurse,pharmacist,"   \
	"city_official,care_worker,therapist"

bool vac_is_staff(const struct cl_identity *who, const char *owner_org)
{
	return owner_org && owner_org[0] && who->organisation[0] &&
	       strcmp(who->organisation, owner_org) == 0;
}

/* true when word is an item of the comma (and space) separated list */
static bool listed(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;
	while (*p) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t len = strcspn(p, ", ");
		if (len && len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
	}
	return false;
}

bool vac_may_read(const struct vac_app *app, const struct cl_identity *who,
		  const char *owner_org)
{
	if (vac_is_staff(who, owner_org))
		return true;
	const char *list = cl_cfg_get(&app->svc->cfg, "vacancy.read_professions",
				      DEFAULT_READ_PROFESSIONS);
	return who->profession[0] && listed(list, who->profession);
}

long vac_stale_hours(const struct vac_app *app)
{
	long h = cl_cfg_get_int(&app->svc->cfg, "vacancy.stale_hours", 72);
	return h > 0 ? h : 72;
}

bool vac_facility_for(struct cl_http_req *req, bool for_update, struct vac_facility *f)
{
	struct vac_app *app = req->app;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = vac_db_facility_get(pg, req->identity.tenant, req->params[0], f);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT || (rc == 0 && !vac_may_read(app, &req->identity, f->owner_org))) {
		cl_http_error(req, 404, "not_found", "施設が見つかりません");
		return false;
	}
	if (rc < 0) {
		cl_http_fail(req, rc);
		return false;
	}
	if (for_update && !vac_is_staff(&req->identity, f->owner_org)) {
		cl_http_error(req, 403, "forbidden", "この施設の職員だけが更新できます");
		return false;
	}
	return true;
}

static bool code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 40 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

bool vac_code_list_ok(const json_t *a, size_t max)
{
	if (!json_is_array(a) || json_array_size(a) > max)
		return false;
	size_t i;
	const json_t *v;
	json_array_foreach(a, i, v)
		if (!json_is_string(v) || !code_ok(json_string_value(v)))
			return false;
	return true;
}

bool vac_care_level_ok(const char *s)
{
	static const char *const levels[] = {"support_1", "support_2", "care_1", "care_2",
					     "care_3",    "care_4",    "care_5"};
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (strcmp(s, levels[i]) == 0)
			return true;
	return false;
}

/* space_patch.c - PATCH /v1/spaces/:id: space admins rename, describe,
 * archive and unarchive; tenant admins also change readers and admins. The
 * change and its SpaceChanged event commit together. */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdlib.h>
#include <string.h>

struct patch_tx {
	const struct cl_avro_registry *schemas; /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const char *space_id;                   /* borrowed */
	const struct rec_space_fields *f;       /* borrowed */
	struct rec_refusal refusal;
	bool changed;
};

/* replace *slot (owned) by a new reference to v when v is given and differs */
static void take_list(json_t **slot, json_t *v, bool *changed)
{
	if (!v || json_equal(*slot, v))
		return;
	json_decref(*slot);
	*slot = json_incref(v);
	*changed = true;
}

static void take_text(char **slot, const char *v, bool *changed)
{
	if (!v || !strcmp(*slot, v))
		return;
	free(*slot);
	*slot = cl_xstrdup(v);
	*changed = true;
}

static int patch_body(struct cl_pg *pg, void *arg)
{
	struct patch_tx *c = arg;
	const struct rec_space_fields *f = c->f;
	c->refusal.status = 0;
	c->changed = false;
	struct rec_space s;
	int rc = rec_db_space_lock(pg, c->who, c->space_id, &s);
	if (rc < 0)
		return rc;
	if (!s.can_admin) {
		rc = rec_refuse(&c->refusal, 403, "forbidden",
				      "このスペースを変更できるのはスペースの管理者だけです");
		goto out;
	}
	if ((f->professions || f->organisations || f->admins) &&
	    !rec_identity_tenant_admin(c->who)) {
		rc = rec_refuse(&c->refusal, 403, "forbidden",
				      "閲覧できる人と管理者を変更できるのは自治体の管理者だけです");
		goto out;
	}
	/* only what is new is checked: a listed admin who left stays listable */
	json_t *new_orgs = f->organisations ? rec_strings_minus(f->organisations, s.organisations)
					    : NULL;
	json_t *new_admins = f->admins ? rec_strings_minus(f->admins, s.admins) : NULL;
	rc = rec_space_people_check(pg, c->who->tenant, new_orgs, new_admins, &c->refusal);
	json_decref(new_orgs);
	json_decref(new_admins);
	if (rc < 0)
		goto out;

	bool was_archived = s.archived;
	take_text(&s.name, f->name, &c->changed);
	take_text(&s.description, f->description, &c->changed);
	if (f->archived >= 0 && (bool)f->archived != s.archived) {
		s.archived = f->archived;
		c->changed = true;
	}
	take_list(&s.professions, f->professions, &c->changed);
	take_list(&s.organisations, f->organisations, &c->changed);
	take_list(&s.admins, f->admins, &c->changed);
	if (!c->changed)
		goto out; /* nothing to write, nothing to announce */
	rc = rec_db_space_update(pg, c->who->tenant, &s);
	if (rc == 0) {
		const char *change = s.archived == was_archived ? "UPDATED"
				     : s.archived		 ? "ARCHIVED"
								 : "UNARCHIVED";
		rc = rec_space_event_add(pg, c->schemas, c->who->tenant, &s, change,
					 c->who->user, c->who->name);
	}
out:
	rec_space_release(&s);
	return rc;
}

enum MHD_Result rec_space_patch(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *space_id = req->params[0];
	if (!cl_uuid_valid(space_id))
		return cl_http_error(req, 404, "space_not_found", "スペースが見つかりません");
	struct rec_space_fields f;
	if (!rec_space_fields_read(req, true, &f))
		return req->result;
	if (!f.name && !f.description && f.archived < 0 && !f.professions &&
	    !f.organisations && !f.admins) {
		rec_space_fields_release(&f);
		return cl_http_error(req, 400, "invalid_body", "変更する項目がありません");
	}
	struct patch_tx c = {.schemas = app->svc->schemas, .who = &req->identity,
			     .space_id = space_id, .f = &f};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, patch_body, &c);
	json_t *space = NULL;
	if (rc == 0)
		rc = rec_db_space_json(pg, &req->identity, space_id, &space);
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_space_fields_release(&f);
	if (rc < 0)
		return rec_space_refusal_send(req, &c.refusal, rc, "space_not_found",
					      "space_name_taken");
	if (c.changed)
		cl_log_info("space changed", "space_id", space_id, NULL);
	return cl_http_json(req, 200, json_pack("{s:o}", "space", space));
}

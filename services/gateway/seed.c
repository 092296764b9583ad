/* seed.c - `carelink-gateway --seed-demo`: the demo municipality's tenant,
 * organisations and users from tools/demo/seed.json, idempotently; each new
 * organisation and user is announced on carelink.identity */
#include "gateway.h"
#include "org_announce.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <carelink/log.h>
#include <carelink/outbox.h>
#include <carelink/util.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct seed_arg {
	struct cl_service *svc;
	json_t *doc;
	const char *tenant;
	char hash[crypto_pwhash_STRBYTES];
};

static int seed_orgs(struct cl_pg *pg, struct seed_arg *a)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(a->doc, "organisations"), i, o)
	{
		const char *p[4] = {cl_json_str(o, "id"), a->tenant, cl_json_str(o, "name"),
				    cl_json_str(o, "kind")};
		PGresult *res;
		int rc = cl_pg_exec(pg, &res,
				    "INSERT INTO organisations (id, tenant_id, name, kind)"
				    " VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
				    4, p);
		if (rc < 0)
			return rc;
		long inserted = cl_pg_affected(res);
		PQclear(res);
		if (inserted)
			rc = gw_org_announce(pg, a->svc->schemas, a->tenant, p[0], p[2], p[3]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* the name of the demo organisation id, "" when the file lacks it */
static const char *org_name(const struct seed_arg *a, const char *id)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(a->doc, "organisations"), i, o)
	{
		const char *oid = cl_json_str(o, "id");
		if (oid && id && !strcmp(oid, id))
			return cl_json_str(o, "name") ? cl_json_str(o, "name") : "";
	}
	return "";
}

static int seed_user(struct cl_pg *pg, struct seed_arg *a, json_t *u)
{
	char *roles = json_dumps(json_object_get(u, "roles"), JSON_COMPACT);
	const char *p[8] = {cl_json_str(u, "id"), a->tenant, cl_json_str(u, "organisation"),
			    cl_json_str(u, "email"), cl_json_str(u, "name"),
			    cl_json_str(u, "profession"), roles, a->hash};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "INSERT INTO users (id, tenant_id, organisation_id, email,"
			    " display_name, profession, roles, password_hash)"
			    " SELECT $1, $2, $3, $4, $5, $6,"
			    " ARRAY(SELECT json_array_elements_text($7::json)), $8"
			    " ON CONFLICT (id) DO NOTHING",
			    8, p);
	free(roles);
	if (rc < 0)
		return rc;
	long inserted = cl_pg_affected(res);
	PQclear(res);
	if (!inserted)
		return 0;
	json_t *e = cl_event_new(a->tenant);
	json_object_set_new(e, "user_id", json_string(cl_json_str(u, "id")));
	json_object_set_new(e, "organisation_id", json_string(cl_json_str(u, "organisation")));
	json_object_set_new(e, "organisation_name",
			    json_string(org_name(a, cl_json_str(u, "organisation"))));
	json_object_set_new(e, "profession", json_string(cl_json_str(u, "profession")));
	json_object_set_new(e, "display_name", json_string(cl_json_str(u, "name")));
	json_object_set(e, "roles", json_object_get(u, "roles"));
	json_object_set_new(e, "active", json_true());
	rc = cl_outbox_add(pg, a->svc->schemas, "carelink.identity", cl_json_str(u, "id"),
			   "carelink.identity.UserChanged", e);
	json_decref(e);
	return rc;
}

static int seed_tx(struct cl_pg *pg, void *varg)
{
	struct seed_arg *a = varg;
	json_t *t = json_object_get(a->doc, "tenant");
	const char *p[2] = {a->tenant, cl_json_str(t, "name")};
	int rc = cl_pg_exec(pg, NULL,
			    "INSERT INTO tenants (id, name) VALUES ($1, $2)"
			    " ON CONFLICT (id) DO NOTHING",
			    2, p);
	if (rc == 0)
		rc = seed_orgs(pg, a);
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(a->doc, "users"), i, u)
	{
		if (rc == 0)
			rc = seed_user(pg, a, u);
	}
	return rc;
}

int gw_seed_demo(struct cl_service *svc)
{
	char path[1200];
	json_error_t jerr;
	struct seed_arg a = {.svc = svc};
	a.doc = json_load_file(cl_service_path(svc, "tools/demo/seed.json", path, sizeof path),
			       0, &jerr);
	if (!a.doc) {
		cl_log_error("cannot read demo data", "path", path, "detail", jerr.text, NULL);
		return CL_EINVAL;
	}
	a.tenant = cl_json_str(json_object_get(a.doc, "tenant"), "id");
	const char *pw = cl_json_str(a.doc, "password");
	if (!a.tenant || !pw ||
	    crypto_pwhash_str(a.hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		json_decref(a.doc);
		return CL_EINVAL;
	}
	struct cl_pg *pg = cl_pg_pool_get(&svc->pool);
	int rc = cl_pg_tx(pg, 0, seed_tx, &a);
	cl_pg_pool_put(&svc->pool, pg);
	if (rc == 0)
		cl_log_info("demo data in place", "tenant_id", a.tenant, NULL);
	json_decref(a.doc);
	return rc;
}

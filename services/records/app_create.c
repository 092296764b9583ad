/* app_create.c - POST /v1/apps: a tenant admin defines an app; the app
 * and its AppChanged CREATED event commit together */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <string.h>

struct create_tx {
	const struct cl_avro_registry *schemas; /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const char *id, *key;                   /* borrowed */
	const struct rec_app_input *in;         /* borrowed */
	json_t *out;                            /* the app's API JSON, owned */
};

static int create_body(struct cl_pg *pg, void *arg)
{
	struct create_tx *t = arg;
	const struct rec_app_input *in = t->in;
	json_decref(t->out);
	t->out = NULL;
	int rc = rec_db_app_insert(pg, t->who->tenant, t->id, t->key, in->name,
				   in->description ? in->description : "", false, in->fields,
				   in->read, in->write);
	if (rc == 0)
		rc = rec_db_app_json(pg, t->who, t->id, &t->out);
	if (rc == 0)
		rc = rec_app_event_add(pg, t->schemas, t->who, t->out, "CREATED");
	return rc;
}

enum MHD_Result rec_app_create(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	if (!rec_identity_tenant_admin(&req->identity))
		return cl_http_error(req, 403, "forbidden", "アプリを作成できるのは自治体の管理者だけです");
	struct rec_app_input in;
	if (!rec_app_input_read(req, true, NULL, &in)) {
		rec_app_input_release(&in);
		return req->result;
	}
	char id[CL_UUID_LEN + 1], key[REC_APP_KEY_MAX + 1];
	cl_uuid_new(id);
	if (in.key) {
		cl_strlcpy(key, in.key, sizeof key);
	} else {
		/* "app_" and the id's hex digits: 36 characters */
		size_t k = 0;
		k += cl_strlcpy(key, "app_", sizeof key);
		for (const char *p = id; *p && k < sizeof key - 1; p++)
			if (*p != '-')
				key[k++] = *p;
		key[k] = '\0';
	}
	struct create_tx t = {.schemas = app->svc->schemas, .who = &req->identity, .id = id,
			      .key = key, .in = &in};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	/* outside the transaction: the built-ins' own insert may lose a race */
	int rc = rec_app_builtin_ensure(pg, req->identity.tenant);
	if (rc == 0)
		rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, create_body, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_input_release(&in);
	if (rc < 0) {
		json_decref(t.out);
		if (rc == CL_ECONFLICT)
			return cl_http_error(req, 409, "app_key_taken",
					     "同じキーのアプリがすでにあります");
		return cl_http_fail(req, rc);
	}
	cl_log_info("app created", "app_id", id, "tenant_id", req->identity.tenant, NULL);
	return cl_http_json(req, 201, json_pack("{s:o}", "app", t.out));
}

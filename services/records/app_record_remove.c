/* app_record_remove.c - DELETE /v1/app-records/:id: a writer of the record
 * deletes it (soft; history kept) and AppRecordDeleted is emitted */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>

struct remove_tx {
	struct rec_app_writer w;
	const char *record_id;
};

static int remove_body(struct cl_pg *pg, void *arg)
{
	struct remove_tx *t = arg;
	return rec_app_write_delete(pg, &t->w, t->record_id);
}

enum MHD_Result rec_app_record_remove(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	struct rec_app_def def = {0};
	char *owner = NULL;
	enum MHD_Result r;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	if (!rec_app_record_load(req, pg, req->params[0], &def, &owner)) {
		r = req->result;
		goto out;
	}
	if (!rec_app_can_write(&def, &req->identity, owner)) {
		r = cl_http_error(req, 403, "forbidden", "このレコードを削除する権限がありません");
		goto out;
	}
	struct remove_tx t = {.w = {app->svc->schemas, &req->identity, &def, false}, .record_id = req->params[0]};
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, remove_body, &t);
	if (rc == CL_ENOENT)
		r = cl_http_error(req, 404, "record_not_found", "レコードが見つかりません");
	else if (rc < 0)
		r = cl_http_fail(req, rc);
	else
		r = cl_http_empty(req, 204);
out:
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	free(owner);
	return r;
}

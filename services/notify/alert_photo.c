/* alert_photo.c - PUT and GET /v1/alerts/{id}/photo (ALERTS.md "The
 * photo"): the managers of an active alert add or replace its photo (raw
 * JPEG or PNG body; a change like PATCH: version + 1, AlertUpdated, a CAP
 * Update with the <resource>, a timeline entry, urgent notifications);
 * its readers fetch it */
#include "alert_resource.h"

#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "carelink/err.h"

#define PHOTO_ADDED_NOTE "写真を追加しました"
#define PHOTO_REPLACED_NOTE "写真を差し替えました"

struct photo_tx {
	struct cl_http_req *req;
	const struct nt_app *app;
	const char *type;
	char sha1[41];
	json_t *alert;
};

static int photo_run(struct cl_pg *pg, void *arg)
{
	struct photo_tx *t = arg;
	json_t *a = NULL, *none = NULL;
	int64_t id;
	json_decref(t->alert);
	t->alert = NULL;
	int rc = nt_alert_load_managed(pg, t->req, &a, &id);
	if (rc < 0)
		return rc;
	rc = nt_db_alert_photo_put(pg, id, t->type, t->sha1, t->req->body, t->req->body_len);
	if (rc < 0)
		goto out;
	const char *note = rc == 1 ? PHOTO_REPLACED_NOTE : PHOTO_ADDED_NOTE;
	none = json_object();
	rc = nt_db_alert_update(pg, id, none); /* version + 1 */
	if (rc == 0)
		rc = nt_alert_change_told(pg, t->app, a, id, "updated", "edited",
					  &t->req->identity, note, &t->alert);
out:
	json_decref(none);
	json_decref(a);
	return rc;
}

enum MHD_Result nt_alert_photo_put(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	if (req->body_len > NT_ALERT_PHOTO_MAX)
		return cl_http_error(req, 413, "photo_too_large",
				     "写真は 5 MiB 以下にしてください");
	bool type_ok;
	const char *type = nt_alert_photo_type(cl_http_header(req, "Content-Type"),
					       (const unsigned char *)req->body, req->body_len,
					       &type_ok);
	if (!type_ok)
		return cl_http_error(req, 415, "unsupported_media_type",
				     "写真は JPEG か PNG の画像にしてください");
	if (!type)
		return cl_http_error(req, 400, "invalid_image",
				     "写真の内容が JPEG または PNG ではありません");

	struct photo_tx t = {.req = req, .app = app, .type = type};
	nt_alert_photo_sha1(req->body, req->body_len, t.sha1);
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, photo_run, &t);
	cl_pg_pool_put(&app->svc->pool, pg);
	return nt_alert_managed_answer(req, rc, "この緊急連絡を変更する権限がありません",
				       t.alert);
}

enum MHD_Result nt_alert_photo_get(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	struct nt_alert_photo photo = {0};
	json_t *a = NULL;
	int64_t id;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = nt_alert_load(pg, req, false, &a, &id);
	bool readable = rc == 0;
	if (readable)
		rc = nt_db_alert_photo_get(pg, id, &photo);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(a);
	enum MHD_Result r;
	if (rc == CL_ENOENT && readable)
		r = cl_http_error(req, 404, "photo_not_found", "この緊急連絡に写真はありません");
	else if (rc == CL_ENOENT || rc == CL_EINVAL)
		r = nt_alert_not_found(req);
	else if (rc < 0)
		r = cl_http_fail(req, rc);
	else {
		cl_http_set_header(req, "Cache-Control", "private, no-cache");
		cl_http_set_header(req, "X-Content-Type-Options", "nosniff");
		r = cl_http_bytes(req, 200, photo.content_type, photo.data, photo.size);
	}
	nt_alert_photo_release(&photo);
	return r;
}

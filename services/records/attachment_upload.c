/* attachment_upload.c - POST /v1/attachments?filename=: store an image or
 * PDF, unattached until a post or comment names it; stale unattached
 * uploads of the tenant are removed on the way */
#include "records.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct upload_tx {
	const struct rec_attachment_new *a; /* borrowed */
	char id[CL_UUID_LEN + 1];
};

static int upload_body(struct cl_pg *pg, void *arg)
{
	struct upload_tx *u = arg;
	int rc = rec_db_attachment_purge(pg, u->a->tenant_id);
	if (rc == 0)
		rc = rec_db_attachment_insert(pg, u->a, u->id);
	return rc;
}

enum MHD_Result rec_attachment_upload(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *filename = cl_http_query(req, "filename");
	if (!rec_attachment_filename_ok(filename))
		return cl_http_error(req, 400, "invalid_filename",
				     "ファイル名は 1 から 255 バイトで、制御文字・/・\\ を含められません");
	if (req->body_len == 0)
		return cl_http_error(req, 400, "empty_attachment", "ファイルが空です");
	size_t max = rec_cfg_attachment_max(app);
	if (req->body_len > max) {
		char msg[96];
		snprintf(msg, sizeof msg, "添付ファイルは %zu バイトまでです", max);
		return cl_http_error(req, 413, "attachment_too_large", msg);
	}
	const char *type = rec_attachment_type(cl_http_header(req, "Content-Type"));
	if (!type || !rec_attachment_magic_ok(type, (const unsigned char *)req->body,
					      req->body_len))
		return cl_http_error(req, 415, "unsupported_type",
				     "添付できるのは PNG・JPEG・GIF・WebP の画像と PDF です");

	struct rec_attachment_new a = {
		.tenant_id = req->identity.tenant,
		.uploader_id = req->identity.user,
		.filename = filename,
		.content_type = type,
		.data = req->body,
		.size = req->body_len,
	};
	struct upload_tx u = {.a = &a};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, upload_body, &u);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);
	cl_log_info("attachment uploaded", "attachment_id", u.id, "type", type, NULL);
	return cl_http_json(req, 201,
			    json_pack("{s:{s:s, s:s, s:s, s:I}}", "attachment", "id", u.id,
				      "filename", filename, "content_type", type, "size",
				      (json_int_t)req->body_len));
}

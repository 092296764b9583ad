/* patient_attachment_upload.c - POST /v1/patients/:id/attachments?filename=:
 * an image or PDF of a patient, its type told by its first bytes, claimed
 * by the next entry of its uploader that names it */
#include "entries.h"
#include "carelink/err.h"
#include "carelink/log.h"

#include <stdio.h>
#include <string.h>

static const char *const sniffed[] = {
	"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
};

/* the accepted type whose magic bytes data starts with, or NULL */
static const char *type_sniff(const unsigned char *data, size_t len)
{
	for (size_t i = 0; i < sizeof sniffed / sizeof sniffed[0]; i++)
		if (rec_attachment_magic_ok(sniffed[i], data, len))
			return sniffed[i];
	return NULL;
}

struct upload_tx {
	const struct rec_app *app;              /* borrowed */
	const struct cl_identity *who;          /* borrowed */
	const struct rec_patient_file_new *a;   /* borrowed */
	const struct rec_audit *audit;          /* borrowed */
	unsigned bad_status;                    /* a refused upload, or 0 */
	const char *bad_code, *bad_message;
	struct rec_refusal refusal;
	char id[CL_UUID_LEN + 1];
};

static int upload_body(struct cl_pg *pg, void *arg)
{
	struct upload_tx *u = arg;
	memset(&u->refusal, 0, sizeof u->refusal);
	int rc = rec_patient_session(pg, u->who);
	if (rc == 0)
		rc = rec_patient_access(pg, u->who, u->a->patient_id, NULL);
	/* outsiders learn nothing, not even that their file was wrong */
	if (rc == 0 && u->bad_status)
		rc = rec_refuse(&u->refusal, u->bad_status, u->bad_code, u->bad_message);
	if (rc == 0)
		rc = rec_db_entry_attachment_insert(pg, u->a, u->id);
	if (rc == 0)
		rc = rec_audit_add(pg, u->app->svc->schemas, u->audit);
	return rc;
}

enum MHD_Result rec_patient_attachment_upload(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *patient_id = req->params[0];
	if (!cl_uuid_valid(patient_id))
		return rec_patient_denied(req, patient_id, NULL);
	const char *filename = cl_http_query(req, "filename");
	size_t max = rec_cfg_attachment_max(app);
	char too_large[96];
	snprintf(too_large, sizeof too_large, "添付ファイルは %zu バイトまでです", max);
	const char *type = type_sniff((const unsigned char *)req->body, req->body_len);
	unsigned bad_status = 0;
	const char *bad_code = NULL, *bad_message = NULL;
	if (!rec_attachment_filename_ok(filename)) {
		bad_status = 400;
		bad_code = "invalid_filename";
		bad_message = "ファイル名は 1 から 255 バイトで、制御文字・/・\\ を含められません";
		filename = "";
	} else if (req->body_len == 0) {
		bad_status = 400;
		bad_code = "empty_attachment";
		bad_message = "ファイルが空です";
	} else if (req->body_len > max) {
		bad_status = 413;
		bad_code = "attachment_too_large";
		bad_message = too_large;
	} else if (!type) {
		bad_status = 415;
		bad_code = "unsupported_type";
		bad_message = "添付できるのは PNG・JPEG・GIF・WebP の画像と PDF です";
	}
	struct rec_patient_file_new a = {
		.tenant_id = req->identity.tenant,
		.patient_id = patient_id,
		.uploader_id = req->identity.user,
		.filename = filename,
		.content_type = type,
		.data = req->body,
		.size = req->body_len,
	};
	char addr[64];
	struct rec_audit audit = rec_audit_of(req, patient_id, NULL, "write", "ok", addr,
					      sizeof addr);
	struct upload_tx u = {.app = app, .who = &req->identity, .a = &a, .audit = &audit,
			      .bad_status = bad_status, .bad_code = bad_code,
			      .bad_message = bad_message};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, upload_body, &u);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return rec_patient_denied(req, patient_id, NULL);
	if (rc < 0)
		return rec_refusal_send(req, &u.refusal, rc, "patient_not_found",
					"利用者が見つかりません");
	cl_log_info("patient attachment uploaded", "attachment_id", u.id, "type", type, NULL);
	return cl_http_json(req, 201,
			    json_pack("{s:{s:s, s:s, s:s, s:I}}", "attachment", "id", u.id,
				      "filename", filename, "content_type", type, "size",
				      (json_int_t)req->body_len));
}

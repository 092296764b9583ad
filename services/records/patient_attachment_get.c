/* patient_attachment_get.c - GET /v1/patient-attachments/:id: the bytes of
 * a patient's file for the patient's team (an unclaimed upload only for
 * its uploader); the read is audited */
#include "entries.h"
#include "carelink/err.h"

#include <stdlib.h>

struct get_tx {
	const struct rec_app *app;  /* borrowed */
	struct cl_http_req *req;    /* borrowed */
	const char *id;
	char patient_id[CL_UUID_LEN + 1];
	struct rec_attachment_file f; /* owned once committed */
};

static void file_release(struct rec_attachment_file *f)
{
	free(f->content_type);
	free(f->filename);
	if (f->data)
		PQfreemem(f->data);
	*f = (struct rec_attachment_file){0};
}

static int get_body(struct cl_pg *pg, void *arg)
{
	struct get_tx *g = arg;
	const struct cl_identity *who = &g->req->identity;
	file_release(&g->f);
	g->patient_id[0] = '\0';
	int rc = rec_patient_session(pg, who);
	if (rc == 0)
		rc = rec_db_entry_attachment_patient(pg, who, g->id, g->patient_id);
	if (rc == 0)
		rc = rec_patient_access(pg, who, g->patient_id, NULL);
	if (rc == 0)
		rc = rec_db_entry_attachment_get(pg, who, g->id, &g->f);
	if (rc == 0) {
		char addr[64];
		struct rec_audit a = rec_audit_of(g->req, g->patient_id, NULL, "read", "ok", addr,
						  sizeof addr);
		rc = rec_audit_add(pg, g->app->svc->schemas, &a);
	}
	return rc;
}

enum MHD_Result rec_patient_attachment_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return rec_patient_denied(req, NULL, NULL);
	struct get_tx g = {.app = app, .req = req, .id = id};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, get_body, &g);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0) {
		file_release(&g.f);
		if (rc == CL_ENOENT)
			return rec_patient_denied(req, g.patient_id[0] ? g.patient_id : NULL, NULL);
		return cl_http_fail(req, rc);
	}
	char *disposition = rec_content_disposition(g.f.content_type, g.f.filename);
	cl_http_set_header(req, "Content-Disposition", disposition);
	cl_http_set_header(req, "Cache-Control", "private, no-store");
	enum MHD_Result r = cl_http_bytes(req, 200, g.f.content_type, g.f.data, g.f.size);
	free(disposition);
	file_release(&g.f);
	return r;
}

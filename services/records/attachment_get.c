/* attachment_get.c - GET /v1/attachments/:id: the bytes of a file for who
 * may see its post (or its uploader, before it is attached) */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>

enum MHD_Result rec_attachment_get(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const char *id = req->params[0];
	if (!cl_uuid_valid(id))
		return cl_http_error(req, 404, "attachment_not_found",
				     "添付ファイルが見つかりません");
	struct rec_attachment_file f = {0};
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_attachment_get(pg, &req->identity, id, &f);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "attachment_not_found",
				     "添付ファイルが見つかりません");
	if (rc < 0)
		return cl_http_fail(req, rc);
	char *disposition = rec_content_disposition(f.content_type, f.filename);
	cl_http_set_header(req, "Content-Disposition", disposition);
	cl_http_set_header(req, "Cache-Control", "private, no-store");
	enum MHD_Result r = cl_http_bytes(req, 200, f.content_type, f.data, f.size);
	free(disposition);
	free(f.content_type);
	free(f.filename);
	PQfreemem(f.data);
	return r;
}

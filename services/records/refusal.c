/* refusal.c - a refusal decided inside a transaction, answered after it
 * rolled back */
#include "records.h"
#include "carelink/err.h"

int rec_refuse(struct rec_refusal *r, unsigned status, const char *code, const char *message)
{
	r->status = status;
	r->code = code;
	r->message = message;
	return CL_ECONFLICT;
}

enum MHD_Result rec_refusal_send(struct cl_http_req *req, const struct rec_refusal *r, int rc,
				 const char *not_found_code, const char *not_found_message)
{
	if (r->status)
		return cl_http_error(req, r->status, r->code, r->message);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, not_found_code, not_found_message);
	return cl_http_fail(req, rc);
}

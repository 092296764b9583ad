/* hold_refusal.c - a refusal of a hold route decided inside a transaction,
 * answered after it rolled back */
#include "vacancy.h"

#include <carelink/err.h>
#include <stdio.h>

int vac_hold_refuse(struct vac_hold_refusal *r, unsigned status, const char *code,
		    const char *message)
{
	r->status = status;
	r->code = code;
	snprintf(r->message, sizeof r->message, "%s", message);
	return CL_ECONFLICT;
}

enum MHD_Result vac_hold_refusal_send(struct cl_http_req *req, const struct vac_hold_refusal *r,
				      int rc)
{
	if (r->status)
		return cl_http_error(req, r->status, r->code, r->message);
	if (rc == CL_ENOENT)
		return cl_http_error(req, 404, "hold_not_found", "仮押さえが見つかりません");
	return cl_http_fail(req, rc);
}

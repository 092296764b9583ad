/* alert_cancel.c - POST /v1/alerts/{id}/cancel: managers withdraw the
 * alert (AlertResolved, outcome CANCELLED) */
#include "alert_resource.h"

enum MHD_Result nt_alert_cancel(struct cl_http_req *req)
{
	return nt_alert_end(req, "cancelled");
}

/* alert_resolve.c - POST /v1/alerts/{id}/resolve: managers mark the alert
 * resolved (AlertResolved, outcome RESOLVED) */
#include "alert_resource.h"

enum MHD_Result nt_alert_resolve(struct cl_http_req *req)
{
	return nt_alert_end(req, "resolved");
}

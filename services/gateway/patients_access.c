/* patients_access.c - access outside the team and the record of every
 * access: a break-glass grant with its written reason, a patient's access
 * history (JSON, or a CSV download with ?format=csv whose
 * Content-Disposition comes back) */
#include "patients.h"
#include "workspace.h"

static const char *const history_keys[] = {"format", NULL};

static const struct gw_ws_route break_glass = {"/v1/patients/:id/break-glass", NULL, NULL,
					       GW_PT_PATIENT_MISSING, GW_WS_BODY};
/* GW_WS_FILE: the CSV's Content-Disposition and Cache-Control come back */
static const struct gw_ws_route access_history = {"/v1/patients/:id/access-history", NULL,
						  history_keys, GW_PT_PATIENT_MISSING,
						  GW_WS_FILE};

enum MHD_Result gw_pt_break_glass(struct cl_http_req *req)
{
	return gw_ws_forward(req, &break_glass);
}

enum MHD_Result gw_pt_access_history(struct cl_http_req *req)
{
	return gw_ws_forward(req, &access_history);
}

/* patients_team.c - a patient's care team: its members, adding one,
 * removing one (or leaving) */
#include "patients.h"
#include "workspace.h"

static const struct gw_ws_route team_list = {"/v1/patients/:id/team", NULL, NULL,
					     GW_PT_PATIENT_MISSING, 0};
static const struct gw_ws_route team_add = {"/v1/patients/:id/team", NULL, NULL,
					    GW_PT_PATIENT_MISSING, GW_WS_BODY};
/* a user id that is not an id answers like a patient the caller does not see */
static const struct gw_ws_route team_remove = {"/v1/patients/:id/team/:user_id", NULL, NULL,
					       GW_PT_PATIENT_MISSING, 0};

enum MHD_Result gw_pt_team_list(struct cl_http_req *req)
{
	return gw_ws_forward(req, &team_list);
}

enum MHD_Result gw_pt_team_add(struct cl_http_req *req)
{
	return gw_ws_forward(req, &team_add);
}

enum MHD_Result gw_pt_team_remove(struct cl_http_req *req)
{
	return gw_ws_forward(req, &team_remove);
}

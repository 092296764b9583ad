/* patients_fast.c - fast entry: personal and shared entry templates (no
 * patient data), and round entry (entries for several patients in one
 * request, each checked against its own patient's team) */
#include "patients.h"
#include "workspace.h"

static const struct gw_ws_route templates_list = {"/v1/entry-templates", NULL, NULL,
						  GW_PT_TEMPLATE_MISSING, 0};
static const struct gw_ws_route template_create = {"/v1/entry-templates", NULL, NULL,
						   GW_PT_TEMPLATE_MISSING, GW_WS_BODY};
static const struct gw_ws_route template_delete = {"/v1/entry-templates/:id", NULL, NULL,
						   GW_PT_TEMPLATE_MISSING, 0};
static const struct gw_ws_route round_create = {"/v1/rounds", NULL, NULL,
						GW_PT_PATIENT_MISSING, GW_WS_BODY};

enum MHD_Result gw_pt_templates_list(struct cl_http_req *req)
{
	return gw_ws_forward(req, &templates_list);
}

enum MHD_Result gw_pt_template_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &template_create);
}

enum MHD_Result gw_pt_template_delete(struct cl_http_req *req)
{
	return gw_ws_forward(req, &template_delete);
}

enum MHD_Result gw_pt_round_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &round_create);
}

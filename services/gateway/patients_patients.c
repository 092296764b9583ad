/* patients_patients.c - patients: registering one, my patients (with a
 * name or kana search), one patient's profile, its update */
#include "patients.h"
#include "workspace.h"

static const char *const list_keys[] = {"q", NULL};

static const struct gw_ws_route patients_list = {"/v1/patients", NULL, list_keys,
						 GW_PT_PATIENT_MISSING, 0};
static const struct gw_ws_route patient_create = {"/v1/patients", NULL, NULL,
						  GW_PT_PATIENT_MISSING, GW_WS_BODY};
static const struct gw_ws_route patient_get = {"/v1/patients/:id", NULL, NULL,
					       GW_PT_PATIENT_MISSING, 0};
static const struct gw_ws_route patient_update = {"/v1/patients/:id", NULL, NULL,
						  GW_PT_PATIENT_MISSING, GW_WS_BODY};

enum MHD_Result gw_pt_patients_list(struct cl_http_req *req)
{
	return gw_ws_forward(req, &patients_list);
}

enum MHD_Result gw_pt_patient_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &patient_create);
}

enum MHD_Result gw_pt_patient_get(struct cl_http_req *req)
{
	return gw_ws_forward(req, &patient_get);
}

enum MHD_Result gw_pt_patient_update(struct cl_http_req *req)
{
	return gw_ws_forward(req, &patient_update);
}

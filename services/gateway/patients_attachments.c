/* patients_attachments.c - files of a patient's entries: an upload (raw
 * bytes with their own Content-Type, up to http.max_upload, claimed by the
 * next entry that names it) and a download (the bytes with records'
 * Content-Type, Content-Disposition and Cache-Control: no-store) */
#include "patients.h"
#include "workspace.h"

static const char *const upload_keys[] = {"filename", NULL};

static const struct gw_ws_route upload = {"/v1/patients/:id/attachments", NULL, upload_keys,
					  GW_PT_PATIENT_MISSING, GW_WS_BODY | GW_WS_FILE};
static const struct gw_ws_route download = {"/v1/patient-attachments/:id", NULL, NULL,
					    GW_PT_PATIENT_MISSING, GW_WS_FILE};

enum MHD_Result gw_pt_attachment_upload(struct cl_http_req *req)
{
	return gw_ws_forward(req, &upload);
}

enum MHD_Result gw_pt_attachment_get(struct cl_http_req *req)
{
	return gw_ws_forward(req, &download);
}

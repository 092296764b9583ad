/* patients_entries.c - a patient's timeline: its entries (by category,
 * paged), a new entry (or a correction), one entry, the caller's read mark,
 * the newest value of each field to prefill forms */
#include "patients.h"
#include "workspace.h"

static const char *const list_keys[] = {"category", "before", "limit", NULL};

static const struct gw_ws_route entries_list = {"/v1/patients/:id/entries", NULL, list_keys,
						GW_PT_PATIENT_MISSING, 0};
static const struct gw_ws_route entry_create = {"/v1/patients/:id/entries", NULL, NULL,
						GW_PT_PATIENT_MISSING, GW_WS_BODY};
static const struct gw_ws_route entry_get = {"/v1/entries/:id", NULL, NULL,
					     GW_PT_PATIENT_MISSING, 0};
static const struct gw_ws_route entry_read = {"/v1/entries/:id/read", NULL, NULL,
					      GW_PT_PATIENT_MISSING, 0};
static const struct gw_ws_route last_values = {"/v1/patients/:id/last-values", NULL, NULL,
					       GW_PT_PATIENT_MISSING, 0};

enum MHD_Result gw_pt_entries_list(struct cl_http_req *req)
{
	return gw_ws_forward(req, &entries_list);
}

enum MHD_Result gw_pt_entry_create(struct cl_http_req *req)
{
	return gw_ws_forward(req, &entry_create);
}

enum MHD_Result gw_pt_entry_get(struct cl_http_req *req)
{
	return gw_ws_forward(req, &entry_get);
}

enum MHD_Result gw_pt_entry_read(struct cl_http_req *req)
{
	return gw_ws_forward(req, &entry_read);
}

enum MHD_Result gw_pt_last_values(struct cl_http_req *req)
{
	return gw_ws_forward(req, &last_values);
}

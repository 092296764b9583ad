/* entry_routes.c - the routes of timeline entries, their attachments,
 * last values, entry templates and rounds (PATIENTS.md) */
#include "entries.h"

const struct cl_http_route rec_routes_entries[] = {
	{"GET", "/v1/patients/:id/entries", rec_entry_list, CL_HTTP_AUTH},
	{"POST", "/v1/patients/:id/entries", rec_entry_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/entries/:id", rec_entry_get, CL_HTTP_AUTH},
	{"POST", "/v1/entries/:id/read", rec_entry_read_mark, CL_HTTP_AUTH},
	{"POST", "/v1/patients/:id/attachments", rec_patient_attachment_upload,
	 CL_HTTP_AUTH | CL_HTTP_UPLOAD},
	{"GET", "/v1/patient-attachments/:id", rec_patient_attachment_get, CL_HTTP_AUTH},
	{"GET", "/v1/patients/:id/last-values", rec_last_values_get, CL_HTTP_AUTH},
	{"GET", "/v1/entry-templates", rec_template_list, CL_HTTP_AUTH},
	{"POST", "/v1/entry-templates", rec_template_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"DELETE", "/v1/entry-templates/:id", rec_template_delete, CL_HTTP_AUTH},
	{"POST", "/v1/rounds", rec_round_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{0},
};

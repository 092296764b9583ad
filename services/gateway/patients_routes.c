/* patients_routes.c - the route table of patient files: patients, teams,
 * break-glass, access history, entries, attachments, last values,
 * templates, rounds */
#include "patients.h"

const struct cl_http_route gw_routes_patients[] = {
	{"GET", "/api/v1/patients", gw_pt_patients_list, 0},
	{"POST", "/api/v1/patients", gw_pt_patient_create, CL_HTTP_JSON},
	{"GET", "/api/v1/patients/:id", gw_pt_patient_get, 0},
	{"PATCH", "/api/v1/patients/:id", gw_pt_patient_update, CL_HTTP_JSON},
	{"GET", "/api/v1/patients/:id/team", gw_pt_team_list, 0},
	{"POST", "/api/v1/patients/:id/team", gw_pt_team_add, CL_HTTP_JSON},
	{"DELETE", "/api/v1/patients/:id/team/:user_id", gw_pt_team_remove, 0},
	{"POST", "/api/v1/patients/:id/break-glass", gw_pt_break_glass, CL_HTTP_JSON},
	{"GET", "/api/v1/patients/:id/access-history", gw_pt_access_history, 0},
	{"GET", "/api/v1/patients/:id/entries", gw_pt_entries_list, 0},
	{"POST", "/api/v1/patients/:id/entries", gw_pt_entry_create, CL_HTTP_JSON},
	{"POST", "/api/v1/patients/:id/attachments", gw_pt_attachment_upload, CL_HTTP_UPLOAD},
	{"GET", "/api/v1/patients/:id/last-values", gw_pt_last_values, 0},
	{"GET", "/api/v1/entries/:id", gw_pt_entry_get, 0},
	{"POST", "/api/v1/entries/:id/read", gw_pt_entry_read, 0},
	{"GET", "/api/v1/patient-attachments/:id", gw_pt_attachment_get, 0},
	{"GET", "/api/v1/entry-templates", gw_pt_templates_list, 0},
	{"POST", "/api/v1/entry-templates", gw_pt_template_create, CL_HTTP_JSON},
	{"DELETE", "/api/v1/entry-templates/:id", gw_pt_template_delete, 0},
	{"POST", "/api/v1/rounds", gw_pt_round_create, CL_HTTP_JSON},
	{NULL, NULL, NULL, 0},
};

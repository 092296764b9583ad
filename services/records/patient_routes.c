/* patient_routes.c - the routes of patients, care teams, break-glass and
 * access history (PATIENTS.md) */
#include "patient_parts.h"

const struct cl_http_route rec_routes_patients[] = {
	{"GET", "/v1/patients", rec_patient_list, CL_HTTP_AUTH},
	{"POST", "/v1/patients", rec_patient_create, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/patients/:id", rec_patient_get, CL_HTTP_AUTH},
	{"PATCH", "/v1/patients/:id", rec_patient_patch, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/patients/:id/team", rec_team_list, CL_HTTP_AUTH},
	{"POST", "/v1/patients/:id/team", rec_team_add, CL_HTTP_AUTH | CL_HTTP_JSON},
	{"DELETE", "/v1/patients/:id/team/:user_id", rec_team_remove, CL_HTTP_AUTH},
	{"POST", "/v1/patients/:id/break-glass", rec_break_glass_open,
	 CL_HTTP_AUTH | CL_HTTP_JSON},
	{"GET", "/v1/patients/:id/access-history", rec_access_history, CL_HTTP_AUTH},
	{0},
};

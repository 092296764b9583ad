/* patients.h - patient files in the public API (services/records/PATIENTS.md):
 * patients, care teams, break-glass, access history, timeline entries,
 * their read marks and attachments, last values, entry templates and round
 * entry, all forwarded to records by gw_ws_forward() (workspace.h) from
 * /api/v1/<tail> to records' /v1/<tail>, session only (no API token scope
 * reaches patient data). Records decides who may see what; the gateway
 * only checks that path ids look like ids and passes the client's address
 * on (X-Forwarded-For) for records' audit log. */
#ifndef CARELINK_GATEWAY_PATIENTS_H
#define CARELINK_GATEWAY_PATIENTS_H

#include <carelink/http.h>

/* The 404s for a path id that is not an id: the same answer, byte for byte,
 * records gives for an id it does not show the caller. Every route of
 * patient data (entries and their files too) answers patient_not_found, so
 * that no answer tells an entry that exists from one that does not. */
#define GW_PT_PATIENT_MISSING "patient_not_found", "利用者が見つかりません"
#define GW_PT_TEMPLATE_MISSING "template_not_found", "テンプレートが見つかりません"

/* patients_routes.c: the route table, joined in routes.c */
extern const struct cl_http_route gw_routes_patients[];

/* patients_patients.c: GET/POST /patients, GET/PATCH /patients/:id */
enum MHD_Result gw_pt_patients_list(struct cl_http_req *req);
enum MHD_Result gw_pt_patient_create(struct cl_http_req *req);
enum MHD_Result gw_pt_patient_get(struct cl_http_req *req);
enum MHD_Result gw_pt_patient_update(struct cl_http_req *req);
/* patients_team.c: GET/POST /patients/:id/team, DELETE
 * /patients/:id/team/:user_id */
enum MHD_Result gw_pt_team_list(struct cl_http_req *req);
enum MHD_Result gw_pt_team_add(struct cl_http_req *req);
enum MHD_Result gw_pt_team_remove(struct cl_http_req *req);
/* patients_access.c: POST /patients/:id/break-glass, GET
 * /patients/:id/access-history (JSON, or CSV with ?format=csv) */
enum MHD_Result gw_pt_break_glass(struct cl_http_req *req);
enum MHD_Result gw_pt_access_history(struct cl_http_req *req);
/* patients_entries.c: GET/POST /patients/:id/entries, GET /entries/:id,
 * POST /entries/:id/read, GET /patients/:id/last-values */
enum MHD_Result gw_pt_entries_list(struct cl_http_req *req);
enum MHD_Result gw_pt_entry_create(struct cl_http_req *req);
enum MHD_Result gw_pt_entry_get(struct cl_http_req *req);
enum MHD_Result gw_pt_entry_read(struct cl_http_req *req);
enum MHD_Result gw_pt_last_values(struct cl_http_req *req);
/* patients_attachments.c: POST /patients/:id/attachments (raw bytes),
 * GET /patient-attachments/:id (the file) */
enum MHD_Result gw_pt_attachment_upload(struct cl_http_req *req);
enum MHD_Result gw_pt_attachment_get(struct cl_http_req *req);
/* patients_fast.c: GET/POST /entry-templates, DELETE
 * /entry-templates/:id, POST /rounds */
enum MHD_Result gw_pt_templates_list(struct cl_http_req *req);
enum MHD_Result gw_pt_template_create(struct cl_http_req *req);
enum MHD_Result gw_pt_template_delete(struct cl_http_req *req);
enum MHD_Result gw_pt_round_create(struct cl_http_req *req);

#endif

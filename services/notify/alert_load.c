/* alert_load.c - what the alert handlers share: the alert of the route as
 * the caller may read it, the 404, the answer */
#include "alert_resource.h"

#include <string.h>

#include "carelink/err.h"

int nt_alert_load(struct cl_pg *pg, struct cl_http_req *req, bool lock, json_t **alert,
		  int64_t *id)
{
	json_t *a = NULL;
	if (req->n_params < 1 || nt_parse_id(req->params[0], id) < 0)
		return CL_ENOENT;
	int rc = nt_db_alert_get(pg, req->identity.tenant, *id, lock, &a);
	if (rc < 0)
		return rc;
	if (!nt_alert_may_read(a, &req->identity)) {
		json_decref(a);
		return CL_ENOENT;
	}
	*alert = a;
	return 0;
}

int nt_alert_load_managed(struct cl_pg *pg, struct cl_http_req *req, json_t **alert,
			  int64_t *id)
{
	json_t *a = NULL;
	int rc = nt_alert_load(pg, req, true, &a, id);
	if (rc < 0)
		return rc;
	if (!nt_alert_may_manage(a, &req->identity))
		rc = CL_EFORBID;
	else if (strcmp(json_string_value(json_object_get(a, "status")), "active") != 0)
		rc = CL_ECONFLICT;
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*alert = a;
	return 0;
}

enum MHD_Result nt_alert_managed_answer(struct cl_http_req *req, int rc,
					const char *forbidden_msg, json_t *alert)
{
	if (rc < 0)
		json_decref(alert);
	if (rc == CL_ENOENT)
		return nt_alert_not_found(req);
	if (rc == CL_EFORBID)
		return cl_http_error(req, 403, "forbidden", forbidden_msg);
	if (rc == CL_ECONFLICT)
		return cl_http_error(req, 409, "alert_ended", "この緊急連絡は終了しています");
	if (rc < 0)
		return cl_http_fail(req, rc);
	return nt_alert_answer(req, 200, alert);
}

enum MHD_Result nt_alert_not_found(struct cl_http_req *req)
{
	return cl_http_error(req, 404, "alert_not_found", "緊急連絡が見つかりません");
}

enum MHD_Result nt_alert_answer(struct cl_http_req *req, unsigned status, json_t *alert)
{
	json_t *out = nt_alert_for_reader(alert, &req->identity);
	json_decref(alert);
	return cl_http_json(req, status, json_pack("{s:o}", "alert", out));
}

json_t *nt_alert_body_optional(struct cl_http_req *req, bool *bad)
{
	*bad = false;
	if (!req->body || req->body_len == 0)
		return NULL;
	json_t *b = cl_http_body_json(req);
	if (!b)
		*bad = true;
	return b;
}

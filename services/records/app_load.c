/* app_load.c - what the app handlers share: loading the app or record a
 * request names (404 for what the caller may not read) and the 400
 * invalid_record answer that lists every bad field */
#include "records.h"
#include "carelink/err.h"

#include <stdio.h>
#include <stdlib.h>

bool rec_app_load(struct cl_http_req *req, struct cl_pg *pg, const char *id_or_key,
		  struct rec_app_def *app)
{
	int rc = rec_db_app_find(pg, &req->identity, id_or_key, app);
	if (rc == CL_ENOENT)
		cl_http_error(req, 404, "app_not_found", "アプリが見つかりません");
	else if (rc < 0)
		cl_http_fail(req, rc);
	return rc == 0;
}

bool rec_app_record_load(struct cl_http_req *req, struct cl_pg *pg, const char *record_id,
			 struct rec_app_def *app, char **owner)
{
	char app_id[CL_UUID_LEN + 1];
	*owner = NULL;
	int rc = rec_db_app_record_app(pg, req->identity.tenant, record_id, app_id, owner);
	if (rc == 0)
		rc = rec_db_app_find(pg, &req->identity, app_id, app);
	if (rc == CL_ENOENT)
		cl_http_error(req, 404, "record_not_found", "レコードが見つかりません");
	else if (rc < 0)
		cl_http_fail(req, rc);
	if (rc < 0) {
		free(*owner);
		*owner = NULL;
	}
	return rc == 0;
}

enum MHD_Result rec_app_invalid_record(struct cl_http_req *req, const json_t *errors)
{
	const char *first = json_string_value(json_object_get(json_array_get(errors, 0), "field"));
	const char *why = json_string_value(json_object_get(json_array_get(errors, 0), "reason"));
	char msg[512];
	snprintf(msg, sizeof msg, "入力に誤りがあります（%s: %s%s）", first ? first : "",
		 why ? why : "", json_array_size(errors) > 1 ? " ほか" : "");
	return cl_http_json(req, 400,
			    json_pack("{s:{s:s, s:s, s:O}}", "error", "code", "invalid_record",
				      "message", msg, "fields", errors));
}

/* space_access.c - who administers spaces (listed admins and every
 * tenant_admin of the tenant), refusals decided inside a transaction, and
 * the check of a space's organisations and admins against the people */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

bool rec_identity_tenant_admin(const struct cl_identity *who)
{
	return cl_identity_has_role(who, "tenant_admin") != 0;
}

enum MHD_Result rec_space_refusal_send(struct cl_http_req *req,
				       const struct rec_refusal *r, int rc,
				       const char *not_found_code, const char *conflict_code)
{
	if (!r->status && rc == CL_ECONFLICT && conflict_code &&
	    !strcmp(conflict_code, "thread_title_taken"))
		return cl_http_error(req, 409, conflict_code,
				     "同じ名前のスレッドがこのスペースにすでにあります");
	if (!r->status && rc == CL_ECONFLICT && conflict_code)
		return cl_http_error(req, 409, conflict_code, "同じ名前のスペースがすでにあります");
	return rec_refusal_send(req, r, rc, not_found_code,
				!strcmp(not_found_code, "thread_not_found") ? "スレッドが見つかりません"
									    : "スペースが見つかりません");
}

int rec_space_people_check(struct cl_pg *pg, const char *tenant_id,
			   const json_t *organisations, const json_t *admins,
			   struct rec_refusal *r)
{
	char *text, *unknown = NULL;
	int rc = 0;
	if (organisations && json_array_size(organisations) > 0) {
		text = json_dumps(organisations, JSON_COMPACT);
		rc = rec_db_person_unknown_orgs(pg, tenant_id, text, &unknown);
		free(text);
		if (rc == 0 && unknown)
			rc = rec_refuse(r, 400, "unknown_organisation",
					      "この自治体に所属者のいない組織が指定されています");
		free(unknown);
		unknown = NULL;
		if (rc < 0)
			return rc;
	}
	if (admins && json_array_size(admins) > 0) {
		text = json_dumps(admins, JSON_COMPACT);
		rc = rec_db_person_unknown_users(pg, tenant_id, text, &unknown);
		free(text);
		if (rc == 0 && unknown)
			rc = rec_refuse(r, 400, "unknown_user",
					      "この自治体の利用者ではない管理者が指定されています");
		free(unknown);
	}
	return rc;
}

/* patient_session.c - the caller as row-level security sees it, and the
 * access rule: a current team member or a holder of a break-glass grant */
#include "patient_parts.h"
#include "carelink/err.h"

#include <string.h>

int rec_patient_session(struct cl_pg *pg, const struct cl_identity *who)
{
	char roles[CL_IDENTITY_MAX_ROLES * CL_IDENTITY_FIELD_MAX] = "";
	for (size_t i = 0; i < who->n_roles; i++) {
		if (i)
			strncat(roles, ",", sizeof roles - strlen(roles) - 1);
		strncat(roles, who->roles[i], sizeof roles - strlen(roles) - 1);
	}
	const char *p[3] = {who->user, who->tenant, roles};
	PGresult *res;
	int rc = cl_pg_exec(pg, &res,
			    "SELECT set_config('carelink.user_id', $1, true),"
			    " set_config('carelink.tenant_id', $2, true),"
			    " set_config('carelink.roles', $3, true)",
			    3, p);
	if (rc == 0)
		PQclear(res);
	return rc;
}

int rec_patient_access(struct cl_pg *pg, const struct cl_identity *who, const char *patient_id,
		       char role[REC_PATIENT_ROLE_MAX])
{
	if (!patient_id || !cl_uuid_valid(patient_id))
		return CL_ENOENT;
	char r[REC_PATIENT_ROLE_MAX];
	int rc = rec_db_team_role(pg, patient_id, who->user, r);
	if (rc == CL_ENOENT) {
		rc = rec_db_break_glass_held(pg, who, patient_id);
		if (rc == 0)
			cl_strlcpy(r, "break_glass", sizeof r);
	}
	if (rc == 0 && role)
		cl_strlcpy(role, r, REC_PATIENT_ROLE_MAX);
	return rc;
}

int rec_patient_enter(struct cl_pg *pg, const struct cl_identity *who, const char *patient_id,
		      char role[REC_PATIENT_ROLE_MAX])
{
	int rc = rec_patient_session(pg, who);
	if (rc == 0)
		rc = rec_patient_access(pg, who, patient_id, role);
	return rc;
}

bool rec_patient_is_member(const char *role)
{
	return role && *role && strcmp(role, "break_glass") != 0;
}

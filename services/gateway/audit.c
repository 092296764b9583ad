/* audit.c - appending to the audit log */
#include "audit.h"
#include "gateway.h"

#include <carelink/log.h>
#include <stdlib.h>

int gw_audit_write(struct cl_pg *pg, const struct gw_audit *a)
{
	char *detail = a->detail ? json_dumps(a->detail, JSON_COMPACT) : NULL;
	const char *p[8] = {a->tenant, a->actor, a->action, a->subject,
			    a->address, a->outcome, detail ? detail : "{}"};
	int rc = cl_pg_exec(pg, NULL,
			    "INSERT INTO audit_log (tenant_id, actor_id, action, subject,"
			    " address, outcome, detail)"
			    " VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::jsonb)",
			    7, p);
	cl_log_info("audit", "action", a->action, "outcome", a->outcome, "actor_id", a->actor,
		    "subject", a->subject, "address", a->address, NULL);
	free(detail);
	return rc;
}

int gw_audit_action(struct cl_pg *pg, struct cl_http_req *req, const struct gw_user *actor,
		    const char *action, const char *subject, const char *outcome,
		    const json_t *detail)
{
	char address[64];
	struct gw_audit a = {
		.tenant = actor->id.tenant,
		.actor = actor->id.user,
		.action = action,
		.subject = subject,
		.address = gw_client_address(req, address, sizeof address),
		.outcome = outcome,
		.detail = detail,
	};
	return gw_audit_write(pg, &a);
}

/* audit.h - the gateway's audit log (table audit_log) */
#ifndef CARELINK_GATEWAY_AUDIT_H
#define CARELINK_GATEWAY_AUDIT_H

#include <carelink/http.h>
#include <carelink/pg.h>
#include <jansson.h>

struct gw_audit {
	const char *tenant;   /* may be NULL */
	const char *actor;    /* user id, may be NULL */
	const char *action;   /* "login.success", "login.failure", "login.locked",
	                         "user.deactivate", "user.roles", ... */
	const char *subject;  /* may be NULL */
	const char *address;  /* client address, may be NULL */
	const char *outcome;  /* "ok", "denied", "error" */
	const json_t *detail; /* may be NULL; borrowed */
};

/* gw_audit_write() - append one entry, in the caller's transaction when
 * pg is inside one. Also logged as a JSON line. Returns a cl_pg_exec code. */
int gw_audit_write(struct cl_pg *pg, const struct gw_audit *a);

struct gw_user;
/* gw_audit_action() - one entry for an action of actor (a logged-in person)
 * on subject, from the client address of req. detail is borrowed and may
 * be NULL. Returns a cl_pg_exec() code. */
int gw_audit_action(struct cl_pg *pg, struct cl_http_req *req, const struct gw_user *actor,
		    const char *action, const char *subject, const char *outcome,
		    const json_t *detail);

/* gw_client_address() - the client's address for req: the peer address,
 * or the first untrusted address of X-Forwarded-For when the peer is a
 * trusted proxy (config http.trusted_proxies: comma-separated IPs).
 * Writes into buf (size >= 64) and returns it. */
const char *gw_client_address(struct cl_http_req *req, char *buf, size_t size);

#endif

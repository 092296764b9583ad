/* audit_of.c - the audit row of a request: who, the route (method and the
 * route pattern that matched), the client's address */
#include "patient_parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the pattern of table that req's method and path match, or NULL */
static const char *pattern_in(const struct cl_http_route *table, const struct cl_http_req *req)
{
	for (const struct cl_http_route *r = table; r->method; r++) {
		if (strcmp(r->method, req->method))
			continue;
		char *params[CL_HTTP_MAX_PARAMS];
		size_t n = 0;
		if (!cl_http_route_match(r->pattern, req->path, params, &n))
			continue;
		for (size_t i = 0; i < n; i++)
			free(params[i]);
		return r->pattern;
	}
	return NULL;
}

struct rec_audit rec_audit_of(struct cl_http_req *req, const char *patient_id,
			      const char *entry_id, const char *action, const char *outcome,
			      char *addr, size_t addr_size)
{
	/* the route's text lives until this thread's next call */
	static _Thread_local char route[256];
	const char *pattern = pattern_in(rec_routes_patients, req);
	if (!pattern)
		pattern = pattern_in(rec_routes_entries, req);
	snprintf(route, sizeof route, "%s %s", req->method, pattern ? pattern : req->path);
	cl_http_client_address(req, addr, addr_size);
	return (struct rec_audit){
		.who = &req->identity,
		.patient_id = patient_id,
		.entry_id = entry_id,
		.action = action,
		.route = route,
		.address = addr,
		.outcome = outcome,
	};
}

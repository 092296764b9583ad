/* alert_list.c - GET /v1/alerts: the alerts the caller may read, newest
 * first; ?status=active|ended|all, ?pending=1 (active, requiring
 * acknowledgement, the caller in the effective audience and not yet
 * acknowledged: computed on read, see sql/005_alerts.sql) */
#include "alert_resource.h"

#include <string.h>

enum MHD_Result nt_alerts_list(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	const char *status = cl_http_query(req, "status");
	const char *pending_text = cl_http_query(req, "pending");
	if (!status)
		status = "active";
	if (strcmp(status, "active") != 0 && strcmp(status, "ended") != 0 &&
	    strcmp(status, "all") != 0)
		return cl_http_error(req, 400, "invalid_status",
				     "status は active、ended、all のいずれかです");
	if (pending_text && strcmp(pending_text, "0") != 0 && strcmp(pending_text, "1") != 0)
		return cl_http_error(req, 400, "invalid_pending", "pending は 0 か 1 です");
	bool pending = pending_text && strcmp(pending_text, "1") == 0;
	if (pending)
		status = "active";

	json_t *all = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = nt_db_alert_list(pg, req->identity.tenant, status, &all);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc < 0)
		return cl_http_fail(req, rc);

	json_t *out = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(all, i, a) {
		if (!nt_alert_may_read(a, &req->identity))
			continue;
		if (pending && (!json_is_true(json_object_get(a, "requires_ack")) ||
				!nt_alert_in_effective(a, &req->identity) ||
				nt_alert_acked_by(a, req->identity.user)))
			continue;
		json_array_append_new(out, nt_alert_for_reader(a, &req->identity));
	}
	json_decref(all);
	return cl_http_json(req, 200, json_pack("{s:o}", "alerts", out));
}

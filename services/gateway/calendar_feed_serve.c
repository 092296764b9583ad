/* calendar_feed_serve.c - GET /ical/:secret (also "<secret>.ics"): the
 * iCalendar of a feed URL, for calendar programs that cannot log in. No
 * session: the secret names the feed and its person, whose identity is
 * signed for records' GET /v1/calendar.ics?scope=<the feed's scope>. A
 * malformed secret is refused before the database is asked; a well-formed
 * one costs one SHA-256 and one lookup by a unique index, so unknown,
 * deleted and deactivated people's feeds all answer the same 404. */
#include "apps.h"
#include "workspace.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <sodium.h>
#include <string.h>

#define FEED_MISSING "not_found", "このカレンダー URL は使えません"

/* GW_WS_FILE: records' Content-Disposition and Cache-Control come back */
static const struct gw_ws_route tenant_feed = {"/v1/calendar.ics?scope=tenant", NULL, NULL,
					       FEED_MISSING, GW_WS_FILE};
static const struct gw_ws_route mine_feed = {"/v1/calendar.ics?scope=mine", NULL, NULL,
					     FEED_MISSING, GW_WS_FILE};

enum MHD_Result gw_calendar_feed_serve(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	char secret[GW_FEED_SECRET_LEN + 1], hash[65];
	if (!gw_feed_secret_of(req->params[0], secret))
		return cl_http_error(req, 404, FEED_MISSING);
	gw_token_hash(secret, hash);
	sodium_memzero(secret, sizeof secret);
	struct gw_user u;
	struct gw_feed_owner f;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = gw_db_user_by_calendar_feed(pg, hash, &u, &f);
	if (rc == 0 && f.active && f.stale && gw_db_calendar_feed_touch(pg, f.feed_id) < 0)
		cl_log_warn("calendar feed last use not recorded", "feed_id", f.feed_id, NULL);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == CL_ENOENT || (rc == 0 && !f.active))
		return cl_http_error(req, 404, FEED_MISSING);
	if (rc < 0)
		return cl_http_fail(req, rc);
	/* "mine" is only ever stored as such (the table checks it) */
	return gw_ws_forward_as(req, &u, strcmp(f.scope, "mine") ? &tenant_feed : &mine_feed);
}

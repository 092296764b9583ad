/* event_calendar.c - GET /v1/calendar.ics?scope=tenant|mine: the events of
 * the tenant's event calendar (or the caller's registrations) from 90 days
 * ago on as one RFC 5545 VCALENDAR */
#include "records.h"
#include "carelink/err.h"

#include <stdlib.h>
#include <string.h>

static const char *value(const PGresult *res, int row, enum rec_event_col col)
{
	return cl_pg_getvalue(res, row, (int)col);
}

static int64_t ms_value(const PGresult *res, int row, enum rec_event_col col)
{
	const char *v = value(res, row, col);
	return v ? strtoll(v, NULL, 10) : 0;
}

static void calendar_rows(struct rec_ical *ic, const PGresult *res, int64_t now_ms)
{
	for (int i = 0; i < PQntuples(res); i++) {
		struct rec_ical_event ev = {
			.id = value(res, i, REC_EV_ID),
			.starts_ms = ms_value(res, i, REC_EV_STARTS_MS),
			.ends_ms = ms_value(res, i, REC_EV_ENDS_MS),
			.stamp_ms = now_ms,
			.modified_ms = ms_value(res, i, REC_EV_UPDATED_MS),
			.sequence = (long)ms_value(res, i, REC_EV_REVISION),
			.title = value(res, i, REC_EV_TITLE),
			.place = value(res, i, REC_EV_PLACE),
			.description = value(res, i, REC_EV_DESCRIPTION),
			.kind = value(res, i, REC_EV_KIND),
			.organiser_id = value(res, i, REC_EV_ORGANISER_ID),
			.organiser_name = value(res, i, REC_EV_ORGANISER_NAME),
		};
		rec_ical_event(ic, &ev);
	}
}

enum MHD_Result rec_event_calendar(struct cl_http_req *req)
{
	struct rec_app *app = req->app;
	const struct cl_identity *who = &req->identity;
	const char *scope = cl_http_query(req, "scope");
	bool mine;
	if (!scope || !*scope || !strcmp(scope, "tenant"))
		mine = false;
	else if (!strcmp(scope, "mine"))
		mine = true;
	else
		return cl_http_error(req, 400, "invalid_query",
				     "scope は tenant か mine を指定してください");

	struct rec_ical ic;
	rec_ical_init(&ic);
	rec_ical_begin(&ic, mine ? "参加予定のイベント" : "イベントカレンダー");
	struct rec_app_def def;
	PGresult *res = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = rec_db_app_find(pg, who, REC_APP_EVENTS, &def);
	if (rc == 0)
		rc = rec_db_event_calendar(pg, who->tenant, def.id, mine ? who->user : NULL, &res);
	else if (rc == CL_ENOENT)
		rc = 0; /* the events app is closed to the caller: an empty calendar */
	cl_pg_pool_put(&app->svc->pool, pg);
	rec_app_def_release(&def);
	if (rc < 0) {
		rec_ical_release(&ic);
		return cl_http_fail(req, rc);
	}
	if (res)
		calendar_rows(&ic, res, cl_now_ms());
	PQclear(res);
	rec_ical_end(&ic);
	cl_http_set_header(req, "Content-Disposition", "inline; filename=\"carelink.ics\"");
	enum MHD_Result r =
		cl_http_bytes(req, 200, "text/calendar; charset=utf-8", ic.data, ic.len);
	rec_ical_release(&ic);
	return r;
}

/* main.c - carelink-notify: wiring of configuration, the consumer of
 * carelink.posts, carelink.directory, carelink.vacancy and carelink.records,
 * the alert escalation and retention passes and the HTTP routes */
#include "feed.h"

#include <stdlib.h>

#include "alert_resource.h"
#include "alerts.h"
#include "carelink/util.h"

static const struct cl_http_route nt_routes[] = {
	{"GET", "/v1/feed", nt_feed_get, CL_HTTP_AUTH},
	{"GET", "/v1/feed/unread", nt_feed_unread_get, CL_HTTP_AUTH},
	{"POST", "/v1/feed/read", nt_feed_read_post, CL_HTTP_AUTH},
	{"GET", "/v1/preferences", nt_preferences_get, CL_HTTP_AUTH},
	{"PUT", "/v1/preferences", nt_preferences_put, CL_HTTP_AUTH},
	{"GET", "/v1/notifications/:id", nt_notification_get, CL_HTTP_AUTH},
	{NULL, NULL, NULL, 0},
};

/* the route tables of the service's parts, joined at start */
static const struct cl_http_route *const route_tables[] = {
	nt_routes, nt_routes_alerts, nt_routes_cap
};

static const char *const nt_topics[] = {NT_TOPIC_POSTS, NT_TOPIC_DIRECTORY,
					       NT_TOPIC_VACANCY, NT_TOPIC_RECORDS, NULL};

int main(int argc, char **argv)
{
	static struct cl_service svc;
	static struct nt_app app;
	struct cl_http_route *routes = NULL;
	int rc;

	rc = cl_service_open(&svc, "notify", argc, argv);
	if (rc < 0)
		goto out_service;
	app.svc = &svc;

	/* the consumer thread's own connection; it reconnects when needed */
	cl_pg_open(&app.consumer_pg, cl_cfg_get(&svc.cfg, "pg.conninfo", ""));
	rc = cl_consumer_open(&app.consumer, &svc.cfg, "notify", nt_topics, "earliest",
			      nt_events_consume, &app);
	if (rc < 0)
		goto out_pg;
	rc = cl_consumer_start(&app.consumer);
	if (rc < 0)
		goto out_consumer;
	rc = nt_alert_escalation_start(&app);
	if (rc < 0)
		goto out_consumer;
	rc = nt_retention_start(&app);
	if (rc < 0)
		goto out_escalation;
	routes = cl_http_routes_join(route_tables,
				     sizeof route_tables / sizeof route_tables[0]);
	rc = cl_service_serve(&svc, routes, &app, false);
	if (rc < 0)
		goto out_retention;
	rc = cl_service_run(&svc);

out_retention:
	nt_retention_stop(&app);
out_escalation:
	nt_alert_escalation_stop(&app);
out_consumer:
	cl_consumer_close(&app.consumer);
out_pg:
	cl_pg_close(&app.consumer_pg);
out_service:
	cl_service_close(&svc);
	free(routes);
	return rc < 0 ? 1 : 0;
}

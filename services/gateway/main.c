/* main.c - carelink-gateway: wiring of sessions, the public API, the live
 * streams and the browser UI */
#include "gateway.h"
#include "org_announce.h"
#include "routes.h"

#include <carelink/log.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

/* the slice's routes; other modules bring their own tables (routes.h) */
const struct cl_http_route gw_routes_core[] = {
	{"POST", "/api/v1/login", gw_login, CL_HTTP_JSON},
	{"POST", "/api/v1/logout", gw_logout, 0},
	{"GET", "/api/v1/me", gw_me, 0},
	{"GET", "/api/v1/feed", gw_api_feed, 0},
	{"GET", "/api/v1/stream", gw_stream, 0},
	{NULL, NULL, NULL, 0},
};

static void on_heartbeat(uv_timer_t *t)
{
	struct gw_app *app = t->data;
	gw_hub_heartbeat(app->hub);
}

/* ready once live events reach this replica */
static bool live_ready(void *arg)
{
	struct gw_app *app = arg;
	return cl_consumer_assigned(&app->consumer);
}

static void on_stop(void *arg)
{
	struct gw_app *app = arg;
	gw_hub_close_all(app->hub); /* suspended streams must end before MHD stops */
}

/* room for many event streams, one descriptor each: the connection limit
 * follows the descriptor limit unless configured, and streams may fill it
 * only up to a reserve kept for API calls, logins and health probes */
#define GW_RESERVED_CONNECTIONS 256

static void size_connections(struct gw_app *app, struct cl_cfg *cfg)
{
	struct rlimit rl;
	long fds = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		fds = rl.rlim_cur > 1000000 ? 1000000 : (long)rl.rlim_cur;
	}
	if (!cl_cfg_get(cfg, "http.connections", NULL)) {
		long n = fds - GW_RESERVED_CONNECTIONS; /* database, kafka, files */
		if (n > 30000)
			n = 30000;
		char v[32];
		snprintf(v, sizeof v, "%ld", n > 64 ? n : 64);
		cl_cfg_set(cfg, "http.connections", v);
	}
	long conns = cl_cfg_get_int(cfg, "http.connections", 1000);
	long streams = conns - GW_RESERVED_CONNECTIONS;
	app->max_streams = (size_t)cl_cfg_get_int(cfg, "gateway.max_streams",
						 streams > conns / 2 ? streams : conns / 2);
}

int main(int argc, char **argv)
{
	struct cl_service svc;
	struct gw_app app = {.svc = &svc};
	struct cl_http_route *routes = NULL;
	if (cl_service_arg(argc, argv, "--routes")) {
		gw_routes_print(stdout); /* what the OpenAPI document must describe */
		return 0;
	}
	int rc = cl_service_open(&svc, "gateway", argc, argv);
	if (rc < 0)
		goto out;
	if (cl_service_arg(argc, argv, "--seed-demo")) {
		rc = gw_seed_demo(&svc);
		goto out;
	}
	/* every organisation once more, for the copies other services keep */
	struct cl_pg *announce_pg = cl_pg_pool_get(&svc.pool);
	rc = gw_org_announce_all(announce_pg, svc.schemas);
	cl_pg_pool_put(&svc.pool, announce_pg);
	if (rc < 0)
		goto out;
	size_connections(&app, &svc.cfg);
	app.records_url = cl_cfg_get(&svc.cfg, "records.url", "http://127.0.0.1:8081");
	app.notify_url = cl_cfg_get(&svc.cfg, "notify.url", "http://127.0.0.1:8083");
	app.vacancy_url = cl_cfg_get(&svc.cfg, "vacancy.url", "http://127.0.0.1:8082");
	app.idle_timeout_s = cl_cfg_get_int(&svc.cfg, "session.idle_timeout", 30 * 60);
	app.absolute_timeout_s = cl_cfg_get_int(&svc.cfg, "session.absolute_timeout", 12 * 3600);
	app.secure_cookie = cl_cfg_get_bool(&svc.cfg, "session.secure_cookie", false);
	app.hub = gw_hub_new();
	rc = gw_feed_consumer_start(&app);
	if (rc < 0)
		goto out;
	svc.on_stop = on_stop;
	svc.on_stop_arg = &app;
	svc.ready = live_ready;
	svc.ready_arg = &app;
	uv_timer_init(&svc.loop, &app.heartbeat);
	app.heartbeat.data = &app;
	app.heartbeat_s = cl_cfg_get_int(&svc.cfg, "gateway.heartbeat_s", 15);
	if (app.heartbeat_s < 1)
		app.heartbeat_s = 1;
	uv_timer_start(&app.heartbeat, on_heartbeat, (uint64_t)app.heartbeat_s * 1000,
		       (uint64_t)app.heartbeat_s * 1000);
	routes = gw_routes_build();
	rc = cl_service_serve(&svc, routes, &app, true);
	if (rc < 0)
		goto out;
	rc = cl_service_run(&svc);
out:
	if (app.hub)
		gw_hub_close_all(app.hub);
	cl_consumer_close(&app.consumer); /* it uses the schemas and the hub */
	cl_service_close(&svc);
	if (app.hub)
		gw_hub_free(app.hub);
	free(routes);
	return rc < 0 ? 1 : 0;
}

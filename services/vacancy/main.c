/* main.c - carelink-vacancy: care-manager capacity, bed vacancies and
 * holds; wiring only */
#include "vacancy.h"

#include <carelink/util.h>
#include <stdlib.h>

/* the route tables of the service's parts, joined at start */
static const struct cl_http_route *const route_tables[] = {
	vac_routes_core, vac_routes_holds, vac_routes_watches
};

static const char *const directory_topics[] = {"carelink.directory", NULL};

int main(int argc, char **argv)
{
	struct cl_service svc;
	struct vac_app app = {.svc = &svc};
	struct cl_http_route *routes = NULL;
	int rc = cl_service_open(&svc, "vacancy", argc, argv);
	if (rc < 0)
		goto out;
	if (cl_service_arg(argc, argv, "--seed-demo")) {
		/* seed, then exit without serving */
		rc = vac_seed_demo(&app);
		goto out;
	}
	/* the facility copy: its consumer thread has a connection of its own */
	cl_pg_open(&app.directory_pg, cl_cfg_get(&svc.cfg, "pg.conninfo", ""));
	rc = cl_consumer_open(&app.directory, &svc.cfg, "vacancy-directory", directory_topics,
			      "earliest", vac_directory_consume, &app);
	if (rc < 0)
		goto out_pg;
	rc = cl_consumer_start(&app.directory);
	if (rc < 0)
		goto out_consumer;
	rc = vac_expiry_start(&app);
	if (rc < 0)
		goto out_consumer;
	rc = vac_freshness_start(&app);
	if (rc < 0)
		goto out_expiry;
	routes = cl_http_routes_join(route_tables,
				     sizeof route_tables / sizeof route_tables[0]);
	rc = cl_service_serve(&svc, routes, &app, false);
	if (rc == 0)
		rc = cl_service_run(&svc);
	vac_freshness_stop(&app);
out_expiry:
	vac_expiry_stop(&app);
out_consumer:
	cl_consumer_close(&app.directory);
out_pg:
	cl_pg_close(&app.directory_pg);
out:
	cl_service_close(&svc);
	free(routes);
	return rc < 0 ? 1 : 0;
}

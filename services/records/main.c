/* main.c - carelink-records: spaces, threads and posts; wiring only */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>

/* the route tables of spaces and posts joined into one; NULL-terminated */
static struct cl_http_route *routes_join(void)
{
	const struct cl_http_route *tables[] = {rec_routes_spaces, rec_routes_posts};
	size_t n = 0;
	for (size_t i = 0; i < 2; i++)
		for (const struct cl_http_route *r = tables[i]; r->method; r++)
			n++;
	struct cl_http_route *all = cl_xcalloc(n + 1, sizeof *all);
	size_t k = 0;
	for (size_t i = 0; i < 2; i++)
		for (const struct cl_http_route *r = tables[i]; r->method; r++)
			all[k++] = *r;
	return all;
}

int main(int argc, char **argv)
{
	struct cl_service svc;
	struct rec_app app = {.svc = &svc};
	struct cl_http_route *routes = NULL;

	int rc = cl_service_open(&svc, "records", argc, argv);
	if (rc < 0)
		goto out;
	if (cl_service_arg(argc, argv, "--seed-demo")) {
		/* seed, then exit without serving */
		rc = rec_seed_demo(&app);
		if (rc == 0)
			rc = rec_seed_demo_posts(&app);
		goto out;
	}
	routes = routes_join();
	rc = cl_service_serve(&svc, routes, &app, false);
	if (rc < 0)
		goto out;
	rc = cl_service_run(&svc);
out:
	cl_service_close(&svc);
	free(routes);
	if (rc < 0)
		fprintf(stderr, "carelink-records: exiting after an error\n");
	return rc < 0 ? 1 : 0;
}

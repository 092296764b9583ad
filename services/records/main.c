/* main.c - carelink-records: spaces, threads, posts, apps and patient
 * files; wiring only */
#include "records.h"
#include "patients.h"
#include "entries.h"

#include <stdio.h>
#include <stdlib.h>

/* the route tables of the service's parts, joined at start */
static const struct cl_http_route *const route_tables[] = {
	rec_routes_spaces, rec_routes_posts, rec_routes_apps, rec_routes_imports,
	rec_routes_events, rec_routes_patients, rec_routes_entries
};

/* carelink-records --verify-audit: walk the audit chain of patient files
 * with the owner's connection (pg.migrate_conninfo) when configured, else
 * the service's; prints the verdict. Returns the exit status. */
static int audit_verify_main(struct cl_service *svc)
{
	const char *conninfo = cl_cfg_get(&svc->cfg, "pg.migrate_conninfo", "");
	if (!*conninfo)
		conninfo = cl_cfg_get(&svc->cfg, "pg.conninfo", "");
	struct cl_pg pg;
	cl_pg_open(&pg, conninfo);
	long long rows = 0, broken = 0;
	char why[256] = "";
	int rc = rec_audit_verify(&pg, &rows, &broken, why, sizeof why);
	cl_pg_close(&pg);
	if (rc == 0) {
		printf("audit chain ok: %lld rows\n", rows);
		return 0;
	}
	if (rc == 1)
		printf("audit chain broken at row %lld: %s\n", broken, why);
	else
		fprintf(stderr, "carelink-records: the audit chain could not be read\n");
	return rc == 1 ? 1 : 2;
}

static const char *const rec_identity_topics[] = {REC_TOPIC_IDENTITY, NULL};

int main(int argc, char **argv)
{
	struct cl_service svc;
	struct rec_app app = {.svc = &svc};
	struct cl_http_route *routes = NULL;

	int rc = cl_service_open(&svc, "records", argc, argv);
	if (rc < 0)
		goto out;
	if (cl_service_arg(argc, argv, "--verify-audit")) {
		int status = audit_verify_main(&svc);
		cl_service_close(&svc);
		return status;
	}
	if (cl_service_arg(argc, argv, "--seed-demo")) {
		/* seed, then exit without serving */
		rc = rec_seed_demo(&app);
		if (rc == 0)
			rc = rec_seed_demo_posts(&app);
		if (rc == 0)
			rc = rec_seed_demo_apps(&app);
		if (rc == 0)
			rc = rec_seed_demo_patients(&app);
		goto out;
	}
	/* the people copy: its consumer thread has a connection of its own */
	cl_pg_open(&app.people_pg, cl_cfg_get(&svc.cfg, "pg.conninfo", ""));
	rc = cl_consumer_open(&app.people, &svc.cfg, REC_GROUP_IDENTITY, rec_identity_topics,
			      "earliest", rec_people_consume, &app);
	if (rc < 0)
		goto out_pg;
	rc = cl_consumer_start(&app.people);
	if (rc < 0)
		goto out_consumer;
	rc = rec_imports_start(&app);
	if (rc < 0)
		goto out_consumer;
	rc = rec_reminders_start(&app);
	if (rc < 0)
		goto out_imports;
	routes = cl_http_routes_join(route_tables,
				     sizeof route_tables / sizeof route_tables[0]);
	rc = cl_service_serve(&svc, routes, &app, false);
	if (rc < 0)
		goto out_reminders;
	rc = cl_service_run(&svc);
out_reminders:
	rec_reminders_stop(&app);
out_imports:
	rec_imports_stop(&app);
out_consumer:
	cl_consumer_close(&app.people);
out_pg:
	cl_pg_close(&app.people_pg);
out:
	cl_service_close(&svc);
	free(routes);
	if (rc < 0)
		fprintf(stderr, "carelink-records: exiting after an error\n");
	return rc < 0 ? 1 : 0;
}

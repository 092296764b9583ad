/* routes.c - joins the modules' route tables into the one the server uses */
#include "alerts.h"
#include "gateway.h"
#include "patients.h"
#include "routes.h"

#include <carelink/util.h>
#include <string.h>

static const struct cl_http_route *const tables[] = {
	gw_routes_core,     gw_routes_feed,     gw_routes_auth,     gw_routes_admin,
	gw_routes_people,   gw_routes_platform, gw_routes_workspace,
	gw_routes_apps,     gw_routes_vacancy,  gw_routes_patients,
	gw_routes_alerts,
};

#define N_TABLES (sizeof tables / sizeof tables[0])

static const struct cl_http_route static_files = {"GET", "/*", gw_static, 0};

struct cl_http_route *gw_routes_build(void)
{
	size_t n = 0;
	for (size_t i = 0; i < N_TABLES; i++)
		for (const struct cl_http_route *r = tables[i]; r->method; r++)
			n++;
	struct cl_http_route *all = cl_xcalloc(n + 2, sizeof *all);
	size_t k = 0;
	for (size_t i = 0; i < N_TABLES; i++)
		for (const struct cl_http_route *r = tables[i]; r->method; r++)
			all[k++] = *r;
	all[k] = static_files; /* the terminator follows, zeroed */
	return all;
}

void gw_routes_print(FILE *out)
{
	for (size_t i = 0; i < N_TABLES; i++)
		for (const struct cl_http_route *r = tables[i]; r->method; r++)
			fprintf(out, "%s %s\n", r->method, r->pattern);
}

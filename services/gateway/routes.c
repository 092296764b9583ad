/* routes.c - joins the modules' route tables into the one the server uses */
#include "gateway.h"
#include "routes.h"

#include <carelink/util.h>
#include <string.h>

static const struct cl_http_route *const tables[] = {
	gw_routes_core, gw_routes_auth, gw_routes_admin, gw_routes_people, gw_routes_platform,
};

static const struct cl_http_route static_files = {"GET", "/*", gw_static, 0};

static size_t table_len(const struct cl_http_route *t)
{
	size_t n = 0;
	while (t[n].method)
		n++;
	return n;
}

struct cl_http_route *gw_routes_build(void)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		n += table_len(tables[i]);
	struct cl_http_route *all = cl_xcalloc(n + 2, sizeof *all);
	size_t k = 0;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		size_t m = table_len(tables[i]);
		memcpy(all + k, tables[i], m * sizeof *all);
		k += m;
	}
	all[k] = static_files; /* the terminator follows, zeroed */
	return all;
}

void gw_routes_print(FILE *out)
{
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		for (const struct cl_http_route *r = tables[i]; r->method; r++)
			fprintf(out, "%s %s\n", r->method, r->pattern);
}

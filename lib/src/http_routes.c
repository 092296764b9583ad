/* http_routes.c - route tables joined into one */
#include "carelink/http.h"

#include "carelink/util.h"

struct cl_http_route *cl_http_routes_join(const struct cl_http_route *const *tables, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		for (const struct cl_http_route *r = tables[i]; r->method; r++)
			count++;
	struct cl_http_route *all = cl_xcalloc(count + 1, sizeof *all);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (const struct cl_http_route *r = tables[i]; r->method; r++)
			all[k++] = *r;
	return all;
}

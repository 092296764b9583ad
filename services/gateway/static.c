/* static.c - the browser UI: files of web/ served as they are */
#include "gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_STATIC_MAX (4u << 20)

static const char *const types[][2] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
	{".json", "application/json; charset=utf-8"},
};

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return NULL;
}

/* only plain names below web/: no "..", no hidden files */
static bool path_ok(const char *p)
{
	if (strstr(p, "..") || strstr(p, "/.") || strlen(p) > 200)
		return false;
	for (; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

enum MHD_Result gw_static(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	const char *rel = strcmp(req->path, "/") ? req->path : "/index.html";
	const char *type = type_of(rel);
	if (!path_ok(rel) || !type)
		return cl_http_error(req, 404, "not_found", "no such page");
	char path[1400];
	snprintf(path, sizeof path, "%s/web%s", app->svc->home, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		return cl_http_error(req, 404, "not_found", "no such page");
	char *buf = malloc(GW_STATIC_MAX);
	if (!buf)
		abort();
	size_t n = fread(buf, 1, GW_STATIC_MAX, f);
	fclose(f);
	cl_http_set_header(req, "Cache-Control", "no-cache");
	cl_http_set_header(req, "Content-Security-Policy",
			   "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
	cl_http_set_header(req, "X-Frame-Options", "DENY");
	enum MHD_Result r = cl_http_bytes(req, 200, type, buf, n);
	free(buf);
	return r;
}

/* openapi.c - GET /api/v1/openapi.json: the checked-in OpenAPI document,
 * read from <home>/services/gateway/openapi.json once and kept in memory */
#include "gateway.h"
#include "platform.h"

#include <carelink/err.h>
#include <carelink/json.h>
#include <carelink/log.h>
#include <carelink/util.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GW_OPENAPI_MAX (2u << 20)

static pthread_mutex_t doc_lock = PTHREAD_MUTEX_INITIALIZER;
static char *doc;     /* the document's bytes, kept until exit */
static size_t doc_len;

/* the file's bytes when it is a JSON object naming an OpenAPI 3 version */
static int read_document(const char *path, char **out, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cl_log_error("cannot open the openapi document", "path", path, NULL);
		return CL_ENOENT;
	}
	char *buf = cl_xmalloc(GW_OPENAPI_MAX + 1);
	size_t n = fread(buf, 1, GW_OPENAPI_MAX + 1, f);
	bool bad = ferror(f) || n > GW_OPENAPI_MAX;
	fclose(f);
	char err[200] = "";
	json_t *j = bad ? NULL : cl_json_parse(buf, n, 64, err, sizeof err);
	const char *version = cl_json_str(j, "openapi");
	if (!j || !version || strncmp(version, "3.", 2)) {
		cl_log_error("the openapi document is not an openapi 3 json object", "path", path,
			     "detail", err, NULL);
		json_decref(j);
		free(buf);
		return CL_EINVAL;
	}
	json_decref(j);
	buf[n] = '\0';
	*out = buf;
	*out_len = n;
	return 0;
}

int gw_openapi_load(const struct cl_service *svc)
{
	int rc = 0;
	pthread_mutex_lock(&doc_lock);
	if (!doc) {
		char path[1400];
		cl_service_path(svc, "services/gateway/openapi.json", path, sizeof path);
		rc = read_document(path, &doc, &doc_len);
	}
	pthread_mutex_unlock(&doc_lock);
	return rc;
}

enum MHD_Result gw_api_openapi(struct cl_http_req *req)
{
	struct gw_app *app = req->app;
	if (gw_openapi_load(app->svc) < 0)
		return cl_http_error(req, 500, "internal", "the api description is not available");
	/* the document changes only with a new release: revalidate, do not store */
	cl_http_set_header(req, "Cache-Control", "no-cache");
	return cl_http_bytes(req, 200, "application/json; charset=utf-8", doc, doc_len);
}

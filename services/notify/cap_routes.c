/* cap_routes.c - what emergency services' systems poll (ALERTS.md): GET
 * /v1/alerts/{id}/cap, the alert's latest CAP 1.2 document, and GET
 * /v1/alerts.atom, the Atom 1.0 index of the active alerts and of those
 * ended in the last 24 hours, one entry per alert linking to its CAP
 * document. Readers as for GET /v1/alerts/{id} (a token acts as its owner). */
#include "alert_resource.h"
#include "cap_stream.h"

#include "carelink/err.h"
#include "carelink/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NT_ATOM_CONTENT_TYPE "application/atom+xml; charset=utf-8"
/* where the gateway serves notify's /v1 to browsers and machine clients */
#define NT_CAP_PUBLIC_PREFIX "/api"

static enum MHD_Result nt_cap_get(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	json_t *alert = NULL;
	char *doc = NULL;
	int64_t id;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	int rc = nt_alert_load(pg, req, false, &alert, &id);
	if (rc == 0)
		rc = nt_cap_db_latest(pg, req->identity.tenant, id, &doc);
	cl_pg_pool_put(&app->svc->pool, pg);
	json_decref(alert);
	if (rc == CL_ENOENT || rc == CL_EINVAL)
		return nt_alert_not_found(req);
	if (rc < 0)
		return cl_http_fail(req, rc);
	enum MHD_Result r = cl_http_bytes(req, 200, NT_CAP_CONTENT_TYPE, doc, strlen(doc));
	free(doc);
	return r;
}

static const char *atom_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* whether alert belongs in the index at now: active, or ended within 24 h */
static bool atom_listed(const json_t *alert, int64_t now)
{
	if (!strcmp(atom_str(alert, "status"), "active"))
		return true;
	int64_t ended;
	if (nt_cap_time_parse(atom_str(alert, "ended_at"), &ended) < 0)
		return false;
	return now - ended <= NT_CAP_ATOM_ENDED_MS;
}

static void atom_entry(FILE *f, const json_t *a, const char *tenant)
{
	const char *id = atom_str(a, "id");
	fputs("  <entry>\n    <id>urn:carelink:", f);
	nt_cap_xml_text(f, tenant);
	fprintf(f, ":alert:");
	nt_cap_xml_text(f, id);
	fputs("</id>\n    <title>", f);
	nt_cap_xml_text(f, atom_str(a, "title"));
	fputs("</title>\n    <updated>", f);
	nt_cap_xml_text(f, atom_str(a, "updated_at"));
	fputs("</updated>\n    <published>", f);
	nt_cap_xml_text(f, atom_str(a, "raised_at"));
	fputs("</published>\n    <author><name>", f);
	nt_cap_xml_text(f, atom_str(json_object_get(a, "raised_by"), "name"));
	fputs("</name></author>\n    <category term=\"", f);
	nt_cap_xml_text(f, atom_str(a, "kind"));
	fputs("\"/>\n    <category term=\"status:", f);
	nt_cap_xml_text(f, atom_str(a, "status"));
	fputs("\"/>\n    <summary>", f);
	nt_cap_xml_text(f, atom_str(a, "description"));
	fputs("</summary>\n    <link rel=\"alternate\" type=\"" NT_CAP_CONTENT_TYPE
	      "\" href=\"" NT_CAP_PUBLIC_PREFIX "/v1/alerts/",
	      f);
	nt_cap_xml_text(f, id);
	fputs("/cap\"/>\n  </entry>\n", f);
}

static enum MHD_Result nt_cap_atom(struct cl_http_req *req)
{
	struct nt_app *app = req->app;
	json_t *alerts = NULL, *ended = NULL;
	struct cl_pg *pg = cl_pg_pool_get(&app->svc->pool);
	/* the active ones first, then the ended ones (each newest first) */
	int rc = nt_db_alert_list(pg, req->identity.tenant, "active", &alerts);
	if (rc == 0)
		rc = nt_db_alert_list(pg, req->identity.tenant, "ended", &ended);
	cl_pg_pool_put(&app->svc->pool, pg);
	if (rc == 0)
		json_array_extend(alerts, ended);
	json_decref(ended);
	if (rc < 0) {
		json_decref(alerts);
		return cl_http_fail(req, rc);
	}

	int64_t now = cl_now_ms();
	char updated[32];
	const char *newest = NULL;
	size_t i;
	json_t *a;
	json_t *listed = json_array();
	json_array_foreach(alerts, i, a) {
		if (!atom_listed(a, now) || !nt_alert_may_read(a, &req->identity))
			continue;
		json_array_append(listed, a);
		const char *u = atom_str(a, "updated_at");
		if (!newest || strcmp(u, newest) > 0)
			newest = u;
	}
	cl_time_format(now, updated);

	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	if (!f) {
		json_decref(listed);
		json_decref(alerts);
		return cl_http_fail(req, CL_EFATAL);
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n  <id>urn:carelink:",
	      f);
	nt_cap_xml_text(f, req->identity.tenant);
	fputs(":alerts</id>\n  <title>緊急連絡</title>\n  <updated>", f);
	nt_cap_xml_text(f, newest ? newest : updated);
	fputs("</updated>\n  <author><name>carelink@", f);
	nt_cap_xml_text(f, req->identity.tenant);
	fputs("</name></author>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"" NT_CAP_PUBLIC_PREFIX
	      "/v1/alerts.atom\"/>\n",
	      f);
	json_array_foreach(listed, i, a)
		atom_entry(f, a, req->identity.tenant);
	fputs("</feed>\n", f);
	fclose(f);
	json_decref(listed);
	json_decref(alerts);
	enum MHD_Result r = cl_http_bytes(req, 200, NT_ATOM_CONTENT_TYPE, buf, size);
	free(buf);
	return r;
}

const struct cl_http_route nt_routes_cap[] = {
	{"GET", "/v1/alerts/:id/cap", nt_cap_get, CL_HTTP_AUTH},
	{"GET", "/v1/alerts.atom", nt_cap_atom, CL_HTTP_AUTH},
	{NULL, NULL, NULL, 0},
};

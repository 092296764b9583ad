/* service.c - start-up and shut-down wiring shared by every service */
#include "carelink/service.h"
#include "carelink/err.h"
#include "carelink/httpc.h"
#include "carelink/log.h"
#include "carelink/util.h"

#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CL_DEFAULT_HOME
#define CL_DEFAULT_HOME "."
#endif

bool cl_service_arg(int argc, char **argv, const char *flag)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], flag))
			return true;
	return false;
}

char *cl_service_path(const struct cl_service *svc, const char *rel, char *out,
		      size_t size)
{
	int n = snprintf(out, size, "%s/%s", svc->home, rel);
	if (n < 0 || (size_t)n >= size) {
		cl_log_error("path too long", "home", svc->home, "path", rel, NULL);
		abort(); /* configuration error caught at start-up */
	}
	return out;
}

json_t *cl_service_json_file(const struct cl_service *svc, const char *rel)
{
	char path[1200];
	cl_service_path(svc, rel, path, sizeof path);
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		cl_log_error("cannot read demo data", "path", path, "detail", jerr.text, NULL);
	return root;
}

static const char *config_path(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--config"))
			return argv[i + 1];
	return NULL;
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct cl_service *svc = h->data;
	(void)signum;
	cl_log_info("stopping", NULL);
	if (svc->on_stop)
		svc->on_stop(svc->on_stop_arg);
	uv_stop(&svc->loop);
}

int cl_service_open(struct cl_service *svc, const char *name, int argc, char **argv)
{
	char sql_lib[1200], sql_svc[1200], schemas[1200], rel[256];
	memset(svc, 0, sizeof *svc);
	svc->name = name;
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	cl_cfg_init(&svc->cfg);
	cl_cfg_set(&svc->cfg, "service.name", name);
	int rc = cl_cfg_load(&svc->cfg, config_path(argc, argv));
	if (rc < 0 && rc != CL_ENOENT) {
		fprintf(stderr, "carelink-%s: cannot read configuration\n", name);
		return rc;
	}
	cl_log_init(name, cl_cfg_get(&svc->cfg, "log.level", "info"));
	cl_strlcpy(svc->home, cl_cfg_get(&svc->cfg, "home", CL_DEFAULT_HOME), sizeof svc->home);

	const char *key = cl_cfg_get(&svc->cfg, "identity.key", NULL);
	if (!key || cl_identity_key_parse(key, svc->identity_key) < 0) {
		cl_log_error("identity.key must be 64 hex characters", NULL);
		return CL_EINVAL;
	}
	const char *conninfo = cl_cfg_get(&svc->cfg, "pg.conninfo", NULL);
	if (!conninfo) {
		cl_log_error("pg.conninfo is not set", NULL);
		return CL_EINVAL;
	}
	long pool = cl_cfg_get_int(&svc->cfg, "pg.pool", 4);
	if (cl_pg_pool_open(&svc->pool, conninfo, (size_t)(pool > 0 ? pool : 4)) < 0) {
		cl_log_error("cannot connect to postgresql", NULL);
		return CL_EIO;
	}
	cl_service_path(svc, "lib/sql", sql_lib, sizeof sql_lib);
	snprintf(rel, sizeof rel, "services/%s/sql", name);
	cl_service_path(svc, rel, sql_svc, sizeof sql_svc);
	const char *dirs[] = {sql_lib, sql_svc, NULL};
	const char *owner = cl_cfg_get(&svc->cfg, "pg.migrate_conninfo", NULL);
	if (owner && *owner) {
		/* the schema's owner migrates; the service runs as another role */
		struct cl_pg migrate;
		cl_pg_open(&migrate, owner);
		rc = cl_pg_migrate(&migrate, dirs);
		cl_pg_close(&migrate);
	} else {
		struct cl_pg *pg = cl_pg_pool_get(&svc->pool);
		rc = cl_pg_migrate(pg, dirs);
		cl_pg_pool_put(&svc->pool, pg);
	}
	if (rc < 0)
		return rc;
	rc = cl_avro_registry_load(&svc->schemas,
				   cl_service_path(svc, "schemas", schemas, sizeof schemas));
	if (rc < 0) {
		cl_log_error("cannot load schemas", "path", schemas, NULL);
		return rc;
	}
	uv_loop_init(&svc->loop);
	svc->loop_open = true;
	rc = cl_outbox_relay_start(&svc->relay, &svc->loop, &svc->cfg, conninfo, name);
	if (rc < 0)
		return rc;
	uv_signal_init(&svc->loop, &svc->sigterm);
	uv_signal_init(&svc->loop, &svc->sigint);
	svc->sigterm.data = svc->sigint.data = svc;
	uv_signal_start(&svc->sigterm, on_signal, SIGTERM);
	uv_signal_start(&svc->sigint, on_signal, SIGINT);
	return 0;
}

static bool service_ready(void *arg)
{
	struct cl_service *svc = arg;
	return cl_pg_pool_ping(&svc->pool) && svc->relay.prod.rk &&
	       cl_kafka_ping(svc->relay.prod.rk, 2000) &&
	       (!svc->ready || svc->ready(svc->ready_arg));
}

/* the whole of a small file (a PEM certificate or key) as a string; NULL
 * when it cannot be read, is empty or larger than 1 MiB. Caller frees. */
static char *read_small_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n;
	char *buf = cl_xmalloc(cap + 1);
	n = fread(buf, 1, cap + 1, f);
	bool bad = ferror(f) || n == 0 || n > cap;
	fclose(f);
	if (bad) {
		sodium_memzero(buf, cap + 1);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static void free_secret(char *s)
{
	if (s)
		sodium_memzero(s, strlen(s));
	free(s);
}

/* Beyond http.bind/port/threads/max_body/connections (service.h):
 *   http.max_depth        JSON nesting limit (default 32)
 *   http.max_upload       body limit of CL_HTTP_UPLOAD routes (16 MiB)
 *   http.tls_cert/tls_key PEM files; both set: HTTPS only, TLS 1.2 minimum
 *   http.tls_priorities   GnuTLS priority string (CL_HTTP_TLS_PRIORITIES)
 *   http.cors_origins     origins allowed to call cross-origin (none)
 *   http.trusted_proxies  reverse proxies whose X-Forwarded-For counts */
int cl_service_serve(struct cl_service *svc, const struct cl_http_route *routes,
		     void *app, bool allow_suspend)
{
	struct cl_http_opts o = {
		.bind = cl_cfg_get(&svc->cfg, "http.bind", "127.0.0.1"),
		.port = (unsigned)cl_cfg_get_int(&svc->cfg, "http.port", 8080),
		.threads = (unsigned)cl_cfg_get_int(&svc->cfg, "http.threads", 4),
		.connection_limit = (unsigned)cl_cfg_get_int(&svc->cfg, "http.connections", 1000),
		.max_body = (size_t)cl_cfg_get_int(&svc->cfg, "http.max_body", 1 << 20),
		.max_depth = (size_t)cl_cfg_get_int(&svc->cfg, "http.max_depth", 32),
		.max_upload = (size_t)cl_cfg_get_int(&svc->cfg, "http.max_upload", 16 << 20),
		.identity_key = svc->identity_key,
		.allow_suspend = allow_suspend,
		.ready = service_ready,
		.ready_arg = svc,
		.app = app,
		.tls_priorities = cl_cfg_get(&svc->cfg, "http.tls_priorities", NULL),
		.cors_origins = cl_cfg_get(&svc->cfg, "http.cors_origins", NULL),
		.trusted_proxies = cl_cfg_get(&svc->cfg, "http.trusted_proxies", NULL),
	};
	const char *cert_path = cl_cfg_get(&svc->cfg, "http.tls_cert", NULL);
	const char *key_path = cl_cfg_get(&svc->cfg, "http.tls_key", NULL);
	char *cert = NULL, *key = NULL;
	int rc;
	if (cert_path && !*cert_path)
		cert_path = NULL;
	if (key_path && !*key_path)
		key_path = NULL;
	if (!cert_path != !key_path) {
		cl_log_error("http.tls_cert and http.tls_key must be set together", NULL);
		return CL_EINVAL;
	}
	if (cert_path) {
		cert = read_small_file(cert_path);
		key = read_small_file(key_path);
		if (!cert || !key) {
			cl_log_error("cannot read the tls certificate or key", "cert", cert_path,
				     "key", key_path, NULL);
			rc = CL_EINVAL;
			goto out;
		}
		o.tls_cert = cert;
		o.tls_key = key;
	}
	if (o.max_body == 0 || o.max_depth == 0 || o.max_depth > 1000) {
		cl_log_error("http.max_body and http.max_depth must be positive, depth at most 1000",
			     NULL);
		rc = CL_EINVAL;
		goto out;
	}
	rc = cl_http_start(&svc->http, routes, &o);
	if (rc == 0) {
		char port[16];
		snprintf(port, sizeof port, "%u", o.port);
		cl_log_info("listening", "bind", o.bind, "port", port, "tls",
			    cert ? "on" : "off", NULL);
	}
out:
	free(cert);
	free_secret(key);
	return rc;
}

int cl_service_run(struct cl_service *svc)
{
	uv_run(&svc->loop, UV_RUN_DEFAULT);
	return 0;
}

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void cl_service_close(struct cl_service *svc)
{
	cl_http_stop(svc->http);
	svc->http = NULL;
	if (svc->relay.source)
		cl_outbox_relay_stop(&svc->relay);
	if (svc->loop_open) {
		uv_walk(&svc->loop, close_walk, NULL);
		uv_run(&svc->loop, UV_RUN_DEFAULT);
		uv_loop_close(&svc->loop);
		svc->loop_open = false;
	}
	cl_avro_registry_free(svc->schemas);
	svc->schemas = NULL;
	if (svc->pool.conns)
		cl_pg_pool_close(&svc->pool);
	cl_cfg_release(&svc->cfg);
	cl_httpc_thread_release();
	curl_global_cleanup();
	cl_log_info("stopped", NULL);
}

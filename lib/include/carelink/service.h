/* service.h - the wiring every carelink service shares: configuration,
 * logs, the signed-identity key, a PostgreSQL pool with migrations, the Avro
 * schemas, the outbox relay, the HTTP server and a libuv loop that runs
 * until SIGTERM or SIGINT.
 *
 * Configuration keys (file named by --config or $CARELINK_CONFIG, then
 * CARELINK_* environment variables):
 *   http.bind, http.port, http.threads, http.max_body, http.connections
 *   pg.conninfo, pg.pool            database of this service
 *   identity.key                    64 hex characters shared by services
 *   home                            folder holding schemas/, lib/sql,
 *                                   services/<name>/sql and web/
 *   log.level, kafka.*              see log.h and kafka.h
 */
#ifndef CARELINK_SERVICE_H
#define CARELINK_SERVICE_H

#include <stdbool.h>
#include <uv.h>

#include "carelink/avro.h"
#include "carelink/cfg.h"
#include "carelink/http.h"
#include "carelink/identity.h"
#include "carelink/outbox.h"
#include "carelink/pg.h"

struct cl_service {
	const char *name;
	struct cl_cfg cfg;
	uv_loop_t loop;
	uv_signal_t sigterm, sigint;
	struct cl_pg_pool pool;
	struct cl_avro_registry *schemas;
	struct cl_outbox_relay relay;
	struct cl_http_server *http;
	unsigned char identity_key[CL_IDENTITY_KEY_BYTES];
	char home[1024];
	bool loop_open;
	void (*on_stop)(void *arg);  /* called on the loop when a signal arrives */
	void *on_stop_arg;
	bool (*ready)(void *arg);    /* more for /readyz to check, may be NULL */
	void *ready_arg;
};

/* cl_service_open() - parse "--config PATH" from argv, load configuration,
 * start logging, read the identity key, open the pool, apply lib/sql and
 * services/<name>/sql migrations, load schemas/, start the outbox relay.
 * Returns 0 or a negative code (logged). */
int cl_service_open(struct cl_service *svc, const char *name, int argc, char **argv);

/* cl_service_serve() - start HTTP on http.bind/http.port with routes and
 * app; /readyz checks PostgreSQL and Kafka. */
int cl_service_serve(struct cl_service *svc, const struct cl_http_route *routes,
		     void *app, bool allow_suspend);

/* cl_service_run() - run the loop until SIGTERM/SIGINT. */
int cl_service_run(struct cl_service *svc);

/* cl_service_close() - stop HTTP, relay, pool; free everything. */
void cl_service_close(struct cl_service *svc);

/* cl_service_path() - "<home>/<rel>" into out; returns out. */
char *cl_service_path(const struct cl_service *svc, const char *rel, char *out,
		      size_t size);

/* cl_service_json_file() - the JSON document of "<home>/<rel>" (duplicate
 * keys refused), a new reference; NULL, logged, when it is missing or not
 * JSON. For the demo data of tools/demo/. */
json_t *cl_service_json_file(const struct cl_service *svc, const char *rel);

/* cl_service_arg() - true when argv holds flag (e.g. "--seed-demo"). */
bool cl_service_arg(int argc, char **argv, const char *flag);

#endif

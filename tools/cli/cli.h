/* cli.h - carelink-cli: what the subcommands share.
 *
 * Every subcommand is a function taking the arguments after "carelink-cli"
 * (argv[0] is the subcommand's name) and returning a CLI_EXIT_* status.
 * Messages for the person at the terminal go to stderr as
 * "carelink-cli: <lowercase text>"; library log lines are JSON on stderr.
 */
#ifndef CARELINK_CLI_H
#define CARELINK_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "carelink/avro.h"
#include "carelink/cfg.h"

#define CLI_NAME "carelink-cli"

enum cli_exit {
	CLI_EXIT_OK = 0,      /* done */
	CLI_EXIT_FAIL = 1,    /* configuration, broker or schema trouble */
	CLI_EXIT_USAGE = 2,   /* bad arguments (usage printed) */
	CLI_EXIT_TIMEOUT = 3, /* tail: --timeout-ms passed before --count messages */
};

/* Subcommands (tail.c, topics.c, schemas.c). */
int cli_tail_main(int argc, char **argv);
int cli_topics_main(int argc, char **argv);
int cli_schemas_main(int argc, char **argv);

/* ---- common.c ---------------------------------------------------------- */

/* cli_error() - print "carelink-cli: <message>" and a newline on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli_getopt_error() - report what getopt_long() (run with ":" first in
 * its option string) returned c for: a missing value or an unknown option. */
void cli_getopt_error(int c, char **argv);

/* cli_parse_long() - s as a base-10 integer in [min, max] into *out.
 * Returns 0, or -1 when s is empty, not a number or out of range. */
int cli_parse_long(const char *s, long min, long max, long *out);

/* cli_cfg_open() - initialise cfg and fill it the way the services do:
 * defaults, then the file (config_path when not NULL, which must then
 * exist; else $CARELINK_CONFIG when set), then CARELINK_* variables.
 * bootstrap, when not NULL, overrides kafka.bootstrap.servers. Sets the log
 * level from "log.level" (default "warn"). Returns CLI_EXIT_OK or
 * CLI_EXIT_FAIL (reported); the caller releases cfg in both cases. */
int cli_cfg_open(struct cl_cfg *cfg, const char *config_path, const char *bootstrap);

/* cli_kafka_open() - a consumer handle without a consumer group, for
 * metadata and partition reads; nothing is ever committed. Needs
 * kafka.bootstrap.servers (CLI_EXIT_USAGE, reported, when it is missing).
 * On CLI_EXIT_OK *out is the handle; the caller rd_kafka_destroy()s it. */
int cli_kafka_open(const struct cl_cfg *cfg, rd_kafka_t **out);

/* cli_schemas_dir() - the schemas directory: dir when not NULL, else
 * "<home>/schemas" with home from the "home" key or the compiled-in source
 * directory. Writes into out (size bytes); returns out, or NULL (reported)
 * when the path does not fit. */
const char *cli_schemas_dir(const struct cl_cfg *cfg, const char *dir, char *out,
			    size_t size);

/* cli_print_json() - obj as one compact line on stdout, flushed. Returns 0,
 * 1 when the reader went away (EPIPE: stop quietly) or -1 on another write
 * error (reported). obj is only read. */
int cli_print_json(const json_t *obj);

/* Set by SIGINT and SIGTERM once cli_stop_on_signals() ran. */
extern volatile sig_atomic_t cli_stop;
/* cli_stop_on_signals() - SIGINT and SIGTERM set cli_stop (without
 * SA_RESTART, so blocking calls return early); SIGPIPE is ignored. */
void cli_stop_on_signals(void);

/* ---- message.c: one Kafka message as a JSON object (no I/O) ------------ */

struct cli_header {
	const char *name;  /* NUL-terminated */
	const void *value; /* NULL for a header without a value */
	size_t len;
};

/* A message as tail sees it; every pointer is borrowed. */
struct cli_message {
	const char *topic;
	int32_t partition;
	int64_t offset;
	const void *key; /* NULL when the message has no key */
	size_t key_len;
	int64_t timestamp; /* ms since the epoch; negative when unknown */
	const struct cli_header *headers;
	size_t n_headers;
	const void *payload; /* NULL for a tombstone (no value at all) */
	size_t len;
};

/* cli_message_json() - the object tail prints for m:
 *   {"topic","partition","offset","key","timestamp","headers":{...},
 *    "type": schema full name or null, "value": decoded JSON or null}
 * plus, when the payload does not decode, "error": a lowercase reason and
 * "raw": the payload in base64. A key or header value that is not valid
 * UTF-8 becomes {"base64": "..."}; with repeated header names the last one
 * wins. A tombstone has "type" and "value" null and no "error". Decoding
 * uses cl_avro_decode(), whose memory budget bounds hostile payloads.
 * Returns a new reference; never NULL. */
json_t *cli_message_json(const struct cl_avro_registry *reg, const struct cli_message *m);

/* cli_fingerprint_hex() - fp as the 16 hex digits of the 8 bytes that
 * follow the C3 01 marker of a single-object message (little-endian), so
 * that it reads like a hex dump of a message. Returns out. */
char *cli_fingerprint_hex(uint64_t fp, char out[17]);

#endif

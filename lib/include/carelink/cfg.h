/* cfg.h - configuration from defaults, a file and the environment.
 *
 * Keys are dotted lowercase names ("http.port", "pg.conninfo",
 * "kafka.bootstrap.servers"). Precedence, lowest first: defaults set with
 * cl_cfg_set(), the file read by cl_cfg_load_file(), then the environment
 * read by cl_cfg_load_env(): CARELINK_HTTP_PORT sets "http.port"; a single
 * "_" becomes "." and a double "__" becomes a literal "_"
 * (CARELINK_KAFKA_SASL_MECHANISMS -> "kafka.sasl.mechanisms").
 *
 * File format: one "key = value" per line; blank lines and lines starting
 * with '#' are ignored; surrounding whitespace of key and value is trimmed.
 *
 * Every key under "kafka." is a librdkafka property with the prefix removed;
 * cl_cfg_each() lets the Kafka module hand them all to rd_kafka_conf_set().
 */
#ifndef CARELINK_CFG_H
#define CARELINK_CFG_H

#include <stdbool.h>
#include <stddef.h>

struct cl_cfg_entry {
	char *key;
	char *value;
};

struct cl_cfg {
	struct cl_cfg_entry *entries; /* owned */
	size_t n, cap;
};

/* cl_cfg_init() - empty config; allocates nothing. */
void cl_cfg_init(struct cl_cfg *cfg);
/* cl_cfg_release() - free every entry; cfg may be reused after cl_cfg_init. */
void cl_cfg_release(struct cl_cfg *cfg);

/* cl_cfg_set() - set key to value (both copied), replacing an earlier value. */
void cl_cfg_set(struct cl_cfg *cfg, const char *key, const char *value);

/* cl_cfg_load_file() - read a config file. Returns 0, CL_ENOENT if the file
 * does not exist, CL_EINVAL on a malformed line (logged with its number). */
int cl_cfg_load_file(struct cl_cfg *cfg, const char *path);

/* cl_cfg_load_env() - apply CARELINK_* variables from environ. */
void cl_cfg_load_env(struct cl_cfg *cfg);

/* cl_cfg_load() - the usual sequence: the file named by $CARELINK_CONFIG
 * (or path when not NULL) when it exists, then the environment. */
int cl_cfg_load(struct cl_cfg *cfg, const char *path);

/* cl_cfg_get() - the value of key, or def when unset. Borrowed: valid until
 * the key is set again or cfg is released. */
const char *cl_cfg_get(const struct cl_cfg *cfg, const char *key, const char *def);
/* cl_cfg_get_int() - key parsed as a base-10 integer; def when unset or
 * unparsable (the latter is logged). */
long cl_cfg_get_int(const struct cl_cfg *cfg, const char *key, long def);
/* cl_cfg_get_bool() - "1", "true", "yes", "on" are true; "0", "false", "no",
 * "off" false; anything else def. */
bool cl_cfg_get_bool(const struct cl_cfg *cfg, const char *key, bool def);

/* cl_cfg_each() - call fn for every key starting with prefix, passing the key
 * with the prefix stripped. Stops and returns fn's value when it is
 * non-zero; otherwise returns 0. */
int cl_cfg_each(const struct cl_cfg *cfg, const char *prefix,
		int (*fn)(const char *key, const char *value, void *arg), void *arg);

#endif

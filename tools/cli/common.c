/* common.c - configuration, the Kafka handle, paths, output and signals
 * shared by the carelink-cli subcommands */
#include "cli.h"

#include <getopt.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "carelink/err.h"
#include "carelink/kafka.h"
#include "carelink/log.h"

#ifndef CL_DEFAULT_HOME
#define CL_DEFAULT_HOME "."
#endif

#define CLI_LOG_LEVEL_DEFAULT "warn"

volatile sig_atomic_t cli_stop;

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs(CLI_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9') /* no sign, no leading space */
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_cfg_open(struct cl_cfg *cfg, const char *config_path, const char *bootstrap)
{
	int rc;

	cl_cfg_init(cfg);
	/* librdkafka's client.id, as brokers and their quotas see it */
	cl_cfg_set(cfg, "service.name", CLI_NAME);
	cl_log_init("cli", CLI_LOG_LEVEL_DEFAULT);
	if (config_path) {
		/* named on the command line: it has to be there */
		rc = cl_cfg_load_file(cfg, config_path);
		if (rc == CL_ENOENT) {
			cli_error("config file \"%s\" does not exist", config_path);
			return CLI_EXIT_FAIL;
		}
		if (rc < 0) {
			cli_error("cannot read config file \"%s\"", config_path);
			return CLI_EXIT_FAIL;
		}
		cl_cfg_load_env(cfg);
	} else if (cl_cfg_load(cfg, NULL) < 0) {
		cli_error("cannot read the config file named by CARELINK_CONFIG");
		return CLI_EXIT_FAIL;
	}
	if (bootstrap)
		cl_cfg_set(cfg, "kafka.bootstrap.servers", bootstrap);
	cl_log_init(NULL, cl_cfg_get(cfg, "log.level", CLI_LOG_LEVEL_DEFAULT));
	return CLI_EXIT_OK;
}

/* librdkafka's log lines (syslog levels) become carelink log lines. */
static void cli_rdkafka_log(const rd_kafka_t *rk, int level, const char *fac,
			    const char *buf)
{
	enum cl_log_level l = level <= LOG_ERR ? CL_LOG_ERROR :
			      level == LOG_WARNING ? CL_LOG_WARN :
			      level <= LOG_INFO ? CL_LOG_INFO : CL_LOG_DEBUG;

	(void)rk;
	cl_log(l, "librdkafka", "facility", fac, "detail", buf, NULL);
}

int cli_kafka_open(const struct cl_cfg *cfg, rd_kafka_t **out)
{
	/* never commit, whatever the configuration says: a reader, not a member */
	static const char *const overrides[][2] = {
		{ "enable.auto.commit", "false" },
		{ "enable.auto.offset.store", "false" },
	};
	char errstr[512];
	rd_kafka_conf_t *conf;
	const char *bootstrap = cl_cfg_get(cfg, "kafka.bootstrap.servers", NULL);

	*out = NULL;
	if (!bootstrap || !*bootstrap) {
		cli_error("no kafka bootstrap servers");
		fprintf(stderr, "hint: pass --bootstrap HOST:PORT[,HOST:PORT...], set "
			"CARELINK_KAFKA_BOOTSTRAP_SERVERS, or put kafka.bootstrap.servers "
			"in the --config file\n");
		return CLI_EXIT_USAGE;
	}
	conf = cl_kafka_conf_new(cfg, "consumer");
	if (!conf) {
		cli_error("invalid kafka configuration (the rejected key is logged above)");
		return CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < sizeof overrides / sizeof overrides[0]; i++) {
		if (rd_kafka_conf_set(conf, overrides[i][0], overrides[i][1], errstr,
				      sizeof errstr) != RD_KAFKA_CONF_OK) {
			cli_error("cannot set \"%s\": %s", overrides[i][0], errstr);
			rd_kafka_conf_destroy(conf);
			return CLI_EXIT_FAIL;
		}
	}
	rd_kafka_conf_set_log_cb(conf, cli_rdkafka_log);
	/* rd_kafka_new() takes ownership of conf on success only */
	*out = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
	if (!*out) {
		cli_error("cannot create the kafka client: %s", errstr);
		rd_kafka_conf_destroy(conf);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

const char *cli_schemas_dir(const struct cl_cfg *cfg, const char *dir, char *out,
			    size_t size)
{
	int n;

	if (dir)
		n = snprintf(out, size, "%s", dir);
	else
		n = snprintf(out, size, "%s/schemas", cl_cfg_get(cfg, "home", CL_DEFAULT_HOME));
	if (n < 0 || (size_t)n >= size) {
		cli_error("schemas directory path is too long");
		return NULL;
	}
	return out;
}

int cli_print_json(const json_t *obj)
{
	if (json_dumpf(obj, stdout, JSON_COMPACT) == 0 && fputc('\n', stdout) != EOF &&
	    fflush(stdout) == 0)
		return 0;
	if (errno == EPIPE)
		return 1;
	cli_error("cannot write to standard output: %s", strerror(errno));
	return -1;
}

static void cli_on_signal(int signum)
{
	(void)signum;
	cli_stop = 1;
}

void cli_stop_on_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void cli_getopt_error(int c, char **argv)
{
	if (c == ':')
		cli_error("option \"%s\" needs a value", argv[optind - 1]);
	else if (optopt)
		cli_error("unknown option \"-%c\"", optopt);
	else
		cli_error("unknown option \"%s\"", argv[optind - 1]);
}

/* topics.c - `carelink-cli topics`: the cluster's topics with their
 * partition counts and replication factors, from metadata */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/util.h"

#define TOPICS_TIMEOUT_MS_DEFAULT 10000

struct topics_args {
	const char *config;
	const char *bootstrap;
	long timeout_ms;
};

static void topics_usage(FILE *f)
{
	fprintf(f,
		"usage: " CLI_NAME " topics [--bootstrap HOST:PORT,...] [--config PATH]\n"
		"                           [--timeout-ms MS]\n"
		"\n"
		"Lists the topics of the cluster, sorted by name, one per line:\n"
		"  TOPIC <tab> PARTITIONS <tab> REPLICATION FACTOR\n"
		"A topic the cluster reports an error for shows the error instead.\n"
		"\n"
		"  --bootstrap LIST    Kafka bootstrap servers (else kafka.bootstrap.servers\n"
		"                      from the config file or CARELINK_KAFKA_BOOTSTRAP_SERVERS)\n"
		"  --config PATH       key = value config file (else $CARELINK_CONFIG)\n"
		"  --timeout-ms MS     how long to wait for the metadata (default %d)\n",
		TOPICS_TIMEOUT_MS_DEFAULT);
}

/* Returns 0, 1 when only help was asked for, or -1 (reported). */
static int topics_parse_args(int argc, char **argv, struct topics_args *a)
{
	enum { OPT_CONFIG = 256, OPT_BOOTSTRAP, OPT_TIMEOUT };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "bootstrap", required_argument, NULL, OPT_BOOTSTRAP },
		{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof *a);
	a->timeout_ms = TOPICS_TIMEOUT_MS_DEFAULT;
	opterr = 0;
	optind = 0; /* full re-initialisation of getopt */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG:
			a->config = optarg;
			break;
		case OPT_BOOTSTRAP:
			if (!*optarg) {
				cli_error("empty --bootstrap");
				return -1;
			}
			a->bootstrap = optarg;
			break;
		case OPT_TIMEOUT:
			if (cli_parse_long(optarg, 1, INT_MAX, &a->timeout_ms) < 0) {
				cli_error("invalid --timeout-ms \"%s\" (1 to %d)", optarg, INT_MAX);
				return -1;
			}
			break;
		case 'h':
			return 1;
		default:
			cli_getopt_error(c, argv);
			return -1;
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	return 0;
}

static int topics_by_name(const void *x, const void *y)
{
	const struct rd_kafka_metadata_topic *a = *(const struct rd_kafka_metadata_topic *const *)x;
	const struct rd_kafka_metadata_topic *b = *(const struct rd_kafka_metadata_topic *const *)y;

	return strcmp(a->topic, b->topic);
}

static int topics_print(const struct rd_kafka_metadata *md)
{
	const struct rd_kafka_metadata_topic **sorted;
	int n = md->topic_cnt;

	sorted = cl_xcalloc(n > 0 ? (size_t)n : 1, sizeof *sorted);
	for (int i = 0; i < n; i++)
		sorted[i] = &md->topics[i];
	qsort(sorted, (size_t)n, sizeof *sorted, topics_by_name);
	for (int i = 0; i < n; i++) {
		const struct rd_kafka_metadata_topic *t = sorted[i];

		if (t->err)
			printf("%s\terror: %s\n", t->topic, rd_kafka_err2str(t->err));
		else
			printf("%s\t%d\t%d\n", t->topic, t->partition_cnt,
			       t->partition_cnt > 0 ? t->partitions[0].replica_cnt : 0);
	}
	free(sorted);
	if (fflush(stdout) != 0) {
		cli_error("cannot write to standard output");
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cli_topics_main(int argc, char **argv)
{
	struct topics_args a;
	struct cl_cfg cfg;
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_t *rk = NULL;
	rd_kafka_resp_err_t err;
	int rc = topics_parse_args(argc, argv, &a);

	if (rc != 0) {
		topics_usage(rc > 0 ? stdout : stderr);
		return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	rc = cli_cfg_open(&cfg, a.config, a.bootstrap);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = cli_kafka_open(&cfg, &rk);
	if (rc != CLI_EXIT_OK)
		goto out;
	err = rd_kafka_metadata(rk, 1, NULL, &md, (int)a.timeout_ms);
	if (err) {
		cli_error("cannot read the cluster metadata: %s", rd_kafka_err2str(err));
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	rc = topics_print(md);
	rd_kafka_metadata_destroy(md);
out:
	if (rk)
		rd_kafka_destroy(rk);
	cl_cfg_release(&cfg);
	return rc;
}

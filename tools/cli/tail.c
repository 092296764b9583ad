/* tail.c - `carelink-cli tail TOPIC`: every partition of a topic, read
 * without a consumer group, printed as one JSON object per message */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/util.h"

#define TAIL_METADATA_TIMEOUT_MS 10000
#define TAIL_WATERMARK_TIMEOUT_MS 5000
#define TAIL_POLL_MS 200

struct tail_args {
	const char *topic;
	bool from_beginning;
	long count;      /* 0: no limit */
	long timeout_ms; /* 0: no idle timeout */
	const char *config;
	const char *bootstrap;
	const char *schemas;
};

/* What one run holds; tail_close() frees what is set. */
struct tail {
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	rd_kafka_queue_t *queue;
	int32_t *partitions; /* started partitions */
	int n_partitions;
	bool no_watermarks;  /* a watermark query failed: stop asking */
	struct cl_avro_registry *reg;
};

static void tail_usage(FILE *f)
{
	fprintf(f,
		"usage: " CLI_NAME " tail TOPIC [--from-beginning] [--count N] [--timeout-ms MS]\n"
		"                         [--bootstrap HOST:PORT,...] [--config PATH] [--schemas DIR]\n"
		"\n"
		"Reads every partition of TOPIC without joining a consumer group (nothing is\n"
		"committed) and prints one JSON object per message on stdout:\n"
		"  {\"topic\",\"partition\",\"offset\",\"key\",\"timestamp\" (ms),\"headers\":{...},\n"
		"   \"type\": schema full name, \"value\": the decoded Avro event}\n"
		"A message that does not decode has \"value\": null, \"error\": the reason and\n"
		"\"raw\": its bytes in base64.\n"
		"\n"
		"  --from-beginning    start at the oldest message kept (default: only new ones)\n"
		"  --count N           exit after N messages\n"
		"  --timeout-ms MS     exit when MS milliseconds pass without a message\n"
		"                      (default: run until SIGINT or SIGTERM)\n"
		"  --bootstrap LIST    Kafka bootstrap servers (else kafka.bootstrap.servers\n"
		"                      from the config file or CARELINK_KAFKA_BOOTSTRAP_SERVERS)\n"
		"  --config PATH       key = value config file (else $CARELINK_CONFIG); every\n"
		"                      kafka.* key goes to librdkafka (TLS, SASL)\n"
		"  --schemas DIR       directory of *.avsc files (default: <home>/schemas)\n"
		"\n"
		"Exit status: 0 done, 1 failure, 2 bad arguments, 3 --timeout-ms passed\n"
		"before --count messages arrived.\n");
}

/* Returns 0, 1 when only help was asked for, or -1 (reported). */
static int tail_parse_args(int argc, char **argv, struct tail_args *a)
{
	enum { OPT_BEGIN = 256, OPT_COUNT, OPT_TIMEOUT, OPT_CONFIG, OPT_BOOTSTRAP, OPT_SCHEMAS };
	static const struct option opts[] = {
		{ "from-beginning", no_argument, NULL, OPT_BEGIN },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "bootstrap", required_argument, NULL, OPT_BOOTSTRAP },
		{ "schemas", required_argument, NULL, OPT_SCHEMAS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof *a);
	opterr = 0;
	optind = 0; /* full re-initialisation of getopt */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_BEGIN:
			a->from_beginning = true;
			break;
		case OPT_COUNT:
			if (cli_parse_long(optarg, 1, LONG_MAX, &a->count) < 0) {
				cli_error("invalid --count \"%s\" (a whole number from 1)", optarg);
				return -1;
			}
			break;
		case OPT_TIMEOUT:
			if (cli_parse_long(optarg, 1, INT_MAX, &a->timeout_ms) < 0) {
				cli_error("invalid --timeout-ms \"%s\" (1 to %d)", optarg, INT_MAX);
				return -1;
			}
			break;
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
		case OPT_SCHEMAS:
			a->schemas = optarg;
			break;
		case 'h':
			return 1;
		default:
			cli_getopt_error(c, argv);
			return -1;
		}
	}
	if (optind >= argc) {
		cli_error("tail needs a TOPIC");
		return -1;
	}
	a->topic = argv[optind++];
	if (!*a->topic) {
		cli_error("empty TOPIC");
		return -1;
	}
	if (optind < argc) {
		cli_error("unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	return 0;
}

static int64_t tail_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void tail_close(struct tail *t)
{
	for (int i = 0; i < t->n_partitions; i++)
		rd_kafka_consume_stop(t->rkt, t->partitions[i]);
	free(t->partitions);
	if (t->queue)
		rd_kafka_queue_destroy(t->queue);
	if (t->rkt)
		rd_kafka_topic_destroy(t->rkt);
	if (t->rk)
		rd_kafka_destroy(t->rk);
	cl_avro_registry_free(t->reg);
	memset(t, 0, sizeof *t);
}

/* Where partition p starts: its high watermark now, so that everything
 * produced after the command started is printed, or the oldest kept. */
static int64_t tail_start_offset(struct tail *t, const char *topic, int32_t p,
				 bool from_beginning)
{
	int64_t lo, hi;

	if (from_beginning)
		return RD_KAFKA_OFFSET_BEGINNING;
	if (!t->no_watermarks &&
	    rd_kafka_query_watermark_offsets(t->rk, topic, p, &lo, &hi,
					     TAIL_WATERMARK_TIMEOUT_MS) == 0)
		return hi;
	/* one slow answer is enough waiting: the rest start at their end as
	 * the broker resolves it, a little later */
	t->no_watermarks = true;
	return RD_KAFKA_OFFSET_END;
}

/* Look the topic up and start reading every partition into one queue. */
static int tail_start(struct tail *t, const struct tail_args *a)
{
	const struct rd_kafka_metadata *md = NULL;
	const struct rd_kafka_metadata_topic *mt;
	rd_kafka_resp_err_t err;
	int rc = CLI_EXIT_FAIL;

	t->rkt = rd_kafka_topic_new(t->rk, a->topic, NULL);
	if (!t->rkt) {
		cli_error("invalid topic \"%s\": %s", a->topic,
			  rd_kafka_err2str(rd_kafka_last_error()));
		return CLI_EXIT_FAIL;
	}
	err = rd_kafka_metadata(t->rk, 0, t->rkt, &md, TAIL_METADATA_TIMEOUT_MS);
	if (err) {
		cli_error("cannot read the metadata of topic \"%s\": %s", a->topic,
			  rd_kafka_err2str(err));
		return CLI_EXIT_FAIL;
	}
	if (md->topic_cnt != 1 || strcmp(md->topics[0].topic, a->topic) != 0) {
		cli_error("the cluster did not describe topic \"%s\"", a->topic);
		goto out;
	}
	mt = &md->topics[0];
	if (mt->err) {
		cli_error("topic \"%s\": %s", a->topic, rd_kafka_err2str(mt->err));
		goto out;
	}
	if (mt->partition_cnt <= 0) {
		cli_error("topic \"%s\" has no partitions", a->topic);
		goto out;
	}
	t->queue = rd_kafka_queue_new(t->rk);
	t->partitions = cl_xcalloc((size_t)mt->partition_cnt, sizeof *t->partitions);
	for (int i = 0; i < mt->partition_cnt; i++) {
		int32_t p = mt->partitions[i].id;
		int64_t start = tail_start_offset(t, a->topic, p, a->from_beginning);

		if (rd_kafka_consume_start_queue(t->rkt, p, start, t->queue) < 0) {
			cli_error("cannot read partition %d of \"%s\": %s", (int)p, a->topic,
				  rd_kafka_err2str(rd_kafka_last_error()));
			goto out;
		}
		t->partitions[t->n_partitions++] = p;
	}
	rc = CLI_EXIT_OK;
out:
	rd_kafka_metadata_destroy(md);
	return rc;
}

/* Print msg. Returns 0, 1 when stdout was closed, -1 on a write error. */
static int tail_print(struct tail *t, const rd_kafka_message_t *msg)
{
	rd_kafka_headers_t *hdrs = NULL;
	struct cli_header *hv = NULL;
	struct cli_message m = {
		.topic = rd_kafka_topic_name(msg->rkt),
		.partition = msg->partition,
		.offset = msg->offset,
		.key = msg->key,
		.key_len = msg->key_len,
		.timestamp = rd_kafka_message_timestamp(msg, NULL),
		.payload = msg->payload,
		.len = msg->len,
	};
	json_t *obj;
	int rc;

	if (rd_kafka_message_headers(msg, &hdrs) == 0 && hdrs) {
		size_t n = rd_kafka_header_cnt(hdrs);

		hv = cl_xcalloc(n ? n : 1, sizeof *hv);
		for (size_t i = 0; i < n; i++) {
			if (rd_kafka_header_get_all(hdrs, i, &hv[m.n_headers].name,
						    &hv[m.n_headers].value,
						    &hv[m.n_headers].len) == 0)
				m.n_headers++;
		}
		m.headers = hv;
	}
	obj = cli_message_json(t->reg, &m);
	rc = cli_print_json(obj);
	json_decref(obj);
	free(hv);
	return rc;
}

/* Consume until --count, the idle timeout, a signal or a closed stdout. */
static int tail_run(struct tail *t, const struct tail_args *a)
{
	long printed = 0;
	int64_t deadline = a->timeout_ms ? tail_clock_ms() + a->timeout_ms : 0;

	while (!cli_stop) {
		int wait = TAIL_POLL_MS;
		rd_kafka_message_t *msg;
		int rc;

		if (deadline) {
			int64_t left = deadline - tail_clock_ms();

			if (left <= 0)
				return a->count ? CLI_EXIT_TIMEOUT : CLI_EXIT_OK;
			if (left < wait)
				wait = (int)left;
		}
		msg = rd_kafka_consume_queue(t->queue, wait);
		if (!msg)
			continue;
		if (msg->err) {
			if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
				char part[16];

				snprintf(part, sizeof part, "%d", (int)msg->partition);
				cl_log_warn("kafka consume error", "topic", a->topic,
					    "partition", part, "detail",
					    rd_kafka_message_errstr(msg), NULL);
			}
			rd_kafka_message_destroy(msg);
			continue;
		}
		rc = tail_print(t, msg);
		rd_kafka_message_destroy(msg);
		if (rc > 0)
			return CLI_EXIT_OK; /* the reader went away */
		if (rc < 0)
			return CLI_EXIT_FAIL;
		if (a->count && ++printed >= a->count)
			return CLI_EXIT_OK;
		if (deadline)
			deadline = tail_clock_ms() + a->timeout_ms;
	}
	return CLI_EXIT_OK;
}

int cli_tail_main(int argc, char **argv)
{
	struct tail_args a;
	struct tail t = { 0 };
	struct cl_cfg cfg;
	char dir[PATH_MAX];
	int rc = tail_parse_args(argc, argv, &a);

	if (rc != 0) {
		tail_usage(rc > 0 ? stdout : stderr);
		return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	rc = cli_cfg_open(&cfg, a.config, a.bootstrap);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (!cli_schemas_dir(&cfg, a.schemas, dir, sizeof dir)) {
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	if (cl_avro_registry_load(&t.reg, dir) < 0) {
		cli_error("cannot load schemas from \"%s\": %s", dir, cl_avro_last_error());
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	rc = cli_kafka_open(&cfg, &t.rk);
	if (rc != CLI_EXIT_OK)
		goto out;
	cli_stop_on_signals();
	rc = tail_start(&t, &a);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = tail_run(&t, &a);
out:
	tail_close(&t);
	cl_cfg_release(&cfg);
	return rc;
}

/* main.c - carelink-broker: librdkafka's mock Kafka cluster on loopback, with carelink's topics */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "carelink/err.h"
#include "carelink/log.h"

#define BROKER_EXIT_USAGE 2
#define BROKER_DEFAULT_BROKERS 3
#define BROKER_MAX_BROKERS 16
#define BROKER_MAX_REPLICATION 3

/* The embedded topic set (DESIGN.md "Topics"); production sets its own. */
static const struct broker_topic {
	const char *name;
	int partitions;
} broker_topics[] = {
	{ "carelink.identity", 6 },
	{ "carelink.posts", 12 },
	{ "carelink.directory", 6 },
	{ "carelink.vacancy", 6 },
	{ "carelink.records", 12 },
	{ "carelink.alerts", 3 },
	{ "carelink.alerts.cap", 3 },
	{ "carelink.notifications", 12 },
	{ "carelink.audit", 6 },
	{ "carelink.analytics", 6 },
	{ "carelink.deadletter", 3 },
};

struct broker_args {
	const char *bootstrap_file;
	int brokers;
};

struct broker {
	rd_kafka_t *rk;                 /* owned: hosts the mock cluster */
	rd_kafka_mock_cluster_t *mock;  /* owned */
};

static void broker_usage(FILE *f)
{
	fprintf(f,
		"usage: carelink-broker --bootstrap-file PATH [--brokers N]\n"
		"\n"
		"Runs an in-memory Kafka cluster of N brokers (default %d) on loopback,\n"
		"creates the carelink topics, writes the bootstrap servers to PATH and\n"
		"serves until SIGTERM or SIGINT.\n",
		BROKER_DEFAULT_BROKERS);
}

/* Returns 0, 1 when only help was asked for, or CL_EINVAL (already reported). */
static int broker_parse_args(int argc, char **argv, struct broker_args *args)
{
	static const struct option opts[] = {
		{ "bootstrap-file", required_argument, NULL, 'f' },
		{ "brokers", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	args->bootstrap_file = NULL;
	args->brokers = BROKER_DEFAULT_BROKERS;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		char *end;
		long n;

		switch (c) {
		case 'f':
			if (!*optarg) {
				fprintf(stderr, "carelink-broker: empty --bootstrap-file\n");
				return CL_EINVAL;
			}
			args->bootstrap_file = optarg;
			break;
		case 'n':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 || n > BROKER_MAX_BROKERS) {
				fprintf(stderr, "carelink-broker: invalid --brokers \"%s\" "
					"(1 to %d)\n", optarg, BROKER_MAX_BROKERS);
				return CL_EINVAL;
			}
			args->brokers = (int)n;
			break;
		case 'h':
			broker_usage(stdout);
			return 1;
		case ':':
			fprintf(stderr, "carelink-broker: option \"%s\" needs a value\n",
				argv[optind - 1]);
			broker_usage(stderr);
			return CL_EINVAL;
		default:
			if (optopt)
				fprintf(stderr, "carelink-broker: unknown option \"-%c\"\n", optopt);
			else
				fprintf(stderr, "carelink-broker: unknown option \"%s\"\n",
					argv[optind - 1]);
			broker_usage(stderr);
			return CL_EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "carelink-broker: unexpected argument \"%s\"\n", argv[optind]);
		broker_usage(stderr);
		return CL_EINVAL;
	}
	if (!args->bootstrap_file) {
		fprintf(stderr, "carelink-broker: --bootstrap-file is required\n");
		broker_usage(stderr);
		return CL_EINVAL;
	}
	return 0;
}

/* librdkafka's own log lines (syslog levels) become carelink log lines. */
static void broker_rdkafka_log(const rd_kafka_t *rk, int level, const char *fac,
			       const char *buf)
{
	enum cl_log_level l = level <= LOG_ERR ? CL_LOG_ERROR :
			      level == LOG_WARNING ? CL_LOG_WARN :
			      level <= LOG_INFO ? CL_LOG_INFO : CL_LOG_DEBUG;

	(void)rk;
	/* The host client is never meant to connect anywhere: its warning
	 * about lacking bootstrap.servers is expected, not news. */
	if (strcmp(fac, "CONFWARN") == 0 && strstr(buf, "bootstrap.servers"))
		return;
	cl_log(l, "librdkafka", "facility", fac, "detail", buf, NULL);
}

static void broker_stop(struct broker *b)
{
	if (b->mock) {
		rd_kafka_mock_cluster_destroy(b->mock);
		b->mock = NULL;
	}
	if (b->rk) {
		rd_kafka_destroy(b->rk);
		b->rk = NULL;
	}
}

/* Create the cluster and every topic of broker_topics. */
static int broker_start(struct broker *b, int n_brokers)
{
	char errstr[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	int replication = n_brokers < BROKER_MAX_REPLICATION ? n_brokers : BROKER_MAX_REPLICATION;

	b->rk = NULL;
	b->mock = NULL;
	rd_kafka_conf_set_log_cb(conf, broker_rdkafka_log);
	if (rd_kafka_conf_set(conf, "client.id", "carelink-broker", errstr,
			      sizeof(errstr)) != RD_KAFKA_CONF_OK) {
		cl_log_error("cannot configure the host client", "detail", errstr, NULL);
		rd_kafka_conf_destroy(conf);
		return CL_EFATAL;
	}
	/* rd_kafka_new() takes ownership of conf on success only. */
	b->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (!b->rk) {
		cl_log_error("cannot create the host client", "detail", errstr, NULL);
		rd_kafka_conf_destroy(conf);
		return CL_EFATAL;
	}
	conf = NULL;

	b->mock = rd_kafka_mock_cluster_new(b->rk, n_brokers);
	if (!b->mock) {
		cl_log_error("cannot create the mock cluster",
			     "hint", "librdkafka logs the reason above", NULL);
		goto fail;
	}
	for (size_t i = 0; i < sizeof(broker_topics) / sizeof(broker_topics[0]); i++) {
		const struct broker_topic *t = &broker_topics[i];
		rd_kafka_resp_err_t err;

		err = rd_kafka_mock_topic_create(b->mock, t->name, t->partitions, replication);
		if (err) {
			cl_log_error("cannot create topic", "topic", t->name,
				     "detail", rd_kafka_err2str(err), NULL);
			goto fail;
		}
	}
	return 0;
fail:
	broker_stop(b);
	return CL_EFATAL;
}

/* Write text to path atomically: path.tmp, then rename over path. */
static int broker_write_file(const char *path, const char *text)
{
	size_t len = strlen(text), done = 0;
	char *tmp;
	int fd, rc = 0;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		abort();
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		cl_log_error("cannot create bootstrap file", "path", tmp,
			     "detail", strerror(errno), NULL);
		rc = CL_EIO;
		goto out;
	}
	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			cl_log_error("cannot write bootstrap file", "path", tmp,
				     "detail", strerror(errno), NULL);
			rc = CL_EIO;
			goto out_close;
		}
		done += (size_t)w;
	}
	if (close(fd) != 0) {
		fd = -1;
		cl_log_error("cannot write bootstrap file", "path", tmp,
			     "detail", strerror(errno), NULL);
		rc = CL_EIO;
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		cl_log_error("cannot rename bootstrap file", "path", path,
			     "detail", strerror(errno), NULL);
		rc = CL_EIO;
		goto out_unlink;
	}
	goto out;
out_close:
	close(fd);
out_unlink:
	unlink(tmp);
out:
	free(tmp);
	return rc;
}

/* Block until SIGTERM or SIGINT (both blocked in every thread); returns it. */
static int broker_wait(const sigset_t *set)
{
	int sig = 0;

	while (sigwait(set, &sig) != 0)
		;
	return sig;
}

int main(int argc, char **argv)
{
	struct broker_args args;
	struct broker b;
	sigset_t stop_signals;
	const char *servers;
	char n_text[16];
	int rc, sig;

	cl_log_init("broker", getenv("CARELINK_LOG_LEVEL"));
	rc = broker_parse_args(argc, argv, &args);
	if (rc != 0)
		return rc > 0 ? 0 : BROKER_EXIT_USAGE;

	/* Blocked before librdkafka starts its threads, so they inherit it and
	 * only sigwait() below ever sees these signals. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	/* A file left by an earlier run names brokers that no longer exist. */
	if (unlink(args.bootstrap_file) != 0 && errno != ENOENT) {
		fprintf(stderr, "carelink-broker: cannot remove stale \"%s\": %s\n",
			args.bootstrap_file, strerror(errno));
		return BROKER_EXIT_USAGE;
	}
	if (broker_start(&b, args.brokers) != 0) {
		fprintf(stderr, "carelink-broker: cannot start the mock cluster\n");
		return BROKER_EXIT_USAGE;
	}
	servers = rd_kafka_mock_cluster_bootstraps(b.mock);
	if (broker_write_file(args.bootstrap_file, servers) != 0) {
		fprintf(stderr, "carelink-broker: cannot write \"%s\"\n", args.bootstrap_file);
		broker_stop(&b);
		return BROKER_EXIT_USAGE;
	}
	snprintf(n_text, sizeof(n_text), "%d", args.brokers);
	cl_log_info("broker ready", "bootstrap_servers", servers, "brokers", n_text,
		    "bootstrap_file", args.bootstrap_file, NULL);

	sig = broker_wait(&stop_signals);
	cl_log_info("broker stopping", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT", NULL);
	if (unlink(args.bootstrap_file) != 0 && errno != ENOENT)
		cl_log_warn("cannot remove bootstrap file", "path", args.bootstrap_file,
			    "detail", strerror(errno), NULL);
	broker_stop(&b);
	cl_log_info("broker stopped", NULL);
	return 0;
}

/* metrics.c - process counters and gauges rendered in Prometheus text format 0.0.4 */
#include "carelink/metrics.h"
#include "carelink/util.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CL__METRICS_MAX 256

enum metric_type { METRIC_COUNTER, METRIC_GAUGE };

struct cl_metric {
	char *name; /* owned, immutable once registered */
	char *help; /* owned, immutable once registered */
	enum metric_type type;
	_Atomic int64_t value;
};

static struct cl_metric metrics[CL__METRICS_MAX];
static size_t metrics_n; /* guarded by metrics_lock */
static pthread_mutex_t metrics_lock = PTHREAD_MUTEX_INITIALIZER;

static void metrics_die(const char *what, const char *name)
{
	fprintf(stderr, "metrics: %s \"%s\"\n", what, name);
	abort();
}

/* Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]* */
static bool metrics_name_valid(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		char c = *p;
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     c == '_' || c == ':';

		if (!alpha && (p == s || c < '0' || c > '9'))
			return false;
	}
	return true;
}


static struct cl_metric *metrics_register(const char *name, const char *help,
					  enum metric_type type)
{
	struct cl_metric *m = NULL;

	if (!metrics_name_valid(name))
		metrics_die("invalid metric name", name);
	pthread_mutex_lock(&metrics_lock);
	for (size_t i = 0; i < metrics_n; i++) {
		if (strcmp(metrics[i].name, name) == 0) {
			m = &metrics[i];
			break;
		}
	}
	if (m) {
		if (m->type != type)
			metrics_die("metric registered twice with different types", name);
		goto out;
	}
	if (metrics_n == CL__METRICS_MAX)
		metrics_die("too many metrics, cannot register", name);
	m = &metrics[metrics_n];
	m->name = cl_xstrdup(name);
	m->help = cl_xstrdup(help ? help : "");
	m->type = type;
	atomic_init(&m->value, 0);
	metrics_n++;
out:
	pthread_mutex_unlock(&metrics_lock);
	return m;
}

struct cl_metric *cl_metric_counter(const char *name, const char *help)
{
	return metrics_register(name, help, METRIC_COUNTER);
}

struct cl_metric *cl_metric_gauge(const char *name, const char *help)
{
	return metrics_register(name, help, METRIC_GAUGE);
}

void cl_metric_add(struct cl_metric *m, int64_t delta)
{
	atomic_fetch_add_explicit(&m->value, delta, memory_order_relaxed);
}

void cl_metric_set(struct cl_metric *m, int64_t value)
{
	atomic_store_explicit(&m->value, value, memory_order_relaxed);
}

int64_t cl_metric_value(const struct cl_metric *m)
{
	return atomic_load_explicit(&m->value, memory_order_relaxed);
}

/* HELP text escapes backslash and line feed. */
static void metrics_put_help(FILE *f, const char *help)
{
	for (const char *p = help; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}

char *cl_metrics_render(size_t *len)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	if (!f)
		abort();
	pthread_mutex_lock(&metrics_lock);
	for (size_t i = 0; i < metrics_n; i++) {
		const struct cl_metric *m = &metrics[i];

		fprintf(f, "# HELP %s ", m->name);
		metrics_put_help(f, m->help);
		fprintf(f, "\n# TYPE %s %s\n%s %" PRId64 "\n", m->name,
			m->type == METRIC_COUNTER ? "counter" : "gauge", m->name,
			cl_metric_value(m));
	}
	pthread_mutex_unlock(&metrics_lock);
	if (fclose(f) != 0 || !out)
		abort();
	if (len)
		*len = size;
	return out;
}

/* fanout.c - rounds, percentiles, resident memory and the report line of
 * the fan-out benchmarks */
#include "fanout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void fo_samples_add(struct fo_samples *s, double ms)
{
	if (s->n < FO_ROUNDS_MAX)
		s->v[s->n++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double fo_samples_pct(const struct fo_samples *s, double p)
{
	double sorted[FO_ROUNDS_MAX];
	if (s->n == 0)
		return NAN;
	memcpy(sorted, s->v, sizeof(double) * (size_t)s->n);
	qsort(sorted, (size_t)s->n, sizeof(double), cmp_double);
	int rank = (int)ceil(p / 100.0 * s->n);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return sorted[rank - 1];
}

double fo_samples_sum(const struct fo_samples *s)
{
	double sum = 0;
	for (int i = 0; i < s->n; i++)
		sum += s->v[i];
	return sum;
}

bool fo_round_arrive(struct fo_round *r, uint64_t at)
{
	if (r->received == 0 || at < r->first)
		r->first = at;
	if (r->received == 0 || at > r->last)
		r->last = at;
	r->received++;
	return r->received == r->expected;
}

uint64_t fo_gap_ms(uint64_t *state, uint64_t base_ms, uint64_t jitter_ms)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return base_ms + (jitter_ms ? x % jitter_ms : 0);
}

double fo_ms(uint64_t a, uint64_t b)
{
	return ((double)b - (double)a) / 1e6;
}

void fo_report_init(struct fo_report *r, const char *system, int n)
{
	memset(r, 0, sizeof *r);
	r->system = system;
	r->n = n;
	r->rss_before_kb = r->rss_after_kb = -1;
}

void fo_report_round(struct fo_report *r, const struct fo_round *round)
{
	if (!round->measured) {
		if (round->received < round->expected)
			r->warmup_timed_out++;
		return;
	}
	if (round->received < round->expected) {
		r->timed_out++;
		r->missing += round->expected - round->received;
		return;
	}
	fo_samples_add(&r->all, fo_ms(round->t0, round->last));
	fo_samples_add(&r->first, fo_ms(round->t0, round->first));
	fo_samples_add(&r->spread, fo_ms(round->first, round->last));
	fo_samples_add(&r->accept, fo_ms(round->sent, round->t0));
}

void fo_round_print(const struct fo_round *r, const char *system, FILE *out)
{
	fprintf(out, "round system=%s seq=%d measured=%d received=%d expected=%d",
		system, r->seq, r->measured ? 1 : 0, r->received, r->expected);
	if (r->t0 && r->received)
		fprintf(out, " accept_ms=%.2f first_ms=%.2f last_ms=%.2f", fo_ms(r->sent, r->t0),
			fo_ms(r->t0, r->first), fo_ms(r->t0, r->last));
	fputc('\n', out);
}

void fo_report_print(const struct fo_report *r, FILE *out)
{
	/* deliveries per second: all deliveries of the complete rounds over
	 * the time they took, t0 to the last receiver */
	double busy_s = fo_samples_sum(&r->all) / 1000.0;
	double dps = busy_s > 0 ? (double)r->ready * r->all.n / busy_s : NAN;
	long rss_per_conn = -1;
	if (r->rss_before_kb >= 0 && r->rss_after_kb >= 0 && r->ready > 0)
		rss_per_conn = (r->rss_after_kb - r->rss_before_kb) * 1024 / r->ready;
	fprintf(out,
		"result system=%s n=%d ready=%d open_failed=%d open_s=%.2f rounds=%d"
		" complete=%d timed_out=%d warmup_timed_out=%d missing=%ld stale=%ld"
		" closed=%ld p50_ms=%.2f p95_ms=%.2f max_ms=%.2f first_p50_ms=%.2f"
		" spread_p50_ms=%.2f spread_p95_ms=%.2f accept_p50_ms=%.2f"
		" deliveries_per_s=%.0f rss_before_kb=%ld rss_after_kb=%ld"
		" rss_per_conn_b=%ld aborted=%d\n",
		r->system, r->n, r->ready, r->open_failed, r->open_s, r->rounds, r->all.n,
		r->timed_out, r->warmup_timed_out, r->missing, r->stale, r->closed,
		fo_samples_pct(&r->all, 50), fo_samples_pct(&r->all, 95),
		fo_samples_pct(&r->all, 100), fo_samples_pct(&r->first, 50),
		fo_samples_pct(&r->spread, 50), fo_samples_pct(&r->spread, 95),
		fo_samples_pct(&r->accept, 50), dps, r->rss_before_kb, r->rss_after_kb,
		rss_per_conn, r->aborted ? 1 : 0);
	fflush(out);
}

long fo_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	if (pid <= 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6)) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

pid_t fo_pid_from_file(const char *path)
{
	long pid = -1;
	if (!path)
		return -1;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return (pid_t)pid;
}

const char *fo_opt(int argc, char **argv, const char *name, const char *def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return def;
}

long fo_opt_long(int argc, char **argv, const char *name, long def)
{
	const char *v = fo_opt(argc, argv, name, NULL);
	if (!v)
		return def;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end) {
		fprintf(stderr, "bench: option %s: '%s' is not a number\n", name, v);
		exit(2);
	}
	return n;
}

/* fanout.h - what the fan-out benchmarks share: one "round" (one message
 * sent to N receivers), the samples of many rounds, a process's resident
 * memory and the one-line report that bench/run.sh reads.
 *
 * Times are uv_hrtime() nanoseconds. Nothing here allocates.
 */
#ifndef BENCH_FANOUT_H
#define BENCH_FANOUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define FO_ROUNDS_MAX 256

/* Samples in milliseconds, at most FO_ROUNDS_MAX. */
struct fo_samples {
	double v[FO_ROUNDS_MAX];
	int n;
};

void fo_samples_add(struct fo_samples *s, double ms);
/* Nearest-rank percentile (p in 0..100) of the samples; NAN when empty. */
double fo_samples_pct(const struct fo_samples *s, double p);
double fo_samples_sum(const struct fo_samples *s);

/* One message on its way to `expected` receivers. t0 is the moment the
 * sender knew the message was accepted (carelink: the 201 of the post;
 * reference: the publish handed to the socket). */
struct fo_round {
	int seq;          /* 1, 2, ... ; 0 when no round is open */
	bool measured;    /* false for warm-up rounds */
	uint64_t sent;    /* request written */
	uint64_t t0;      /* accepted */
	uint64_t first, last;
	int expected, received;
};

/* Count one arrival at `at`; true when it was the last one expected. */
bool fo_round_arrive(struct fo_round *r, uint64_t at);

/* Everything one run prints. */
struct fo_report {
	const char *system;   /* "carelink" or "mosquitto"; borrowed */
	int n;                /* receivers asked for */
	int ready;            /* receivers that were open and subscribed */
	int open_failed;
	double open_s;        /* time to open all receivers */
	struct fo_samples all;     /* t0 -> last of N received */
	struct fo_samples first;   /* t0 -> first received */
	struct fo_samples spread;  /* first -> last received */
	struct fo_samples accept;  /* request written -> t0 */
	int rounds;           /* measured rounds started */
	int timed_out;        /* measured rounds where someone never received */
	int warmup_timed_out;
	long missing;         /* deliveries that never came, measured rounds */
	long stale;           /* deliveries that came after their round ended */
	long closed;          /* receivers closed by the server after ready */
	long rss_before_kb, rss_after_kb;  /* the server's VmRSS; -1 unknown */
	bool aborted;         /* the run's deadline ended it */
};

void fo_report_init(struct fo_report *r, const char *system, int n);

/* Close a round into the report: samples when every receiver got it,
 * otherwise a time-out with its missing deliveries. */
void fo_report_round(struct fo_report *r, const struct fo_round *round);

/* One line "round ..." on out with the round's times (--verbose). */
void fo_round_print(const struct fo_round *r, const char *system, FILE *out);

/* One line "result key=value ..." on out. */
void fo_report_print(const struct fo_report *r, FILE *out);

/* VmRSS of pid in KiB; -1 when it cannot be read. */
long fo_rss_kb(pid_t pid);
/* The pid written in a file; -1 when there is none. */
pid_t fo_pid_from_file(const char *path);

/* A pause in [base_ms, base_ms + jitter_ms): rounds start at random phases
 * of any periodic timer in the system under test, so that the cadence of
 * the rounds cannot lock onto it. state: a xorshift64 state, never 0. */
uint64_t fo_gap_ms(uint64_t *state, uint64_t base_ms, uint64_t jitter_ms);

/* Milliseconds between two uv_hrtime() values (b - a, may be negative). */
double fo_ms(uint64_t a, uint64_t b);

/* --name value options: the value, or def when absent. */
const char *fo_opt(int argc, char **argv, const char *name, const char *def);
long fo_opt_long(int argc, char **argv, const char *name, long def);

#endif

/* avro_internal.h - declarations shared by the avro_*.c files (not public) */
#ifndef CARELINK_AVRO_INTERNAL_H
#define CARELINK_AVRO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <avro.h>
#include <jansson.h>

#include "carelink/avro.h"

/* Largest .avsc file the registry reads. */
#define CL__AVRO_SCHEMA_FILE_MAX ((size_t)1 << 20)

/* A record schema inside one registry entry and the JSON "fields" array it
 * was parsed from, for field defaults (Avro C keeps no defaults). */
struct cl__avro_record {
	avro_schema_t schema;  /* borrowed from the entry's schema */
	const json_t *fields;  /* borrowed from the entry's doc */
};

struct cl__avro_entry {
	char *full_name;
	char *canonical;
	uint64_t fingerprint;
	avro_schema_t schema;       /* owned reference */
	avro_value_iface_t *iface;  /* owned reference, generic class */
	json_t *doc;                /* owned: the parsed .avsc */
	struct cl__avro_record *records;
	size_t n_records;
	/* an earlier version (schemas/history): the current entry of the same
	 * name, whose defaults fill the fields the earlier one lacks; NULL for
	 * a current entry */
	const struct cl__avro_entry *current;
};

struct cl_avro_registry {
	struct cl__avro_entry *entries;     /* sorted by full_name */
	size_t n;
	struct cl__avro_entry *earlier;     /* earlier versions, from history/ */
	size_t n_earlier;
	struct cl__avro_entry **by_fp;      /* all of both, by fingerprint */
	size_t n_fp;
};

/* Fill into obj, decoded with an earlier version of e, every field of e's
 * schema that obj lacks with its default (avro_resolve.c). */
void cl__avro_fill_defaults(const struct cl__avro_entry *e, json_t *obj);

const struct cl__avro_entry *
cl__avro_registry_by_name(const struct cl_avro_registry *reg, const char *name);
const struct cl__avro_entry *
cl__avro_registry_by_fingerprint(const struct cl_avro_registry *reg,
				 uint64_t fp);
/* JSON "fields" array of a record schema of entry e, or NULL. */
const json_t *cl__avro_record_fields(const struct cl__avro_entry *e,
				     avro_schema_t record);

/* Walk an untrusted binary datum of schema without allocating; 0 when Avro
 * C may read it, else CL_EINVAL with the reason set (avro_check.c). */
int cl__avro_check_datum(avro_schema_t schema, const void *data, size_t len);

/* Allocator (avro_alloc.c). The budget is per thread: begin arms it with a
 * limit and the memory reader of the decode (cut off when the budget runs
 * out); exceeded tells whether it ran out; end reclaims anything Avro C
 * allocated meanwhile and did not free. peak is the most the last decode
 * on this thread held. */
bool cl__avro_alloc_installed(void);
size_t cl__avro_budget_for(size_t message_len);
void cl__avro_budget_begin(size_t limit, avro_reader_t reader);
bool cl__avro_budget_exceeded(void);
void cl__avro_budget_end(void);
size_t cl__avro_budget_peak(void);

/* Thread-local error text behind cl_avro_last_error() (avro_error.c). */
void cl__avro_set_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Put a formatted prefix in front of the current error text. */
void cl__avro_prefix_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Avro C's error messages are per thread when avro_error.c's replacements
 * are in effect (checked once); otherwise lock/unlock serialise every use
 * of Avro C by this module. */
void cl__avro_c_check(void);
void cl__avro_c_lock(void);
void cl__avro_c_unlock(void);

/* Abort on out-of-memory, as everywhere in carelink. */
static inline void *cl__avro_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("carelink: out of memory\n", stderr);
		abort();
	}
	return q;
}

static inline void cl__avro_oom_check(const void *p)
{
	if (!p) {
		fputs("carelink: out of memory\n", stderr);
		abort();
	}
}

#endif

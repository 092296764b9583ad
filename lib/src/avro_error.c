/* avro_error.c - per-thread error messages: ours, and Avro C's
 *
 * Avro C 1.11 keeps its error message in two process-global buffers that
 * avro_prefix_error() swaps, so two threads failing at once garble each
 * other's messages and copy between overlapping buffers. Even a good
 * decode fails one call (the check for trailing bytes). libavro calls its
 * error functions through the PLT, so the definitions below, linked into
 * the program, take their place and keep the message per thread.
 *
 * Should a build bind those calls inside libavro (static linking with
 * another copy, -Bsymbolic), cl__avro_c_lock() falls back to running one
 * Avro C operation at a time; cl_avro_registry_load() checks which case
 * holds.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "carelink/log.h"
#include "avro_internal.h"

static _Thread_local char avro_error_text[256];
static _Thread_local char avro_c_error_text[1024];

static pthread_once_t avro_c_check_once = PTHREAD_ONCE_INIT;
static bool avro_c_errors_shared; /* true: serialise Avro C */
static pthread_mutex_t avro_c_mutex = PTHREAD_MUTEX_INITIALIZER;

static void prefix(char *buf, size_t size, const char *fmt, va_list ap)
{
	char old[1024];
	int n;

	snprintf(old, sizeof(old), "%s", buf);
	n = vsnprintf(buf, size, fmt, ap);
	if (n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "%s", old);
}

void cl__avro_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(avro_error_text, sizeof(avro_error_text), fmt, ap);
	va_end(ap);
}

void cl__avro_prefix_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	prefix(avro_error_text, sizeof(avro_error_text), fmt, ap);
	va_end(ap);
}

const char *cl_avro_last_error(void)
{
	return avro_error_text;
}

/* Replacements for Avro C's own (avro/errors.h). */
void avro_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(avro_c_error_text, sizeof(avro_c_error_text), fmt, ap);
	va_end(ap);
}

void avro_prefix_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	prefix(avro_c_error_text, sizeof(avro_c_error_text), fmt, ap);
	va_end(ap);
}

const char *avro_strerror(void)
{
	return avro_c_error_text;
}

/* Make libavro fail internally and see whose buffer the message lands in. */
static void avro_c_check(void)
{
	avro_schema_t schema = NULL;

	avro_c_error_text[0] = '\0';
	if (avro_schema_from_json_length("{", 1, &schema) == 0)
		avro_schema_decref(schema);
	avro_c_errors_shared = avro_c_error_text[0] == '\0';
	if (avro_c_errors_shared)
		cl_log_warn("avro c reports errors in shared buffers; "
			    "encoding and decoding will run one at a time", NULL);
}

void cl__avro_c_check(void)
{
	pthread_once(&avro_c_check_once, avro_c_check);
}

void cl__avro_c_lock(void)
{
	cl__avro_c_check();
	if (avro_c_errors_shared)
		pthread_mutex_lock(&avro_c_mutex);
}

void cl__avro_c_unlock(void)
{
	if (avro_c_errors_shared)
		pthread_mutex_unlock(&avro_c_mutex);
}

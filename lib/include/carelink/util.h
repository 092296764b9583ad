/* util.h - small helpers every module needs: random ids and clock values. */
#ifndef CARELINK_UTIL_H
#define CARELINK_UTIL_H

#include <stdint.h>
#include <stddef.h>

#define CL_UUID_LEN 36 /* characters, without the terminating NUL */

/* cl_uuid_new() - a random (version 4) UUID in out, lowercase hex. */
void cl_uuid_new(char out[CL_UUID_LEN + 1]);
/* cl_uuid_valid() - true when s is a UUID in canonical text form. */
int cl_uuid_valid(const char *s);

/* cl_now_ms() - wall-clock time in milliseconds since the epoch. */
int64_t cl_now_ms(void);
/* cl_days_from_civil() - days since 1970-01-01 of the date y-m-d of the
 * proleptic Gregorian calendar (m 1..12, d 1..31; not checked). */
long cl_days_from_civil(long y, long m, long d);
/* cl_civil_from_days() - the date of day z (days since 1970-01-01). */
void cl_civil_from_days(long z, long *y, long *m, long *d);

/* cl_time_format() - ms as RFC 3339 UTC with milliseconds
 * ("2026-11-24T10:00:00.123Z") into out; returns out. */
char *cl_time_format(int64_t ms, char out[32]);

/* cl_strlcpy() - copy with truncation, always NUL-terminated; returns the
 * length of src (truncation happened when the result >= size). */
size_t cl_strlcpy(char *dst, const char *src, size_t size);

/* cl_utf8_length() - the code points of valid UTF-8 text s (what a person
 * calls its characters; jansson strings are valid UTF-8). */
size_t cl_utf8_length(const char *s);

/* cl_xstrdup()/cl_xmalloc()/cl_xcalloc()/cl_xrealloc() - abort on OOM. */
char *cl_xstrdup(const char *s);
void *cl_xmalloc(size_t n);
void *cl_xcalloc(size_t n, size_t size);
void *cl_xrealloc(void *p, size_t n);

#endif

/* log.c - structured logging: one JSON object per line, one write(2) to stderr */
#include "carelink/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define CL__LOG_SERVICE_MAX 64

static const char *const log_level_names[] = {
	[CL_LOG_DEBUG] = "debug",
	[CL_LOG_INFO] = "info",
	[CL_LOG_WARN] = "warn",
	[CL_LOG_ERROR] = "error",
};
#define CL__LOG_N_LEVELS (sizeof(log_level_names) / sizeof(log_level_names[0]))

static char log_service[CL__LOG_SERVICE_MAX] = "carelink";
static _Atomic int log_min_level = CL_LOG_INFO;

void cl_log_init(const char *service, const char *level)
{
	bool bad_level = false;

	if (service)
		snprintf(log_service, sizeof(log_service), "%s", service);
	if (level) {
		size_t i;

		for (i = 0; i < CL__LOG_N_LEVELS; i++)
			if (strcasecmp(level, log_level_names[i]) == 0)
				break;
		if (i < CL__LOG_N_LEVELS)
			atomic_store(&log_min_level, (int)i);
		else
			bad_level = true;
	}
	if (bad_level)
		cl_log_warn("unknown log level, keeping the previous one",
			    "requested", level, NULL);
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), or 0 if invalid. */
static size_t log_utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

/* A JSON string for s; invalid UTF-8 bytes become U+FFFD so that a bad
 * byte never costs the whole line. NULL becomes JSON null. */
static json_t *log_string(const char *s)
{
	const unsigned char *p;
	char *clean, *w;
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	clean = w = malloc(strlen(s) * 3 + 1);
	if (!clean)
		abort();
	for (p = (const unsigned char *)s; *p;) {
		size_t n = log_utf8_seq(p);

		if (n == 0) {
			memcpy(w, "\xEF\xBF\xBD", 3);
			w += 3;
			p++;
		} else {
			memcpy(w, p, n);
			w += n;
			p += n;
		}
	}
	*w = '\0';
	j = json_string(clean);
	free(clean);
	if (!j)
		abort();
	return j;
}

static void log_set(json_t *obj, const char *key, json_t *value)
{
	if (!value || json_object_set_new(obj, key, value) != 0)
		abort();
}

static void log_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

/* Write all of buf to fd 2: normally one write(2); a short write (a full
 * pipe, a signal) continues where it stopped. */
static void log_write(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(STDERR_FILENO, buf, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += w;
		len -= (size_t)w;
	}
}

void cl_log(enum cl_log_level level, const char *message, ...)
{
	int saved_errno = errno;
	char when[40];
	json_t *obj;
	va_list ap;
	const char *key;
	size_t len;
	char *line;

	if ((int)level < atomic_load(&log_min_level) || (size_t)level >= CL__LOG_N_LEVELS)
		return;

	obj = json_object();
	if (!obj)
		abort();
	log_time(when, sizeof(when));
	log_set(obj, "time", json_string(when));
	log_set(obj, "level", json_string(log_level_names[level]));
	log_set(obj, "service", log_string(log_service));
	log_set(obj, "message", log_string(message ? message : ""));

	va_start(ap, message);
	while ((key = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		json_t *k = log_string(key);
		const char *ks = json_string_value(k);

		/* A field never replaces one of the four members above. */
		if (strcmp(ks, "time") != 0 && strcmp(ks, "level") != 0 &&
		    strcmp(ks, "service") != 0 && strcmp(ks, "message") != 0)
			log_set(obj, ks, log_string(value));
		json_decref(k);
	}
	va_end(ap);

	len = json_dumpb(obj, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (len == 0)
		abort();
	line = malloc(len + 1);
	if (!line)
		abort();
	if (json_dumpb(obj, line, len, JSON_COMPACT | JSON_PRESERVE_ORDER) != len)
		abort();
	line[len] = '\n';
	log_write(line, len + 1);

	free(line);
	json_decref(obj);
	errno = saved_errno;
}

/* cfg.c - configuration from defaults, a "key = value" file and CARELINK_* variables */
#include "carelink/cfg.h"
#include "carelink/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carelink/err.h"
#include "carelink/log.h"

#define CL__CFG_ENV_PREFIX "CARELINK_"

extern char **environ;

void cl_cfg_init(struct cl_cfg *cfg)
{
	cfg->entries = NULL;
	cfg->n = 0;
	cfg->cap = 0;
}

void cl_cfg_release(struct cl_cfg *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	cl_cfg_init(cfg);
}

static struct cl_cfg_entry *cfg_find(const struct cl_cfg *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (strcmp(cfg->entries[i].key, key) == 0)
			return &cfg->entries[i];
	return NULL;
}

void cl_cfg_set(struct cl_cfg *cfg, const char *key, const char *value)
{
	struct cl_cfg_entry *e = cfg_find(cfg, key);
	char *v = cl_xstrdup(value);

	if (e) {
		free(e->value);
		e->value = v;
		return;
	}
	if (cfg->n == cfg->cap) {
		cfg->cap = cfg->cap ? cfg->cap * 2 : 16;
		cfg->entries = cl_xrealloc(cfg->entries, cfg->cap * sizeof(*cfg->entries));
	}
	cfg->entries[cfg->n].key = cl_xstrdup(key);
	cfg->entries[cfg->n].value = v;
	cfg->n++;
}

/* Trim leading and trailing whitespace in place; returns the new start. */
static char *cfg_trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* Keys are dotted lowercase names: letters, digits, '.', '_' and '-'. */
static bool cfg_key_valid(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++) {
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      *p == '.' || *p == '_' || *p == '-'))
			return false;
	}
	return true;
}

/* Parse one line into *key and *value (pointers into line). Returns 1 for a
 * setting, 0 for a blank or comment line, CL_EINVAL when malformed. */
static int cfg_parse_line(char *line, char **key, char **value)
{
	char *s = cfg_trim(line);
	char *eq;

	if (*s == '\0' || *s == '#')
		return 0;
	eq = strchr(s, '=');
	if (!eq)
		return CL_EINVAL;
	*eq = '\0';
	*key = cfg_trim(s);
	*value = cfg_trim(eq + 1);
	if (!cfg_key_valid(*key))
		return CL_EINVAL;
	return 1;
}

int cl_cfg_load_file(struct cl_cfg *cfg, const char *path)
{
	struct cl_cfg staged;
	FILE *f;
	char *line = NULL;
	size_t line_cap = 0;
	unsigned long lineno = 0;
	ssize_t got;
	int rc = 0;

	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return CL_ENOENT;
		cl_log_error("cannot open config file", "path", path,
			     "detail", strerror(errno), NULL);
		return CL_EIO;
	}

	/* A malformed file changes nothing: settings are staged, then merged. */
	cl_cfg_init(&staged);
	errno = 0;
	while ((got = getline(&line, &line_cap, f)) != -1) {
		char *key, *value;
		int r;

		lineno++;
		if ((size_t)got != strlen(line))
			r = CL_EINVAL; /* a NUL byte inside the line */
		else
			r = cfg_parse_line(line, &key, &value);
		if (r < 0) {
			char num[24];

			snprintf(num, sizeof(num), "%lu", lineno);
			cl_log_error("malformed config line", "path", path,
				     "line", num,
				     "hint", "expected \"key = value\" with a lowercase dotted key",
				     NULL);
			rc = CL_EINVAL;
			goto out;
		}
		if (r == 1)
			cl_cfg_set(&staged, key, value);
		errno = 0;
	}
	if (errno == ENOMEM)
		abort();
	if (ferror(f)) {
		cl_log_error("cannot read config file", "path", path,
			     "detail", strerror(errno ? errno : EIO), NULL);
		rc = CL_EIO;
		goto out;
	}
	for (size_t i = 0; i < staged.n; i++)
		cl_cfg_set(cfg, staged.entries[i].key, staged.entries[i].value);
out:
	cl_cfg_release(&staged);
	free(line);
	fclose(f);
	return rc;
}

/* Map the part of a variable name after "CARELINK_" to a key: lowercase,
 * "__" -> "_", "_" -> ".". Returns a malloc'd key or NULL when the name
 * holds characters that cannot form a key. */
static char *cfg_env_key(const char *name, size_t len)
{
	char *key, *k;

	if (len == 0)
		return NULL;
	key = k = cl_xrealloc(NULL, len + 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '_') {
			if (i + 1 < len && name[i + 1] == '_') {
				*k++ = '_';
				i++;
			} else {
				*k++ = '.';
			}
		} else if (isalnum(c)) {
			*k++ = (char)tolower(c);
		} else {
			free(key);
			return NULL;
		}
	}
	*k = '\0';
	return key;
}

void cl_cfg_load_env(struct cl_cfg *cfg)
{
	const size_t plen = strlen(CL__CFG_ENV_PREFIX);

	for (char **e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		char *key;

		if (!eq || strncmp(*e, CL__CFG_ENV_PREFIX, plen) != 0)
			continue;
		key = cfg_env_key(*e + plen, (size_t)(eq - *e) - plen);
		if (!key)
			continue;
		cl_cfg_set(cfg, key, eq + 1);
		free(key);
	}
}

int cl_cfg_load(struct cl_cfg *cfg, const char *path)
{
	int rc;

	if (!path)
		path = getenv("CARELINK_CONFIG");
	if (path && *path) {
		rc = cl_cfg_load_file(cfg, path);
		if (rc == CL_ENOENT)
			cl_log_info("config file not found, using defaults and environment",
				    "path", path, NULL);
		else if (rc < 0)
			return rc;
	}
	cl_cfg_load_env(cfg);
	return 0;
}

const char *cl_cfg_get(const struct cl_cfg *cfg, const char *key, const char *def)
{
	const struct cl_cfg_entry *e = cfg_find(cfg, key);

	return e ? e->value : def;
}

long cl_cfg_get_int(const struct cl_cfg *cfg, const char *key, long def)
{
	const char *s = cl_cfg_get(cfg, key, NULL);
	char *end;
	long v;

	if (!s)
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE || isspace((unsigned char)*s)) {
		cl_log_warn("config value is not an integer, using default",
			    "key", key, "value", s, NULL);
		return def;
	}
	return v;
}

bool cl_cfg_get_bool(const struct cl_cfg *cfg, const char *key, bool def)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	const char *s = cl_cfg_get(cfg, key, NULL);

	if (!s)
		return def;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return true;
		if (strcasecmp(s, no[i]) == 0)
			return false;
	}
	cl_log_warn("config value is not a boolean, using default",
		    "key", key, "value", s, NULL);
	return def;
}

int cl_cfg_each(const struct cl_cfg *cfg, const char *prefix,
		int (*fn)(const char *key, const char *value, void *arg), void *arg)
{
	size_t plen = prefix ? strlen(prefix) : 0;

	for (size_t i = 0; i < cfg->n; i++) {
		const struct cl_cfg_entry *e = &cfg->entries[i];
		int rc;

		if (plen && strncmp(e->key, prefix, plen) != 0)
			continue;
		if (e->key[plen] == '\0')
			continue; /* the prefix alone names nothing */
		rc = fn(e->key + plen, e->value, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

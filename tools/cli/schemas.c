/* schemas.c - `carelink-cli schemas`: each event schema's full name,
 * single-object fingerprint and Parsing Canonical Form */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/util.h"

/* the registry refuses larger schema files too */
#define SCHEMAS_FILE_MAX ((size_t)1 << 20)
#define SCHEMAS_SUFFIX ".avsc"

struct schemas_args {
	const char *config;
	const char *schemas;
};

static void schemas_usage(FILE *f)
{
	fprintf(f,
		"usage: " CLI_NAME " schemas [--schemas DIR] [--config PATH]\n"
		"\n"
		"Loads every *.avsc file of DIR the way the services do and prints one line\n"
		"per schema, sorted by full name:\n"
		"  FULL NAME <tab> FINGERPRINT <tab> PARSING CANONICAL FORM\n"
		"FINGERPRINT is the CRC-64-AVRO of the canonical form as the 8 bytes that\n"
		"follow C3 01 in a single-object message (little-endian), in hex.\n"
		"\n"
		"  --schemas DIR       directory of *.avsc files (default: <home>/schemas,\n"
		"                      home from the \"home\" key, CARELINK_HOME or the source tree)\n"
		"  --config PATH       key = value config file (else $CARELINK_CONFIG)\n");
}

/* Returns 0, 1 when only help was asked for, or -1 (reported). */
static int schemas_parse_args(int argc, char **argv, struct schemas_args *a)
{
	enum { OPT_CONFIG = 256, OPT_SCHEMAS };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
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
		case OPT_CONFIG:
			a->config = optarg;
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
	if (optind < argc) {
		cli_error("unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	return 0;
}

static int schemas_is_avsc(const struct dirent *de)
{
	size_t n = strlen(de->d_name), s = strlen(SCHEMAS_SUFFIX);

	return n > s && de->d_name[0] != '.' && strcmp(de->d_name + n - s, SCHEMAS_SUFFIX) == 0;
}

/* The text of path, NUL-terminated, malloc'd; NULL (reported) on failure. */
static char *schemas_read(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text;
	size_t n;

	if (!f) {
		cli_error("cannot open \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	text = cl_xmalloc(SCHEMAS_FILE_MAX + 1);
	n = fread(text, 1, SCHEMAS_FILE_MAX + 1, f);
	if (ferror(f) || n > SCHEMAS_FILE_MAX) {
		cli_error("cannot read \"%s\"%s", path, n > SCHEMAS_FILE_MAX ? ": too large" : "");
		free(text);
		fclose(f);
		return NULL;
	}
	fclose(f);
	text[n] = '\0';
	return text;
}

/* The registry's entry for the schema in file path, found by fingerprint. */
static int schemas_info(const struct cl_avro_registry *reg, const char *path,
			struct cl_avro_schema_info *info)
{
	char *text = schemas_read(path);
	uint64_t fp;
	int rc = -1;

	if (!text)
		return -1;
	if (cl_avro_fingerprint(text, &fp) < 0)
		cli_error("\"%s\": %s", path, cl_avro_last_error());
	else if (cl_avro_registry_find_fingerprint(reg, fp, info) < 0)
		cli_error("\"%s\" does not match the loaded schemas (changed meanwhile?)", path);
	else
		rc = 0;
	free(text);
	return rc;
}

static int schemas_by_name(const void *x, const void *y)
{
	const struct cl_avro_schema_info *a = x, *b = y;

	return strcmp(a->full_name, b->full_name);
}

static int schemas_list(const struct cl_avro_registry *reg, const char *dir)
{
	struct dirent **names = NULL;
	struct cl_avro_schema_info *infos = NULL;
	char path[PATH_MAX], hex[17];
	int n = scandir(dir, &names, schemas_is_avsc, alphasort);
	size_t have = 0;
	int rc = CLI_EXIT_FAIL;

	if (n < 0) {
		cli_error("cannot list \"%s\": %s", dir, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	infos = cl_xcalloc(n > 0 ? (size_t)n : 1, sizeof *infos);
	for (int i = 0; i < n; i++) {
		int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);

		if (len < 0 || (size_t)len >= sizeof path) {
			cli_error("schema path is too long in \"%s\"", dir);
			goto out;
		}
		if (schemas_info(reg, path, &infos[have]) < 0)
			goto out;
		have++;
	}
	qsort(infos, have, sizeof *infos, schemas_by_name);
	for (size_t i = 0; i < have; i++)
		printf("%s\t%s\t%s\n", infos[i].full_name,
		       cli_fingerprint_hex(infos[i].fingerprint, hex), infos[i].canonical_form);
	if (fflush(stdout) != 0) {
		cli_error("cannot write to standard output");
		goto out;
	}
	rc = CLI_EXIT_OK;
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(infos);
	return rc;
}

int cli_schemas_main(int argc, char **argv)
{
	struct schemas_args a;
	struct cl_avro_registry *reg = NULL;
	struct cl_cfg cfg;
	char dir[PATH_MAX];
	int rc = schemas_parse_args(argc, argv, &a);

	if (rc != 0) {
		schemas_usage(rc > 0 ? stdout : stderr);
		return rc > 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	}
	rc = cli_cfg_open(&cfg, a.config, NULL);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (!cli_schemas_dir(&cfg, a.schemas, dir, sizeof dir)) {
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	/* the registry validates every file: names, duplicates, schema syntax */
	if (cl_avro_registry_load(&reg, dir) < 0) {
		cli_error("cannot load schemas from \"%s\": %s", dir, cl_avro_last_error());
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	rc = schemas_list(reg, dir);
out:
	cl_avro_registry_free(reg);
	cl_cfg_release(&cfg);
	return rc;
}

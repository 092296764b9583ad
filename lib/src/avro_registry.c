/* avro_registry.c - load the .avsc files of a directory; look schemas up by full name or fingerprint */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carelink/err.h"
#include "carelink/log.h"
#include "avro_internal.h"

static const char avsc_suffix[] = ".avsc";

/* Read at most CL__AVRO_SCHEMA_FILE_MAX bytes of path into a malloc'd,
 * NUL-terminated buffer. */
static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*text = NULL;
	if (!f) {
		cl__avro_set_error("cannot open \"%s\": %s", path, strerror(errno));
		return CL_EIO;
	}
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 8192;
			buf = cl__avro_xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > CL__AVRO_SCHEMA_FILE_MAX) {
			cl__avro_set_error("\"%s\" is larger than %zu bytes", path,
					   CL__AVRO_SCHEMA_FILE_MAX);
			rc = CL_EINVAL;
			goto out;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		cl__avro_set_error("cannot read \"%s\"", path);
		rc = CL_EIO;
		goto out;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

static void add_record(struct cl__avro_entry *e, avro_schema_t schema,
		       const json_t *fields)
{
	e->records = cl__avro_xrealloc(e->records,
				       (e->n_records + 1) * sizeof(*e->records));
	e->records[e->n_records].schema = schema;
	e->records[e->n_records].fields = fields;
	e->n_records++;
}

/* Walk the JSON schema and Avro C's parse of it side by side, remembering
 * which JSON "fields" array each record definition came from. References
 * (Avro C links) are definitions seen elsewhere and are skipped. */
static int map_records(struct cl__avro_entry *e, const json_t *node, avro_schema_t s)
{
	int rc;

	if (is_avro_link(s))
		return 0;
	if (json_is_object(node)) {
		const json_t *type = json_object_get(node, "type");

		if (type && !json_is_string(type))
			return map_records(e, type, s);
	}
	switch (avro_typeof(s)) {
	case AVRO_RECORD: {
		const json_t *fields = json_object_get(node, "fields");
		size_t n = avro_schema_record_size(s);

		if (!json_is_array(fields) || json_array_size(fields) != n)
			goto mismatch;
		add_record(e, s, fields);
		for (size_t i = 0; i < n; i++) {
			const json_t *f = json_array_get(fields, i);

			rc = map_records(e, json_object_get(f, "type"),
					 avro_schema_record_field_get_by_index(s, (int)i));
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	case AVRO_ARRAY:
		return map_records(e, json_object_get(node, "items"),
				   avro_schema_array_items(s));
	case AVRO_MAP:
		return map_records(e, json_object_get(node, "values"),
				   avro_schema_map_values(s));
	case AVRO_UNION: {
		size_t n = avro_schema_union_size(s);

		if (!json_is_array(node) || json_array_size(node) != n)
			goto mismatch;
		for (size_t i = 0; i < n; i++) {
			rc = map_records(e, json_array_get(node, i),
					 avro_schema_union_branch(s, (int)i));
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	default:
		return 0;
	}
mismatch:
	cl__avro_set_error("avro c read the schema differently from its json");
	return CL_EINVAL;
}

static void entry_release(struct cl__avro_entry *e)
{
	if (e->iface)
		avro_value_iface_decref(e->iface);
	if (e->schema)
		avro_schema_decref(e->schema);
	json_decref(e->doc);
	free(e->records);
	free(e->canonical);
	free(e->full_name);
	memset(e, 0, sizeof(*e));
}

/* Parse one .avsc file into e. file_name is the bare name, for the check
 * that it matches the record's name. */
static int entry_load(struct cl__avro_entry *e, const char *path, const char *file_name)
{
	json_error_t jerr;
	char *text = NULL;
	size_t len = 0, stem;
	const char *name, *space;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = read_file(path, &text, &len);
	if (rc < 0)
		return rc;

	e->doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!e->doc) {
		cl__avro_set_error("\"%s\" is not json: %s (line %d)", path, jerr.text,
				   jerr.line);
		rc = CL_EINVAL;
		goto out;
	}
	if (avro_schema_from_json_length(text, len, &e->schema) != 0) {
		e->schema = NULL;
		cl__avro_set_error("\"%s\" is not an avro schema: %s", path, avro_strerror());
		rc = CL_EINVAL;
		goto out;
	}
	if (avro_typeof(e->schema) != AVRO_RECORD) {
		cl__avro_set_error("\"%s\" does not define a record", path);
		rc = CL_EINVAL;
		goto out;
	}
	name = avro_schema_name(e->schema);
	stem = strlen(file_name) - (sizeof(avsc_suffix) - 1);
	if (strlen(name) != stem || strncmp(name, file_name, stem) != 0) {
		cl__avro_set_error("\"%s\" defines record \"%s\"; the file must be named \"%s%s\"",
				   path, name, name, avsc_suffix);
		rc = CL_EINVAL;
		goto out;
	}
	space = avro_schema_namespace(e->schema);
	if (space && *space) {
		e->full_name = cl__avro_xrealloc(NULL, strlen(space) + 1 + strlen(name) + 1);
		sprintf(e->full_name, "%s.%s", space, name);
	} else {
		e->full_name = strdup(name);
		cl__avro_oom_check(e->full_name);
	}

	rc = cl_avro_canonical_form(text, &e->canonical);
	if (rc < 0) {
		cl__avro_prefix_error("\"%s\": ", path);
		goto out;
	}
	e->fingerprint = cl_avro_crc64(e->canonical, strlen(e->canonical));

	rc = map_records(e, e->doc, e->schema);
	if (rc < 0) {
		cl__avro_prefix_error("\"%s\": ", path);
		goto out;
	}
	e->iface = avro_generic_class_from_schema(e->schema);
	if (!e->iface) {
		cl__avro_set_error("\"%s\": %s", path, avro_strerror());
		rc = CL_EINVAL;
		goto out;
	}
out:
	free(text);
	if (rc < 0)
		entry_release(e);
	return rc;
}

static bool is_avsc(const char *name)
{
	size_t n = strlen(name), s = sizeof(avsc_suffix) - 1;

	return n > s && name[0] != '.' && strcmp(name + n - s, avsc_suffix) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_entry_name(const void *a, const void *b)
{
	return strcmp(((const struct cl__avro_entry *)a)->full_name,
		      ((const struct cl__avro_entry *)b)->full_name);
}

static int cmp_entry_fp(const void *a, const void *b)
{
	uint64_t x = (*(struct cl__avro_entry *const *)a)->fingerprint;
	uint64_t y = (*(struct cl__avro_entry *const *)b)->fingerprint;

	return x < y ? -1 : x > y;
}

/* The sorted *.avsc names in dir, malloc'd. */
static int list_schemas(const char *dir, char ***names, size_t *count, bool quiet)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	*names = NULL;
	*count = 0;
	if (!d) {
		if (!quiet)
			cl__avro_set_error("cannot open schema directory \"%s\": %s", dir,
					   strerror(errno));
		return CL_ENOENT;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_avsc(de->d_name))
			continue;
		v = cl__avro_xrealloc(v, (n + 1) * sizeof(*v));
		v[n] = strdup(de->d_name);
		cl__avro_oom_check(v[n]);
		n++;
	}
	closedir(d);
	if (n == 0) {
		if (!quiet)
			cl__avro_set_error("no *.avsc file in \"%s\"", dir);
		return CL_ENOENT;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	*count = n;
	return 0;
}

/* Load dir/history/<Name>/NNN.avsc, the released versions of cur, as
 * earlier entries that decode messages written with them. A version equal
 * to the current schema adds nothing; one of another record is refused. A
 * schema without history has none. */
static int load_earlier(struct cl_avro_registry *reg, const char *dir,
			const struct cl__avro_entry *cur)
{
	const char *name = avro_schema_name(cur->schema);
	char *hdir = cl__avro_xrealloc(NULL, strlen(dir) + strlen(name) + 16);
	char *fname = cl__avro_xrealloc(NULL, strlen(name) + sizeof(avsc_suffix));
	char **names = NULL, *path = NULL;
	size_t n = 0;
	int rc;

	sprintf(hdir, "%s/history/%s", dir, name);
	sprintf(fname, "%s%s", name, avsc_suffix);
	rc = list_schemas(hdir, &names, &n, true);
	if (rc == CL_ENOENT) {
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct cl__avro_entry e;

		path = cl__avro_xrealloc(NULL, strlen(hdir) + 1 + strlen(names[i]) + 1);
		sprintf(path, "%s/%s", hdir, names[i]);
		cl__avro_c_lock();
		rc = entry_load(&e, path, fname);
		cl__avro_c_unlock();
		free(path);
		path = NULL;
		if (rc < 0)
			goto out;
		if (strcmp(e.full_name, cur->full_name) != 0) {
			cl__avro_set_error("\"%s/%s\" defines \"%s\", not \"%s\"", hdir,
					   names[i], e.full_name, cur->full_name);
			entry_release(&e);
			rc = CL_EINVAL;
			goto out;
		}
		bool known = e.fingerprint == cur->fingerprint;
		for (size_t k = 0; !known && k < reg->n_earlier; k++)
			known = reg->earlier[k].fingerprint == e.fingerprint;
		if (known) {
			entry_release(&e);
			continue;
		}
		e.current = cur;
		reg->earlier = cl__avro_xrealloc(reg->earlier,
						 (reg->n_earlier + 1) * sizeof(*reg->earlier));
		reg->earlier[reg->n_earlier++] = e;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(fname);
	free(hdir);
	return rc;
}

int cl_avro_registry_load(struct cl_avro_registry **out, const char *dir)
{
	struct cl_avro_registry *reg = NULL;
	char **names = NULL;
	char *path = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (!cl__avro_alloc_installed()) {
		cl__avro_set_error("avro c allocator was replaced; decoding is not safe");
		cl_log_error("avro registry not loaded", "reason", cl_avro_last_error(), NULL);
		return CL_EFATAL;
	}
	rc = list_schemas(dir, &names, &n, false);
	if (rc < 0)
		goto out_log;

	reg = cl__avro_xrealloc(NULL, sizeof(*reg));
	memset(reg, 0, sizeof(*reg));
	reg->entries = cl__avro_xrealloc(NULL, n * sizeof(*reg->entries));
	for (size_t i = 0; i < n; i++) {
		path = cl__avro_xrealloc(NULL, strlen(dir) + 1 + strlen(names[i]) + 1);
		sprintf(path, "%s/%s", dir, names[i]);
		cl__avro_c_lock();
		rc = entry_load(&reg->entries[i], path, names[i]);
		cl__avro_c_unlock();
		if (rc < 0)
			goto out_log;
		reg->n++;
		free(path);
		path = NULL;
	}

	qsort(reg->entries, reg->n, sizeof(*reg->entries), cmp_entry_name);
	for (size_t i = 1; i < reg->n; i++) {
		if (strcmp(reg->entries[i - 1].full_name, reg->entries[i].full_name) == 0) {
			cl__avro_set_error("\"%s\" is defined twice in \"%s\"",
					   reg->entries[i].full_name, dir);
			rc = CL_EINVAL;
			goto out_log;
		}
	}
	for (size_t i = 0; i < reg->n; i++) {
		rc = load_earlier(reg, dir, &reg->entries[i]);
		if (rc < 0)
			goto out_log;
	}
	reg->by_fp = cl__avro_xrealloc(NULL, (reg->n + reg->n_earlier) * sizeof(*reg->by_fp));
	for (size_t i = 0; i < reg->n; i++)
		reg->by_fp[reg->n_fp++] = &reg->entries[i];
	for (size_t i = 0; i < reg->n_earlier; i++)
		reg->by_fp[reg->n_fp++] = &reg->earlier[i];
	qsort(reg->by_fp, reg->n_fp, sizeof(*reg->by_fp), cmp_entry_fp);
	for (size_t i = 1; i < reg->n_fp; i++) {
		if (reg->by_fp[i - 1]->fingerprint == reg->by_fp[i]->fingerprint) {
			cl__avro_set_error("\"%s\" and \"%s\" have the same fingerprint",
					   reg->by_fp[i - 1]->full_name,
					   reg->by_fp[i]->full_name);
			rc = CL_EINVAL;
			goto out_log;
		}
	}
	*out = reg;
	reg = NULL;
	goto out;

out_log:
	cl_log_error("avro registry not loaded", "reason", cl_avro_last_error(), NULL);
out:
	cl_avro_registry_free(reg);
	free(path);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

void cl_avro_registry_free(struct cl_avro_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->n; i++)
		entry_release(&reg->entries[i]);
	for (size_t i = 0; i < reg->n_earlier; i++)
		entry_release(&reg->earlier[i]);
	free(reg->earlier);
	free(reg->entries);
	free(reg->by_fp);
	free(reg);
}

size_t cl_avro_registry_count(const struct cl_avro_registry *reg)
{
	return reg->n;
}

const struct cl__avro_entry *
cl__avro_registry_by_name(const struct cl_avro_registry *reg, const char *name)
{
	size_t lo = 0, hi = reg->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, reg->entries[mid].full_name);

		if (c == 0)
			return &reg->entries[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct cl__avro_entry *
cl__avro_registry_by_fingerprint(const struct cl_avro_registry *reg, uint64_t fp)
{
	size_t lo = 0, hi = reg->n_fp;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t f = reg->by_fp[mid]->fingerprint;

		if (f == fp)
			return reg->by_fp[mid];
		if (fp < f)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const json_t *cl__avro_record_fields(const struct cl__avro_entry *e, avro_schema_t record)
{
	for (size_t i = 0; i < e->n_records; i++)
		if (e->records[i].schema == record)
			return e->records[i].fields;
	return NULL;
}

static void fill_info(const struct cl__avro_entry *e, struct cl_avro_schema_info *info)
{
	info->full_name = e->full_name;
	info->canonical_form = e->canonical;
	info->fingerprint = e->fingerprint;
}

int cl_avro_registry_find(const struct cl_avro_registry *reg, const char *full_name,
			  struct cl_avro_schema_info *info)
{
	const struct cl__avro_entry *e = cl__avro_registry_by_name(reg, full_name);

	if (!e) {
		cl__avro_set_error("no schema named \"%s\"", full_name);
		return CL_ENOENT;
	}
	fill_info(e, info);
	return 0;
}

int cl_avro_registry_find_fingerprint(const struct cl_avro_registry *reg,
				      uint64_t fingerprint,
				      struct cl_avro_schema_info *info)
{
	const struct cl__avro_entry *e = cl__avro_registry_by_fingerprint(reg, fingerprint);

	if (!e) {
		cl__avro_set_error("no schema with fingerprint %016llx",
				   (unsigned long long)fingerprint);
		return CL_ENOENT;
	}
	fill_info(e, info);
	return 0;
}

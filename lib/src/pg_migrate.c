/* pg_migrate.c - versioned SQL migrations applied once under an advisory lock */
#include "carelink/pg.h"
#include "carelink/err.h"
#include "carelink/log.h"
#include "carelink/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* one lock id for every carelink migration run in a database */
#define MIGRATE_LOCK "7243190641"

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_migration(const char *name)
{
	size_t n = strlen(name);
	return n > 8 && name[0] >= '0' && name[0] <= '9' && name[1] >= '0' &&
	       name[1] <= '9' && name[2] >= '0' && name[2] <= '9' && name[3] == '_' &&
	       !strcmp(name + n - 4, ".sql");
}

/* "services/records/sql" -> "records", "lib/sql" -> "lib", "x/y" -> "y" */
static void migration_label(const char *dir, char *out, size_t size)
{
	char buf[1024];
	cl_strlcpy(buf, dir, sizeof buf);
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	char *last = strrchr(buf, '/');
	if (last && !strcmp(last + 1, "sql")) {
		*last = '\0';
		last = strrchr(buf, '/');
	}
	cl_strlcpy(out, last ? last + 1 : buf, size);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = cl_xmalloc(cap);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len < 2)
			buf = cl_xrealloc(buf, cap *= 2);
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

struct apply_arg {
	const char *version;
	const char *sql;
};

static int apply_one(struct cl_pg *pg, void *varg)
{
	struct apply_arg *a = varg;
	PGresult *res;
	const char *p[1] = {a->version};
	int rc = cl_pg_exec(pg, &res,
			    "SELECT 1 FROM cl_schema_migrations WHERE version = $1", 1, p);
	if (rc < 0)
		return rc;
	int done = PQntuples(res) > 0;
	PQclear(res);
	if (done)
		return 0;
	/* a migration file may hold several statements: simple query protocol */
	res = PQexec(pg->conn, a->sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		cl_log_error("migration failed", "version", a->version, "detail",
			     PQresultErrorMessage(res), NULL);
		PQclear(res);
		return CL_EFATAL;
	}
	PQclear(res);
	rc = cl_pg_exec(pg, NULL, "INSERT INTO cl_schema_migrations (version) VALUES ($1)",
			1, p);
	if (rc == 0)
		cl_log_info("migration applied", "version", a->version, NULL);
	return rc;
}

static int migrate_dir(struct cl_pg *pg, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		cl_log_error("migration folder missing", "path", dir, NULL);
		return CL_ENOENT;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_migration(e->d_name))
			continue;
		if (n == cap)
			names = cl_xrealloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
		names[n++] = cl_xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, name_cmp);

	char label[256];
	migration_label(dir, label, sizeof label);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char path[4096], version[512];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		snprintf(version, sizeof version, "%s/%s", label, names[i]);
		char *sql = read_file(path);
		if (!sql) {
			cl_log_error("cannot read migration", "path", path, NULL);
			rc = CL_EIO;
			break;
		}
		struct apply_arg a = {version, sql};
		rc = cl_pg_tx(pg, 0, apply_one, &a);
		free(sql);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int cl_pg_migrate(struct cl_pg *pg, const char *const *dirs)
{
	int rc = cl_pg_exec(pg, NULL, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", 0, NULL);
	if (rc < 0)
		return rc;
	rc = cl_pg_exec(pg, NULL,
			"CREATE TABLE IF NOT EXISTS cl_schema_migrations ("
			" version text PRIMARY KEY,"
			" applied_at timestamptz NOT NULL DEFAULT now())",
			0, NULL);
	for (size_t i = 0; rc == 0 && dirs[i]; i++)
		rc = migrate_dir(pg, dirs[i]);
	cl_pg_exec(pg, NULL, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", 0, NULL);
	return rc;
}

/* import_run.c - one CSV import in the background: every row checked
 * against the app's fields (errors with their lines); a commit writes the
 * rows in one transaction that any bad row rolls back */
#include "records.h"

#include <stdlib.h>
#include <string.h>

struct run {
	struct rec_import_job *job;
	struct rec_app_def def;
	struct rec_import_names names;
	const atomic_bool *stop;
	struct cl_pg *progress_pg; /* outside the transaction, so progress shows */
	json_t *errors;     /* at most REC_IMPORT_ERRORS_MAX */
	long processed, valid, created, updated;
	bool stopped;
};

static void error_add(struct run *r, size_t line, const char *field, const char *reason)
{
	if (json_array_size(r->errors) >= REC_IMPORT_ERRORS_MAX)
		return;
	json_array_append_new(r->errors, json_pack("{s:I,s:s,s:s}", "line", (json_int_t)line,
						   "field", field ? field : "", "reason", reason));
}

static char *trimmed(const char *s)
{
	s += strspn(s, " \t\r\n");
	size_t n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	char *t = cl_xmalloc(n + 1);
	memcpy(t, s, n);
	t[n] = '\0';
	return t;
}

/* the record a row's id cell names, when it is one of this app's */
static int row_record(struct cl_pg *pg, struct run *r, const char *id, char **owner, bool *ok)
{
	char app_id[CL_UUID_LEN + 1];
	*ok = false;
	if (!cl_uuid_valid(id))
		return 0;
	int rc = rec_db_app_record_app(pg, r->job->who.tenant, id, app_id, owner);
	if (rc == CL_ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	*ok = !strcmp(app_id, r->def.id);
	if (!*ok) {
		free(*owner);
		*owner = NULL;
	}
	return 0;
}

/* check one row: on 0 with *bad false, *values (new reference) and
 * record_id ("" to create) say what to write */
static int row_check(struct cl_pg *pg, struct run *r, const struct rec_csv_row *row,
		     json_t **values, char record_id[CL_UUID_LEN + 1], bool *bad)
{
	const struct rec_import_map *map = &r->job->map;
	const json_t *fields = r->def.fields;
	long invalid = 0;
	char *owner = NULL;
	json_t *raw = json_object(), *failed = json_object();
	int rc = 0;
	*values = NULL;
	record_id[0] = '\0';

	if (map->id_column >= 0 && (size_t)map->id_column < row->n) {
		char *id = trimmed(row->cells[map->id_column]);
		if (*id) {
			bool ok = false;
			rc = row_record(pg, r, id, &owner, &ok);
			if (rc == 0 && ok)
				cl_strlcpy(record_id, id, CL_UUID_LEN + 1);
			else if (rc == 0) {
				error_add(r, row->line, "id", "このアプリのレコードのIDではありません");
				invalid++;
			}
		}
		free(id);
		if (rc < 0)
			goto out;
	}
	bool update = record_id[0] != '\0';
	for (size_t c = 0; c < row->n; c++) {
		char *cell = trimmed(row->cells[c]);
		long f = c < map->n ? map->field[c] : -3;
		if (f == -1) {
			free(cell);
			continue;
		}
		if (f < 0) {
			if (*cell) {
				error_add(r, row->line, "",
					  f == -3 ? "見出しより多くの列に値があります"
						  : "見出しのない列に値があります");
				invalid++;
			}
			free(cell);
			continue;
		}
		const json_t *field = json_array_get(fields, (size_t)f);
		const char *key = json_string_value(json_object_get(field, "key"));
		if (!*cell) {
			if (update)
				json_object_set_new(raw, key, json_null());
		} else {
			const char *reason = NULL;
			json_t *v = rec_import_cell_value(field, cell, &r->names, &reason);
			if (v) {
				json_object_set_new(raw, key, v);
			} else {
				error_add(r, row->line, key, reason);
				json_object_set_new(failed, key, json_true());
				invalid++;
			}
		}
		free(cell);
	}
	/* the fields' own rules; a cell already reported is not reported again */
	json_t *errs = json_array(), *norm = NULL;
	rc = rec_app_values_check(pg, r->job->who.tenant, fields, raw, update, errs, &norm);
	if (rc == 0) {
		size_t i;
		const json_t *e;
		json_array_foreach(errs, i, e) {
			const char *key = json_string_value(json_object_get(e, "field"));
			if (key && json_object_get(failed, key))
				continue;
			error_add(r, row->line, key,
				  json_string_value(json_object_get(e, "reason")) ?: "");
			invalid++;
		}
	}
	json_decref(errs);
	if (rc < 0)
		goto out;
	if (!rec_app_can_write(&r->def, &r->job->who, update ? owner : NULL)) {
		error_add(r, row->line, "",
			  update ? "このレコードを変更する権限がありません"
				 : "このアプリにレコードを追加する権限がありません");
		invalid++;
	}
	if (invalid)
		json_decref(norm);
	else
		*values = norm;
out:
	*bad = invalid > 0;
	free(owner);
	json_decref(raw);
	json_decref(failed);
	return rc;
}

/* one more row done: progress written every REC_IMPORT_PROGRESS_EVERY */
static int row_done(struct run *r, bool bad)
{
	r->processed++;
	if (!bad)
		r->valid++;
	if (r->processed % REC_IMPORT_PROGRESS_EVERY)
		return 0;
	return rec_db_import_progress(r->progress_pg, r->job->id, r->processed, r->valid);
}

/* a dry run: every row checked, progress kept current */
static int rows_check(struct cl_pg *pg, struct run *r)
{
	const struct rec_csv *csv = &r->job->csv;
	for (size_t i = 1; i < csv->n; i++) {
		if (rec_csv_row_blank(&csv->rows[i]))
			continue;
		if (atomic_load(r->stop)) {
			r->stopped = true;
			return 0;
		}
		json_t *values = NULL;
		char record_id[CL_UUID_LEN + 1];
		bool bad = false;
		int rc = row_check(pg, r, &csv->rows[i], &values, record_id, &bad);
		json_decref(values);
		if (rc == 0)
			rc = row_done(r, bad);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* a commit, in one transaction: each row checked and, while every row so
 * far was valid, written; the rows after a bad one are still checked (every
 * error is reported) and any bad row rolls everything back */
static int rows_write(struct cl_pg *pg, void *arg)
{
	struct run *r = arg;
	const struct rec_csv *csv = &r->job->csv;
	r->created = r->updated = r->processed = r->valid = 0;
	json_array_clear(r->errors);
	bool any_bad = false;
	for (size_t i = 1; i < csv->n; i++) {
		if (rec_csv_row_blank(&csv->rows[i]))
			continue;
		if (atomic_load(r->stop)) {
			r->stopped = true;
			return CL_ECONFLICT;
		}
		json_t *values = NULL;
		char record_id[CL_UUID_LEN + 1], id[CL_UUID_LEN + 1];
		bool bad = false;
		int rc = row_check(pg, r, &csv->rows[i], &values, record_id, &bad);
		any_bad = any_bad || bad;
		if (rc == 0 && !any_bad) {
			struct rec_app_writer w = {r->job->schemas, &r->job->who, &r->def, true};
			if (record_id[0])
				rc = rec_app_write_update(pg, &w, record_id, values, NULL);
			else
				rc = rec_app_write_create(pg, &w, NULL, values, NULL, id);
			if (record_id[0])
				r->updated++;
			else
				r->created++;
		}
		json_decref(values);
		if (rc == 0)
			rc = row_done(r, bad);
		if (rc < 0)
			return rc;
	}
	return any_bad ? CL_ECONFLICT : 0;
}

int rec_import_run(struct cl_pg *pg, struct cl_pg *progress_pg, struct rec_import_job *job,
		   const atomic_bool *stop)
{
	struct run r = {.job = job, .stop = stop, .progress_pg = progress_pg,
			.errors = json_array()};
	const char *state = "failed";
	int rc = rec_db_app_find(pg, &job->who, job->app_id, &r.def);
	if (rc == CL_ENOENT) {
		error_add(&r, 0, "", "アプリが見つかりません");
		goto finish;
	}
	if (rc == 0)
		rc = rec_db_import_names(pg, job->who.tenant, &r.names);
	if (rc < 0)
		goto out;
	if (!job->commit) {
		rc = rows_check(pg, &r);
		if (rc < 0)
			goto out;
		if (!r.stopped)
			state = "done";
		goto finish;
	}
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, rows_write, &r);
	if (rc == 0) {
		state = "done";
	} else if (rc == CL_ECONFLICT) {
		/* all or nothing: a bad row (or a stop) rolled back every write */
		r.created = r.updated = 0;
		rc = 0;
	} else {
		goto out;
	}
finish:
	if (r.stopped)
		error_add(&r, 0, "", "サービスの停止のため中断しました。もう一度取り込んでください");
	rc = rec_db_import_finish(pg, job->id, state, r.processed, r.valid, r.created, r.updated,
				  r.errors);
out:
	if (rc < 0) {
		/* the failure itself is recorded when the database lets us */
		json_array_clear(r.errors);
		error_add(&r, 0, "", "内部エラーのため取り込めませんでした");
		rec_db_import_finish(pg, job->id, "failed", r.processed, r.valid, 0, 0, r.errors);
	}
	json_decref(r.errors);
	rec_import_names_release(&r.names);
	rec_app_def_release(&r.def);
	return rc;
}

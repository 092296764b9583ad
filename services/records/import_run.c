/* import_run.c - one CSV import in the background: every row checked
 * against the app's fields (errors with their lines), then, for a commit
 * without errors, every row written in one transaction */
#include "records.h"

#include <stdlib.h>
#include <string.h>

struct run {
	struct rec_import_job *job;
	struct rec_app_def def;
	struct rec_import_names names;
	const atomic_bool *stop;
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

/* the first pass: every row checked, progress kept current */
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
		if (rc < 0)
			return rc;
		r->processed++;
		if (!bad)
			r->valid++;
		if (r->processed % REC_IMPORT_PROGRESS_EVERY == 0) {
			rc = rec_db_import_progress(pg, r->job->id, r->processed, r->valid);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* the second pass, in one transaction: rows checked again (the data may
 * have changed since) and written; any error rolls everything back */
static int rows_write(struct cl_pg *pg, void *arg)
{
	struct run *r = arg;
	const struct rec_csv *csv = &r->job->csv;
	r->created = r->updated = 0;
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
		if (rc == 0 && bad)
			rc = CL_ECONFLICT;
		if (rc == 0)
			rc = rec_app_record_save(pg, &r->job->who, &r->def,
						 record_id[0] ? record_id : NULL, values, NULL,
						 true, id);
		json_decref(values);
		if (rc < 0)
			return rc;
		if (record_id[0])
			r->updated++;
		else
			r->created++;
	}
	return 0;
}

int rec_import_run(struct cl_pg *pg, struct rec_import_job *job, const atomic_bool *stop)
{
	struct run r = {.job = job, .stop = stop, .errors = json_array()};
	const char *state = "failed";
	int rc = rec_db_app_find(pg, &job->who, job->app_id, &r.def);
	if (rc == CL_ENOENT) {
		error_add(&r, 0, "", "アプリが見つかりません");
		goto finish;
	}
	if (rc == 0)
		rc = rec_db_import_names(pg, job->who.tenant, &r.names);
	if (rc == 0)
		rc = rows_check(pg, &r);
	if (rc < 0)
		goto out;
	if (r.stopped)
		goto finish;
	if (!job->commit) {
		state = "done";
		goto finish;
	}
	if (r.valid < r.processed)
		goto finish; /* all or nothing: nothing written */
	json_t *first = r.errors;
	r.errors = json_array();
	rc = cl_pg_tx(pg, CL_PG_READ_COMMITTED, rows_write, &r);
	if (rc == 0) {
		state = "done";
		json_decref(r.errors);
		r.errors = first;
	} else if (rc == CL_ECONFLICT) {
		/* a row became invalid between the two passes */
		json_decref(first);
		r.created = r.updated = 0;
		rc = 0;
	} else {
		json_decref(first);
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
		json_decref(r.errors);
		r.errors = json_array();
		error_add(&r, 0, "", "内部エラーのため取り込めませんでした");
		rec_db_import_finish(pg, job->id, "failed", r.processed, r.valid, 0, 0, r.errors);
	}
	json_decref(r.errors);
	rec_import_names_release(&r.names);
	rec_app_def_release(&r.def);
	return rc;
}

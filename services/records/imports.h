/* imports.h - CSV import and export of app records inside carelink-records
 * (included by records.h; see APPS.md "CSV import and export") */
#ifndef REC_IMPORTS_H
#define REC_IMPORTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "carelink/err.h"
#include "carelink/http.h"
#include "carelink/identity.h"
#include "carelink/pg.h"
#include "carelink/util.h"

struct rec_app;

/* rec_csv_formula_guard() - text as an exported cell may hold it: with a
 * leading apostrophe when a spreadsheet program would take it for a
 * formula (it starts with =, +, -, @, tab or CR); new string
 * (csv_formula.c). */
char *rec_csv_formula_guard(const char *text);
/* rec_csv_formula_unguard() - cell without the apostrophe the guard added
 * (borrowed from cell). */
const char *rec_csv_formula_unguard(const char *cell);
struct rec_app_def;

/* At most this many errors are kept per import; progress is written every
 * REC_IMPORT_PROGRESS_EVERY rows; REC_IMPORT_WORKERS threads run imports. */
#define REC_IMPORT_ERRORS_MAX 1000
#define REC_IMPORT_PROGRESS_EVERY 100
#define REC_IMPORT_WORKERS 2
/* Export reads the records of an app this many at a time. */
#define REC_EXPORT_PAGE 200

/* ---- a growable byte buffer (csv_write.c) ---- */

struct rec_text_buf {
	char *data;  /* owned, NUL-terminated; NULL while empty */
	size_t len, cap;
};
void rec_text_buf_add(struct rec_text_buf *b, const char *s, size_t n);
void rec_text_buf_adds(struct rec_text_buf *b, const char *s);
/* rec_text_buf_release() - free b's data; b is empty afterwards. */
void rec_text_buf_release(struct rec_text_buf *b);

/* ---- CSV (RFC 4180) reading (csv_read.c) and writing (csv_write.c) ---- */

struct rec_csv_row {
	size_t line;   /* line of the file the row starts on (1 = first) */
	char **cells;  /* owned strings, as written (not trimmed) */
	size_t n;
};
struct rec_csv {
	struct rec_csv_row *rows; /* owned */
	size_t n, cap;
};
/* rec_csv_parse() - the rows of len bytes of UTF-8 text (no BOM): cells
 * separated by ',', rows by CRLF, LF or CR; a quoted cell ("...") may hold
 * separators, line breaks (kept as written) and doubled quotes. Empty lines
 * are no rows; line numbers count every line break of the file, also
 * those inside quoted cells. Returns 0, or CL_EINVAL with *bad_line the
 * line where a quote that is never closed opens (out is empty then).
 * Release out either way. */
int rec_csv_parse(const char *data, size_t len, struct rec_csv *out, size_t *bad_line);
void rec_csv_release(struct rec_csv *csv);
/* rec_csv_row_blank() - true when every cell of row is empty or blank. */
bool rec_csv_row_blank(const struct rec_csv_row *row);

/* rec_csv_cell_write() - append s as one cell (quoted when it holds a
 * comma, quote, CR or LF, or starts or ends with white space; quotes
 * doubled). */
void rec_csv_cell_write(struct rec_text_buf *b, const char *s);
/* rec_csv_row_write() - append the n cells (NULL = empty) and CRLF. */
void rec_csv_row_write(struct rec_text_buf *b, const char *const *cells, size_t n);

/* ---- encodings (text_encoding.c) ---- */

enum rec_encoding {
	REC_ENC_UTF8 = 0,
	REC_ENC_SHIFT_JIS, /* Windows code page 932 */
};
/* rec_encoding_parse() - "utf-8" (also "utf8"; NULL or "" mean utf-8) or
 * "shift_jis" (also "sjis", "cp932", "windows-31j"), case-insensitive;
 * false for another name. */
bool rec_encoding_parse(const char *name, enum rec_encoding *out);
/* rec_encoding_name() - "utf-8" or "shift_jis". */
const char *rec_encoding_name(enum rec_encoding enc);
/* rec_text_utf8_check() - true when data is valid UTF-8 without NUL
 * (shortest forms, no surrogates); else false and *bad_line the line of
 * the first bad byte. */
bool rec_text_utf8_check(const char *data, size_t len, size_t *bad_line);
/* rec_text_bom_skip() - bytes of a UTF-8 byte order mark at data (3 or 0). */
size_t rec_text_bom_skip(const char *data, size_t len);
/* rec_text_decode() - len bytes in enc into UTF-8 (a UTF-8 BOM dropped):
 * *out malloc'd, NUL-terminated, *out_len its length. Returns 0, or
 * CL_EINVAL with *bad_line the line of the first byte that is not text of
 * enc (NUL included) and *out NULL. */
int rec_text_decode(const char *data, size_t len, enum rec_encoding enc, char **out,
		    size_t *out_len, size_t *bad_line);
/* rec_text_encode() - UTF-8 text into enc: for UTF-8 a BOM and the text;
 * for Shift_JIS every character code page 932 cannot hold becomes 〓
 * (0x81AC). *out malloc'd, *out_len its length. Returns 0 or CL_EINVAL
 * (text not UTF-8). */
int rec_text_encode(const char *text, size_t len, enum rec_encoding enc, char **out,
		    size_t *out_len);

/* ---- header and cells (import_map.c, import_cell.c, export_cell.c) ---- */

/* The columns of a file: for each header cell the field it maps to. */
struct rec_import_map {
	long *field;     /* owned, n entries: index into the app's fields, -1
			  * for the id column */
	size_t n;
	long id_column;  /* -1 when absent */
};
/* rec_import_map_make() - map header cells (trimmed) to fields (a JSON
 * array of APPS.md fields) by label, else by key; "id" is the id column.
 * On 0 *map is set. Otherwise the 400 to answer: code
 * ("missing_columns", "unknown_columns", "invalid_csv") and a Japanese
 * message naming the columns or fields (malloc'd in *message). */
int rec_import_map_make(const json_t *fields, const struct rec_csv_row *header,
			struct rec_import_map *map, const char **code, char **message);
void rec_import_map_release(struct rec_import_map *map);

/* Names of people, organisations and facilities of a tenant, for cells
 * that name them: objects {"<id>":"<name>"}. */
struct rec_import_names {
	json_t *users, *organisations, *facilities; /* owned */
};
void rec_import_names_release(struct rec_import_names *n);
/* rec_import_name_resolve() - the id a cell names in names ({id: name}):
 * the cell itself when it is an id, else the one id whose name equals it.
 * NULL (and *reason, Japanese, static) when none or several do. */
const char *rec_import_name_resolve(const json_t *names, const char *cell,
				    const char **reason);

/* rec_import_cell_value() - the JSON value of a cell (trimmed, not empty)
 * for field: number (also with thousands commas), date (YYYY-MM-DD or
 * YYYY/M/D), datetime (YYYY-MM-DD HH:MM[:SS] or with '/', Asia/Tokyo, or
 * RFC 3339) as RFC 3339 +09:00, multi_choice split on ';', user,
 * organisation and facility names resolved through names (may be NULL:
 * kept as written), other types as the text. NULL and *reason (Japanese,
 * static) when the cell cannot be read; the field's own rules are checked
 * afterwards by rec_app_values_check(). New reference. */
json_t *rec_import_cell_value(const json_t *field, const char *cell,
			      const struct rec_import_names *names, const char **reason);
/* rec_export_cell_text() - the CSV text of a stored value of field: numbers
 * as written, dates as is, date-times as "YYYY-MM-DD HH:MM" in Asia/Tokyo,
 * multi-choice joined by ';', user/organisation/facility by their names in
 * names (the id when unknown). malloc'd; "" for NULL/null. */
char *rec_export_cell_text(const json_t *field, const json_t *value,
			   const struct rec_import_names *names);
/* rec_datetime_tokyo() - an RFC 3339 time with offset as "YYYY-MM-DD
 * HH:MM" in Asia/Tokyo (+09:00) into out; false when malformed. */
bool rec_datetime_tokyo(const char *rfc3339, char out[17]);

/* ---- SQL (db_import.c) ---- */

/* rec_db_import_insert() - a new import of who (running, total_rows). */
int rec_db_import_insert(struct cl_pg *pg, const struct cl_identity *who, const char *id,
			 const char *app_id, const char *mode, const char *encoding,
			 long total_rows);
/* rec_db_import_progress() - processed and valid rows so far. */
int rec_db_import_progress(struct cl_pg *pg, const char *id, long processed, long valid);
/* rec_db_import_finish() - state ("done"/"failed"), counts, errors (JSON
 * array, borrowed) and finished_at. */
int rec_db_import_finish(struct cl_pg *pg, const char *id, const char *state, long processed,
			 long valid, long created, long updated, const json_t *errors);
/* rec_db_import_fail_running() - every import still running (left by a
 * stop) becomes failed with reason; at start. */
int rec_db_import_fail_running(struct cl_pg *pg, const char *reason);
/* rec_db_import_json() - the API JSON of import id started by who (new
 * reference in *out); CL_ENOENT for another person's or none. */
int rec_db_import_json(struct cl_pg *pg, const struct cl_identity *who, const char *id,
		       json_t **out);
/* rec_db_import_names() - the tenant's people, organisations and live
 * facility records with their names. */
int rec_db_import_names(struct cl_pg *pg, const char *tenant, struct rec_import_names *out);
/* rec_db_export_values() - for ids (JSON array of record ids, borrowed) of
 * the tenant, {"<id>": values} of the live ones (new reference). */
int rec_db_export_values(struct cl_pg *pg, const char *tenant, const json_t *ids,
			 json_t **out);

/* ---- the background job (import_run.c, import_worker.c) ---- */

struct rec_import_job {
	char id[CL_UUID_LEN + 1];
	char app_id[CL_UUID_LEN + 1];
	struct cl_identity who;
	const struct cl_avro_registry *schemas; /* borrowed: the service's */
	bool commit;                /* mode=commit */
	struct rec_csv csv;         /* owned: the rows, header first */
	struct rec_import_map map;  /* owned */
	struct rec_import_job *next;
};
void rec_import_job_free(struct rec_import_job *job);
/* rec_import_run() - check (and with commit, write in one transaction) the
 * rows of job on pg, progress written on progress_pg (another connection,
 * so that it shows while the transaction runs), and record the outcome in
 * the imports table; stops early (the import fails) when *stop becomes
 * true. Returns 0 or a pg error. */
int rec_import_run(struct cl_pg *pg, struct cl_pg *progress_pg, struct rec_import_job *job,
		   const atomic_bool *stop);
/* rec_imports_submit() - hand job (ownership taken) to the workers.
 * Returns 0, or CL_ERETRY when stopping (job freed). */
int rec_imports_submit(struct rec_app *app, struct rec_import_job *job);

/* rec_imports_start() - the background workers of CSV imports; app->imports
 * is set. Imports left running by an earlier process become failed.
 * Returns 0 or a negative CL_E* code (import_worker.c). */
int rec_imports_start(struct rec_app *app);
/* rec_imports_stop() - stop the workers: a running import stops at its
 * next row and fails, queued ones fail; frees app->imports. */
void rec_imports_stop(struct rec_app *app);

/* ---- HTTP handlers (one file each) ---- */
enum MHD_Result rec_import_create(struct cl_http_req *req); /* import_create.c */
enum MHD_Result rec_import_get(struct cl_http_req *req);    /* import_get.c */
enum MHD_Result rec_export_csv(struct cl_http_req *req);    /* export_csv.c */

#endif

/* test_csv_import.c - CSV import and export of app records: the RFC 4180
 * reader (line numbers, quotes, line breaks, empty lines), the writer, the
 * header mapped to fields, cells read as values and values written back */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/records/csv_read.c"
#include "../../../services/records/csv_write.c"
#include "../../../services/records/import_map.c"
#include "../../../services/records/import_cell.c"
#include "../../../services/records/export_cell.c"
#include "../../../services/records/csv_formula.c"
#include "../../../services/records/search_query.c"

static struct rec_csv parse_ok(const char *text)
{
	struct rec_csv csv;
	size_t bad = 0;
	assert_int_equal(rec_csv_parse(text, strlen(text), &csv, &bad), 0);
	return csv;
}

static void test_csv_basic(void **state)
{
	(void)state;
	struct rec_csv csv = parse_ok("a,b,c\r\n1,,3\r\n");
	assert_int_equal(csv.n, 2);
	assert_int_equal(csv.rows[0].n, 3);
	assert_string_equal(csv.rows[1].cells[0], "1");
	assert_string_equal(csv.rows[1].cells[1], "");
	assert_string_equal(csv.rows[1].cells[2], "3");
	assert_int_equal(csv.rows[1].line, 2);
	rec_csv_release(&csv);
	/* LF only, no final line break, a trailing empty cell */
	csv = parse_ok("a,b\n1,");
	assert_int_equal(csv.n, 2);
	assert_int_equal(csv.rows[1].n, 2);
	assert_string_equal(csv.rows[1].cells[1], "");
	rec_csv_release(&csv);
}

static void test_csv_quotes(void **state)
{
	(void)state;
	struct rec_csv csv = parse_ok("\"a,b\",\"say \"\"hi\"\"\",\"\"\n");
	assert_int_equal(csv.n, 1);
	assert_int_equal(csv.rows[0].n, 3);
	assert_string_equal(csv.rows[0].cells[0], "a,b");
	assert_string_equal(csv.rows[0].cells[1], "say \"hi\"");
	assert_string_equal(csv.rows[0].cells[2], "");
	rec_csv_release(&csv);
	/* a quote inside an unquoted cell stays as written */
	csv = parse_ok("ab\"c,d\n");
	assert_string_equal(csv.rows[0].cells[0], "ab\"c");
	rec_csv_release(&csv);
}

static void test_csv_multiline_lines(void **state)
{
	(void)state;
	/* line 1 header, line 2 a row whose cell spans lines 2-4, an empty
	 * line 5, line 6 the next row; CRLF inside the cell kept */
	struct rec_csv csv = parse_ok("h1,h2\r\nx,\"one\r\ntwo\r\nthree\"\r\n\r\ny,z\r\n");
	assert_int_equal(csv.n, 3);
	assert_int_equal(csv.rows[1].line, 2);
	assert_string_equal(csv.rows[1].cells[1], "one\r\ntwo\r\nthree");
	assert_int_equal(csv.rows[2].line, 6);
	assert_string_equal(csv.rows[2].cells[0], "y");
	rec_csv_release(&csv);
	/* LF-only breaks inside and out, and blank lines at the end */
	csv = parse_ok("h\n\"a\nb\"\nc\n\n\n");
	assert_int_equal(csv.n, 3);
	assert_int_equal(csv.rows[2].line, 4);
	rec_csv_release(&csv);
}

static void test_csv_unbalanced(void **state)
{
	(void)state;
	struct rec_csv csv;
	size_t bad = 0;
	const char *t = "h1,h2\n1,2\n3,\"open\nstill\nopen\n";
	assert_int_equal(rec_csv_parse(t, strlen(t), &csv, &bad), CL_EINVAL);
	assert_int_equal(bad, 3);
	assert_int_equal(csv.n, 0);
	rec_csv_release(&csv);
}

static void test_csv_blank_rows(void **state)
{
	(void)state;
	struct rec_csv csv = parse_ok("a,b\n,\n , \nx,\n");
	assert_int_equal(csv.n, 4);
	assert_true(rec_csv_row_blank(&csv.rows[1]));
	assert_true(rec_csv_row_blank(&csv.rows[2]));
	assert_false(rec_csv_row_blank(&csv.rows[3]));
	rec_csv_release(&csv);
}

static void test_csv_write_round_trip(void **state)
{
	(void)state;
	const char *cells[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " pad", NULL, "日本語"};
	struct rec_text_buf b = {0};
	rec_csv_row_write(&b, cells, 7);
	assert_string_equal(b.data,
			    "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",,日本語\r\n");
	struct rec_csv csv = parse_ok(b.data);
	assert_int_equal(csv.n, 1);
	assert_int_equal(csv.rows[0].n, 7);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(csv.rows[0].cells[i], cells[i] ? cells[i] : "");
	rec_csv_release(&csv);
	rec_text_buf_release(&b);
}

static json_t *fields(void)
{
	return json_pack("[{s:s,s:s,s:s,s:b},{s:s,s:s,s:s,s:b},{s:s,s:s,s:s,s:b},"
			 "{s:s,s:s,s:s,s:b}]",
			 "key", "name", "label", "名前", "type", "text", "required", 1,
			 "key", "capacity", "label", "定員", "type", "number", "required", 0,
			 "key", "starts_at", "label", "開始", "type", "datetime", "required", 1,
			 "key", "tags", "label", "分類", "type", "multi_choice", "required", 0);
}

static struct rec_csv_row header_of(const char *text, struct rec_csv *keep)
{
	*keep = parse_ok(text);
	return keep->rows[0];
}

static void test_map(void **state)
{
	(void)state;
	json_t *f = fields();
	struct rec_csv csv;
	struct rec_csv_row h = header_of("id, 名前 ,capacity,開始\n", &csv);
	struct rec_import_map map;
	const char *code = NULL;
	char *msg = NULL;
	assert_int_equal(rec_import_map_make(f, &h, &map, &code, &msg), 0);
	assert_int_equal(map.id_column, 0);
	assert_int_equal(map.field[1], 0);
	assert_int_equal(map.field[2], 1);
	assert_int_equal(map.field[3], 2);
	rec_import_map_release(&map);
	rec_csv_release(&csv);

	h = header_of("名前,定員\n", &csv);
	assert_int_equal(rec_import_map_make(f, &h, &map, &code, &msg), CL_EINVAL);
	assert_string_equal(code, "missing_columns");
	assert_non_null(strstr(msg, "「開始」"));
	free(msg);
	rec_csv_release(&csv);

	h = header_of("名前,開始,定員数,色\n", &csv);
	assert_int_equal(rec_import_map_make(f, &h, &map, &code, &msg), CL_EINVAL);
	assert_string_equal(code, "unknown_columns");
	assert_non_null(strstr(msg, "「定員数」、「色」"));
	free(msg);
	rec_csv_release(&csv);

	h = header_of("名前,開始,name\n", &csv);
	assert_int_equal(rec_import_map_make(f, &h, &map, &code, &msg), CL_EINVAL);
	assert_string_equal(code, "invalid_csv");
	assert_non_null(strstr(msg, "「name」"));
	free(msg);
	rec_csv_release(&csv);
	json_decref(f);
}

static void check_value(const char *type, const char *cell, const char *want_json)
{
	json_t *field = json_pack("{s:s,s:s,s:s}", "key", "k", "label", "k", "type", type);
	const char *reason = NULL;
	json_t *v = rec_import_cell_value(field, cell, NULL, &reason);
	if (!want_json) {
		assert_null(v);
		assert_non_null(reason);
	} else {
		assert_non_null(v);
		char *got = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		assert_string_equal(got, want_json);
		free(got);
	}
	json_decref(v);
	json_decref(field);
}

static void test_cells(void **state)
{
	(void)state;
	check_value("number", "42", "42");
	check_value("number", "-3.5", "-3.5");
	check_value("number", "1,234", "1234");
	check_value("number", "12a", NULL);
	check_value("number", "inf", NULL);
	check_value("date", "2026-12-01", "\"2026-12-01\"");
	check_value("date", "2026/1/5", "\"2026-01-05\"");
	check_value("date", "2026/02/30", NULL);
	check_value("date", "2026-1/5", NULL);
	check_value("datetime", "2026-12-01 14:00", "\"2026-12-01T14:00:00+09:00\"");
	check_value("datetime", "2026/12/1 9:05", "\"2026-12-01T09:05:00+09:00\"");
	check_value("datetime", "2026-12-01 24:00", NULL);
	check_value("datetime", "2026-12-01", NULL);
	check_value("datetime", "2026-12-01T05:00:00Z", "\"2026-12-01T05:00:00Z\"");
	check_value("multi_choice", "研修; 会議 ;;", "[\"研修\",\"会議\"]");
	check_value("long_text", "a\r\nb\rc", "\"a\\nb\\nc\"");
	check_value("text", "みどり", "\"みどり\"");
}

static void test_names(void **state)
{
	(void)state;
	json_t *users = json_pack("{s:s,s:s,s:s}", "u1", "田中 花子", "u2", "伊藤 健", "u3",
				  "伊藤 健");
	const char *reason = NULL;
	assert_string_equal(rec_import_name_resolve(users, "u1", &reason), "u1");
	assert_string_equal(rec_import_name_resolve(users, "田中 花子", &reason), "u1");
	assert_null(rec_import_name_resolve(users, "伊藤 健", &reason));
	assert_non_null(strstr(reason, "複数"));
	assert_null(rec_import_name_resolve(users, "鈴木", &reason));
	struct rec_import_names names = {.users = users};
	json_t *field = json_pack("{s:s,s:s}", "key", "contact", "type", "user");
	json_t *v = rec_import_cell_value(field, "田中 花子", &names, &reason);
	assert_string_equal(json_string_value(v), "u1");
	char *text = rec_export_cell_text(field, v, &names);
	assert_string_equal(text, "田中 花子");
	free(text);
	json_decref(v);
	json_decref(field);
	rec_import_names_release(&names);
}

static void check_export(const char *type, const char *value_json, const char *want)
{
	json_t *field = json_pack("{s:s,s:s}", "key", "k", "type", type);
	json_t *v = json_loads(value_json, JSON_DECODE_ANY, NULL);
	char *text = rec_export_cell_text(field, v, NULL);
	assert_string_equal(text, want);
	free(text);
	json_decref(v);
	json_decref(field);
}

static void test_export_cells(void **state)
{
	(void)state;
	check_export("number", "20", "20");
	check_export("number", "35.681236", "35.681236");
	check_export("date", "\"2026-12-01\"", "2026-12-01");
	check_export("datetime", "\"2026-12-01T14:00:00+09:00\"", "2026-12-01 14:00");
	check_export("datetime", "\"2026-12-01T20:30:00Z\"", "2026-12-02 05:30");
	check_export("datetime", "\"2026-01-01T00:10:00+10:00\"", "2025-12-31 23:10");
	check_export("multi_choice", "[\"研修\",\"会議\"]", "研修;会議");
	check_export("text", "null", "");
	char out[17];
	assert_false(rec_datetime_tokyo("2026-12-01 14:00", out));
	assert_true(rec_datetime_tokyo("2026-02-28T23:00:00.5-01:00", out));
	assert_string_equal(out, "2026-03-01 09:00");
}

/* text a spreadsheet would run as a formula goes out with an apostrophe
 * and comes back without it; numbers and other text are left alone */
static void test_formula_guard(void **state)
{
	(void)state;
	static const char *const risky[] = {"=1+2", "+81 3 1234", "-セル", "@SUM(A1)",
					     "\tx", "\rx"};
	json_t *text = json_pack("{s:s, s:s}", "key", "note", "type", "text");
	json_t *number = json_pack("{s:s, s:s}", "key", "n", "type", "number");
	for (size_t i = 0; i < sizeof risky / sizeof risky[0]; i++) {
		json_t *v = json_string(risky[i]);
		char *cell = rec_export_cell_text(text, v, NULL);
		assert_int_equal(cell[0], '\'');
		assert_string_equal(cell + 1, risky[i]);
		const char *reason = NULL;
		json_t *back = rec_import_cell_value(text, cell, NULL, &reason);
		assert_non_null(back);
		assert_string_equal(json_string_value(back), risky[i]);
		json_decref(back);
		free(cell);
		json_decref(v);
	}
	json_t *v = json_string("訪問介護 '=' は記号");
	char *cell = rec_export_cell_text(text, v, NULL);
	assert_string_equal(cell, "訪問介護 '=' は記号");
	free(cell);
	json_decref(v);
	/* an apostrophe before ordinary text is the text's own */
	assert_string_equal(rec_csv_formula_unguard("'quoted"), "'quoted");
	v = json_integer(-5);
	cell = rec_export_cell_text(number, v, NULL);
	assert_string_equal(cell, "-5");
	free(cell);
	json_decref(v);
	json_decref(text);
	json_decref(number);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_basic),
		cmocka_unit_test(test_csv_quotes),
		cmocka_unit_test(test_csv_multiline_lines),
		cmocka_unit_test(test_csv_unbalanced),
		cmocka_unit_test(test_csv_blank_rows),
		cmocka_unit_test(test_csv_write_round_trip),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_export_cells),
		cmocka_unit_test(test_formula_guard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

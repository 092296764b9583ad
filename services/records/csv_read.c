/* csv_read.c - an RFC 4180 reader that keeps the line each row starts on */
#include "records.h"

#include <stdlib.h>
#include <string.h>

static void cell_add(struct rec_csv_row *row, struct rec_text_buf *cell)
{
	row->cells = cl_xrealloc(row->cells, (row->n + 1) * sizeof *row->cells);
	row->cells[row->n++] = cell->data ? cell->data : cl_xstrdup("");
	cell->data = NULL;
	cell->len = cell->cap = 0;
}

static void row_free(struct rec_csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		free(row->cells[i]);
	free(row->cells);
	row->cells = NULL;
	row->n = 0;
}

static void row_add(struct rec_csv *csv, struct rec_csv_row *row)
{
	if (csv->n == csv->cap) {
		csv->cap = csv->cap ? 2 * csv->cap : 64;
		csv->rows = cl_xrealloc(csv->rows, csv->cap * sizeof *csv->rows);
	}
	csv->rows[csv->n++] = *row;
	row->cells = NULL;
	row->n = 0;
}

/* one quoted cell from data[*i] (the opening quote) into cell; false when
 * the quote is never closed */
static bool quoted_read(const char *data, size_t len, size_t *i, size_t *line,
			struct rec_text_buf *cell)
{
	size_t k = *i + 1;
	while (k < len) {
		char c = data[k];
		if (c == '"') {
			if (k + 1 < len && data[k + 1] == '"') {
				rec_text_buf_add(cell, "\"", 1);
				k += 2;
				continue;
			}
			*i = k + 1;
			return true;
		}
		if (c == '\n' || (c == '\r' && !(k + 1 < len && data[k + 1] == '\n')))
			(*line)++;
		rec_text_buf_add(cell, &c, 1);
		k++;
	}
	return false;
}

int rec_csv_parse(const char *data, size_t len, struct rec_csv *out, size_t *bad_line)
{
	memset(out, 0, sizeof *out);
	size_t i = 0, line = 1;
	struct rec_csv_row row = {0};
	struct rec_text_buf cell = {0};
	while (i < len) {
		row.line = line;
		bool quoted = false;
		for (;;) {
			if (i < len && data[i] == '"') {
				size_t opened = line;
				quoted = true;
				if (!quoted_read(data, len, &i, &line, &cell)) {
					*bad_line = opened;
					rec_text_buf_release(&cell);
					row_free(&row);
					rec_csv_release(out);
					return CL_EINVAL;
				}
			}
			/* unquoted text, or what follows a closing quote */
			size_t start = i;
			while (i < len && data[i] != ',' && data[i] != '\r' && data[i] != '\n')
				i++;
			if (i > start)
				rec_text_buf_add(&cell, data + start, i - start);
			cell_add(&row, &cell);
			if (i < len && data[i] == ',') {
				i++;
				continue;
			}
			if (i < len) {
				i += (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n') ? 2 : 1;
				line++;
			}
			break;
		}
		if (row.n == 1 && !quoted && row.cells[0][0] == '\0')
			row_free(&row); /* an empty line */
		else
			row_add(out, &row);
	}
	return 0;
}

void rec_csv_release(struct rec_csv *csv)
{
	for (size_t i = 0; i < csv->n; i++)
		row_free(&csv->rows[i]);
	free(csv->rows);
	memset(csv, 0, sizeof *csv);
}

bool rec_csv_row_blank(const struct rec_csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		if (row->cells[i][strspn(row->cells[i], " \t\r\n")] != '\0')
			return false;
	return true;
}

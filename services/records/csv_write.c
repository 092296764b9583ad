/* csv_write.c - RFC 4180 cells and rows, and the byte buffer they go into */
#include "records.h"

#include <stdlib.h>
#include <string.h>

void rec_text_buf_add(struct rec_text_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = cl_xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void rec_text_buf_adds(struct rec_text_buf *b, const char *s)
{
	rec_text_buf_add(b, s, strlen(s));
}

void rec_text_buf_release(struct rec_text_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static bool needs_quotes(const char *s)
{
	size_t n = strlen(s);
	if (!n)
		return false;
	if (strpbrk(s, ",\"\r\n"))
		return true;
	return s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t';
}

void rec_csv_cell_write(struct rec_text_buf *b, const char *s)
{
	if (!needs_quotes(s)) {
		rec_text_buf_adds(b, s);
		return;
	}
	rec_text_buf_add(b, "\"", 1);
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		rec_text_buf_add(b, s, (size_t)(q - s));
		rec_text_buf_add(b, "\"\"", 2);
	}
	rec_text_buf_adds(b, s);
	rec_text_buf_add(b, "\"", 1);
}

void rec_csv_row_write(struct rec_text_buf *b, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			rec_text_buf_add(b, ",", 1);
		rec_csv_cell_write(b, cells[i] ? cells[i] : "");
	}
	rec_text_buf_add(b, "\r\n", 2);
}

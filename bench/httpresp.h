/* httpresp.h - an incremental HTTP/1.1 response reader for the benchmark
 * client: status line, the few headers it needs, and a body delimited by
 * Content-Length, chunked transfer coding or the end of the connection.
 * It does no I/O: feed it what the socket gave.
 */
#ifndef BENCH_HTTPRESP_H
#define BENCH_HTTPRESP_H

#include <stdbool.h>
#include <stddef.h>

#define HR_HEAD_MAX (16 * 1024)
#define HR_COOKIE_MAX 256

enum hr_state {
	HR_HEAD,        /* reading the status line and headers */
	HR_LENGTH,      /* body of Content-Length bytes */
	HR_CHUNK_SIZE,  /* hex size line of the next chunk */
	HR_CHUNK_EXT,   /* rest of the size line after ';' */
	HR_CHUNK_DATA,
	HR_CHUNK_END,   /* CRLF after a chunk's data */
	HR_TRAILER,     /* trailer lines after the last chunk */
	HR_UNTIL_CLOSE, /* body runs to the end of the connection */
	HR_DONE,
	HR_FAILED,
};

enum { HR_MORE = 0, HR_COMPLETE = 1, HR_ERROR = -1 };

struct hr_parser {
	enum hr_state state;
	char *head;              /* owned while reading the head, then freed */
	size_t head_len;
	int status;              /* 0 until the head is read */
	bool chunked;
	long long length;        /* Content-Length, -1 when absent */
	unsigned long long left; /* bytes left in the body or the chunk */
	size_t line_len;         /* trailer line being read */
	char cookie[HR_COOKIE_MAX]; /* first Set-Cookie's name=value, or "" */
};

/* Called with each run of decoded body bytes. */
typedef void hr_body_fn(void *arg, const char *data, size_t len);

/* Allocates nothing; the head buffer comes with the first byte. */
void hr_parser_init(struct hr_parser *p);
/* Frees the head buffer if the head was never completed. */
void hr_parser_release(struct hr_parser *p);

/* Consume len bytes. Body bytes go to body(arg, ...), which may be NULL.
 * Returns HR_COMPLETE once the whole response is read (later bytes are
 * ignored), HR_ERROR on a malformed response, HR_MORE otherwise. */
int hr_parser_feed(struct hr_parser *p, const char *data, size_t len, hr_body_fn *body,
		   void *arg);

/* The peer closed the connection: HR_COMPLETE when that ends the
 * response, HR_ERROR when it cuts it short. */
int hr_parser_end(struct hr_parser *p);

#endif

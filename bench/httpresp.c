/* httpresp.c - incremental HTTP/1.1 response reader (head, Content-Length,
 * chunked and until-close bodies) */
#define _GNU_SOURCE /* strcasestr */
#include "httpresp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HR_CHUNK_MAX (1ull << 40)

void hr_parser_init(struct hr_parser *p)
{
	memset(p, 0, sizeof *p);
	p->state = HR_HEAD;
	p->length = -1;
}

void hr_parser_release(struct hr_parser *p)
{
	free(p->head);
	p->head = NULL;
}

static int fail(struct hr_parser *p)
{
	hr_parser_release(p);
	p->state = HR_FAILED;
	return HR_ERROR;
}

static bool header_is(const char *line, const char *name, const char **value)
{
	size_t n = strlen(name);
	if (strncasecmp(line, name, n) || line[n] != ':')
		return false;
	const char *v = line + n + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	*value = v;
	return true;
}

/* the head is complete and NUL-terminated; choose how the body ends */
static int head_parse(struct hr_parser *p)
{
	char *line = p->head, *eol;
	int major, minor, status;
	if (sscanf(line, "HTTP/%d.%d %3d", &major, &minor, &status) != 3 || status < 100)
		return fail(p);
	p->status = status;
	while ((eol = strstr(line, "\r\n")) != NULL) {
		*eol = '\0';
		const char *v;
		if (header_is(line, "Content-Length", &v)) {
			char *end;
			p->length = strtoll(v, &end, 10);
			if (end == v || p->length < 0)
				return fail(p);
		} else if (header_is(line, "Transfer-Encoding", &v)) {
			p->chunked = strcasestr(v, "chunked") != NULL;
		} else if (header_is(line, "Set-Cookie", &v) && !p->cookie[0]) {
			size_t n = strcspn(v, ";");
			if (n >= sizeof p->cookie)
				return fail(p);
			memcpy(p->cookie, v, n);
			p->cookie[n] = '\0';
		}
		line = eol + 2;
	}
	hr_parser_release(p);
	if (p->chunked) {
		p->state = HR_CHUNK_SIZE;
	} else if (p->length >= 0) {
		p->left = (unsigned long long)p->length;
		p->state = p->left ? HR_LENGTH : HR_DONE;
	} else if (status == 204 || status == 304 || status < 200) {
		p->state = HR_DONE;
	} else {
		p->state = HR_UNTIL_CLOSE;
	}
	return HR_MORE;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hr_parser_feed(struct hr_parser *p, const char *data, size_t len, hr_body_fn *body,
		   void *arg)
{
	size_t i = 0;
	while (i < len) {
		char c = data[i];
		switch (p->state) {
		case HR_HEAD:
			if (!p->head)
				p->head = malloc(HR_HEAD_MAX + 1);
			if (!p->head)
				abort();
			if (p->head_len == HR_HEAD_MAX)
				return fail(p);
			p->head[p->head_len++] = c;
			i++;
			if (p->head_len >= 4 && !memcmp(p->head + p->head_len - 4, "\r\n\r\n", 4)) {
				p->head[p->head_len] = '\0';
				if (head_parse(p) < 0)
					return HR_ERROR;
			}
			break;
		case HR_LENGTH:
		case HR_CHUNK_DATA: {
			size_t n = len - i;
			if (n > p->left)
				n = (size_t)p->left;
			if (body)
				body(arg, data + i, n);
			i += n;
			p->left -= n;
			if (!p->left)
				p->state = p->state == HR_LENGTH ? HR_DONE : HR_CHUNK_END;
			break;
		}
		case HR_UNTIL_CLOSE:
			if (body)
				body(arg, data + i, len - i);
			i = len;
			break;
		case HR_CHUNK_SIZE: {
			int h = hex_value(c);
			i++;
			if (h >= 0) {
				p->left = p->left * 16 + (unsigned)h;
				if (p->left > HR_CHUNK_MAX)
					return fail(p);
			} else if (c == ';') {
				p->state = HR_CHUNK_EXT;
			} else if (c == '\n') {
				p->state = p->left ? HR_CHUNK_DATA : HR_TRAILER;
				p->line_len = 0;
			} else if (c != '\r' && c != ' ' && c != '\t') {
				return fail(p);
			}
			break;
		}
		case HR_CHUNK_EXT:
			i++;
			if (c == '\n') {
				p->state = p->left ? HR_CHUNK_DATA : HR_TRAILER;
				p->line_len = 0;
			}
			break;
		case HR_CHUNK_END:
			i++;
			if (c == '\n')
				p->state = HR_CHUNK_SIZE; /* left is 0 here */
			else if (c != '\r')
				return fail(p);
			break;
		case HR_TRAILER:
			i++;
			if (c == '\n') {
				if (p->line_len == 0)
					p->state = HR_DONE;
				p->line_len = 0;
			} else if (c != '\r') {
				p->line_len++;
			}
			break;
		case HR_DONE:
			return HR_COMPLETE;
		case HR_FAILED:
			return HR_ERROR;
		}
	}
	if (p->state == HR_DONE)
		return HR_COMPLETE;
	return p->state == HR_FAILED ? HR_ERROR : HR_MORE;
}

int hr_parser_end(struct hr_parser *p)
{
	if (p->state == HR_DONE || p->state == HR_UNTIL_CLOSE) {
		p->state = HR_DONE;
		return HR_COMPLETE;
	}
	return fail(p);
}

/* test_ical_writer.c - the iCalendar writer of carelink-records: TEXT
 * escaping, CRLF line ends, folding at exactly 75 octets without splitting
 * a UTF-8 character, Asia/Tokyo local times and a whole VEVENT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/records/ical_line.c"
#include "../../../services/records/ical_calendar.c"

static const struct escape_case {
	const char *in, *want;
} escape_cases[] = {
	{"", ""},
	{"研修会", "研修会"},
	{"a,b;c\\d", "a\\,b\\;c\\\\d"},
	{"一行目\n二行目", "一行目\\n二行目"},
	{"CRLF\r\nCR\rLF\n", "CRLF\\nCR\\nLF\\n"},
	{"tab\tbell\acontrol\x7f", "tab\tbellcontrol"},
	{"会場: 3F, 会議室;A", "会場: 3F\\, 会議室\\;A"},
};

static void test_escape(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof escape_cases / sizeof escape_cases[0]; i++) {
		char *got = rec_ical_escape(escape_cases[i].in);
		assert_string_equal(got, escape_cases[i].want);
		free(got);
	}
}

static void test_param(void **state)
{
	(void)state;
	char *got = rec_ical_param("みどり市\"医師会\":本部;A,B");
	assert_string_equal(got, "\"みどり市医師会:本部;A,B\"");
	free(got);
}

/* Every physical line ends in CRLF, holds at most 75 octets and never
 * begins inside a UTF-8 character; joining the continuations (lines
 * starting with a space) gives back the logical lines, without CRLF. */
static char *check_lines(const char *out, size_t *n_lines)
{
	char *joined = calloc(1, strlen(out) + 1);
	assert_non_null(joined);
	size_t k = 0;
	*n_lines = 0;
	const char *p = out;
	while (*p) {
		const char *crlf = strstr(p, "\r\n");
		assert_non_null(crlf);
		size_t len = (size_t)(crlf - p);
		assert_true(len <= 75);
		assert_null(memchr(p, '\n', len));
		assert_null(memchr(p, '\r', len));
		const char *content = p;
		if (*n_lines > 0 && p[0] == ' ') { /* a continuation */
			content++;
			len--;
		}
		if (len)
			assert_true(((unsigned char)content[0] & 0xC0) != 0x80);
		memcpy(joined + k, content, len);
		k += len;
		(*n_lines)++;
		p = crlf + 2;
	}
	return joined;
}

/* out with every fold ("\r\n ") taken out; caller frees */
static char *unfold(const char *out)
{
	char *text = calloc(1, strlen(out) + 1), *o = text;
	assert_non_null(text);
	for (const char *p = out; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		*o++ = *p;
	}
	return text;
}

static void test_fold_ascii_exact(void **state)
{
	(void)state;
	char value[200];
	struct rec_ical ic;
	/* "SUMMARY:" is 8 octets: 67 more fill one line of exactly 75 */
	memset(value, 'x', 67);
	value[67] = '\0';
	rec_ical_init(&ic);
	rec_ical_line(&ic, "SUMMARY", value);
	assert_int_equal(ic.len, 77);
	assert_memory_equal(ic.data + 75, "\r\n", 2);
	rec_ical_release(&ic);

	/* one more octet folds: 75, then " " and the last one */
	value[67] = 'y';
	value[68] = '\0';
	rec_ical_init(&ic);
	rec_ical_line(&ic, "SUMMARY", value);
	assert_int_equal(ic.len, 75 + 2 + 2 + 2);
	assert_memory_equal(ic.data + 75, "\r\n y\r\n", 6);
	rec_ical_release(&ic);
}

static void test_fold_multibyte(void **state)
{
	(void)state;
	/* "SUMMARY:" (8) + 研 (3 octets) x 30: the first line takes 8 + 66 = 74
	 * octets (a 23rd character would end at 77), the next lines 1 + 72 */
	char value[200] = "";
	for (int i = 0; i < 30; i++)
		strcat(value, "研");
	struct rec_ical ic;
	rec_ical_init(&ic);
	rec_ical_line(&ic, "SUMMARY", value);
	const char *first_end = strstr(ic.data, "\r\n");
	assert_int_equal(first_end - ic.data, 74);
	assert_memory_equal(first_end, "\r\n ", 3);
	size_t n;
	char *joined = check_lines(ic.data, &n);
	assert_int_equal(n, 2);
	char want[220] = "SUMMARY:";
	strcat(want, value);
	assert_string_equal(joined, want);
	free(joined);
	rec_ical_release(&ic);
}

static void test_fold_every_offset(void **state)
{
	(void)state;
	/* shift a mix of 1-, 2-, 3- and 4-octet characters across the fold */
	const char *mix = "aé研😀";
	for (int shift = 0; shift < 8; shift++) {
		char value[2000] = "";
		for (int i = 0; i < shift; i++)
			strcat(value, "a");
		for (int i = 0; i < 40; i++)
			strcat(value, mix);
		struct rec_ical ic;
		rec_ical_init(&ic);
		rec_ical_line(&ic, "DESCRIPTION", value);
		size_t n;
		char *joined = check_lines(ic.data, &n);
		assert_true(n > 4);
		assert_string_equal(joined + strlen("DESCRIPTION:"), value);
		free(joined);
		rec_ical_release(&ic);
	}
}

static void test_times(void **state)
{
	(void)state;
	char t[20];
	/* 2026-12-01T05:00:00Z is 14:00 in Tokyo */
	int64_t ms = 1796101200000LL;
	assert_string_equal(rec_ical_utc(ms, t), "20261201T050000Z");
	assert_string_equal(rec_ical_local(ms, t), "20261201T140000");
	/* 2026-12-31T20:30:00Z is already the next year in Tokyo */
	ms = 1798749000000LL;
	assert_string_equal(rec_ical_local(ms, t), "20270101T053000");
}

static void test_calendar(void **state)
{
	(void)state;
	struct rec_ical ic;
	rec_ical_init(&ic);
	rec_ical_begin(&ic, "みどり市 イベントカレンダー");
	struct rec_ical_event ev = {
		.id = "3f2a0c4e-1111-4000-8000-000000000001",
		.starts_ms = 1796101200000LL,
		.stamp_ms = 1796000000000LL,
		.modified_ms = 1795000000000LL,
		.sequence = 2,
		.title = "認知症対応力向上研修, 第2回",
		.place = "みどり市役所 3F; 大会議室",
		.description = "持ち物:\n筆記用具",
		.kind = "研修",
		.organiser_id = "0f1e2d3c-0001-4000-8000-000000000002",
		.organiser_name = "みどり市地域包括支援センター",
	};
	rec_ical_event(&ic, &ev);
	rec_ical_end(&ic);
	size_t n;
	char *joined = check_lines(ic.data, &n);
	free(joined);
	char *text = unfold(ic.data);
	const char *want[] = {
		"BEGIN:VCALENDAR\r\n",
		"PRODID:-//carelink//calendar//JA\r\n",
		"VERSION:2.0\r\n",
		"CALSCALE:GREGORIAN\r\n",
		"X-WR-TIMEZONE:Asia/Tokyo\r\n",
		"BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\n",
		"TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\n",
		"UID:3f2a0c4e-1111-4000-8000-000000000001@carelink\r\n",
		"DTSTAMP:20261130T005320Z\r\n",
		"DTSTART;TZID=Asia/Tokyo:20261201T140000\r\n",
		"DTEND;TZID=Asia/Tokyo:20261201T150000\r\n",
		"SUMMARY:認知症対応力向上研修\\, 第2回\r\n",
		"LOCATION:みどり市役所 3F\\; 大会議室\r\n",
		"DESCRIPTION:持ち物:\\n筆記用具\r\n",
		"CATEGORIES:研修\r\n",
		"ORGANIZER;CN=\"みどり市地域包括支援センター\":urn:uuid:"
		"0f1e2d3c-0001-4000-8000-000000000002\r\n",
		"SEQUENCE:2\r\n",
		"END:VEVENT\r\nEND:VCALENDAR\r\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(text, want[i]))
			fail_msg("missing %s in\n%s", want[i], text);
	assert_non_null(strstr(text, "LAST-MODIFIED:20261118T110640Z\r\n"));
	/* the long ORGANIZER line was folded */
	assert_null(strstr(ic.data, "ORGANIZER;CN=\"みどり市地域包括支援センター\":urn:uuid:"
				    "0f1e2d3c-0001-4000-8000-000000000002\r\n"));
	free(text);
	rec_ical_release(&ic);
}

static void test_event_with_end_and_no_optional(void **state)
{
	(void)state;
	struct rec_ical ic;
	rec_ical_init(&ic);
	struct rec_ical_event ev = {
		.id = "3f2a0c4e-1111-4000-8000-000000000002",
		.starts_ms = 1796101200000LL,
		.ends_ms = 1796101200000LL + 90 * 60 * 1000,
		.stamp_ms = 1796000000000LL,
		.title = "会議",
	};
	rec_ical_event(&ic, &ev);
	assert_non_null(strstr(ic.data, "DTEND;TZID=Asia/Tokyo:20261201T153000\r\n"));
	assert_null(strstr(ic.data, "LOCATION"));
	assert_null(strstr(ic.data, "ORGANIZER"));
	assert_null(strstr(ic.data, "DESCRIPTION"));
	assert_non_null(strstr(ic.data, "SEQUENCE:0\r\n"));
	rec_ical_release(&ic);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_param),
		cmocka_unit_test(test_fold_ascii_exact),
		cmocka_unit_test(test_fold_multibyte),
		cmocka_unit_test(test_fold_every_offset),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_event_with_end_and_no_optional),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_attachment_rules.c - attachments of carelink-records: accepted
 * types, magic bytes, file names and Content-Disposition with RFC 5987 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/records/attachment_type.c"
#include "../../../services/records/search_query.c"

static void test_types(void **state)
{
	(void)state;
	assert_string_equal(rec_attachment_type("image/png"), "image/png");
	assert_string_equal(rec_attachment_type("IMAGE/JPEG"), "image/jpeg");
	assert_string_equal(rec_attachment_type(" application/pdf; charset=binary"),
			    "application/pdf");
	assert_string_equal(rec_attachment_type("image/webp"), "image/webp");
	assert_null(rec_attachment_type(NULL));
	assert_null(rec_attachment_type(""));
	assert_null(rec_attachment_type("image/svg+xml"));
	assert_null(rec_attachment_type("text/html"));
	assert_null(rec_attachment_type("image/pngx"));
	assert_null(rec_attachment_type("application/pd"));
}

static const struct magic_case {
	const char *type;
	const char *data;
	size_t len;
	bool ok;
} magic_cases[] = {
	{"image/png", "\x89PNG\r\n\x1a\n\0\0", 10, true},
	{"image/png", "\x89PNG\r\n", 6, false},
	{"image/png", "%PDF-1.7", 8, false},
	{"image/jpeg", "\xff\xd8\xff\xe0", 4, true},
	{"image/jpeg", "\xff\xd8", 2, false},
	{"image/gif", "GIF89a..", 8, true},
	{"image/gif", "GIF87a", 6, true},
	{"image/gif", "GIF88a", 6, false},
	{"image/webp", "RIFF\0\0\0\0WEBPVP8 ", 16, true},
	{"image/webp", "RIFF\0\0\0\0WAVEfmt ", 16, false},
	{"image/webp", "RIFF\0\0\0\0WEB", 11, false},
	{"application/pdf", "%PDF-1.4\n", 9, true},
	{"application/pdf", "<html>", 6, false},
	{"application/pdf", "", 0, false},
};

static void test_magic(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof magic_cases / sizeof magic_cases[0]; i++) {
		const struct magic_case *c = &magic_cases[i];
		if (rec_attachment_magic_ok(c->type, (const unsigned char *)c->data, c->len) !=
		    c->ok)
			fail_msg("case %zu (%s): expected %d", i, c->type, c->ok);
	}
}

static void test_filenames(void **state)
{
	(void)state;
	char long_name[300];
	memset(long_name, 'a', 255);
	long_name[255] = '\0';
	assert_true(rec_attachment_filename_ok("退院時の写真.png"));
	assert_true(rec_attachment_filename_ok("report (1).pdf"));
	assert_true(rec_attachment_filename_ok(long_name));
	long_name[255] = 'a';
	long_name[256] = '\0';
	assert_false(rec_attachment_filename_ok(long_name));
	assert_false(rec_attachment_filename_ok(NULL));
	assert_false(rec_attachment_filename_ok(""));
	assert_false(rec_attachment_filename_ok("a/b.png"));
	assert_false(rec_attachment_filename_ok("..\\b.png"));
	assert_false(rec_attachment_filename_ok("a\nb.png"));
	assert_false(rec_attachment_filename_ok("a\tb.png"));
	assert_false(rec_attachment_filename_ok("a\x7f.png"));
	assert_false(rec_attachment_filename_ok("a\xc2\x85.png")); /* U+0085 */
	assert_false(rec_attachment_filename_ok("\xff\xfe.png"));  /* not UTF-8 */
}

static void test_disposition(void **state)
{
	(void)state;
	char *d = rec_content_disposition("image/png", "退院.png");
	assert_string_equal(d, "inline; filename=\"__.png\"; "
			       "filename*=UTF-8''%E9%80%80%E9%99%A2.png");
	free(d);
	d = rec_content_disposition("application/pdf", "a \"b\"\\c;d%.pdf");
	assert_string_equal(d, "attachment; filename=\"a _b__c;d%.pdf\"; "
			       "filename*=UTF-8''a%20%22b%22%5Cc%3Bd%25.pdf");
	free(d);
	d = rec_content_disposition("image/jpeg", "plain-name_1.jpg");
	assert_string_equal(d, "inline; filename=\"plain-name_1.jpg\"; "
			       "filename*=UTF-8''plain-name_1.jpg");
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_magic),
		cmocka_unit_test(test_filenames),
		cmocka_unit_test(test_disposition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

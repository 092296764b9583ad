/* test_entry_fields.c - timeline entries of carelink-records: categories,
 * the ranges of vitals, the codes of medication, ADL and incidents, text */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the unit under test is internal to the service: build it in */
#include "../../../services/records/entry_fields.c"

static const struct fields_case {
	const char *category;
	const char *fields; /* JSON or NULL */
	const char *text;
	const char *code;   /* NULL: accepted */
	const char *named;  /* a word the message must hold */
} cases[] = {
	{"vitals", "{\"systolic\":128,\"diastolic\":78,\"pulse\":72}", NULL, NULL, NULL},
	{"vitals", "{\"temperature\":36.8,\"spo2\":97,\"weight\":48.5,\"respiration\":16}", NULL,
	 NULL, NULL},
	{"vitals", "{\"temperature\":37}", NULL, NULL, NULL},
	{"vitals", "{\"systolic\":40,\"diastolic\":20}", NULL, NULL, NULL},
	{"vitals", "{\"systolic\":300}", "", NULL, NULL},
	{"vitals", "{\"systolic\":301}", NULL, "invalid_vitals", "systolic"},
	{"vitals", "{\"systolic\":39}", NULL, "invalid_vitals", "systolic"},
	{"vitals", "{\"diastolic\":201}", NULL, "invalid_vitals", "diastolic"},
	{"vitals", "{\"systolic\":120,\"diastolic\":120}", NULL, "invalid_vitals", "diastolic"},
	{"vitals", "{\"diastolic\":90,\"systolic\":80}", NULL, "invalid_vitals", "diastolic"},
	{"vitals", "{\"pulse\":19}", NULL, "invalid_vitals", "pulse"},
	{"vitals", "{\"pulse\":251}", NULL, "invalid_vitals", "pulse"},
	{"vitals", "{\"pulse\":72.5}", NULL, "invalid_vitals", "pulse"},
	{"vitals", "{\"temperature\":29.9}", NULL, "invalid_vitals", "temperature"},
	{"vitals", "{\"temperature\":45.1}", NULL, "invalid_vitals", "temperature"},
	{"vitals", "{\"temperature\":\"36.5\"}", NULL, "invalid_vitals", "temperature"},
	{"vitals", "{\"spo2\":101}", NULL, "invalid_vitals", "spo2"},
	{"vitals", "{\"spo2\":49}", NULL, "invalid_vitals", "spo2"},
	{"vitals", "{\"weight\":0.5}", NULL, "invalid_vitals", "weight"},
	{"vitals", "{\"weight\":300.1}", NULL, "invalid_vitals", "weight"},
	{"vitals", "{\"respiration\":3}", NULL, "invalid_vitals", "respiration"},
	{"vitals", "{\"respiration\":null}", NULL, "invalid_vitals", "respiration"},
	{"vitals", "{\"height\":160}", NULL, "invalid_fields", "height"},
	{"vitals", "{}", NULL, "empty_entry", NULL},
	{"vitals", NULL, "  \n", "empty_entry", NULL},
	{"vitals", NULL, "測定拒否", NULL, NULL},
	{"vitals", "[]", NULL, "invalid_fields", "fields"},
	{"medication", "{\"drug\":\"アムロジピン\",\"change\":\"start\",\"dose\":\"5mg 朝\"}", NULL,
	 NULL, NULL},
	{"medication", "{\"change\":\"increase\"}", NULL, "invalid_code", "change"},
	{"medication", "{\"drug\":\"\"}", NULL, "invalid_fields", "drug"},
	{"medication", "{\"drug\":12}", NULL, "invalid_fields", "drug"},
	{"medication", "{\"route\":\"oral\"}", NULL, "invalid_fields", "route"},
	{"adl", "{\"eating\":\"independent\",\"mobility\":\"partial\",\"condition\":\"良好\"}", NULL,
	 NULL, NULL},
	{"adl", "{\"bathing\":\"full\",\"toileting\":\"watch\"}", NULL, NULL, NULL},
	{"adl", "{\"eating\":\"some\"}", NULL, "invalid_code", "eating"},
	{"adl", "{\"sleeping\":\"full\"}", NULL, "invalid_fields", "sleeping"},
	{"incident", "{\"kind\":\"fall\",\"injury\":false,\"occurred_at\":\"2026-11-24T09:30:00+09:00\"}",
	 NULL, NULL, NULL},
	{"incident", "{\"kind\":\"wandering\",\"occurred_at\":\"2026-11-24T00:30:00.250Z\"}", NULL,
	 NULL, NULL},
	{"incident", "{\"kind\":\"slip\"}", NULL, "invalid_code", "kind"},
	{"incident", "{\"injury\":\"yes\"}", NULL, "invalid_fields", "injury"},
	{"incident", "{\"occurred_at\":\"yesterday\"}", NULL, "invalid_fields", "occurred_at"},
	{"incident", "{\"occurred_at\":\"2026-13-01T00:00Z\"}", NULL, "invalid_fields",
	 "occurred_at"},
	{"visit_note", NULL, "訪問。変わりなし。", NULL, NULL},
	{"visit_note", NULL, NULL, "text_required", "text"},
	{"visit_note", "{\"drug\":\"x\"}", "メモ", "invalid_fields", "drug"},
	{"message", NULL, "明日の訪問時間を変更します", NULL, NULL},
	{"message", "{}", " ", "text_required", "text"},
	{"diary", NULL, "text", "invalid_code", "diary"},
	{NULL, NULL, "text", "invalid_code", NULL},
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct fields_case *c = &cases[i];
		json_t *fields = c->fields ? json_loads(c->fields, 0, NULL) : NULL;
		if (c->fields)
			assert_non_null(fields);
		struct rec_entry_problem p = {0};
		bool ok = rec_entry_fields_check(c->category, fields, c->text, &p);
		if (ok != !c->code || (c->code && strcmp(p.code, c->code)) ||
		    (c->named && !strstr(p.message, c->named)))
			fail_msg("case %zu (%s %s): ok %d code %s message %s", i,
				 c->category ? c->category : "-", c->fields ? c->fields : "-", ok,
				 p.code ? p.code : "-", p.message);
		json_decref(fields);
	}
}

static void test_text_limit(void **state)
{
	(void)state;
	/* 10000 characters of 3 bytes each pass; one more does not */
	size_t n = REC_ENTRY_TEXT_MAX + 1;
	char *text = malloc(3 * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(text + 3 * i, "あ", 3);
	text[3 * n] = '\0';
	struct rec_entry_problem p = {0};
	assert_false(rec_entry_fields_check("visit_note", NULL, text, &p));
	assert_string_equal(p.code, "invalid_text");
	text[3 * (n - 1)] = '\0';
	assert_true(rec_entry_fields_check("visit_note", NULL, text, &p));
	free(text);
}

static void test_templates(void **state)
{
	(void)state;
	struct rec_entry_problem p = {0};
	/* a template's defaults may be empty, but are held to the same rules */
	assert_true(rec_template_fields_check("vitals", NULL, &p));
	json_t *f = json_pack("{s:i}", "spo2", 96);
	assert_true(rec_template_fields_check("vitals", f, &p));
	json_decref(f);
	f = json_pack("{s:i}", "spo2", 120);
	assert_false(rec_template_fields_check("vitals", f, &p));
	assert_string_equal(p.code, "invalid_vitals");
	json_decref(f);
	assert_false(rec_template_fields_check("note", NULL, &p));
	assert_string_equal(p.code, "invalid_code");
}

static void test_categories(void **state)
{
	(void)state;
	const char *good[] = {"visit_note", "vitals", "medication", "adl", "incident", "message"};
	for (size_t i = 0; i < 6; i++)
		assert_true(rec_entry_category_ok(good[i]));
	assert_false(rec_entry_category_ok(NULL));
	assert_false(rec_entry_category_ok(""));
	assert_false(rec_entry_category_ok("Vitals"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_categories),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_patient_checks.c - the pure parts of patient files in
 * carelink-records: the audit row's text form and its chained SHA-256,
 * katakana names, dates not in the future, the codes of care levels, team
 * roles and consent scopes */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

/* the units under test are internal to the service: build them in */
#include "../../../services/records/audit_text.c"
#include "../../../services/records/patient_check.c"

static const struct rec_audit_row sample = {
	.id = "42",
	.at = "2026-11-24T10:00:00.123456Z",
	.tenant_id = "t1",
	.user_id = "u1",
	.user_name = "山田\\ 花子\nX",
	.patient_id = "3f0c0000-0000-4000-8000-000000000001",
	.entry_id = NULL,
	.action = "read",
	.route = "GET /v1/patients/:id",
	.address = "203.0.113.7",
	.outcome = "ok",
};

static void audit_text_form(void **state)
{
	(void)state;
	char *text = rec_audit_text(&sample);
	assert_string_equal(text, "42\n2026-11-24T10:00:00.123456Z\nt1\nu1\n"
				  "山田\\\\ 花子\\nX\n3f0c0000-0000-4000-8000-000000000001\n"
				  "\\N\nread\nGET /v1/patients/:id\n203.0.113.7\nok\n");
	free(text);
	/* NULL and the two characters "\N" stay apart */
	struct rec_audit_row r = sample;
	r.entry_id = "\\N";
	text = rec_audit_text(&r);
	assert_non_null(strstr(text, "\n\\\\N\n"));
	free(text);
}

static void audit_hash_chain(void **state)
{
	(void)state;
	char *text = rec_audit_text(&sample);
	char h1[REC_AUDIT_HASH_HEX + 1], h2[REC_AUDIT_HASH_HEX + 1];
	assert_int_equal(strlen(rec_audit_genesis), 64);
	rec_audit_hash(rec_audit_genesis, text, h1);
	/* hex(SHA-256("0"*64 "\n" text)), computed independently */
	assert_string_equal(h1,
			    "5298b1e755feba2b56e1a20f4d7cb5851c59e4a66662c24ac2c1c92b36477d2e");
	/* the link counts: another prev_hash, another hash */
	rec_audit_hash(h1, text, h2);
	assert_string_not_equal(h1, h2);
	free(text);
	/* a changed column changes the hash */
	struct rec_audit_row r = sample;
	r.outcome = "denied";
	text = rec_audit_text(&r);
	rec_audit_hash(rec_audit_genesis, text, h2);
	assert_string_not_equal(h1, h2);
	free(text);
}

static void kana_names(void **state)
{
	(void)state;
	assert_true(rec_kana_valid("ヤマダ タロウ"));
	assert_true(rec_kana_valid("ヤマダ\xe3\x80\x80タロウ")); /* U+3000 */
	assert_true(rec_kana_valid("ヴァーチャル・テスト")); /* ヴ, ー, ・ */
	assert_false(rec_kana_valid(""));
	assert_false(rec_kana_valid("   "));
	assert_false(rec_kana_valid("やまだ たろう"));     /* hiragana */
	assert_false(rec_kana_valid("山田 太郎"));
	assert_false(rec_kana_valid("Yamada"));
	assert_false(rec_kana_valid("ﾔﾏﾀﾞ"));              /* half-width */
	assert_false(rec_kana_valid("ヤマダ1"));
	assert_false(rec_kana_valid("ヤマダ\xe3"));         /* cut short */
}

static void dates(void **state)
{
	(void)state;
	long today = cl_days_from_civil(2026, 11, 24);
	assert_true(rec_patient_date_valid("1938-04-02", today));
	assert_true(rec_patient_date_valid("2026-11-24", today));
	assert_true(rec_patient_date_valid("2024-02-29", today));
	assert_false(rec_patient_date_valid("2026-11-25", today)); /* the future */
	assert_false(rec_patient_date_valid("2023-02-29", today)); /* no such day */
	assert_false(rec_patient_date_valid("1938-13-01", today));
	assert_false(rec_patient_date_valid("1938-4-2", today));
	assert_false(rec_patient_date_valid("1938-04-02T00:00", today));
	assert_false(rec_patient_date_valid("", today));
	assert_false(rec_patient_date_valid(NULL, today));
	assert_false(rec_patient_date_valid("１９３８-04-02", today));
}

static void codes(void **state)
{
	(void)state;
	assert_true(rec_care_level_valid("care_3"));
	assert_true(rec_care_level_valid("support_1"));
	assert_true(rec_care_level_valid("applying"));
	assert_false(rec_care_level_valid("care_6"));
	assert_false(rec_care_level_valid(NULL));
	assert_true(rec_team_role_valid("primary_doctor"));
	assert_true(rec_team_role_valid("hospital_liaison"));
	assert_false(rec_team_role_valid("doctor"));
	assert_false(rec_team_role_valid("break_glass"));
	assert_true(rec_consent_scope_valid("care_team"));
	assert_true(rec_consent_scope_valid("care_team_and_city"));
	assert_false(rec_consent_scope_valid("city"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(audit_text_form), cmocka_unit_test(audit_hash_chain),
		cmocka_unit_test(kana_names),      cmocka_unit_test(dates),
		cmocka_unit_test(codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

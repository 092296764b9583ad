/* patient_check.c - checks of patient values: katakana names, dates not in
 * the future, the codes of care levels, team roles and consent scopes */
#include "patient_parts.h"

#include <stdio.h>
#include <string.h>

static bool code_in(const char *s, const char *const *codes)
{
	if (!s)
		return false;
	for (size_t i = 0; codes[i]; i++)
		if (!strcmp(s, codes[i]))
			return true;
	return false;
}

bool rec_kana_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	bool any = false;
	while (*p) {
		if (*p == ' ') {
			p++;
			continue;
		}
		/* three-byte UTF-8 only: U+3000 or U+30A1..U+30FC */
		if (p[0] != 0xE3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return false;
		unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
		if (cp == 0x3000) {
			p += 3;
			continue;
		}
		if (cp < 0x30A1 || cp > 0x30FC)
			return false;
		any = true;
		p += 3;
	}
	return any;
}

bool rec_patient_date_valid(const char *s, long today)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	long y, m, d;
	if (sscanf(s, "%4ld-%2ld-%2ld", &y, &m, &d) != 3)
		return false;
	if (y < 1850 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	/* a date that does not exist comes back as another one */
	long days = cl_days_from_civil(y, m, d);
	long y2, m2, d2;
	cl_civil_from_days(days, &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d)
		return false;
	return days <= today;
}

bool rec_care_level_valid(const char *s)
{
	static const char *const codes[] = {"support_1", "support_2", "care_1", "care_2",
					    "care_3",    "care_4",    "care_5", "none",
					    "applying",  NULL};
	return code_in(s, codes);
}

bool rec_team_role_valid(const char *s)
{
	static const char *const codes[] = {"primary_doctor", "visiting_nurse", "care_manager",
					    "helper",         "pharmacist",     "therapist",
					    "hospital_liaison", "social_worker", "other", NULL};
	return code_in(s, codes);
}

bool rec_consent_scope_valid(const char *s)
{
	static const char *const codes[] = {"care_team", "care_team_and_city", NULL};
	return code_in(s, codes);
}

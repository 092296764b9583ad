/* csv_formula.c - the guard of exported cells against spreadsheet formulas
 * ("CSV injection"): a text that a spreadsheet program would take for a
 * formula (it starts with =, +, -, @, a tab or a carriage return) is
 * written with a leading apostrophe, and the import takes that apostrophe
 * off again, so a round trip keeps the text */
#include "records.h"

#include <string.h>

static bool formula_start(char c)
{
	return c && strchr("=+-@\t\r", c) != NULL;
}

char *rec_csv_formula_guard(const char *text)
{
	if (!formula_start(text[0]))
		return cl_xstrdup(text);
	size_t n = strlen(text);
	char *out = cl_xmalloc(n + 2);
	out[0] = '\'';
	memcpy(out + 1, text, n + 1);
	return out;
}

const char *rec_csv_formula_unguard(const char *cell)
{
	return cell[0] == '\'' && formula_start(cell[1]) ? cell + 1 : cell;
}

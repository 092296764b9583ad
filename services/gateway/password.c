/* password.c - the password policy, the common-password list and argon2id
 * hashing (see password.h) */
#include "password.h"

#include <carelink/err.h>
#include <carelink/log.h>
#include <carelink/service.h>
#include <carelink/util.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 1024

/* ---------------------------------------------------------------- UTF-8 */

/* the code point at *p, advancing *p; -1 when the bytes are not valid
 * UTF-8 (overlong forms, surrogates and values past U+10FFFF included) */
static long utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	long cp;
	int n;
	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	} else if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f;
		n = 1;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f;
		n = 2;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07;
		n = 3;
	} else {
		return -1;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1; /* also stops at the terminating NUL */
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	static const long min[4] = {0, 0x80, 0x800, 0x10000};
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*p = s + n + 1;
	return cp;
}

long gw_password_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	while (*p) {
		if (utf8_next(&p) < 0)
			return -1;
		n++;
	}
	return n;
}

/* ---------------------------------------------------------------- classes */

enum char_class { CC_LETTER, CC_DIGIT, CC_SYMBOL, CC_CONTROL };

struct range {
	long lo, hi;
};

/* blocks of punctuation and symbols outside ASCII */
static const struct range symbol_ranges[] = {
	{0x00a1, 0x00bf},   /* Latin-1 punctuation and signs */
	{0x00d7, 0x00d7},   /* multiplication sign */
	{0x00f7, 0x00f7},   /* division sign */
	{0x2000, 0x206f},   /* general punctuation (spaces, dashes, quotes) */
	{0x20a0, 0x20cf},   /* currency */
	{0x2100, 0x214f},   /* letterlike symbols */
	{0x2190, 0x2bff},   /* arrows, mathematical and technical symbols, shapes */
	{0x3000, 0x303f},   /* CJK symbols and punctuation: 、。「」〒 and U+3000 */
	{0x30fb, 0x30fb},   /* katakana middle dot */
	{0xfe30, 0xfe4f},   /* CJK compatibility forms */
	{0xff01, 0xff0f},   /* full-width ！＂＃＄％＆＇（）＊＋，－．／ */
	{0xff1a, 0xff20},   /* full-width ：；＜＝＞？＠ */
	{0xff3b, 0xff40},   /* full-width ［＼］＾＿｀ */
	{0xff5b, 0xff65},   /* full-width ｛｜｝～ and half-width punctuation */
	{0xffe0, 0xffee},   /* full-width signs ￠￡￢￣￤￥￦ */
	{0x1f000, 0x1faff}, /* emoji and pictographs */
};

static enum char_class classify(long cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return CC_CONTROL;
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			return CC_LETTER;
		if (cp >= '0' && cp <= '9')
			return CC_DIGIT;
		return CC_SYMBOL; /* space and ASCII punctuation */
	}
	if (cp >= 0xff10 && cp <= 0xff19)
		return CC_DIGIT; /* full-width ０-９ */
	for (size_t i = 0; i < sizeof symbol_ranges / sizeof symbol_ranges[0]; i++)
		if (cp >= symbol_ranges[i].lo && cp <= symbol_ranges[i].hi)
			return CC_SYMBOL;
	return CC_LETTER; /* kana, kanji, accented and other scripts' letters */
}

/* ---------------------------------------------------------------- common list */

void gw_password_list_init(struct gw_password_list *l)
{
	l->words = NULL;
	l->n = 0;
}

void gw_password_list_release(struct gw_password_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->words[i]);
	free(l->words);
	gw_password_list_init(l);
}

static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int cmp_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int gw_password_list_load(struct gw_password_list *l, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? CL_ENOENT : CL_EIO;
	size_t cap = 0;
	char line[LINE_MAX_BYTES];
	while (fgets(line, sizeof line, f)) {
		size_t len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		ascii_lower(line);
		if (l->n == cap) {
			cap = cap ? cap * 2 : 1024;
			l->words = cl_xrealloc(l->words, cap * sizeof *l->words);
		}
		l->words[l->n++] = cl_xstrdup(line);
	}
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		gw_password_list_release(l);
		return CL_EIO;
	}
	qsort(l->words, l->n, sizeof *l->words, cmp_words);
	return 0;
}

bool gw_password_list_has(const struct gw_password_list *l, const char *pw)
{
	if (!l || !l->n)
		return false;
	char buf[GW_PASSWORD_MAX_BYTES + 1];
	if (cl_strlcpy(buf, pw, sizeof buf) >= sizeof buf)
		return false;
	ascii_lower(buf);
	const char *key = buf;
	return bsearch(&key, l->words, l->n, sizeof *l->words, cmp_words) != NULL;
}

static bool ascii_digit_or_symbol(unsigned char c)
{
	return c < 0x80 && c >= 0x20 && c != 0x7f &&
	       !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/* pw, or pw without its leading and/or trailing ASCII digits and symbols,
 * is a common password */
static bool is_common(const struct gw_password_list *l, const char *pw)
{
	if (gw_password_list_has(l, pw))
		return true;
	size_t len = strlen(pw), start = 0, end = len;
	while (end > 0 && ascii_digit_or_symbol((unsigned char)pw[end - 1]))
		end--;
	while (start < end && ascii_digit_or_symbol((unsigned char)pw[start]))
		start++;
	char buf[GW_PASSWORD_MAX_BYTES + 1];
	if (len >= sizeof buf)
		return false;
	/* trailing removed, leading removed, both */
	const size_t spans[3][2] = {{0, end}, {start, len}, {start, end}};
	for (int i = 0; i < 3; i++) {
		size_t a = spans[i][0], b = spans[i][1];
		if (b <= a || (a == 0 && b == len))
			continue;
		memcpy(buf, pw + a, b - a);
		buf[b - a] = '\0';
		if (gw_password_list_has(l, buf))
			return true;
	}
	return false;
}

/* the name part of email (before '@'), lowercased, when it is long enough
 * to mean something, is inside pw (ASCII-lowercased) */
static bool is_personal(const char *pw, const char *email)
{
	if (!email)
		return false;
	const char *at = strchr(email, '@');
	size_t n = at ? (size_t)(at - email) : strlen(email);
	if (n < 4 || n > 64)
		return false;
	char name[65], low[GW_PASSWORD_MAX_BYTES + 1];
	memcpy(name, email, n);
	name[n] = '\0';
	ascii_lower(name);
	if (cl_strlcpy(low, pw, sizeof low) >= sizeof low)
		return false;
	ascii_lower(low);
	return strstr(low, name) != NULL;
}

enum gw_password_rule gw_password_check(const struct gw_password_list *common, const char *pw,
					bool two_factor, const char *email)
{
	if (strlen(pw) > GW_PASSWORD_MAX_BYTES)
		return GW_PASSWORD_TOO_LONG;
	const unsigned char *p = (const unsigned char *)pw;
	long chars = 0;
	bool letter = false, digit = false, symbol = false;
	while (*p) {
		long cp = utf8_next(&p);
		if (cp < 0)
			return GW_PASSWORD_INVALID_UTF8;
		switch (classify(cp)) {
		case CC_CONTROL:
			return GW_PASSWORD_CONTROL;
		case CC_LETTER:
			letter = true;
			break;
		case CC_DIGIT:
			digit = true;
			break;
		case CC_SYMBOL:
			symbol = true;
			break;
		}
		chars++;
	}
	if (chars > GW_PASSWORD_MAX)
		return GW_PASSWORD_TOO_LONG;
	if (chars < (two_factor ? GW_PASSWORD_MIN_2FA : GW_PASSWORD_MIN))
		return GW_PASSWORD_TOO_SHORT;
	if (!letter)
		return GW_PASSWORD_NO_LETTER;
	if (!digit)
		return GW_PASSWORD_NO_DIGIT;
	if (!symbol)
		return GW_PASSWORD_NO_SYMBOL;
	if (is_common(common, pw))
		return GW_PASSWORD_COMMON;
	if (is_personal(pw, email))
		return GW_PASSWORD_PERSONAL;
	return GW_PASSWORD_OK;
}

#define MIXED "（英字・数字・記号をすべて混ぜてください）"

const char *gw_password_message(enum gw_password_rule rule, bool two_factor)
{
	switch (rule) {
	case GW_PASSWORD_OK:
		return "";
	case GW_PASSWORD_TOO_SHORT:
		return two_factor ? "パスワードは8文字以上にしてください"
				  : "パスワードは13文字以上にしてください"
				    "（二要素認証を有効にしている場合は8文字以上）";
	case GW_PASSWORD_TOO_LONG:
		return "パスワードは128文字以内にしてください";
	case GW_PASSWORD_NO_LETTER:
		return "パスワードに英字が含まれていません" MIXED;
	case GW_PASSWORD_NO_DIGIT:
		return "パスワードに数字が含まれていません" MIXED;
	case GW_PASSWORD_NO_SYMBOL:
		return "パスワードに記号が含まれていません" MIXED;
	case GW_PASSWORD_CONTROL:
		return "パスワードに制御文字（改行・タブなど）は使えません";
	case GW_PASSWORD_INVALID_UTF8:
		return "パスワードの文字を読み取れません（UTF-8ではありません）";
	case GW_PASSWORD_COMMON:
		return "このパスワードは流出したパスワードの一覧にあり、推測されやすいため使えません。"
		       "別のパスワードにしてください";
	case GW_PASSWORD_PERSONAL:
		return "パスワードにメールアドレスの名前部分を含めないでください";
	}
	return "パスワードが条件を満たしていません";
}

/* ---------------------------------------------------------------- the gateway's list */

static struct gw_password_list common_list;
static pthread_mutex_t common_lock = PTHREAD_MUTEX_INITIALIZER;
static bool common_loaded;

const struct gw_password_list *gw_password_common(const struct gw_app *app)
{
	pthread_mutex_lock(&common_lock);
	if (!common_loaded) {
		char def[1024];
		cl_service_path(app->svc, "services/gateway/data/common-passwords.txt", def,
				sizeof def);
		const char *path = cl_cfg_get(&app->svc->cfg, "auth.common_passwords", def);
		gw_password_list_init(&common_list);
		int rc = gw_password_list_load(&common_list, path);
		if (rc < 0)
			cl_log_error("common password list not loaded", "path", path, "error",
				     cl_strerror(rc), NULL);
		common_loaded = true;
	}
	pthread_mutex_unlock(&common_lock);
	return &common_list;
}

/* ---------------------------------------------------------------- hashes */

void gw_pwhash_params(const struct cl_cfg *cfg, struct gw_pwhash_params *p)
{
	long ops = cl_cfg_get_int(cfg, "auth.pwhash_ops", crypto_pwhash_OPSLIMIT_INTERACTIVE);
	long mem = cl_cfg_get_int(cfg, "auth.pwhash_mem", crypto_pwhash_MEMLIMIT_INTERACTIVE);
	p->ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	p->mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (ops >= (long)crypto_pwhash_OPSLIMIT_MIN && ops <= 64)
		p->ops = (unsigned long long)ops;
	if (mem >= (long)crypto_pwhash_MEMLIMIT_MIN && mem <= (1L << 32))
		p->mem = (size_t)mem;
}

int gw_password_hash(const struct gw_pwhash_params *p, const char *pw,
		     char out[GW_PASSWORD_HASH_SIZE])
{
	if (crypto_pwhash_str(out, pw, strlen(pw), p->ops, p->mem) != 0)
		return CL_EFATAL;
	return 0;
}

bool gw_password_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

bool gw_password_needs_rehash(const struct gw_pwhash_params *p, const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, p->ops, p->mem) != 0;
}

/* one dummy hash per set of limits in use: in practice one */
static struct {
	struct gw_pwhash_params p;
	char hash[GW_PASSWORD_HASH_SIZE];
	bool made;
} dummy;
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;

void gw_password_dummy_verify(const struct gw_pwhash_params *p, const char *pw)
{
	char hash[GW_PASSWORD_HASH_SIZE];
	pthread_mutex_lock(&dummy_lock);
	if (!dummy.made || dummy.p.ops != p->ops || dummy.p.mem != p->mem) {
		unsigned char junk[16];
		char text[33];
		randombytes_buf(junk, sizeof junk);
		sodium_bin2hex(text, sizeof text, junk, sizeof junk);
		if (gw_password_hash(p, text, dummy.hash) < 0)
			abort(); /* out of memory */
		dummy.p = *p;
		dummy.made = true;
	}
	memcpy(hash, dummy.hash, sizeof hash);
	pthread_mutex_unlock(&dummy_lock);
	(void)gw_password_verify(hash, pw);
}

/*
 * fold.c - fold Vietnamese text for matching: lowercase, drop every tone and
 * vowel mark (precomposed as Excel and phones type them, or decomposed with
 * combining marks), map đ/Đ to d, and collapse runs of white space, so that
 * "nguyen van an" finds "Nguyễn  Văn Ân" and "ho ngheo" names "Hộ nghèo".
 * The agent's search and every value-list label (labels.c) fold here.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/changeset.h"
#include "maiam/text.h"

/* Every accented letter of Vietnamese, grouped by the letter it folds to. */
static const struct {
	char base;
	const char *letters;
} groups[] = {
	{ 'a', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ" },
	{ 'e', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ" },
	{ 'i', "ìíỉĩịÌÍỈĨỊ" },
	{ 'o', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ" },
	{ 'u', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ" },
	{ 'y', "ỳýỷỹỵỲÝỶỸỴ" },
	{ 'd', "đĐ" },
};

typedef struct fold_pair {
	uint32_t cp;
	char base;
} fold_pair;

static fold_pair table[160];
static size_t ntable;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static int cmp_pair(const void *a, const void *b)
{
	uint32_t x = ((const fold_pair *)a)->cp, y = ((const fold_pair *)b)->cp;

	return x < y ? -1 : x > y;
}

/* Built once from the groups above (the hub folds from several threads): a
 * sorted table for bsearch. */
static void build_table(void)
{
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		const unsigned char *p = (const unsigned char *)groups[g].letters;

		while (*p && ntable < sizeof table / sizeof table[0]) {
			table[ntable].cp = proto_utf8_next(&p);
			table[ntable].base = groups[g].base;
			ntable++;
		}
	}
	qsort(table, ntable, sizeof table[0], cmp_pair);
}

static int is_combining(uint32_t c)
{
	return (c >= 0x300 && c <= 0x36f) || (c >= 0x1dc0 && c <= 0x1dff) ||
	       (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f);
}

static int is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xa0 || c == 0x3000;
}

char *proto_fold(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	char *out = proto_malloc(len + 1); /* folding never grows the text */
	size_t o = 0;
	int pending_space = 0;

	if (!out)
		return NULL;
	pthread_once(&table_once, build_table);
	while (*p) {
		const unsigned char *at = p;
		uint32_t c = proto_utf8_next(&p);
		fold_pair key = { c, 0 }, *hit;

		if (is_space(c)) {
			pending_space = o > 0;
			continue;
		}
		if (is_combining(c))
			continue;
		if (pending_space) {
			out[o++] = ' ';
			pending_space = 0;
		}
		if (c < 0x80) {
			out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
			continue;
		}
		hit = bsearch(&key, table, ntable, sizeof table[0], cmp_pair);
		if (hit) {
			out[o++] = hit->base;
			continue;
		}
		/* Other letters keep the bytes they came from; an invalid byte
		 * becomes '?', so the output never outgrows the input. */
		if (c == 0xfffd) {
			out[o++] = '?';
			continue;
		}
		memcpy(out + o, at, (size_t)(p - at));
		o += (size_t)(p - at);
	}
	out[o] = '\0';
	return out;
}

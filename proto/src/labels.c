/*
 * labels.c - Vietnamese labels of the value lists (labels.h): the built-in
 * ones from the campaign glossary, lookups both ways, and matching what a
 * person typed through proto_fold so diacritics and case are optional. The
 * codes themselves are the rulebook's (proto_rules_enum): one list of codes.
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/labels.h"
#include "maiam/rules.h"
#include "maiam/schema.h"
#include "maiam/text.h"
#include "labels_int.h"

static const struct {
	const char *name;
	uint8_t kind, field;
	/* parallel to the rulebook's codes of (kind, field) */
	const char *builtin[PROTO_LIST_MAX_CODES + 1];
} lists[PROTO_LIST_N] = {
	[PROTO_LIST_CATEGORY] = { "category",
				  PROTO_KIND_HOUSEHOLD,
				  PROTO_HH_CATEGORY,
				  { "Hộ nghèo", "Hộ cận nghèo", "Hộ khó khăn về nhà ở",
				    "Gia đình chính sách", "Khác", NULL } },
	[PROTO_LIST_LAND_STATUS] = { "land_status",
				     PROTO_KIND_HOUSEHOLD,
				     PROTO_HH_LAND_STATUS,
				     { "Có giấy chứng nhận", "Chưa có giấy chứng nhận",
				       "Đất của gia đình, dòng họ", "Đất thuê, mượn", "Đất công", "Khác",
				       NULL } },
	[PROTO_LIST_SUPPORT_KIND] = { "support_kind",
				      PROTO_KIND_HOUSEHOLD,
				      PROTO_HH_SUPPORT_KIND,
				      { "Xây mới", "Sửa chữa", NULL } },
	[PROTO_LIST_REVIEW_STATUS] = { "review_status",
				       PROTO_KIND_HOUSEHOLD,
				       PROTO_HH_REVIEW_STATUS,
				       { "Chờ xác nhận", "Đã xác nhận", "Không xác nhận", NULL } },
	[PROTO_LIST_STAGE] = { "stage",
			       PROTO_KIND_MILESTONE,
			       PROTO_MS_STAGE,
			       { "Khảo sát", "Được duyệt hỗ trợ", "Khởi công", "Xong móng", "Xong tường",
				 "Xong mái", "Hoàn thành", "Bàn giao", NULL } },
	[PROTO_LIST_SOURCE] = { "source",
				PROTO_KIND_CONTRIBUTION,
				PROTO_CT_SOURCE,
				{ "Bộ Công an", "Công an tỉnh", "Mặt trận Tổ quốc", "Doanh nghiệp",
				  "Nhà hảo tâm", "Gia đình đối ứng", "Khác", NULL } },
};

const char *proto_list_name(proto_list list)
{
	return (unsigned)list < PROTO_LIST_N ? lists[list].name : NULL;
}

const char *const *proto_list_codes(proto_list list)
{
	if ((unsigned)list >= PROTO_LIST_N)
		return NULL;
	return proto_rules_enum(lists[list].kind, lists[list].field);
}

int proto_list_of(uint8_t kind, uint8_t field, proto_list *out)
{
	for (int i = 0; i < PROTO_LIST_N; i++) {
		if (lists[i].kind == kind && lists[i].field == field) {
			*out = (proto_list)i;
			return 1;
		}
	}
	return 0;
}

static const char *label_at(const proto_labels *labels, proto_list list, size_t i)
{
	if (labels && labels->label[list][i])
		return labels->label[list][i];
	return lists[list].builtin[i];
}

const char *proto_label(const proto_labels *labels, proto_list list, const char *code)
{
	const char *const *codes = proto_list_codes(list);

	for (size_t i = 0; code && codes && i < PROTO_LIST_MAX_CODES && codes[i]; i++)
		if (strcmp(codes[i], code) == 0)
			return label_at(labels, list, i);
	return NULL;
}

char *labels_key(const char *s)
{
	char *k = proto_fold(s);
	size_t o = 0;

	if (!k)
		return NULL;
	/* punctuation is the first thing a hurried typist leaves out */
	for (size_t i = 0; k[i]; i++) {
		if (k[i] == ',' || k[i] == '.' || k[i] == ';')
			continue;
		if (k[i] == ' ' && (o == 0 || k[o - 1] == ' '))
			continue;
		k[o++] = k[i];
	}
	while (o > 0 && k[o - 1] == ' ')
		o--;
	k[o] = '\0';
	return k;
}

/* folded with ' ' and '-' as '_': how a code is compared ("near poor") */
static void as_code(char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '-')
			*s = '_';
}

const char *proto_label_code(const proto_labels *labels, proto_list list, const char *typed)
{
	const char *const *codes = proto_list_codes(list);
	const char *hit = NULL;
	char *want, *spelled = NULL;
	size_t i;

	if (!codes || !typed)
		return NULL;
	want = labels_key(typed);
	if (!want)
		return NULL;
	for (i = 0; !hit && i < PROTO_LIST_MAX_CODES && codes[i]; i++) {
		char *folded = labels_key(label_at(labels, list, i));

		if (!folded)
			goto out;
		if (strcmp(folded, want) == 0)
			hit = codes[i];
		free(folded);
	}
	spelled = proto_fold(typed);
	if (!spelled)
		goto out;
	as_code(spelled);
	for (i = 0; !hit && codes[i]; i++)
		if (strcmp(codes[i], spelled) == 0)
			hit = codes[i];
out:
	free(want);
	free(spelled);
	return hit;
}

void proto_label_all(const proto_labels *labels, proto_list list, char *out, size_t n)
{
	const char *const *codes = proto_list_codes(list);
	size_t o = 0;

	if (!out || n == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; codes && codes[i]; i++) {
		const char *l = label_at(labels, list, i);
		size_t need = strlen(l) + (i ? 2 : 0);

		if (o + need + 1 > n)
			break;
		memcpy(out + o, ", ", i ? 2 : 0);
		memcpy(out + o + (i ? 2 : 0), l, strlen(l) + 1);
		o += need;
	}
}

void proto_labels_release(proto_labels *labels)
{
	if (!labels)
		return;
	for (int l = 0; l < PROTO_LIST_N; l++)
		for (int i = 0; i < PROTO_LIST_MAX_CODES; i++)
			free(labels->label[l][i]);
	memset(labels, 0, sizeof *labels);
}

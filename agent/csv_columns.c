/*
 * csv_columns.c - which household field a CSV column holds, by the name in
 * its header cell: the CSV names of docs/AGENT.md ("national_id", any case,
 * ' ' or '-' for '_') or the Vietnamese names communes give them in Excel
 * ("Số CCCD", diacritics optional); and what Excel does to the numbers in
 * them.
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/text.h"
#include "agent.h"
#include "csv.h"
#include "validate.h"

/*
 * Column names as communes write them, compared folded (lowercase, no
 * diacritics, every run of other signs one space): the Vietnamese names,
 * '|' between them. Field 0 is a column that is read and ignored: the row
 * number Excel lists start with, and the reason column of an errors file
 * (so a corrected errors file imports as it is).
 */
static const struct column_names {
	int field;
	const char *shown; /* the usual one, as messages show it */
	const char *names;
} vietnamese_columns[] = {
	{ PROTO_HH_NAME, "Họ tên", "ho ten|ho va ten|ho ten chu ho|ho va ten chu ho|ten chu ho|chu ho" },
	{ PROTO_HH_NATIONAL_ID, "Số CCCD",
	  "so cccd|cccd|so can cuoc|can cuoc cong dan|so can cuoc cong dan|so dinh danh|"
	  "so dinh danh ca nhan|cmnd cccd|so cmnd cccd|so cccd cmnd" },
	{ PROTO_HH_HAMLET, "Ấp", "ap|khom|ap khom|khom ap|thon|thon ap|ap thon" },
	{ PROTO_HH_ADDRESS, "Địa chỉ", "dia chi|dia chi thuong tru|noi o" },
	{ PROTO_HH_MEMBERS, "Số nhân khẩu", "so nhan khau|nhan khau|so khau|so nguoi|so thanh vien" },
	{ PROTO_HH_CATEGORY, "Diện hộ", "dien ho|dien|loai ho|phan loai ho|doi tuong" },
	{ PROTO_HH_LAND_STATUS, "Tình trạng đất", "tinh trang dat|tinh trang dat o|dat o" },
	{ PROTO_HH_CONDITION, "Tình trạng nhà",
	  "tinh trang nha|tinh trang nha o|hien trang nha|hien trang nha o" },
	{ PROTO_HH_PHONE, "Số điện thoại", "so dien thoai|dien thoai|sdt|dt" },
	{ PROTO_HH_NOTE, "Ghi chú", "ghi chu" },
	{ PROTO_HH_SUPPORT_KIND, "Hình thức hỗ trợ", "hinh thuc ho tro|loai ho tro|noi dung ho tro" },
	{ 0, "STT", "stt|so tt|so thu tu|tt|ly do|reason" },
};

/* Fold a column name: "Số CMND/CCCD" -> "so cmnd cccd", "national_id" -> "national id". */
static char *fold_column(const char *text)
{
	char *f = proto_fold(text), *o = f;

	if (!f)
		return NULL;
	for (const char *p = f; *p; p++) {
		int sign = (unsigned char)*p < 0x80 && !(*p >= 'a' && *p <= 'z') &&
			   !(*p >= '0' && *p <= '9');

		if (!sign)
			*o++ = *p;
		else if (o > f && o[-1] != ' ')
			*o++ = ' ';
	}
	while (o > f && o[-1] == ' ')
		o--;
	*o = '\0';
	return f;
}

static int in_list(const char *names, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = names; *p; p += strcspn(p, "|"), p += *p == '|')
		if (strcspn(p, "|") == len && memcmp(p, name, len) == 0)
			return 1;
	return 0;
}

int agent_csv_household_column(const char *text)
{
	char *name = fold_column(text);
	int field = -1;

	if (!name)
		return -1;
	for (size_t k = 0; k < agent_hh_nuser_fields && field < 0; k++) {
		char *csv_name = fold_column(
			proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)agent_hh_user_fields[k])->column);

		if (csv_name && strcmp(csv_name, name) == 0)
			field = agent_hh_user_fields[k];
		free(csv_name);
	}
	for (size_t k = 0; k < CLI_ARRAY_SIZE(vietnamese_columns) && field < 0; k++)
		if (in_list(vietnamese_columns[k].names, name))
			field = vietnamese_columns[k].field;
	free(name);
	return field;
}

void agent_csv_column_label(int field, char *out, size_t n)
{
	const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)field);
	const char *shown = NULL;

	for (size_t k = 0; k < CLI_ARRAY_SIZE(vietnamese_columns) && !shown; k++)
		if (vietnamese_columns[k].field == field)
			shown = vietnamese_columns[k].shown;
	snprintf(out, n, "'%s' (%s)", d ? d->column : "?", shown ? shown : "?");
}

/*
 * Excel turns a number typed into a "General" cell into a number: a CCCD or
 * a phone number loses its leading 0, and 12 digits show as 9.41235E+11.
 * Say so and show the value; never pad it back (the 0 is a guess).
 */
int agent_csv_excel_mangled(int field, const char *v, char *err, size_t n)
{
	size_t digits = strspn(v, "0123456789");

	if ((field == PROTO_HH_NATIONAL_ID || field == PROTO_HH_PHONE) && strpbrk(v, "Ee") &&
	    strspn(v, "0123456789.,+Ee") == strlen(v) && digits > 0) {
		snprintf(err, n,
			 _("'%s' is a number Excel wrote in scientific notation: its digits are lost; format the column as Text in Excel, type the number again and save"),
			 v);
		return 1;
	}
	if (v[digits] || *v == '0')
		return 0;
	if (field == PROTO_HH_NATIONAL_ID && digits == 11) {
		snprintf(err, n,
			 _("'%s' has 11 digits, a CCCD has 12: Excel dropped its leading 0; format the column as Text in Excel, type the number with its 0 and save"),
			 v);
		return 1;
	}
	if (field == PROTO_HH_PHONE && digits == 9) {
		snprintf(err, n,
			 _("'%s' has 9 digits: Excel dropped the leading 0 of the phone number; format the column as Text in Excel, type the number with its 0 and save"),
			 v);
		return 1;
	}
	return 0;
}

/*
 * final_header.c - the first and the last lines of the final report, as the
 * state's documents set them (GLOSSARY.md, "An administrative report"): top
 * left the issuing body in capitals with its number under it, top right the
 * national motto with the place and date in italics; centred, "BÁO CÁO"
 * and the subject; at the end "Nơi nhận" on the left and the signer's title
 * on the right. The words come from the campaign file's [report] section;
 * the date is the as-of date, so the same data give the same document.
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "final_int.h"

#define LEFT_W (FINAL_TEXT_W * 0.42)
#define RIGHT_X (FINAL_LEFT + LEFT_W)
#define RIGHT_W (FINAL_TEXT_W - LEFT_W)

/* Draw text in capitals (Vietnamese letters too): its height. */
static double put_upper(final_doc *doc, const char *text, final_style st, double x, double w)
{
	char *up = g_utf8_strup(text, -1);
	double h = final_put(doc, up, FINAL_SIZE, st, x, w, PANGO_ALIGN_CENTER);

	g_free(up);
	return h;
}

/* The issuer's block (left): its height. */
static double issuer(final_doc *doc)
{
	const proto_report_heading *r = &doc->c->report;
	double top = doc->y;
	char number[512];

	if (r->superior)
		doc->y += put_upper(doc, r->superior, FS_NORMAL, FINAL_LEFT, LEFT_W);
	doc->y += put_upper(doc, r->issuing_body, FS_BOLD, FINAL_LEFT, LEFT_W) + 2;
	final_rule(doc, FINAL_LEFT, LEFT_W, LEFT_W / 3);
	doc->y += 6;
	snprintf(number, sizeof(number), "Số: %s", r->number);
	doc->y += final_put(doc, number, FINAL_SIZE, FS_NORMAL, FINAL_LEFT, LEFT_W, PANGO_ALIGN_CENTER);
	return doc->y - top;
}

/* The national motto, place and date (right): its height. */
static double motto(final_doc *doc)
{
	const proto_report_heading *r = &doc->c->report;
	double top = doc->y;
	char date[64], line[512];

	doc->y += final_put(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", FINAL_SIZE - 1.5, FS_BOLD,
			    RIGHT_X, RIGHT_W, PANGO_ALIGN_CENTER);
	doc->y += final_put(doc, "Độc lập - Tự do - Hạnh phúc", FINAL_SIZE, FS_BOLD, RIGHT_X, RIGHT_W,
			    PANGO_ALIGN_CENTER) +
		  2;
	final_rule(doc, RIGHT_X, RIGHT_W, RIGHT_W * 0.6);
	doc->y += 6;
	final_vn_long_date(doc->as_of, date, sizeof(date));
	snprintf(line, sizeof(line), "%s, %s", r->place, date);
	doc->y += final_put(doc, line, FINAL_SIZE, FS_ITALIC, RIGHT_X, RIGHT_W, PANGO_ALIGN_CENTER);
	return doc->y - top;
}

/* "Kết quả đợt thi đua ...": the campaign's name with a small first letter. */
static char *subject(const char *name)
{
	gunichar first = g_utf8_get_char(name);
	char lower[8] = { 0 };

	g_unichar_to_utf8(g_unichar_tolower(first), lower);
	return g_strdup_printf("Kết quả %s%s", lower, g_utf8_next_char(name));
}

hub_result final_header(final_doc *doc)
{
	double top = doc->y, left, right;
	char day[11], head[65], text[1024];
	char *about;

	left = issuer(doc);
	doc->y = top;
	right = motto(doc);
	doc->y = top + (left > right ? left : right) + 24;
	final_para(doc, "BÁO CÁO", FINAL_SIZE + 2, FS_BOLD, PANGO_ALIGN_CENTER, 2);
	about = subject(doc->c->name);
	final_para(doc, about, FINAL_SIZE, FS_BOLD, PANGO_ALIGN_CENTER, 4);
	g_free(about);
	final_rule(doc, FINAL_LEFT, FINAL_TEXT_W, FINAL_TEXT_W / 4);
	doc->y += 14;
	report_vn_date(doc->as_of, day);
	proto_hex(doc->ledger.head, 8, head);
	snprintf(text, sizeof(text),
		 "Số liệu trong báo cáo tính đến hết ngày %s, lấy từ dữ liệu của máy chủ tỉnh"
		 " (%lld gói dữ liệu đã nhận; mã đối chiếu sổ dữ liệu %s), cùng cách tính với các"
		 " báo cáo của Bảng theo dõi. Báo cáo được ký số bằng khóa của máy chủ tỉnh.",
		 day, (long long)doc->ledger.changesets, head);
	final_para(doc, text, FINAL_SIZE, FS_NORMAL, PANGO_ALIGN_LEFT, 6);
	return HUB_OK;
}

hub_result final_closing(final_doc *doc)
{
	const proto_report_heading *r = &doc->c->report;
	double top, left;
	char *signer, line[1024];
	const char *p;

	final_need(doc, 8 * FINAL_SIZE);
	doc->y += 12;
	top = doc->y;
	doc->y += final_put(doc, "Nơi nhận:", FINAL_SIZE - 1, FS_BOLD | FS_ITALIC, FINAL_LEFT, LEFT_W,
			    PANGO_ALIGN_LEFT);
	for (p = r->recipients; p && *p;) {
		const char *semi = strchr(p, ';');
		size_t n = semi ? (size_t)(semi - p) : strlen(p);

		while (n && *p == ' ')
			p++, n--;
		/* each line ends with ';', the last ("Lưu: VT") with '.' */
		snprintf(line, sizeof(line), "- %.*s%c", (int)n, p, semi ? ';' : '.');
		doc->y += final_put(doc, line, FINAL_SIZE - 2, FS_NORMAL, FINAL_LEFT, LEFT_W,
				    PANGO_ALIGN_LEFT);
		p = semi ? semi + 1 : p + n;
	}
	left = doc->y;
	doc->y = top;
	signer = g_utf8_strup(r->signer, -1);
	doc->y += final_put(doc, signer, FINAL_SIZE, FS_BOLD, RIGHT_X, RIGHT_W, PANGO_ALIGN_CENTER);
	g_free(signer);
	doc->y += final_put(doc, "(Ký số, ghi rõ họ tên)", FINAL_SIZE - 1, FS_ITALIC, RIGHT_X, RIGHT_W,
			    PANGO_ALIGN_CENTER);
	if (doc->y < left)
		doc->y = left;
	return HUB_OK;
}

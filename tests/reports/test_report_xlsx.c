/*
 * test_report_xlsx.c - the workbooks as hub_report_render writes them, read
 * back here from the zip (zlib) as the sheet's XML: a district's share of
 * each report keeps its own lines and none of the province's totals, the
 * reconcile queue is rendered for a district too, the household list comes as
 * xlsx only and a district's list holds its households only, and the names
 * downloads are saved under. Every value against the JSON is checked by
 * e2e_xlsx.sh with a real reader (openpyxl).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>
#include "report.h"
#include "xlsx.h"
#include "reptest.h"

#define DAY "2023-08-31"

static uint32_t le(const uint8_t *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The file name of the zip in b, inflated into a NUL-terminated string the
 * caller frees; fails the test when it is not there. */
static char *unzip(const proto_buf *b, const char *name)
{
	const uint8_t *z = b->data, *cd, *lh;
	size_t i, entries, at, eocd = b->len - 22;
	char *out = NULL;

	while (eocd > 0 && le(z + eocd, 4) != 0x06054b50)
		eocd--;
	assert_true(eocd > 0);
	entries = le(z + eocd + 10, 2);
	at = le(z + eocd + 16, 4);
	for (i = 0; i < entries; i++) {
		size_t n, extra, comment, size, full;
		cd = z + at;
		assert_int_equal(le(cd, 4), 0x02014b50);
		n = le(cd + 28, 2);
		extra = le(cd + 30, 2);
		comment = le(cd + 32, 2);
		size = le(cd + 20, 4);
		full = le(cd + 24, 4);
		if (n == strlen(name) && memcmp(cd + 46, name, n) == 0) {
			z_stream s;
			lh = z + le(cd + 42, 4);
			assert_int_equal(le(lh, 4), 0x04034b50);
			out = calloc(1, full + 1);
			assert_non_null(out);
			if (le(cd + 10, 2) == 0) {
				memcpy(out, lh + 30 + le(lh + 26, 2) + le(lh + 28, 2), full);
				return out;
			}
			memset(&s, 0, sizeof(s));
			assert_int_equal(inflateInit2(&s, -15), Z_OK);
			s.next_in = (Bytef *)(uintptr_t)(lh + 30 + le(lh + 26, 2) + le(lh + 28, 2));
			s.avail_in = (uInt)size;
			s.next_out = (Bytef *)out;
			s.avail_out = (uInt)full;
			assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
			inflateEnd(&s);
			return out;
		}
		at += 46 + n + extra + comment;
	}
	fail_msg("no %s in the workbook", name);
	return NULL;
}

/* The sheet's XML of report kind (district 0: all). */
static char *sheet(rt_db *t, hub_report_kind kind, int district)
{
	hub_report_opts o = { .kind = kind, .format = HUB_FMT_XLSX, .as_of = DAY, .district = district };
	proto_buf out;
	char err[256], *xml;

	proto_buf_init(&out, HUB_REPORT_MAX_OUT);
	if (hub_report_render(t->db, &t->campaign, &o, &out, err, sizeof(err)) != HUB_OK)
		fail_msg("render %d: %s", (int)kind, err);
	assert_memory_equal(out.data, "PK", 2);
	xml = unzip(&out, "xl/worksheets/sheet1.xml");
	proto_buf_release(&out);
	return xml;
}

/* Households in Phường 5 (941) and Kế Sách (943), one handed over in
 * each, money in each. */
static void fill(rt_db *t)
{
	rt_batch b;
	proto_id a, k;

	rt_batch_init(&b, 0x1111);
	a = rt_household(&b, 31498, "Nguyễn Văn Ân", "094212345678", NULL);
	k = rt_household(&b, 31528, "Thạch Phol", "094298765432", NULL);
	rt_milestone(&b, a, "handed_over", "2023-08-20", NULL);
	rt_milestone(&b, k, "handed_over", "2023-08-21", NULL);
	rt_contribution(&b, &a, 31498, "mps", 40000000, 0, NULL, 0, "2023-07-10");
	rt_contribution(&b, &k, 31528, "business", 1234567, 0, NULL, 0, "2023-07-11");
	rt_flush(&b, t->db);
	rt_batch_release(&b);
}

/* What a workbook's sheet shows and what it must not. */
typedef struct share {
	hub_report_kind kind;
	int district;
	const char *has[4], *lacks[3]; /* NULL-ended */
} share;

static const share shares[] = {
	/* the province: every district and the total; the header frozen */
	{ HUB_REPORT_PROGRESS, 0, { "<v>941</v>", "<v>943</v>", "Tổng cộng", "<pane " }, { NULL } },
	{ HUB_REPORT_PROGRESS,
	  943,
	  { "<v>943</v>", "Huyện Kế Sách", NULL },
	  { "<v>941</v>", "Tổng cộng", NULL } },
	{ HUB_REPORT_FUNDS, 943, { "<v>1234567</v>", NULL }, { "<v>40000000</v>", "Tất cả nguồn", NULL } },
	{ HUB_REPORT_AWARDS, 941, { "Thành phố Sóc Trăng", NULL }, { "Huyện Kế Sách", NULL } },
	/* a CCCD stays text: its 0 leads */
	{ HUB_REPORT_HOUSEHOLDS, 0, { "Nguyễn Văn Ân", "Thạch Phol", "094212345678", NULL }, { NULL } },
	{ HUB_REPORT_HOUSEHOLDS, 943, { "Thạch Phol", NULL }, { "Nguyễn Văn Ân", NULL } },
};

static void test_district_share(void **state)
{
	rt_db t;
	size_t i, k;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	fill(&t);
	for (i = 0; i < ARRAY_SIZE(shares); i++) {
		char *xml = sheet(&t, shares[i].kind, shares[i].district);
		for (k = 0; k < 4 && shares[i].has[k]; k++)
			if (!strstr(xml, shares[i].has[k]))
				fail_msg("kind %d district %d lacks %s", (int)shares[i].kind,
					 shares[i].district, shares[i].has[k]);
		for (k = 0; k < 3 && shares[i].lacks[k]; k++)
			if (strstr(xml, shares[i].lacks[k]))
				fail_msg("kind %d district %d has %s", (int)shares[i].kind,
					 shares[i].district, shares[i].lacks[k]);
		free(xml);
	}
	rt_db_close(&t);
}

static void test_refusals(void **state)
{
	hub_report_opts o = {
		.kind = HUB_REPORT_RECONCILE, .format = HUB_FMT_XLSX, .as_of = DAY, .district = 943
	};
	proto_buf out;
	char err[256];
	rt_db t;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	proto_buf_init(&out, HUB_REPORT_MAX_OUT);
	/* a district's queue is its own items (report_reconcile_scope.c) */
	assert_int_equal(hub_report_render(t.db, &t.campaign, &o, &out, err, sizeof(err)), HUB_OK);
	o.district = 0;
	assert_int_equal(hub_report_render(t.db, &t.campaign, &o, &out, err, sizeof(err)), HUB_OK);
	o.kind = HUB_REPORT_HOUSEHOLDS;
	o.format = HUB_FMT_CSV;
	assert_int_equal(hub_report_render(t.db, &t.campaign, &o, &out, err, sizeof(err)), HUB_REFUSED);
	assert_non_null(strstr(err, "maiam-hub household list"));
	proto_buf_release(&out);
	rt_db_close(&t);
}

static void test_names(void **state)
{
	hub_report_opts o = { .kind = HUB_REPORT_PROGRESS, .format = HUB_FMT_XLSX, .as_of = DAY };
	char name[96];

	(void)state;
	hub_download_name(&o, name, sizeof(name));
	assert_string_equal(name, "tien-do-2023-08-31.xlsx");
	o.kind = HUB_REPORT_HOUSEHOLDS;
	hub_download_name(&o, name, sizeof(name));
	assert_string_equal(name, "danh-sach-ho-2023-08-31.xlsx");
	o.kind = HUB_REPORT_FUNDS;
	o.format = HUB_FMT_CSV;
	hub_download_disposition(&o, name, sizeof(name));
	assert_string_equal(name, "attachment; filename=\"nguon-luc-2023-08-31.csv\"");
	o.format = HUB_FMT_HTML; /* shown, not downloaded */
	hub_download_disposition(&o, name, sizeof(name));
	assert_string_equal(name, "");
	o.as_of[0] = '\0'; /* today in Vietnam */
	o.kind = HUB_REPORT_AWARDS;
	o.format = HUB_FMT_XLSX;
	hub_download_name(&o, name, sizeof(name));
	assert_int_equal(strlen(name), strlen("khen-thuong-2023-08-31.xlsx"));
	assert_memory_equal(name, "khen-thuong-20", 14);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_district_share),
					    cmocka_unit_test(test_refusals),
					    cmocka_unit_test(test_names) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}

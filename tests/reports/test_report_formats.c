/*
 * test_report_formats.c - every report in every format: CSV that Excel reads
 * (BOM, CRLF, quotes around commas, quotes and newlines in names, parsed back
 * here field by field), tables aligned by display width with Vietnamese
 * grouping, self-contained HTML, and the reconcile queue's resolutions
 * (recorded, never deleting anything). Also operators and sessions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hub.h"
#include "report.h"
#include "report_int.h"
#include "reptest.h"
#include "testmain.h"

static const char tricky[] = "Nguyễn \"Tư\", Văn\nÚt";

/* A small campaign: 4 households in Kế Sách (one named trickily, twice, with
 * the same national ID), money and a concurrent edit. */
static void small_world(rt_db *t, proto_id *hh0)
{
	rt_batch a, b;
	int commune = rt_commune_of(t, 943);
	proto_id h;

	assert_int_equal(rt_report_migrate(t), 0);
	rt_batch_init(&a, 0x0a0a0a0a0a0a0a0aull);
	h = *hh0 = rt_household(&a, commune, tricky, "094000000001", "approved");
	/* every stage in order: a house that skipped one is a reconcile item */
	rt_milestone(&a, h, "surveyed", "2023-06-10", NULL);
	rt_milestone(&a, h, "approved", "2023-06-20", NULL);
	rt_milestone(&a, h, "started", "2023-07-01", NULL);
	rt_milestone(&a, h, "foundation", "2023-07-08", NULL);
	rt_milestone(&a, h, "walls", "2023-07-20", NULL);
	rt_milestone(&a, h, "roof", "2023-08-01", NULL);
	rt_milestone(&a, h, "completed", "2023-08-15", NULL);
	rt_milestone(&a, h, "handed_over", "2023-08-20", NULL);
	rt_contribution(&a, &h, commune, "mps", 40000000, 0, NULL, 0, "2023-07-01");
	rt_household(&a, commune, "Trần Thị Lan", "094000000001", "proposed");
	rt_household(&a, commune, "Danh Sà Rên", NULL, "approved");
	rt_flush(&a, t->db);
	/* another laptop renames the first household without having seen it */
	rt_batch_init(&b, 0x0b0b0b0b0b0b0b0bull);
	b.stamp = a.stamp + 50;
	rt_household_set(&b, h, PROTO_HH_NAME, "Nguyễn Văn Út", 0);
	rt_flush(&b, t->db);
	rt_batch_release(&a);
	rt_batch_release(&b);
}

/* RFC 4180 reader: the fields of the record at *p, advancing *p. */
static size_t csv_record(const char **p, char fields[][256], size_t max)
{
	const char *s = *p;
	size_t n = 0;

	while (*s && n < max) {
		size_t len = 0;
		if (*s == '"') {
			s++;
			while (*s && !(*s == '"' && s[1] != '"')) {
				if (*s == '"')
					s++;
				fields[n][len++] = *s++;
			}
			assert_int_equal(*s, '"');
			s++;
		} else {
			while (*s && *s != ',' && *s != '\r' && *s != '\n')
				fields[n][len++] = *s++;
		}
		fields[n++][len] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		assert_true(s[0] == '\r' && s[1] == '\n'); /* CRLF, never a bare LF */
		s += 2;
		break;
	}
	*p = s;
	return n;
}

static void test_csv_quoting(void **state)
{
	proto_buf b;
	rt_db t;
	proto_id h;
	char *csv, f[8][256];
	const char *p;
	int found = 0;

	(void)state;
	proto_buf_init(&b, 4096);
	assert_int_equal(report_csv_field(&b, "plain"), 0);
	assert_int_equal(report_csv_field(&b, "a,b"), 0);
	assert_int_equal(report_csv_field(&b, "say \"hi\""), 0);
	assert_int_equal(report_csv_field(&b, "two\r\nlines"), 0);
	assert_int_equal(proto_buf_append_byte(&b, 0), 0);
	assert_string_equal((char *)b.data, "plain\"a,b\"\"say \"\"hi\"\"\"\"two\r\nlines\"");
	proto_buf_release(&b);

	rt_db_open(&t);
	small_world(&t, &h);
	csv = rt_report(&t, HUB_REPORT_RECONCILE, HUB_FMT_CSV, "2023-12-31", 0);
	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	p = csv + 3;
	assert_int_equal(csv_record(&p, f, 8), 5);
	assert_string_equal(f[0], "Mã mục");
	while (*p) {
		assert_int_equal(csv_record(&p, f, 8), 5);
		if (strncmp(f[0], "N-", 2) == 0) {
			/* the name came back whole: comma, quotes and newline */
			assert_non_null(strstr(f[3], "Nguyễn Văn Út") ? f[3] : strstr(f[3], tricky));
			found++;
		}
		if (strncmp(f[0], "C-", 2) == 0) {
			assert_non_null(strstr(f[3], tricky)); /* both values shown */
			assert_non_null(strstr(f[3], "Nguyễn Văn Út"));
			found++;
		}
	}
	assert_int_equal(found, 2);
	free(csv);
	csv = rt_report(&t, HUB_REPORT_FUNDS, HUB_FMT_CSV, "2023-12-31", 0);
	assert_non_null(strstr(csv, ",40000000,")); /* plain numbers for Excel to sum */
	free(csv);
	rt_db_close(&t);
}

static void test_table_grouping_and_alignment(void **state)
{
	rt_db t;
	proto_id h;
	char *s, *line, *save = NULL;
	size_t width = 0, rows = 0;
	char buf[64];

	(void)state;
	assert_int_equal(report_fmt_group(1200, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1.200");
	assert_int_equal(report_fmt_money(40000000, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "40.000.000 đ");
	assert_int_equal(report_fmt_group(-1234567, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-1.234.567");
	assert_int_equal(report_fmt_group(999, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "999");
	assert_int_equal(proto_utf8_width("Huyện Kế Sách"), 13);

	rt_db_open(&t);
	small_world(&t, &h);
	s = rt_report(&t, HUB_REPORT_PROGRESS, HUB_FMT_TABLE, "2023-12-31", 0);
	assert_non_null(strstr(s, "1.200"));
	assert_non_null(strstr(s, "Huyện Kế Sách"));
	/* every data line is as wide as the next: columns line up on screen */
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, "Huyện") && !strstr(line, "Thành phố") && !strstr(line, "Thị xã"))
			continue;
		if (!width)
			width = proto_utf8_width(line);
		assert_int_equal(proto_utf8_width(line), width);
		rows++;
	}
	assert_int_equal(rows, 11);
	free(s);
	s = rt_report(&t, HUB_REPORT_FUNDS, HUB_FMT_TABLE, "2023-12-31", 0);
	assert_non_null(strstr(s, "40.000.000 đ"));
	free(s);
	s = rt_report(&t, HUB_REPORT_AWARDS, HUB_FMT_TABLE, "2023-12-31", 0);
	assert_non_null(strstr(s, "300+ = 9")); /* the rule that gave Kế Sách its 9 */
	free(s);
	/* a newline inside a name never breaks a table row */
	s = rt_report(&t, HUB_REPORT_RECONCILE, HUB_FMT_TABLE, "2023-12-31", 0);
	assert_null(strstr(s, "Văn\nÚt"));
	assert_non_null(strstr(s, "Văn Út"));
	free(s);
	rt_db_close(&t);
}

static void test_every_format(void **state)
{
	rt_db t;
	proto_id h;
	int kind;

	(void)state;
	rt_db_open(&t);
	small_world(&t, &h);
	for (kind = HUB_REPORT_PROGRESS; kind <= HUB_REPORT_RECONCILE; kind++) {
		char *json = rt_report(&t, kind, HUB_FMT_JSON, "2023-09-02", 0);
		char *html = rt_report(&t, kind, HUB_FMT_HTML, "2023-09-02", 0);
		char *csv = rt_report(&t, kind, HUB_FMT_CSV, "2023-09-02", 0);
		char *table = rt_report(&t, kind, HUB_FMT_TABLE, "2023-09-02", 0);

		assert_true(json[0] == '{' && json[strlen(json) - 2] == '}');
		assert_non_null(strstr(json, "\"as_of\": \"2023-09-02\""));
		assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
		assert_non_null(strstr(html, "</html>"));
		assert_null(strstr(html, "<script")); /* self-contained, nothing fetched */
		assert_null(strstr(html, "src="));
		assert_null(strstr(html, "<link"));
		assert_null(strstr(html, tricky)); /* escaped */
		assert_true(csv[3] != '\0' && strstr(csv, "\r\n"));
		assert_true(strlen(table) > 40);
		if (getenv("MAIAM_REPORT_DUMP")) /* to look at the output by eye */
			printf("%s\n%s\n", table, json);
		free(json);
		free(html);
		free(csv);
		free(table);
	}
	{
		char *json = rt_report(&t, HUB_REPORT_PROGRESS, HUB_FMT_JSON, "2023-09-02", 1);
		char *html = rt_report(&t, HUB_REPORT_PROGRESS, HUB_FMT_HTML, "2023-09-02", 0);
		char *aw = rt_report(&t, HUB_REPORT_AWARDS, HUB_FMT_JSON, "2023-09-02", 0);

		assert_non_null(strstr(json, "\"communes\": ["));
		assert_int_equal(rt_json_int(json, "\"district\": 943", "handed_over"), 1);
		assert_non_null(strstr(html, "<svg"));
		assert_int_equal(rt_json_int(aw, "\"code\": 943,", "collectives"), 4);
		assert_int_equal(rt_json_int(aw, "\"code\": 943,", "individuals"), 9);
		assert_non_null(strstr(aw, "\"met_target_on_time\": false"));
		assert_int_equal(rt_json_int(aw, "\"province\"", "working_group_individuals"), 8);
		free(json);
		free(html);
		free(aw);
	}
	rt_db_close(&t);
}

static void test_resolve_records_and_keeps(void **state)
{
	rt_db t;
	proto_id h;
	char err[512], *json, id[64];
	const char *p;
	sqlite3_stmt *st;

	(void)state;
	rt_db_open(&t);
	small_world(&t, &h);
	json = rt_report(&t, HUB_REPORT_RECONCILE, HUB_FMT_JSON, "2023-12-31", 0);
	assert_int_equal(rt_json_int(json, "\"counts\"", "conflict"), 1);
	assert_int_equal(rt_json_int(json, "\"counts\"", "duplicate_national_id"), 1);
	p = strstr(json, "\"id\": \"C-");
	assert_non_null(p);
	snprintf(id, sizeof(id), "%.*s", (int)strcspn(p + 7, "\""), p + 7);
	free(json);

	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "C-999", "lan", "x", NULL, 1, err,
					      sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "no reconcile item 'C-999'"));
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "N-094000000001", "lan", "x", "loser",
					      1, err, sizeof(err)),
			 HUB_REFUSED);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, id, "lan", "giữ tên theo CCCD",
					      "winner", 1700000000, err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, id, "lan", "again", NULL, 1700000001,
					      err, sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "already resolved by 'lan'"));

	json = rt_report(&t, HUB_REPORT_RECONCILE, HUB_FMT_JSON, "2023-12-31", 0);
	assert_int_equal(rt_json_int(json, "\"counts\"", "conflict"), 0);
	/* the duplicate is left, and the stages whose photo the campaign wants */
	assert_int_equal(rt_json_int(json, "\"counts\"", "missing_evidence"), 2);
	assert_int_equal(rt_json_int(json, "\"counts\"", "open"), 1 + 2);
	assert_non_null(strstr(json, "\"resolved\": 1, \"page\": 1,"));
	assert_null(strstr(json, id)); /* resolved items are hidden by default */
	free(json);
	{
		hub_report_opts o = rt_opts(HUB_REPORT_RECONCILE, HUB_FMT_JSON, "2023-12-31");

		o.all = 1;
		assert_int_equal(rt_render(&t, &o, &json, err, sizeof(err)), 0);
		assert_non_null(strstr(json, "\"resolved_by\": \"lan\""));
		assert_non_null(strstr(json, "giữ tên theo CCCD"));
		free(json);
	}
	/* nothing deleted: the conflict row is still there, with both values */
	assert_int_equal(sqlite3_prepare_v2(t.db, "SELECT count(*) FROM conflict", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	rt_db_close(&t);
}

static void test_passwords_and_sessions(void **state)
{
	static const uint8_t v4096[32] = {
		0xc5, 0xe4, 0x78, 0xd5, 0x92, 0x88, 0xc8, 0x41, 0xaa, 0x53, 0x0d,
		0xb6, 0x84, 0x5c, 0x4c, 0x8d, 0x96, 0x28, 0x93, 0xa0, 0x01, 0xce,
		0x4e, 0x11, 0xa4, 0x96, 0x38, 0x73, 0xaa, 0x98, 0x13, 0x4a,
	};
	uint8_t out[32];
	rt_db t;
	char err[256], tok[65], name[80];
	sqlite3_stmt *st;
	bool yes;

	(void)state;
	/* RFC 7914 / well-known PBKDF2-HMAC-SHA256 vector */
	assert_int_equal(hub_password_hash("password", (const uint8_t *)"salt", 4, 4096, out), HUB_OK);
	assert_memory_equal(out, v4096, 32);

	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	assert_int_equal(hub_operator_set(t.db, "lan", "short", err, sizeof(err)), HUB_REFUSED);
	assert_non_null(strstr(err, "8 to"));
	assert_int_equal(hub_operator_set(t.db, "bad name", "long enough", err, sizeof(err)), HUB_REFUSED);
	assert_int_equal(hub_operator_set(t.db, "lan", "mật khẩu dài", err, sizeof(err)), HUB_OK);
	assert_int_equal(hub_operator_check(t.db, "lan", "mật khẩu dài", &yes), HUB_OK);
	assert_true(yes);
	assert_int_equal(hub_operator_check(t.db, "lan", "mật khẩu dàI", &yes), HUB_OK);
	assert_false(yes);
	assert_int_equal(hub_operator_check(t.db, "nobody", "mật khẩu dài", &yes), HUB_OK);
	assert_false(yes);
	/* stored salted and slow, never the password */
	assert_int_equal(sqlite3_prepare_v2(t.db,
					    "SELECT iter, length(salt), hash FROM"
					    " report_operator",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_true(sqlite3_column_int(st, 0) >= 200000);
	assert_int_equal(sqlite3_column_int(st, 1), 16);
	assert_int_equal(sqlite3_column_bytes(st, 2), 32);
	sqlite3_finalize(st);
	/* a new password replaces the old one */
	assert_int_equal(hub_operator_set(t.db, "lan", "mật khẩu mới 2", err, sizeof(err)), HUB_OK);
	assert_int_equal(hub_operator_check(t.db, "lan", "mật khẩu dài", &yes), HUB_OK);
	assert_false(yes);

	assert_int_equal(report_session_new(t.db, "lan", 1000, 60, tok), HUB_OK);
	assert_int_equal(strlen(tok), 64);
	assert_int_equal(report_session_check(t.db, tok, 1030, name, sizeof(name), &yes), HUB_OK);
	assert_true(yes);
	assert_string_equal(name, "lan");
	assert_int_equal(report_session_check(t.db, tok, 1061, name, sizeof(name), &yes), HUB_OK);
	assert_false(yes); /* expired */
	tok[0] = tok[0] == 'a' ? 'b' : 'a';
	assert_int_equal(report_session_check(t.db, tok, 1030, name, sizeof(name), &yes), HUB_OK);
	assert_false(yes);
	assert_int_equal(report_session_new(t.db, "lan", 2000, 60, tok), HUB_OK);
	assert_int_equal(report_session_end(t.db, tok), HUB_OK);
	assert_int_equal(report_session_check(t.db, tok, 2001, name, sizeof(name), &yes), HUB_OK);
	assert_false(yes);
	rt_db_close(&t);
}

static void test_bad_dates(void **state)
{
	(void)state;
	assert_true(hub_report_valid_date("2023-09-02"));
	assert_true(hub_report_valid_date("2024-02-29"));
	assert_false(hub_report_valid_date("2023-02-29"));
	assert_false(hub_report_valid_date("2023-9-2"));
	assert_false(hub_report_valid_date("2023-13-01"));
	assert_false(hub_report_valid_date("2023-09-02x"));
	assert_false(hub_report_valid_date(""));
	assert_false(hub_report_valid_date("２023-09-02"));
}

TEST_MAIN(cmocka_unit_test(test_csv_quoting), cmocka_unit_test(test_table_grouping_and_alignment),
	  cmocka_unit_test(test_every_format), cmocka_unit_test(test_resolve_records_and_keeps),
	  cmocka_unit_test(test_passwords_and_sessions), cmocka_unit_test(test_bad_dates))

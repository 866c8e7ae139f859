/*
 * test_csv.c - the RFC 4180 reader: BOM, CRLF, quoted commas, doubled
 * quotes and line breaks, line numbers, malformed rows, limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../support/testmain.h"
#include "agent.h"
#include "csv.h"
#include "maiam/schema.h"

static void excel_file(void **state)
{
	const char in[] = "\xef\xbb\xbfname,address\r\n"
			  "\"Lê, Văn\",\"nhà \"\"số 5\"\"\"\r\n"
			  "\"A\nB\",x\r\n"
			  "last,row";
	agent_csv c;

	agent_csv_init(&c, in, sizeof in - 1);
	assert_int_equal(agent_csv_next(&c), 1);
	assert_int_equal(c.nfields, 2);
	assert_string_equal(c.fields[0], "name"); /* BOM gone */
	assert_int_equal(c.row_line, 1);
	assert_int_equal(agent_csv_next(&c), 1);
	assert_null(c.row_error);
	assert_string_equal(c.fields[0], "Lê, Văn");
	assert_string_equal(c.fields[1], "nhà \"số 5\"");
	assert_int_equal(c.row_line, 2);
	assert_int_equal(agent_csv_next(&c), 1);
	assert_string_equal(c.fields[0], "A\nB");
	assert_int_equal(c.row_line, 3);
	assert_int_equal(agent_csv_next(&c), 1);
	assert_int_equal(c.row_line, 5); /* the quoted line break counted */
	assert_string_equal(c.fields[1], "row");
	assert_int_equal(agent_csv_next(&c), 0);
	agent_csv_release(&c);
}

static void bad_rows(void **state)
{
	const char in[] = "a\"b,c\n\"x\"y,z\nok,1\n\"never closed,2\n";
	agent_csv c;

	agent_csv_init(&c, in, sizeof in - 1);
	assert_int_equal(agent_csv_next(&c), 1);
	assert_non_null(c.row_error);
	assert_int_equal(agent_csv_next(&c), 1);
	assert_non_null(c.row_error);
	assert_int_equal(c.row_line, 2);
	assert_int_equal(agent_csv_next(&c), 1);
	assert_null(c.row_error);
	assert_string_equal(c.fields[0], "ok");
	assert_int_equal(agent_csv_next(&c), -1);
	assert_non_null(c.row_error);
	assert_int_equal(c.row_line, 4);
	agent_csv_release(&c);
}

static void limits(void **state)
{
	char *in = malloc(200 * 2 + 10000);
	agent_csv c;
	size_t o = 0;

	assert_non_null(in);
	for (int i = 0; i < 100; i++)
		in[o++] = ',';
	in[o++] = '\n';
	memset(in + o, 'x', 5000);
	o += 5000;
	agent_csv_init(&c, in, o);
	assert_int_equal(agent_csv_next(&c), 1);
	assert_non_null(c.row_error); /* too many columns */
	assert_int_equal(agent_csv_next(&c), 1);
	assert_non_null(c.row_error); /* field too long */
	assert_int_equal(agent_csv_next(&c), 0);
	agent_csv_release(&c);
	free(in);
}

static void empty_and_bom_only(void **state)
{
	agent_csv c;

	agent_csv_init(&c, "", 0);
	assert_int_equal(agent_csv_next(&c), 0);
	agent_csv_init(&c, "\xef\xbb\xbf", 3);
	assert_int_equal(agent_csv_next(&c), 0);
	agent_csv_release(&c);
}

/* Excel on Vietnamese Windows writes ';'; its "Text" files use tabs. */
static void separators(void **state)
{
	const char semi[] = "\xef\xbb\xbfHọ tên;Ghi chú\r\n\"a;b\";\"x, y\"\r\n";
	const char tab[] = "a\tb,c\td\n1\t2,3\t4\n";
	const char quoted[] = "\"a;b;c\",d\n"; /* separators inside quotes do not count */
	agent_csv c;

	agent_csv_init(&c, semi, sizeof semi - 1);
	assert_int_equal(c.sep, ';');
	assert_int_equal(agent_csv_next(&c), 1);
	assert_int_equal(c.nfields, 2);
	assert_string_equal(c.fields[1], "Ghi chú");
	assert_int_equal(agent_csv_next(&c), 1);
	assert_string_equal(c.fields[0], "a;b");
	assert_string_equal(c.fields[1], "x, y");
	agent_csv_release(&c);
	agent_csv_init(&c, tab, sizeof tab - 1);
	assert_int_equal(c.sep, '\t');
	assert_int_equal(agent_csv_next(&c), 1);
	assert_int_equal(c.nfields, 3);
	assert_string_equal(c.fields[1], "b,c");
	agent_csv_release(&c);
	agent_csv_init(&c, quoted, sizeof quoted - 1);
	assert_int_equal(c.sep, ',');
	agent_csv_init(&c, "name\n", 5);
	assert_int_equal(c.sep, ',');
	agent_csv_release(&c);
}

/* What the writer writes, the reader reads back the same. */
static void write_and_read_back(void **state)
{
	const char *row[] = { "plain", "a;b", "say \"hi\"", "two\nlines", "", "x, y" };
	proto_buf out;
	agent_csv c;

	proto_buf_init(&out, 4096);
	assert_int_equal(agent_csv_put_row(&out, ';', row, 6), PROTO_OK);
	assert_int_equal(agent_csv_put_row(&out, ';', row, 1), PROTO_OK);
	assert_non_null(strstr((const char *)out.data,
			       "plain;\"a;b\";\"say \"\"hi\"\"\";\"two\nlines\";;x, y\r\nplain\r\n"));
	agent_csv_init(&c, (const char *)out.data, out.len);
	assert_int_equal(c.sep, ';');
	assert_int_equal(agent_csv_next(&c), 1);
	assert_int_equal(c.nfields, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(c.fields[i], row[i]);
	assert_int_equal(agent_csv_next(&c), 1);
	assert_int_equal(c.nfields, 1);
	assert_int_equal(agent_csv_next(&c), 0);
	agent_csv_release(&c);
	proto_buf_release(&out);
}

/* Column names: the CSV names and the Vietnamese ones, diacritics and case optional. */
static void column_names(void **state)
{
	assert_int_equal(agent_csv_household_column("National ID"), PROTO_HH_NATIONAL_ID);
	assert_int_equal(agent_csv_household_column("national-id"), PROTO_HH_NATIONAL_ID);
	assert_int_equal(agent_csv_household_column("Số CCCD"), PROTO_HH_NATIONAL_ID);
	assert_int_equal(agent_csv_household_column("SO CMND/CCCD"), PROTO_HH_NATIONAL_ID);
	assert_int_equal(agent_csv_household_column(" Họ  tên "), PROTO_HH_NAME);
	assert_int_equal(agent_csv_household_column("Ấp"), PROTO_HH_HAMLET);
	assert_int_equal(agent_csv_household_column("Số nhân khẩu"), PROTO_HH_MEMBERS);
	assert_int_equal(agent_csv_household_column("Diện hộ"), PROTO_HH_CATEGORY);
	assert_int_equal(agent_csv_household_column("STT"), 0);
	assert_int_equal(agent_csv_household_column("Lý do"), 0);
	assert_int_equal(agent_csv_household_column("Ngày sinh"), -1);
	assert_int_equal(agent_csv_household_column(""), -1);
	assert_int_equal(agent_csv_household_column("review_status"), -1); /* the hub's, not typed */
}

/* Numbers Excel mangled are named, never padded; good values pass. */
static void excel_numbers(void **state)
{
	char err[512];

	assert_int_equal(agent_csv_excel_mangled(PROTO_HH_NATIONAL_ID, "94123456789", err, sizeof err), 1);
	assert_non_null(strstr(err, "'94123456789'"));
	assert_int_equal(agent_csv_excel_mangled(PROTO_HH_NATIONAL_ID, "9.41235E+11", err, sizeof err), 1);
	assert_int_equal(agent_csv_excel_mangled(PROTO_HH_NATIONAL_ID, "9,41235E+11", err, sizeof err), 1);
	assert_int_equal(agent_csv_excel_mangled(PROTO_HH_PHONE, "912345678", err, sizeof err), 1);
	assert_int_equal(agent_csv_excel_mangled(PROTO_HH_NATIONAL_ID, "094123456789", err, sizeof err),
			 0);
	assert_int_equal(agent_csv_excel_mangled(PROTO_HH_NATIONAL_ID, "1234", err, sizeof err), 0);
	assert_int_equal(agent_csv_excel_mangled(PROTO_HH_PHONE, "0912345678", err, sizeof err), 0);
	assert_int_equal(agent_csv_excel_mangled(PROTO_HH_NAME, "94123456789", err, sizeof err), 0);
	assert_int_equal(agent_csv_excel_mangled(PROTO_HH_NOTE, "1E+5", err, sizeof err), 0);
}

TEST_MAIN(cmocka_unit_test(excel_file), cmocka_unit_test(excel_numbers), cmocka_unit_test(separators),
	  cmocka_unit_test(write_and_read_back), cmocka_unit_test(column_names),
	  cmocka_unit_test(bad_rows), cmocka_unit_test(limits), cmocka_unit_test(empty_and_bom_only))

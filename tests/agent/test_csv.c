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

TEST_MAIN(cmocka_unit_test(excel_file),
	  cmocka_unit_test(bad_rows),
	  cmocka_unit_test(limits),
	  cmocka_unit_test(empty_and_bom_only))

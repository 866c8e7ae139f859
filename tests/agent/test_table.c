/*
 * test_table.c - display width counts columns, not bytes, so Vietnamese rows
 * line up; and the table pads every column to its widest cell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "agent.h"

static void widths(void **state)
{
	assert_int_equal(proto_utf8_width("abc"), 3);
	assert_int_equal(proto_utf8_width("Nguyễn"), 6);
	assert_int_equal(strlen("Nguyễn"), 8);
	assert_int_equal(proto_utf8_width("Nguye\xcc\x82\xcc\x83n"), 6); /* combining marks */
	assert_int_equal(proto_utf8_width("日本"), 4);
	assert_int_equal(proto_utf8_width(""), 0);
	assert_int_equal(proto_utf8_width("\xff"), 1);
}

static void aligned(void **state)
{
	const char *head[] = { "NAME", "N" };
	const char *r1[] = { "Nguyễn Văn Ân", "1" };
	const char *r2[] = { "Bo", "22" };
	agent_table *t = agent_table_new(2, head);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *line, *save = NULL;
	size_t col = (size_t)-1;

	assert_non_null(t);
	assert_non_null(f);
	assert_int_equal(agent_table_add(t, r1), 0);
	assert_int_equal(agent_table_add(t, r2), 0);
	agent_table_print(t, f);
	fclose(f);
	/* the second column starts at the same display column on every line */
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *last = strrchr(line, ' ');
		size_t c;

		assert_non_null(last);
		last[0] = '\0';
		c = proto_utf8_width(line) + 1;
		if (col == (size_t)-1)
			col = c;
		assert_int_equal(c, col);
	}
	assert_int_equal(col, proto_utf8_width("Nguyễn Văn Ân") + 2);
	free(buf);
	agent_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(widths),
		cmocka_unit_test(aligned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

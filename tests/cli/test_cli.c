/*
 * test_cli.c - the option parser both programs link (cli/): both spellings
 * of a value, "--", every mistake it reports, integers at and past their
 * bounds, repeats, empty and UTF-8 values, and a table at its bound.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/cli.h"
#include "testmain.h"

/* The options of one imaginary command, reset for every test. */
typedef struct fixture {
	const char *dir, *note;
	int json, page, format;
	int64_t big;
	size_t bytes;
	uint32_t records;
	const char *hostv[2];
	cli_list hosts;
	char *pos[2];
	cli_spec spec;
	cli_error err;
	cli_opt opts[9];
} fixture;

static const char *const formats[] = { "table", "csv", "json", NULL };

static fixture fx;

static int setup(void **state)
{
	cli_opt opts[] = {
		CLI_STRING("dir", &fx.dir, "DIR", "the hub directory"),
		CLI_STRING("note", &fx.note, "TEXT", "a note"),
		CLI_FLAG("json", &fx.json, "answer in JSON"),
		CLI_INT("page", &fx.page, 1, 99, "N", "which page"),
		CLI_INT64("big", &fx.big, INT64_MIN, INT64_MAX, "N", "any 64-bit number"),
		CLI_SIZE("bytes", &fx.bytes, 0, 1 << 20, "N", "a size"),
		CLI_UINT32("records", &fx.records, 1, UINT32_MAX, "N", "a count"),
		CLI_CHOICE("format", &fx.format, formats, "F", "table, csv or json"),
		CLI_LIST("host", &fx.hosts, "NAME", "a name (repeatable)"),
	};

	(void)state;
	memset(&fx, 0, sizeof fx);
	memcpy(fx.opts, opts, sizeof opts);
	fx.dir = "default";
	fx.format = -1;
	fx.hosts = (cli_list){ fx.hostv, CLI_ARRAY_SIZE(fx.hostv), 0 };
	fx.spec = (cli_spec){ CLI_TABLE(fx.opts), .args = fx.pos, .maxargs = CLI_ARRAY_SIZE(fx.pos) };
	return 0;
}

/* Parse the given words (NULL-terminated) with the fixture's spec. */
static cli_status parse(const char *first, ...)
{
	char *words[32];
	va_list ap;
	int n = 0;

	va_start(ap, first);
	for (const char *w = first; w; w = va_arg(ap, const char *))
		words[n++] = (char *)w;
	va_end(ap);
	return cli_parse(&fx.spec, n, words, &fx.err);
}

static void expect_error(cli_status st, cli_errcode code, const char *opt, const char *word)
{
	assert_int_equal(st, CLI_ERROR);
	assert_int_equal(fx.err.code, code);
	if (opt)
		assert_string_equal(fx.err.opt->name, opt);
	else
		assert_null(fx.err.opt);
	assert_string_equal(fx.err.word, word);
}

static void test_both_spellings(void **state)
{
	(void)state;
	assert_int_equal(parse("--dir", "a", "--note=b", "--page=7", "--big", "-5", NULL), CLI_OK);
	assert_string_equal(fx.dir, "a");
	assert_string_equal(fx.note, "b");
	assert_int_equal(fx.page, 7);
	assert_int_equal(fx.big, -5);
	setup(NULL);
	assert_int_equal(parse("--dir=a", "--note", "b", "--page", "7", NULL), CLI_OK);
	assert_string_equal(fx.dir, "a");
	assert_string_equal(fx.note, "b");
	assert_int_equal(fx.page, 7);
	/* a value may hold '=': only the first one splits */
	assert_int_equal(parse("--note=a=b", NULL), CLI_OK);
	assert_string_equal(fx.note, "a=b");
}

static void test_defaults_stay(void **state)
{
	(void)state;
	assert_int_equal(parse("--json", NULL), CLI_OK);
	assert_string_equal(fx.dir, "default");
	assert_null(fx.note);
	assert_int_equal(fx.json, 1);
	assert_int_equal(fx.format, -1);
	assert_int_equal(fx.spec.nargs, 0);
}

static void test_positionals(void **state)
{
	(void)state;
	/* options before, between and after */
	assert_int_equal(parse("--json", "one", "--dir", "d", "two", NULL), CLI_OK);
	assert_int_equal(fx.spec.nargs, 2);
	assert_string_equal(fx.pos[0], "one");
	assert_string_equal(fx.pos[1], "two");
	/* "-" alone is a word, not an option */
	assert_int_equal(parse("-", NULL), CLI_OK);
	assert_string_equal(fx.pos[0], "-");
	expect_error(parse("a", "b", "c", NULL), CLI_E_EXTRA, NULL, "c");
}

static void test_in_place(void **state)
{
	char *words[] = { "f1", "--dir", "d", "f2", "--json", "f3" };

	(void)state;
	fx.spec.args = words;
	fx.spec.maxargs = CLI_ARRAY_SIZE(words);
	assert_int_equal(cli_parse(&fx.spec, 6, words, &fx.err), CLI_OK);
	assert_int_equal(fx.spec.nargs, 3);
	assert_string_equal(words[0], "f1");
	assert_string_equal(words[1], "f2");
	assert_string_equal(words[2], "f3");
	assert_string_equal(fx.dir, "d");
}

static void test_end_of_options(void **state)
{
	(void)state;
	assert_int_equal(parse("--json", "--", "--dir", "--help", NULL), CLI_OK);
	assert_int_equal(fx.spec.nargs, 2);
	assert_string_equal(fx.pos[0], "--dir");
	assert_string_equal(fx.pos[1], "--help");
	assert_string_equal(fx.dir, "default");
	/* a second "--" is a word */
	assert_int_equal(parse("--", "--", NULL), CLI_OK);
	assert_string_equal(fx.pos[0], "--");
}

static void test_help(void **state)
{
	(void)state;
	assert_int_equal(parse("--help", NULL), CLI_HELP);
	assert_int_equal(parse("x", "-h", NULL), CLI_HELP);
	/* even after a mistake further on */
	assert_int_equal(parse("--help", "--bogus", NULL), CLI_HELP);
}

static void test_unknown(void **state)
{
	(void)state;
	expect_error(parse("--bogus", NULL), CLI_E_UNKNOWN, NULL, "--bogus");
	expect_error(parse("--bogus=1", NULL), CLI_E_UNKNOWN, NULL, "--bogus=1");
	expect_error(parse("-x", NULL), CLI_E_UNKNOWN, NULL, "-x");
	/* no abbreviations: "--di" is not "--dir" */
	expect_error(parse("--di", "x", NULL), CLI_E_UNKNOWN, NULL, "--di");
	expect_error(parse("--dirt", "x", NULL), CLI_E_UNKNOWN, NULL, "--dirt");
	expect_error(parse("--=x", NULL), CLI_E_UNKNOWN, NULL, "--=x");
}

static void test_missing_value(void **state)
{
	(void)state;
	expect_error(parse("--dir", NULL), CLI_E_NO_VALUE, "dir", "--dir");
	assert_null(fx.err.value);
	expect_error(parse("x", "--page", NULL), CLI_E_NO_VALUE, "page", "--page");
	expect_error(parse("--json=yes", NULL), CLI_E_FLAG_VALUE, "json", "--json=yes");
	assert_string_equal(fx.err.value, "yes");
}

static void test_value_like_option(void **state)
{
	(void)state;
	/* "--note --json": the note was forgotten, --json is not the note */
	expect_error(parse("--note", "--json", NULL), CLI_E_OPTION_VALUE, "note", "--note");
	assert_string_equal(fx.err.value, "--json");
	assert_int_equal(fx.json, 0);
	/* the way out: the "=" spelling */
	assert_int_equal(parse("--note=--json", NULL), CLI_OK);
	assert_string_equal(fx.note, "--json");
	/* one dash is a value: a negative number, "-" */
	setup(NULL);
	assert_int_equal(parse("--note", "-", "--big", "-1", NULL), CLI_OK);
	assert_string_equal(fx.note, "-");
	assert_int_equal(fx.big, -1);
}

static void test_integers(void **state)
{
	(void)state;
	assert_int_equal(parse("--page", "1", NULL), CLI_OK);
	assert_int_equal(fx.page, 1);
	setup(NULL);
	assert_int_equal(parse("--page", "99", NULL), CLI_OK);
	assert_int_equal(fx.page, 99);
	setup(NULL);
	assert_int_equal(parse("--page", "007", NULL), CLI_OK);
	assert_int_equal(fx.page, 7);
	static const char *const bad[] = { "0",  "100",  "-1", "abc", "5x",  " 5", "5 ",
					   "+5", "0x10", "",   "-",   "1.5", "٣" };
	for (size_t i = 0; i < CLI_ARRAY_SIZE(bad); i++) {
		setup(NULL);
		expect_error(parse("--page", bad[i], NULL), CLI_E_NOT_INT, "page", "--page");
		assert_string_equal(fx.err.value, bad[i]);
		assert_int_equal(fx.page, 0);
		assert_int_equal(fx.err.opt->lo, 1);
		assert_int_equal(fx.err.opt->hi, 99);
	}
}

static void test_overflow(void **state)
{
	(void)state;
	expect_error(parse("--big", "99999999999999999999", NULL), CLI_E_NOT_INT, "big", "--big");
	expect_error(parse("--big", "9223372036854775808", NULL), CLI_E_NOT_INT, "big", "--big");
	expect_error(parse("--big", "-9223372036854775809", NULL), CLI_E_NOT_INT, "big", "--big");
	expect_error(parse("--page", "4294967297", NULL), CLI_E_NOT_INT, "page", "--page");
	assert_int_equal(parse("--big", "9223372036854775807", NULL), CLI_OK);
	assert_true(fx.big == INT64_MAX);
	setup(NULL);
	assert_int_equal(parse("--big=-9223372036854775808", NULL), CLI_OK);
	assert_true(fx.big == INT64_MIN);
	setup(NULL);
	assert_int_equal(parse("--records", "4294967295", "--bytes", "1048576", NULL), CLI_OK);
	assert_true(fx.records == UINT32_MAX);
	assert_true(fx.bytes == 1048576);
	expect_error(parse("--records", "4294967296", NULL), CLI_E_NOT_INT, "records", "--records");
	expect_error(parse("--bytes", "1048577", NULL), CLI_E_NOT_INT, "bytes", "--bytes");
}

static void test_parse_int(void **state)
{
	int64_t v = 42;

	(void)state;
	assert_int_equal(cli_parse_int("12", 0, 100, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(cli_parse_int(NULL, 0, 100, &v), -1);
	assert_int_equal(cli_parse_int("101", 0, 100, &v), -1);
	assert_int_equal(cli_parse_int("-0", 0, 100, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cli_parse_int("18446744073709551616", INT64_MIN, INT64_MAX, &v), -1);
	assert_int_equal(v, 0); /* untouched on failure */
}

static void test_repeated(void **state)
{
	(void)state;
	expect_error(parse("--dir", "a", "--dir", "b", NULL), CLI_E_TWICE, "dir", "--dir");
	expect_error(parse("--json", "--json", NULL), CLI_E_TWICE, "json", "--json");
	expect_error(parse("--page=1", "--page", "1", NULL), CLI_E_TWICE, "page", "--page");
	/* a list repeats, up to its room */
	setup(NULL);
	assert_int_equal(parse("--host", "a", "--host=b", NULL), CLI_OK);
	assert_int_equal(fx.hosts.n, 2);
	assert_string_equal(fx.hostv[0], "a");
	assert_string_equal(fx.hostv[1], "b");
	setup(NULL);
	expect_error(parse("--host", "a", "--host=b", "--host", "c", NULL), CLI_E_LIST_FULL, "host",
		     "--host");
	assert_string_equal(fx.err.value, "c");
}

static void test_empty_value(void **state)
{
	(void)state;
	/* an empty value is a value (the agent's edit clears a field with it) */
	assert_int_equal(parse("--note=", "--dir", "", NULL), CLI_OK);
	assert_string_equal(fx.note, "");
	assert_string_equal(fx.dir, "");
	/* unless the command says otherwise */
	setup(NULL);
	fx.spec.flags = CLI_NONEMPTY;
	expect_error(parse("--dir", "", NULL), CLI_E_NO_VALUE, "dir", "--dir");
	expect_error(parse("--dir=", NULL), CLI_E_NO_VALUE, "dir", "--dir=");
	assert_int_equal(parse("--json", NULL), CLI_OK);
	/* an empty number is not a number */
	setup(NULL);
	expect_error(parse("--page=", NULL), CLI_E_NOT_INT, "page", "--page=");
}

static void test_utf8(void **state)
{
	(void)state;
	assert_int_equal(parse("--note=Nguyễn Văn Ân", "--dir", "Sóc Trăng", "Đào", NULL), CLI_OK);
	assert_string_equal(fx.note, "Nguyễn Văn Ân");
	assert_string_equal(fx.dir, "Sóc Trăng");
	assert_string_equal(fx.pos[0], "Đào");
	/* an option name is compared byte for byte */
	expect_error(parse("--ghi-chú=x", NULL), CLI_E_UNKNOWN, NULL, "--ghi-chú=x");
	/* bytes that are not UTF-8 pass through: checking text is the command's job */
	setup(NULL);
	assert_int_equal(parse("--note", "Nguy\xe1n", NULL), CLI_OK);
	assert_string_equal(fx.note, "Nguy\xe1n");
}

static void test_choice(void **state)
{
	char line[64];

	(void)state;
	assert_int_equal(parse("--format", "csv", NULL), CLI_OK);
	assert_int_equal(fx.format, 1);
	setup(NULL);
	expect_error(parse("--format=xml", NULL), CLI_E_CHOICE, "format", "--format=xml");
	assert_string_equal(fx.err.value, "xml");
	assert_int_equal(fx.format, -1);
	assert_string_equal(cli_choices_join(formats, line, sizeof line), "table, csv, json");
	assert_string_equal(cli_choices_join(formats, line, 8), "table, ");
	assert_int_equal(cli_choice(formats, "json"), 2);
	assert_int_equal(cli_choice(formats, "JSON"), -1);
}

static void test_usage(void **state)
{
	char line[256];

	(void)state;
	assert_string_equal(cli_usage(fx.opts, 3, line, sizeof line),
			    "[--dir DIR] [--note TEXT] [--json]");
	assert_string_equal(cli_usage(&fx.opts[8], 1, line, sizeof line), "[--host NAME ...]");
	assert_string_equal(cli_usage(fx.opts, 3, line, 10), "[--dir DI");
	assert_string_equal(cli_usage(fx.opts, 0, line, sizeof line), "");
}

static void test_pass_unknown(void **state)
{
	const char *home = NULL;
	int json = 0;
	cli_opt globals[] = {
		CLI_STRING("home", &home, "DIR", "the store"),
		CLI_FLAG("json", &json, "answer in JSON"),
	};
	char *words[] = { "household", "--home=h", "add", "--name", "A", "--json", "-h", "--", "--json" };
	cli_spec spec = { CLI_TABLE(globals), .args = words, .maxargs = CLI_ARRAY_SIZE(words),
			  .flags = CLI_PASS_UNKNOWN };
	cli_error err;

	(void)state;
	assert_int_equal(cli_parse(&spec, (int)CLI_ARRAY_SIZE(words), words, &err), CLI_OK);
	assert_string_equal(home, "h");
	assert_int_equal(json, 1);
	assert_int_equal(spec.nargs, 7);
	const char *const want[] = { "household", "add", "--name", "A", "-h", "--", "--json" };
	for (size_t i = 0; i < CLI_ARRAY_SIZE(want); i++)
		assert_string_equal(words[i], want[i]);
}

static void test_table_at_bound(void **state)
{
	static char names[CLI_MAX_OPTS][8];
	int set[CLI_MAX_OPTS] = { 0 };
	cli_opt opts[CLI_MAX_OPTS];
	char *words[] = { "--o0", "--o31" };
	cli_spec spec;
	cli_error err;

	(void)state;
	for (size_t i = 0; i < CLI_MAX_OPTS; i++) {
		snprintf(names[i], sizeof names[i], "o%zu", i);
		opts[i] = (cli_opt)CLI_FLAG(names[i], &set[i], "one of many");
	}
	spec = (cli_spec){ CLI_TABLE(opts), .args = NULL, .maxargs = 0 };
	assert_int_equal(spec.nopts, CLI_MAX_OPTS);
	assert_int_equal(cli_parse(&spec, 2, words, &err), CLI_OK);
	assert_int_equal(set[0], 1);
	assert_int_equal(set[CLI_MAX_OPTS - 1], 1);
	assert_int_equal(set[1], 0);
	/* and the last one is remembered like the first */
	words[0] = "--o31";
	set[CLI_MAX_OPTS - 1] = 0;
	assert_int_equal(cli_parse(&spec, 2, words, &err), CLI_ERROR);
	assert_int_equal(err.code, CLI_E_TWICE);
	assert_ptr_equal(err.opt, &opts[CLI_MAX_OPTS - 1]);
}

TEST_MAIN(cmocka_unit_test_setup(test_both_spellings, setup),
	  cmocka_unit_test_setup(test_defaults_stay, setup),
	  cmocka_unit_test_setup(test_positionals, setup), cmocka_unit_test_setup(test_in_place, setup),
	  cmocka_unit_test_setup(test_end_of_options, setup), cmocka_unit_test_setup(test_help, setup),
	  cmocka_unit_test_setup(test_unknown, setup), cmocka_unit_test_setup(test_missing_value, setup),
	  cmocka_unit_test_setup(test_value_like_option, setup),
	  cmocka_unit_test_setup(test_integers, setup), cmocka_unit_test_setup(test_overflow, setup),
	  cmocka_unit_test(test_parse_int), cmocka_unit_test_setup(test_repeated, setup),
	  cmocka_unit_test_setup(test_empty_value, setup), cmocka_unit_test_setup(test_utf8, setup),
	  cmocka_unit_test_setup(test_choice, setup), cmocka_unit_test_setup(test_usage, setup),
	  cmocka_unit_test(test_pass_unknown), cmocka_unit_test(test_table_at_bound))

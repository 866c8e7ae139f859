/*
 * test_campaign_report.c - the [report] section of a campaign file
 * (docs/CAMPAIGN.md, "[report]"): the real Sóc Trăng file gives the final
 * report's heading; a file without the section loads with none; a section
 * lacking a required key, with an unknown key or a key twice is refused on
 * the right line with a message naming the key; memory running out at any
 * allocation is a clean error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "maiam/alloc.h"
#include "maiam/campaign.h"
#include "testutil.h"

#define CAMPAIGN MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = test_mkdtemp();
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	test_rmtree(dir);
	free(dir);
	return 0;
}

/*
 * Write the real campaign file without its [report] section, its units
 * path made absolute, then section (may be ""), to dir/name: the path, in
 * a static buffer.
 */
static const char *campaign_with(const char *name, const char *section)
{
	static char path[4096];
	char line[2048];
	FILE *in = fopen(CAMPAIGN, "rb"), *out;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = fopen(path, "wb");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in) && strncmp(line, "[report]", 8) != 0) {
		if (strncmp(line, "units = ", 8) == 0)
			fprintf(out, "units = %s/data/soc-trang-units.csv\n", MAIAM_SOURCE_DIR);
		else
			fputs(line, out);
	}
	fputs(section, out);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	return path;
}

static void test_real_heading(void **state)
{
	proto_campaign c;
	char err[1024];

	(void)state;
	assert_int_equal(proto_campaign_load(CAMPAIGN, &c, err, sizeof(err)), PROTO_OK);
	assert_string_equal(c.report.issuing_body, "Công an tỉnh Sóc Trăng");
	assert_string_equal(c.report.superior, "Bộ Công an");
	assert_string_equal(c.report.number, "…/BC-CAT");
	assert_string_equal(c.report.place, "Sóc Trăng");
	assert_string_equal(c.report.signer, "Giám đốc");
	assert_string_equal(c.report.recipients, "UBND tỉnh (để báo cáo); Sở Nội vụ; Lưu: VT");
	proto_campaign_release(&c);
	assert_null(c.report.issuing_body);
}

static void test_without_section(void **state)
{
	proto_campaign c;
	char err[1024];

	(void)state;
	assert_int_equal(proto_campaign_load(campaign_with("none.campaign", ""), &c, err, sizeof(err)),
			 PROTO_OK);
	assert_null(c.report.issuing_body);
	assert_null(c.report.signer);
	proto_campaign_release(&c);
	/* the optional keys may be left out */
	assert_int_equal(proto_campaign_load(campaign_with("least.campaign",
							   "[report]\nissuing_body = Công an tỉnh\n"
							   "number = …/BC-CAT\nplace = Sóc Trăng\n"
							   "signer = Giám đốc\n"),
					     &c, err, sizeof(err)),
			 PROTO_OK);
	assert_null(c.report.superior);
	assert_null(c.report.recipients);
	proto_campaign_release(&c);
}

/* The file refused, the message holding what (and "FILE:LINE:" at the
 * section's line when at_section, else at its last line). */
static void refused(const char *name, const char *section, int at_section, const char *what)
{
	const char *path = campaign_with(name, section);
	proto_campaign c;
	char err[1024], where[4200];
	long line = 0;
	FILE *f = fopen(path, "rb");
	int ch, last = 0;

	assert_non_null(f);
	/* the line of "[report]", or the file's last line */
	for (long n = 1; (ch = fgetc(f)) != EOF;) {
		if (ch == '[' && last == '\n' && !line && at_section) {
			char word[8] = { 0 };

			if (fread(word, 1, 7, f) == 7 && strcmp(word, "report]") == 0)
				line = n;
		}
		if (ch == '\n')
			n++, line = at_section ? line : n - 1;
		last = ch;
	}
	fclose(f);
	assert_int_equal(proto_campaign_load(path, &c, err, sizeof(err)), PROTO_EVALUE);
	snprintf(where, sizeof(where), "%s:%ld: ", path, line);
	if (!strstr(err, where) || !strstr(err, what))
		fail_msg("want '%s' and '%s' in: %s", where, what, err);
	assert_null(c.report.issuing_body);
}

static void test_bad_sections(void **state)
{
	(void)state;
	refused("nosigner.campaign",
		"[report]\nissuing_body = Công an tỉnh\nnumber = …/BC-CAT\nplace = Sóc Trăng\n", 1,
		"[report] lacks 'signer'; set issuing_body, number, place and signer");
	refused("empty.campaign", "[report]\n", 1, "[report] lacks 'issuing_body'");
	refused("unknown.campaign", "[report]\nissuing_body = Công an tỉnh\nsigned_by = Giám đốc\n", 0,
		"unknown key 'signed_by' in [report]; known: issuing_body, number, place, signer");
	refused("twice.campaign", "[report]\nplace = Sóc Trăng\nplace = Cần Thơ\n", 0,
		"key 'place' appears twice in [report] (first on line");
	refused("novalue.campaign", "[report]\nsigner =\n", 0, "key 'signer' has no value");
}

static void test_out_of_memory(void **state)
{
	const char *path = campaign_with("oom.campaign",
					 "[report]\nsuperior = Bộ Công an\nissuing_body = Công an tỉnh\n"
					 "number = …/BC-CAT\nplace = Sóc Trăng\nsigner = Giám đốc\n"
					 "recipients = UBND tỉnh; Lưu: VT\n");
	proto_campaign c;
	char err[1024];
	proto_result r;
	long i;

	(void)state;
	for (i = 0;; i++) {
		proto_alloc_fail_after(i);
		r = proto_campaign_load(path, &c, err, sizeof(err));
		proto_alloc_fail_after(-1);
		if (r == PROTO_OK)
			break;
		assert_int_equal(r, PROTO_ENOMEM);
		assert_null(c.report.issuing_body);
		assert_true(i < 10000);
	}
	assert_string_equal(c.report.recipients, "UBND tỉnh; Lưu: VT");
	proto_campaign_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_heading),
		cmocka_unit_test(test_without_section),
		cmocka_unit_test(test_bad_sections),
		cmocka_unit_test(test_out_of_memory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * xlsx_cmd.c - what 'maiam-hub report' and 'maiam-hub household list' share
 * when they write a file (--out): the check that a workbook has a file to go
 * to, and saving it whole. The messages are the operator's (translated).
 */
#include <limits.h>
#include <stdio.h>
#include "hub.h"
#include "i18n.h"
#include "xlsx.h"

int hub_report_needs_out(const hub_report_opts *o, const char *out_path)
{
	char name[64];

	if (o->format != HUB_FMT_XLSX || out_path)
		return 0;
	hub_download_name(o, name, sizeof(name));
	hub_errorf(_("--format xlsx writes an Excel workbook, not text: name its file with --out, e.g."
		     " --out %s"),
		   name);
	return -1;
}

int hub_report_write_out(const proto_buf *out, const char *path)
{
	char err[PATH_MAX + 256];

	if (hub_report_save(out, path, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		return -1;
	}
	printf(_("written to %s\n"), path);
	return 0;
}

/*
 * read_audit_cmd.c - 'maiam-hub audit reads': the read audit at the
 * terminal, for an admin answering "who saw this family's record?" or
 * "what did this operator open?" (read_audit.h). Times are Vietnam's
 * (UTC+7), as the other listings; --json gives Unix seconds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "maiam/cli.h"
#include "maiam/text.h"
#include "ctx.h"
#include "household_ref.h"
#include "i18n.h"
#include "json.h"
#include "operator.h"
#include "read_audit.h"

#define VIETNAM_OFFSET (7 * 3600)

typedef struct reads_list {
	int json;
	int64_t n;
	proto_buf b;
} reads_list;

static hub_result list_row(void *arg, const hub_read *r)
{
	reads_list *ls = arg;
	time_t t = (time_t)(r->at + VIETNAM_OFFSET);
	char at[32] = "?";
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S", &tm);
	proto_buf_reset(&ls->b);
	if (ls->json) {
		if (proto_buf_appendf(&ls->b, "%s{\"at\": %lld, \"operator\": ", ls->n ? ",\n " : "",
				      (long long)r->at) ||
		    hub_json_str(&ls->b, r->operator_name) ||
		    proto_buf_append_str(&ls->b, ", \"what\": ") || hub_json_str(&ls->b, r->what) ||
		    proto_buf_append_str(&ls->b, ", \"household\": ") ||
		    hub_json_str(&ls->b, r->household[0] ? r->household : NULL) ||
		    proto_buf_append_str(&ls->b, ", \"detail\": ") || hub_json_str(&ls->b, r->detail) ||
		    proto_buf_append_str(&ls->b, "}"))
			return HUB_ENOMEM;
	} else if (proto_buf_appendf(&ls->b, "%-20s %-21s %-10s %-24s %s\n", at, r->operator_name,
				     r->what, r->household[0] ? r->household : "-", r->detail)) {
		return HUB_ENOMEM;
	}
	ls->n++;
	return fwrite(ls->b.data, 1, ls->b.len, stdout) == ls->b.len ? HUB_OK : HUB_EIO;
}

/* --since's date, the start of that day in Vietnam, into *since: 0, or -1
 * said on stderr. */
static int parse_since(const char *typed, int64_t *since)
{
	char date[11];
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (proto_date_parse(typed, date) != PROTO_RULE_OK ||
	    sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
		hub_errorf(_("--since '%s' is not a date: type it as YYYY-MM-DD, e.g. 2023-07-01"), typed);
		return -1;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*since = (int64_t)timegm(&tm) - VIETNAM_OFFSET;
	return 0;
}

int hub_read_audit_cmd(int argc, char **argv)
{
	static const char *const subs[] = { "reads", NULL };
	static const hub_group group = {
		"audit", subs,
		N_("audit reads [--operator NAME] [--household ID|REF] [--since YYYY-MM-DD] [--json]")
	};
	const char *dir = hub_default_dir(), *name = "", *household = "", *since_typed = "";
	char err[512], full_id[64] = "";
	hub_read_filter f = { "", "", 0 };
	reads_list ls = { 0 };
	hub_operator op;
	hub_ctx ctx;
	proto_id id;
	bool found;
	hub_result r;
	int rc = HUB_EXIT_FAIL, opened = 0;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("operator", &name, "NAME", N_("only what this operator read")),
		CLI_STRING("household", &household, "ID|REF",
			   N_("only who read this household (its full id or short reference)")),
		CLI_STRING("since", &since_typed, "YYYY-MM-DD",
			   N_("only reads from this day on (Vietnam time)")),
		CLI_FLAG("json", &ls.json, N_("the reads as JSON")),
	};
	cli_spec spec = { CLI_TABLE(opts) };

	if (hub_parse_args(&group, "", &spec, argc, argv, &rc))
		return rc;
	proto_buf_init(&ls.b, 4096);
	if (since_typed[0] && parse_since(since_typed, &f.since)) {
		rc = HUB_EXIT_USAGE;
		goto out;
	}
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		goto out;
	}
	opened = 1;
	if (name[0]) {
		if (hub_operator_get(ctx.db, name, &op, &found) != HUB_OK) {
			hub_errorf(_("cannot read the operators: %s"), sqlite3_errmsg(ctx.db));
			goto out;
		}
		/* an operator removed since still has its reads: say so, list them */
		if (!found)
			hub_errorf(_("no operator is named '%s' now (see 'maiam-hub operator list');"
				     " its reads are listed if it had any"),
				   name);
		f.operator_name = name;
	}
	if (household[0]) {
		if (hub_household_name(ctx.db, household, &id, NULL, err, sizeof(err)) != HUB_OK) {
			hub_errorf("%s", err);
			rc = HUB_EXIT_USAGE;
			goto out;
		}
		snprintf(full_id, sizeof(full_id), "%016llx-%llu", (unsigned long long)id.origin,
			 (unsigned long long)id.serial);
		f.household = full_id;
	}
	if (ls.json)
		printf("[");
	else
		/* column names, as --json's keys: the same in every language */
		printf("%-20s %-21s %-10s %-24s %s\n", "AT", "OPERATOR", "WHAT", "HOUSEHOLD", "DETAIL");
	r = hub_read_audit_each(ctx.db, &f, 0, list_row, &ls);
	if (ls.json && r == HUB_OK)
		printf("]\n");
	if (r == HUB_OK && fflush(stdout) == 0) {
		rc = HUB_EXIT_OK;
		goto out;
	}
	hub_errorf(_("cannot list the reads: %s"),
		   r == HUB_EDB ? sqlite3_errmsg(ctx.db) : strerror(errno));
out:
	proto_buf_release(&ls.b);
	if (opened)
		hub_close(&ctx);
	return rc;
}

/*
 * cmd_audit.c - maiam-hub audit verify: the auditor's check that nobody
 * altered the record after the fact. Every change-set in the ledger is
 * verified again (signature by its origin's key, stored hash, hash chain and
 * sequence per origin), the replicated tables are rebuilt from the ledger
 * alone into a scratch database, and compared row for row with hub.db.
 * Reads one snapshot of hub.db, so it can run beside a serving hub.
 * Refused links (hub_refused) hold their places in a chain. What was accepted
 * before the rulebook is replayed through it: the rows it would refuse now
 * are listed and kept in the reconcile queue (code invalid_before_rules),
 * without failing the audit: they are the record of what happened. The hub's
 * decisions carry the operator's name in a decision record (signed with the
 * rest of the change-set, rebuilt into the decision table and compared).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "maiam/cli.h"
#include "ctx.h"
#include "store.h"
#include "json.h"
#include "cmd.h"
#include "i18n.h"
#include "audit_photos.h"
#include "read_audit.h"

#define AUDIT_MAX_PROBLEMS 50

/* The tables the merge rules write, with their primary keys. Conflict
 * records are observations of arrival order, not replicated state. */
static const struct {
	const char *name;
	const char *key;
} tables[] = {
	{ "household", "id_origin, id_serial" },  { "household_stamp", "id_origin, id_serial, field" },
	{ "milestone", "id_origin, id_serial" },  { "contribution", "id_origin, id_serial" },
	{ "void_event", "id_origin, id_serial" }, { "decision", "id_origin, id_serial" },
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

typedef struct audit {
	hub_ctx *ctx;
	sqlite3 *rebuilt;
	proto_key *key;   /* the current origin's public key */
	uint64_t origin;  /* whose chain we are walking */
	uint64_t seq;     /* last seq seen of that origin */
	uint8_t hash[32]; /* its hash */
	int key_ok;
	size_t changesets, origins, problems, refused;
	/* the hub's decisions: signed with a name, and reviews from before */
	size_t decisions, unnamed_reviews;
	int names_signed; /* the hub's chain has carried a decision record */
	proto_buf report; /* the problems, one line each */
	int json;
	/* ledger rows the rulebook would refuse now */
	size_t nfindings, capfindings;
	struct finding {
		uint64_t origin, seq;
		char message[400]; /* kept in the reconcile queue: English, as the hub's */
		long long row;     /* the message's parts, for the operator's language */
		const char *rule;  /* proto_rule_name */
		char record[40];
	} * findings;
} audit;

static void problem(audit *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vproblem(audit *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Replay the rulebook over an agent's ledger row, as the hub would have
 * checked it on the day it received it (latest = that day + 1). */
static void replay_rules(audit *a, const hub_ledger_row *row, const proto_changeset *cs)
{
	proto_rules rules;
	proto_violation bad;
	char day[11], text[300], hex[17];
	struct finding *f;

	if (row->origin == a->ctx->cfg->key_id)
		return; /* the hub's own decisions */
	proto_rules_day((time_t)row->received, 1, day);
	proto_rules_init(&rules, a->ctx->cfg->have_campaign ? &a->ctx->cfg->campaign : NULL, day);
	memset(&bad, 0, sizeof(bad));
	if (proto_rules_check_changeset(&rules, cs, &bad) == PROTO_RULE_OK)
		return;
	if (a->nfindings == a->capfindings) {
		size_t cap = a->capfindings ? a->capfindings * 2 : 16;
		f = proto_calloc(cap, sizeof(*f));
		if (!f) {
			problem(a, N_("out of memory while listing rulebook findings"));
			return;
		}
		if (a->nfindings)
			memcpy(f, a->findings, a->nfindings * sizeof(*f));
		free(a->findings);
		a->findings = f;
		a->capfindings = cap;
	}
	f = &a->findings[a->nfindings++];
	f->origin = row->origin;
	f->seq = row->seq;
	f->row = (long long)row->id;
	f->rule = proto_rule_name(bad.rule);
	proto_key_id_hex(bad.id.origin, hex);
	snprintf(f->record, sizeof(f->record), "%s-%llu", hex, (unsigned long long)bad.id.serial);
	proto_violation_text(&bad, text, sizeof(text));
	snprintf(f->message, sizeof(f->message),
		 "ledger row %lld, accepted before the rulebook: %s;"
		 " it stays applied: correct it with an edit or a void",
		 (long long)row->id, text);
}

/* The hub's decisions in one ledger row: a decision record only in the
 * hub's own chain, with an operator's name; once the hub signs names, every
 * review it writes carries its decision record. Reviews from before are
 * counted, not faulted: they are the record of what happened. */
static void check_decisions(audit *a, const hub_ledger_row *row, const proto_changeset *cs)
{
	const int hub = row->origin == a->ctx->cfg->key_id;
	size_t i, j, named = 0, reviews = 0;
	char hex[17];

	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];

		if (rec->kind == PROTO_KIND_DECISION)
			named++;
		for (j = 0; rec->kind == PROTO_KIND_HOUSEHOLD && j < rec->nfields; j++)
			reviews += rec->fields[j].field == PROTO_HH_REVIEW_STATUS;
	}
	proto_key_id_hex(row->origin, hex);
	if (named && !hub)
		problem(a,
			N_("ledger row %lld (origin %s seq %llu): a decision record not signed by"
			   " the hub"),
			(long long)row->id, hex, (unsigned long long)row->seq);
	if (!hub)
		return;
	a->decisions += named;
	a->names_signed |= named > 0;
	if (reviews > named && a->names_signed)
		problem(a,
			N_("ledger row %lld (origin %s seq %llu): a review without the decision"
			   " record naming who decided"),
			(long long)row->id, hex, (unsigned long long)row->seq);
	else if (reviews > named)
		a->unnamed_reviews += reviews - named;
}

/* Refused links between the last row seen and seq: they hold their places. */
static void walk_refused(audit *a, uint64_t origin, uint64_t seq)
{
	hub_refused_link link;
	bool found;

	while (seq > a->seq + 1 &&
	       hub_refused_get(a->ctx->db, origin, a->seq + 1, &link, &found) == HUB_OK && found &&
	       memcmp(link.prev, a->hash, 32) == 0) {
		a->seq++;
		memcpy(a->hash, link.hash, 32);
		a->refused++;
	}
}

/* fmt is N_(): the text report speaks the operator's language, --json
 * stays English (its words are read by programs) */
static void vproblem(audit *a, const char *fmt, va_list ap)
{
	char line[512];

	a->problems++;
	if (a->problems > AUDIT_MAX_PROBLEMS)
		return;
	vsnprintf(line, sizeof(line), a->json ? fmt : _(fmt), ap);
	if (a->json) {
		if (a->report.len)
			proto_buf_append_byte(&a->report, ',');
		hub_json_str(&a->report, line);
	} else {
		proto_buf_appendf(&a->report, "  %s\n", line);
	}
}

static void problem(audit *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(a, fmt, ap);
	va_end(ap);
}

/* A stored photo's finding (audit_photos.c): a problem like the others. */
static void photo_problem(void *arg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(arg, fmt, ap);
	va_end(ap);
}

/* The key that must have signed origin's change-sets: the hub's or an agent's. */
static void load_key(audit *a, uint64_t origin)
{
	hub_agent ag;
	bool found;
	char hex[17];

	proto_key_free(a->key);
	a->key = NULL;
	a->key_ok = 0;
	proto_key_id_hex(origin, hex);
	if (origin == a->ctx->cfg->key_id) {
		uint8_t raw[PROTO_PUBKEY_LEN];
		proto_key_public_raw(a->ctx->cfg->key, raw);
		a->key_ok = proto_key_from_public(raw, &a->key) == PROTO_OK;
	} else if (hub_agent_get(a->ctx->db, origin, &ag, &found) == HUB_OK && found) {
		a->key_ok = proto_key_from_public(ag.pub, &a->key) == PROTO_OK;
	}
	if (!a->key_ok)
		problem(a, N_("origin %s: no enrolled key, its change-sets cannot be verified"), hex);
}

static int check_row(void *arg, const hub_ledger_row *row)
{
	audit *a = arg;
	proto_changeset cs;
	uint8_t hash[32];
	char hex[17];
	proto_result r;

	a->changesets++;
	proto_key_id_hex(row->origin, hex);
	if (row->origin != a->origin || a->origins == 0) {
		a->origin = row->origin;
		a->seq = 0;
		memset(a->hash, 0, sizeof(a->hash));
		a->origins++;
		load_key(a, row->origin);
	}
	if (!a->key_ok)
		return 0;
	r = proto_open(row->sealed, row->len, a->key, &cs, hash);
	if (r != PROTO_OK) {
		problem(a, N_("ledger row %lld (origin %s seq %llu): %s"), (long long)row->id, hex,
			(unsigned long long)row->seq, proto_strerror(r));
		goto out;
	}
	if (cs.hdr.origin != row->origin || cs.hdr.seq != row->seq)
		problem(a,
			N_("ledger row %lld: filed as origin %s seq %llu but the change-set says seq %llu"),
			(long long)row->id, hex, (unsigned long long)row->seq,
			(unsigned long long)cs.hdr.seq);
	if (row->hash_len != 32 || memcmp(row->hash, hash, 32) != 0)
		problem(a, N_("ledger row %lld (origin %s seq %llu): stored hash differs from the bytes"),
			(long long)row->id, hex, (unsigned long long)row->seq);
	if (cs.hdr.campaign[0] && strcmp(cs.hdr.campaign, a->ctx->cfg->campaign_id) != 0)
		problem(a, N_("ledger row %lld: campaign '%s', the hub serves '%s'"), (long long)row->id,
			cs.hdr.campaign, a->ctx->cfg->campaign_id);
	/* every origin's chain, the hub's own decisions included, must be whole */
	walk_refused(a, row->origin, cs.hdr.seq);
	if (cs.hdr.seq != a->seq + 1)
		problem(a, N_("origin %s: seq %llu follows seq %llu (a gap or a deleted row)"), hex,
			(unsigned long long)cs.hdr.seq, (unsigned long long)a->seq);
	else if (memcmp(cs.hdr.prev, a->hash, 32) != 0)
		problem(a, N_("origin %s seq %llu: does not chain to seq %llu (a fork or an altered row)"),
			hex, (unsigned long long)cs.hdr.seq, (unsigned long long)a->seq);
	a->seq = cs.hdr.seq;
	memcpy(a->hash, hash, 32);
	replay_rules(a, row, &cs);
	check_decisions(a, row, &cs);
	r = proto_merge(a->rebuilt, &cs, NULL);
	if (r != PROTO_OK)
		problem(a, N_("ledger row %lld (origin %s seq %llu): does not merge: %s"),
			(long long)row->id, hex, (unsigned long long)row->seq, proto_strerror(r));
out:
	proto_changeset_release(&cs);
	return 0;
}

static long long count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Rows of one table in hub.db and not in the rebuild, and the other way. */
static void compare_table(audit *a, size_t t, proto_buf *summary)
{
	char sql[512];
	long long rows, extra, missing;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM main.%s", tables[t].name);
	rows = count(a->ctx->db, sql);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM (SELECT * FROM main.%s EXCEPT SELECT * FROM rebuilt.%s)",
		 tables[t].name, tables[t].name);
	extra = count(a->ctx->db, sql);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM (SELECT * FROM rebuilt.%s EXCEPT SELECT * FROM main.%s)",
		 tables[t].name, tables[t].name);
	missing = count(a->ctx->db, sql);
	if (rows < 0 || extra < 0 || missing < 0) {
		problem(a, N_("%s: cannot compare: %s"), tables[t].name, sqlite3_errmsg(a->ctx->db));
		return;
	}
	if (extra || missing)
		problem(a,
			N_("%s: %lld row(s) in hub.db that the ledger does not give, %lld row(s) the"
			   " ledger gives that hub.db lacks or holds altered"),
			tables[t].name, extra, missing);
	if (a->json)
		proto_buf_appendf(summary,
				  "%s\"%s\": {\"rows\": %lld, \"only_in_db\": %lld, \"only_in_ledger\": %lld}",
				  t ? ", " : "", tables[t].name, rows, extra, missing);
	else
		proto_buf_appendf(summary, "%s%s %lld", t ? ", " : "", tables[t].name, rows);
}

/* Each finding once in the reconcile queue (hub_rejection, source "audit"),
 * however often the audit runs. */
static int keep_findings(audit *a)
{
	int64_t now = (int64_t)(proto_wall_ms() / 1000);
	size_t i;
	bool added;

	if (!a->nfindings)
		return 0;
	if (sqlite3_exec(a->ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < a->nfindings; i++)
		if (hub_rejection_add_once(a->ctx->db, "audit", a->findings[i].origin,
					   a->findings[i].seq, "invalid_before_rules",
					   a->findings[i].message, now, &added) != HUB_OK)
			goto fail;
	if (sqlite3_exec(a->ctx->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
fail:
	sqlite3_exec(a->ctx->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* A finding in the operator's language (see print_findings). */
static const char finding_text[] = N_(
	"  origin %s seq %llu: ledger row %lld, accepted before the rulebook, breaks the rule"
	" '%s' (record %s); it stays applied: correct it with an edit or a void\n");

/* The findings, after the verdict (they do not change it). */
static void print_findings(const audit *a)
{
	char hex[17];
	size_t i;

	if (a->json) {
		printf(", \"refused_links\": %zu, \"rule_findings\": [", a->refused);
		for (i = 0; i < a->nfindings; i++) {
			proto_buf b;
			proto_key_id_hex(a->findings[i].origin, hex);
			proto_buf_init(&b, 4096);
			hub_json_str(&b, a->findings[i].message);
			printf("%s{\"origin\": \"%s\", \"seq\": %llu, \"message\": %.*s}", i ? ", " : "",
			       hex, (unsigned long long)a->findings[i].seq, (int)b.len,
			       b.data ? (char *)b.data : "\"\"");
			proto_buf_release(&b);
		}
		printf("]");
		return;
	}
	if (a->refused)
		printf(_("refused links: %zu (verified, refused, holding their places in their"
			 " chains)\n"),
		       a->refused);
	if (!a->nfindings)
		return;
	printf(_("rulebook replay: %zu ledger row(s) accepted before the rulebook would be refused"
		 " now (kept in the reconcile queue, the audit does not fail for them):\n"),
	       a->nfindings);
	for (i = 0; i < a->nfindings; i++) {
		const struct finding *f = &a->findings[i];

		proto_key_id_hex(f->origin, hex);
		/* the kept message names the broken value in the rulebook's
		 * English: where the catalogue has its own sentence, that sentence
		 * names the rule by its code instead (gettext gives its very
		 * argument back when it has no translation) */
		if (_(finding_text) == finding_text)
			printf("  origin %s seq %llu: %s\n", hex, (unsigned long long)f->seq, f->message);
		else
			printf(_(finding_text), hex, (unsigned long long)f->seq, f->row, f->rule,
			       f->record);
	}
}

int hub_cmd_audit(int argc, char **argv)
{
	static const char *const subs[] = { "verify", NULL };
	static const hub_group group = { "audit", subs, N_("audit verify [--dir DIR] [--json]") };
	const char *dir = hub_default_dir();
	char err[512], scratch[PATH_MAX + 32], sql[PATH_MAX + 64];
	hub_ctx ctx;
	audit a;
	proto_buf summary;
	size_t photos = 0;
	int rc = HUB_EXIT_FAIL, attached = 0, opened = 0, in_txn = 0;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_FLAG("json", &a.json, N_("the result as JSON")),
	};
	cli_spec spec = { CLI_TABLE(opts) };

	if (argc > 1 && strcmp(argv[1], "reads") == 0)
		return hub_read_audit_cmd(argc, argv); /* who read households' data */
	memset(&a, 0, sizeof(a));
	if (hub_parse_args(&group, "", &spec, argc, argv, &rc))
		return rc;
	proto_buf_init(&a.report, 1 << 20);
	proto_buf_init(&summary, 1 << 16);
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		goto out;
	}
	opened = 1;
	a.ctx = &ctx;
	/* the rebuild lives next to hub.db for the run only */
	if (hub_path(&ctx, "audit-rebuild.db", scratch, sizeof(scratch)) ||
	    (size_t)snprintf(scratch + strlen(scratch), 24, ".%ld", (long)getpid()) >= 24) {
		hub_errorf("%s", _("hub directory path is too long"));
		goto out;
	}
	if (proto_db_open(scratch, &a.rebuilt) != PROTO_OK) {
		hub_errorf(_("cannot create the scratch database '%s'; check free space"), scratch);
		goto out;
	}
	/* scratch data: no need to survive a power cut */
	sqlite3_exec(a.rebuilt, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
	snprintf(sql, sizeof(sql), "ATTACH DATABASE '%s' AS rebuilt", scratch);
	if (strchr(scratch, '\'') || sqlite3_exec(ctx.db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		hub_errorf(_("cannot attach the scratch database: %s"), sqlite3_errmsg(ctx.db));
		goto out;
	}
	attached = 1;
	/* one snapshot of hub.db for the ledger walk and the comparison */
	if (sqlite3_exec(ctx.db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(a.rebuilt, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		hub_errorf(_("cannot start reading: %s"), sqlite3_errmsg(ctx.db));
		goto out;
	}
	in_txn = 1;
	if (hub_ledger_each_by_origin(ctx.db, check_row, &a) != HUB_OK) {
		hub_errorf(_("cannot read the ledger: %s"), sqlite3_errmsg(ctx.db));
		goto out;
	}
	if (sqlite3_exec(a.rebuilt, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		hub_errorf(_("cannot write the scratch database: %s"), sqlite3_errmsg(a.rebuilt));
		goto out;
	}
	for (size_t t = 0; t < NTABLES; t++)
		compare_table(&a, t, &summary);
	if (hub_audit_photos(&ctx, photo_problem, &a, &photos) != HUB_OK) {
		hub_errorf(_("cannot check the stored photos: %s"), sqlite3_errmsg(ctx.db));
		goto out;
	}
	sqlite3_exec(ctx.db, "COMMIT", NULL, NULL, NULL);
	in_txn = 0;
	if (keep_findings(&a)) {
		hub_errorf(_("cannot keep the rulebook findings in the reconcile queue: %s; run the"
			     " audit again"),
			   sqlite3_errmsg(ctx.db));
		goto out;
	}

	if (a.json) {
		printf("{\"changesets\": %zu, \"origins\": %zu, \"ok\": %s, \"tables\": {%.*s},"
		       " \"photos_checked\": %zu, \"decisions_signed\": %zu,"
		       " \"reviews_before_names\": %zu, \"problems\": [%.*s]",
		       a.changesets, a.origins, a.problems ? "false" : "true", (int)summary.len,
		       summary.data ? (char *)summary.data : "", photos, a.decisions, a.unnamed_reviews,
		       (int)a.report.len, a.report.data ? (char *)a.report.data : "");
		print_findings(&a);
		printf("}\n");
	} else {
		printf(_("ledger: %zu change-sets from %zu origins checked (signature, hash, chain)\n"),
		       a.changesets, a.origins);
		printf(_("state rebuilt from the ledger and compared with hub.db: %.*s\n"),
		       (int)summary.len, summary.data ? (char *)summary.data : "");
		printf(_("photos: %zu stored, each read back and checked against its name and its"
			 " records\n"),
		       photos);
		printf(_("decisions: %zu signed with the operator's name, %zu reviews from before"
			 " decisions carried a name\n"),
		       a.decisions, a.unnamed_reviews);
		if (a.problems) {
			printf(_("audit FAILED: %zu problem(s)%s:\n%.*s"), a.problems,
			       a.problems > AUDIT_MAX_PROBLEMS ? _(" (first 50 shown)") : "",
			       (int)a.report.len, (char *)a.report.data);
			printf("%s", _("the ledger is the signed record: investigate who changed hub.db,"
				       " then restore it from a backup or rebuild it from the ledger\n"));
		} else {
			printf("%s", _("audit passed: every change-set verifies and hub.db is exactly what"
				       " the ledger gives\n"));
		}
		print_findings(&a);
	}
	rc = a.problems ? HUB_EXIT_FAIL : HUB_EXIT_OK;
out:
	if (in_txn)
		sqlite3_exec(ctx.db, "COMMIT", NULL, NULL, NULL);
	if (attached)
		sqlite3_exec(ctx.db, "DETACH DATABASE rebuilt", NULL, NULL, NULL);
	if (a.rebuilt) {
		sqlite3_close(a.rebuilt);
		unlink(scratch);
		snprintf(sql, sizeof(sql), "%s-wal", scratch);
		unlink(sql);
		snprintf(sql, sizeof(sql), "%s-shm", scratch);
		unlink(sql);
	}
	proto_key_free(a.key);
	free(a.findings);
	proto_buf_release(&a.report);
	proto_buf_release(&summary);
	if (opened)
		hub_close(&ctx);
	return rc;
}

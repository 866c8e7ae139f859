/*
 * cmd_import.c - "household import FILE.csv": the approved lists communes
 * keep in Excel. Every row is checked with the same rules as "household
 * add"; each bad row is reported as FILE:LINE with its reason, and nothing
 * is imported while any row is bad unless --skip-bad. The whole import is
 * one transaction. Columns are documented in docs/AGENT.md.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "cmds.h"
#include "csv.h"
#include "store.h"
#include "validate.h"

#define IMPORT_MAX_FILE ((size_t)256 << 20)
#define MERGE_CHUNK 50000 /* records per merge: well under PROTO_MAX_RECORDS */

static void help(FILE *f)
{
	fprintf(f, "%s", _("usage: maiam-agent household import FILE.csv [--dry-run] [--skip-bad] [--json]\n\n"
			   "Imports households from a CSV file (UTF-8, with or without BOM, comma\n"
			   "separated, as Excel's \"CSV UTF-8\" saves it). The first row names the\n"
			   "columns: name, hamlet, members, category (required), national_id, address,\n"
			   "land_status, condition, phone, note, support_kind (optional), in any order.\n"
			   "Each bad row is reported by line number; nothing is imported while any row\n"
			   "is bad unless --skip-bad. --dry-run checks without importing.\n"));
}

/* National ids seen so far (store and file): open addressing on the number. */
typedef struct nid_slot {
	uint64_t nid;  /* 0 = empty; ids are 12 digits and never all zero here */
	size_t line;   /* 0: in the store already */
	proto_id id;
} nid_slot;

typedef struct nid_set {
	nid_slot *a;
	size_t cap, n;
} nid_set;

static uint64_t nid_num(const char *s)
{
	return strtoull(s, NULL, 10) + 1; /* +1: "000..." must not look empty */
}

static nid_slot *nid_find(nid_set *s, uint64_t k)
{
	size_t i = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 20) & (s->cap - 1);

	while (s->a[i].nid && s->a[i].nid != k)
		i = (i + 1) & (s->cap - 1);
	return &s->a[i];
}

static int nid_add(nid_set *s, uint64_t k, size_t line, proto_id id)
{
	nid_slot *slot;

	if ((s->n + 1) * 2 > s->cap) {
		nid_set bigger = { calloc(s->cap ? s->cap * 2 : 1024, sizeof(nid_slot)),
				   s->cap ? s->cap * 2 : 1024, 0 };

		if (!bigger.a)
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->a[i].nid)
				*nid_find(&bigger, s->a[i].nid) = s->a[i], bigger.n++;
		free(s->a);
		*s = bigger;
	}
	slot = nid_find(s, k);
	if (!slot->nid)
		s->n++;
	slot->nid = k;
	slot->line = line;
	slot->id = id;
	return 0;
}

static proto_result nid_from_store(const char *nid, proto_id id, void *arg)
{
	return nid_add(arg, nid_num(nid), 0, id) == 0 ? PROTO_OK : PROTO_ENOMEM;
}

typedef struct importer {
	agent_ctx *ctx;
	const char *file;
	int cols[AGENT_CSV_MAX_FIELDS]; /* field id of each column */
	size_t ncols;
	nid_set nids;
	proto_changeset cs;
	size_t good, bad;
	int dry_run, cs_open;
	FILE *jout;     /* --json: the new ids, shown only if the import happens */
	char *jbuf;
	size_t jlen;
} importer;

/* Map the header row to fields. Returns AGENT_OK or prints why not. */
static int read_header(importer *im, agent_csv *csv)
{
	int seen[PROTO_HH_NFIELDS + 1] = { 0 };
	static const int required[] = { PROTO_HH_NAME, PROTO_HH_HAMLET, PROTO_HH_MEMBERS, PROTO_HH_CATEGORY };

	if (agent_csv_next(csv) != 1 || csv->row_error) {
		agent_err(_("%s:1: no header row; the first row must name the columns (name, hamlet, members, category, ...)"),
			  im->file);
		return AGENT_USAGE;
	}
	im->ncols = csv->nfields;
	for (size_t i = 0; i < csv->nfields; i++) {
		char name[64];
		const proto_field_desc *d;
		size_t o = 0;
		int ok = 0;

		for (const char *p = csv->fields[i]; *p && o + 1 < sizeof name; p++)
			if (*p != ' ' || (o && p[1] && p[1] != ' '))
				name[o++] = (*p == '-' || *p == ' ') ? '_' : (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
		name[o] = '\0';
		d = proto_field_by_name(PROTO_KIND_HOUSEHOLD, name);
		for (size_t k = 0; d && k < agent_hh_nuser_fields; k++)
			ok |= agent_hh_user_fields[k] == d->field;
		if (!ok) {
			agent_err(_("%s:1: unknown column '%s'; use name, national_id, hamlet, address, members, category, land_status, condition, phone, note, support_kind"),
				  im->file, csv->fields[i]);
			return AGENT_USAGE;
		}
		if (seen[d->field]++) {
			agent_err(_("%s:1: column '%s' appears twice; keep one"), im->file, name);
			return AGENT_USAGE;
		}
		im->cols[i] = d->field;
	}
	for (size_t k = 0; k < 4; k++)
		if (!seen[required[k]]) {
			const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)required[k]);

			agent_err(_("%s:1: the required column '%s' is missing"), im->file, d->column);
			return AGENT_USAGE;
		}
	return AGENT_OK;
}

static void bad_row(importer *im, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad_row(importer *im, size_t line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "maiam-agent: %s:%zu: ", im->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	im->bad++;
}

/* Check one row; on success add its record to im->cs. -1 only on a hard error. */
static int do_row(importer *im, agent_csv *csv)
{
	char err[512], ref[32];
	const char *column = NULL;
	agent_hh h;
	nid_slot *dup;
	proto_id id;
	size_t i;
	int missing, rc = 0;

	for (i = 0; i < csv->nfields && !*csv->fields[i]; i++)
		;
	if (i == csv->nfields)
		return 0; /* an empty row: Excel leaves them at the end */
	if (csv->row_error) {
		bad_row(im, csv->row_line, "%s%s", _(csv->row_error), "");
		return 0;
	}
	if (csv->nfields != im->ncols) {
		snprintf(err, sizeof err, _("has %zu columns but the header has %zu"), csv->nfields, im->ncols);
		bad_row(im, csv->row_line, "%s%s", err, "");
		return 0;
	}
	memset(&h, 0, sizeof h);
	for (i = 0; i < csv->nfields; i++) {
		const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)im->cols[i]);

		if (!*csv->fields[i])
			continue;
		if (agent_hh_set(&h, im->cols[i], csv->fields[i], err, sizeof err) != 0) {
			bad_row(im, csv->row_line, _("column '%s': %s"), d->column, err);
			goto out;
		}
	}
	missing = agent_hh_missing(&h);
	if (missing) {
		bad_row(im, csv->row_line, _("column '%s' is empty%s"),
			proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)missing)->column, "");
		goto out;
	}
	if (h.given[PROTO_HH_NATIONAL_ID] && !h.is_null[PROTO_HH_NATIONAL_ID]) {
		uint64_t k = nid_num(h.text[PROTO_HH_NATIONAL_ID]);

		dup = im->nids.cap ? nid_find(&im->nids, k) : NULL;
		if (dup && dup->nid) {
			if (dup->line) {
				snprintf(err, sizeof err, _("the same national id is on line %zu"), dup->line);
			} else {
				agent_ref_make(dup->id.origin, dup->id.serial, ref);
				snprintf(err, sizeof err, _("it is already the national id of household %s"), ref);
			}
			bad_row(im, csv->row_line, _("column 'national_id': '%s': %s"),
				h.text[PROTO_HH_NATIONAL_ID], err);
			goto out;
		}
		if (nid_add(&im->nids, k, csv->row_line, (proto_id){ 0, 0 }) != 0) {
			rc = -1;
			goto out;
		}
	}
	im->good++;
	if (im->dry_run)
		goto out;
	if (!im->cs_open) {
		if (agent_cs_init(im->ctx, &im->cs) != PROTO_OK) {
			rc = -1;
			goto out;
		}
		im->cs_open = 1;
	}
	id.origin = im->ctx->key_id;
	id.serial = agent_take_serial(im->ctx);
	if (agent_hh_build(im->ctx, &im->cs, id, &h, agent_stamp(im->ctx), 1) != PROTO_OK) {
		rc = -1;
		goto out;
	}
	/* agent_hh_set checked each cell: this is the rulebook's last word on the row */
	if (agent_check_record(im->ctx, &im->cs.records[im->cs.nrecords - 1], &column, err,
			       sizeof err) != 0) {
		bad_row(im, csv->row_line, _("column '%s': %s"), column, err);
		rc = -1;
		goto out;
	}
	if (im->jout) {
		char full[40];

		agent_id_format(id, full);
		agent_ref_make(id.origin, id.serial, ref);
		fprintf(im->jout, "%s{\"line\":%zu,\"id\":\"%s\",\"ref\":\"%s\"}",
			im->good > 1 ? ",\n" : "\n", csv->row_line, full, ref);
	}
out:
	agent_hh_release(&h);
	return rc;
}

/* Merge what is built so far: keeps one change-set far below its caps. */
static proto_result flush(importer *im)
{
	proto_result r = PROTO_OK;

	if (im->cs_open) {
		r = agent_store_record(im->ctx, &im->cs);
		proto_changeset_release(&im->cs);
		im->cs_open = 0;
	}
	return r;
}

static int run(importer *im, agent_csv *csv, int skip_bad)
{
	proto_result r;
	int rc, more;

	rc = read_header(im, csv);
	if (rc != AGENT_OK)
		return rc;
	r = agent_nid_foreach(im->ctx, nid_from_store, &im->nids);
	if (r != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), agent_store_cause(im->ctx, r));
		return AGENT_FAIL;
	}
	while ((more = agent_csv_next(csv)) == 1) {
		if (do_row(im, csv) != 0)
			goto hard;
		if (im->cs_open && im->cs.nrecords >= MERGE_CHUNK && flush(im) != PROTO_OK)
			goto hard;
	}
	if (more < 0) {
		if (!csv->row_error)
			goto hard;
		bad_row(im, csv->row_line, "%s%s", _(csv->row_error), _("; nothing after this line can be read"));
		skip_bad = 0;
	}
	if (im->bad && !skip_bad) {
		agent_err(_("%s: %zu bad rows, nothing imported; fix them, or add --skip-bad to import the %zu good rows"),
			  im->file, im->bad, im->good);
		return AGENT_FAIL;
	}
	if (flush(im) != PROTO_OK)
		goto hard;
	return AGENT_OK;
hard:
	agent_err(_("%s: the import failed (%s); nothing was imported"), im->file,
		  sqlite3_errmsg(im->ctx->db));
	return AGENT_FAIL;
}

int agent_cmd_import(agent_ctx *ctx, int argc, char **argv)
{
	int dry_run = 0, skip_bad = 0;
	char *pos[1];
	const cli_opt opts[] = {
		CLI_FLAG("dry-run", &dry_run, NULL),
		CLI_FLAG("skip-bad", &skip_bad, NULL),
	};
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	proto_buf data;
	agent_csv csv;
	importer im;
	proto_result r;
	int rc;

	if (agent_parse_args(ctx, "household import", &spec, help, argc, argv, &rc))
		return rc;
	if (spec.nargs != 1) {
		agent_err(_("'household import' needs a CSV file; e.g. 'household import danh-sach.csv'"));
		return AGENT_USAGE;
	}
	proto_buf_init(&data, IMPORT_MAX_FILE);
	r = proto_read_file(pos[0], &data);
	if (r != PROTO_OK) {
		agent_err(_("cannot read '%s': %s; check the file name (and that it is under 256 MiB)"),
			  pos[0], proto_cause(r));
		proto_buf_release(&data);
		return AGENT_FAIL;
	}
	memset(&im, 0, sizeof im);
	im.ctx = ctx;
	im.file = pos[0];
	im.dry_run = dry_run;
	if (ctx->json && !(im.jout = open_memstream(&im.jbuf, &im.jlen))) {
		agent_err(_("out of memory"));
		proto_buf_release(&data);
		return AGENT_FAIL;
	}
	agent_csv_init(&csv, data.data ? (const char *)data.data : "", data.len);
	rc = agent_tx_begin(ctx);
	if (rc == AGENT_OK) {
		rc = run(&im, &csv, skip_bad);
		if (rc == AGENT_OK && !im.dry_run)
			rc = agent_tx_commit(ctx);
		else
			agent_tx_rollback(ctx);
	}
	if (im.cs_open)
		proto_changeset_release(&im.cs);
	if (im.jout)
		fclose(im.jout);
	if (rc == AGENT_OK && ctx->json) {
		fprintf(ctx->out, "{\"households\":[%s%s],\"imported\":%zu,\"bad\":%zu,\"dry_run\":%s}\n",
			im.jbuf ? im.jbuf : "", im.good ? "\n" : "", im.dry_run ? 0 : im.good, im.bad,
			im.dry_run ? "true" : "false");
	} else if (rc == AGENT_OK) {
		if (im.dry_run)
			fprintf(ctx->out, _("Dry run: %zu households would be imported, %zu bad rows\n"), im.good, im.bad);
		else
			fprintf(ctx->out, _("Imported %zu households (%zu bad rows skipped)\n"), im.good, im.bad);
	}
	free(im.jbuf);
	free(im.nids.a);
	agent_csv_release(&csv);
	proto_buf_release(&data);
	return rc;
}

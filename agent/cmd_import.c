/*
 * cmd_import.c - "household import FILE.csv": the approved lists communes
 * keep in Excel, as Excel saves them on a Vietnamese Windows machine (';' or
 * tab separators, Vietnamese column names). Every row is checked with the
 * same rules as "household add"; each bad row is reported as FILE:LINE with
 * its reason and copied, reason added, to FILE-loi.csv; nothing is imported
 * while any row is bad unless --skip-bad. Rows imported before are
 * recognised and skipped, so importing a file again never makes a household
 * twice. The whole import is one transaction. Columns: docs/AGENT.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "maiam/text.h"
#include "agent.h"
#include "cmds.h"
#include "csv.h"
#include "store.h"
#include "utf8.h"
#include "validate.h"

#define IMPORT_MAX_FILE ((size_t)256 << 20)
#define MERGE_CHUNK 50000 /* records per merge: well under PROTO_MAX_RECORDS */

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent household import FILE.csv [--dry-run] [--skip-bad] [--json]\n\n"
		  "Imports households from a CSV file as Excel's \"CSV UTF-8\" saves it\n"
		  "(separated by commas, semicolons or tabs). The first row names the\n"
		  "columns, in any order, in English or Vietnamese: name (Họ tên), hamlet (Ấp),\n"
		  "members (Số nhân khẩu), category (Diện hộ) are required; national_id\n"
		  "(Số CCCD), address (Địa chỉ), land_status (Tình trạng đất), condition\n"
		  "(Tình trạng nhà), phone (Số điện thoại), note (Ghi chú), support_kind\n"
		  "(Hình thức hỗ trợ) are optional; an STT column is ignored.\n"
		  "Each bad row is reported by line number and copied, with the reason, to\n"
		  "FILE-loi.csv beside the file; nothing is imported while any row is bad\n"
		  "unless --skip-bad. Rows imported before are skipped, never imported twice.\n"
		  "--dry-run checks without importing.\n"));
}

/*
 * Keys seen so far, from the store and the file, by a 64-bit number: a
 * national id (its digits + 1, so "000..." is not the empty slot 0) or the
 * hash of a folded name and hamlet. Open addressing.
 */
typedef struct key_slot {
	uint64_t key;  /* 0 = empty */
	size_t line;   /* national ids: line of the file, 0 if in the store */
	proto_id id;   /* national ids: the store's household */
	uint64_t name; /* national ids: hash of the holder's folded name */
	size_t count;  /* names: store households with this name and hamlet not matched yet */
} key_slot;

typedef struct key_set {
	key_slot *a;
	size_t cap, n;
} key_set;

static uint64_t nid_num(const char *s)
{
	return strtoull(s, NULL, 10) + 1; /* +1: "000..." must not look empty */
}

/* FNV-1a over the folded texts; never 0 (the empty slot). */
static uint64_t text_hash(const char *a, const char *b)
{
	char *fa = proto_fold(a ? a : ""), *fb = b ? proto_fold(b) : NULL;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *p = fa ? fa : a; p && *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	if (b) {
		h = (h ^ '\n') * 0x100000001b3ULL; /* folding leaves no line break */
		for (const char *p = fb ? fb : b; *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	}
	free(fa);
	free(fb);
	return h ? h : 1;
}

static key_slot *key_find(key_set *s, uint64_t k)
{
	size_t i = (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 20) & (s->cap - 1);

	while (s->a[i].key && s->a[i].key != k)
		i = (i + 1) & (s->cap - 1);
	return &s->a[i];
}

/* The slot for k, empty ones claimed; NULL when out of memory. */
static key_slot *key_get(key_set *s, uint64_t k)
{
	key_slot *slot;

	if ((s->n + 1) * 2 > s->cap) {
		key_set bigger = { calloc(s->cap ? s->cap * 2 : 1024, sizeof(key_slot)),
				   s->cap ? s->cap * 2 : 1024, 0 };

		if (!bigger.a)
			return NULL;
		for (size_t i = 0; i < s->cap; i++)
			if (s->a[i].key)
				*key_find(&bigger, s->a[i].key) = s->a[i], bigger.n++;
		free(s->a);
		*s = bigger;
	}
	slot = key_find(s, k);
	if (!slot->key) {
		s->n++;
		slot->key = k;
	}
	return slot;
}

static key_slot *key_lookup(key_set *s, uint64_t k)
{
	key_slot *slot = s->cap ? key_find(s, k) : NULL;

	return slot && slot->key ? slot : NULL;
}

typedef struct importer {
	agent_ctx *ctx;
	const char *file;
	int cols[AGENT_CSV_MAX_FIELDS];     /* field id of each column, 0: ignored */
	char *header[AGENT_CSV_MAX_FIELDS]; /* each column's name as the file has it */
	size_t ncols;
	char sep;
	key_set nids;  /* national ids of the store and the file */
	key_set names; /* name and hamlet of the store's households */
	proto_changeset cs;
	size_t good, bad, already;
	int dry_run, cs_open;
	proto_buf loi;  /* the bad rows, to be written beside the input */
	int loi_broken; /* out of memory or over the cap: the file is not written */
	FILE *jout;     /* --json: the new ids, shown only if the import happens */
	char *jbuf;
	size_t jlen;
} importer;

/* The store's households, for telling a row imported before from a new one. */
static proto_result known_from_store(agent_row *row, void *arg)
{
	importer *im = arg;
	key_slot *slot;

	if (row->v[PROTO_HH_NATIONAL_ID] && *row->v[PROTO_HH_NATIONAL_ID]) {
		slot = key_get(&im->nids, nid_num(row->v[PROTO_HH_NATIONAL_ID]));
		if (!slot)
			return PROTO_ENOMEM;
		slot->line = 0;
		slot->id = row->id;
		slot->name = text_hash(row->v[PROTO_HH_NAME], NULL);
	}
	slot = key_get(&im->names, text_hash(row->v[PROTO_HH_NAME], row->v[PROTO_HH_HAMLET]));
	if (!slot)
		return PROTO_ENOMEM;
	slot->count++;
	return PROTO_OK;
}

/* The bad rows go to a copy of the file's rows with a reason column: header first. */
static void loi_start(importer *im, agent_csv *csv)
{
	const char *cells[AGENT_CSV_MAX_FIELDS + 1];
	size_t n = 0;

	for (; n < csv->nfields; n++)
		cells[n] = csv->fields[n];
	cells[n++] = _("Reason");
	im->loi_broken = proto_buf_append(&im->loi, "\xef\xbb\xbf", 3) != PROTO_OK ||
			 agent_csv_put_row(&im->loi, im->sep, cells, n) != PROTO_OK;
}

/* Map the header row to fields. Returns AGENT_OK or prints why not. */
static int read_header(importer *im, agent_csv *csv)
{
	int seen[PROTO_HH_NFIELDS + 1] = { 0 };
	static const int required[] = { PROTO_HH_NAME, PROTO_HH_HAMLET, PROTO_HH_MEMBERS,
					PROTO_HH_CATEGORY };

	if (agent_csv_next(csv) != 1 || csv->row_error) {
		agent_err(_("%s:1: no header row; the first row must name the columns (name, hamlet, members, category, ...)"),
			  im->file);
		return AGENT_USAGE;
	}
	im->ncols = csv->nfields;
	im->sep = csv->sep;
	for (size_t i = 0; i < csv->nfields; i++) {
		/* Excel keeps empty columns a sheet once formatted: nameless, read and ignored */
		int field = *csv->fields[i] ? agent_csv_household_column(csv->fields[i]) : 0;

		if (field < 0) {
			agent_err(_("%s:1: unknown column '%s'; use name, national_id, hamlet, address, members, category, land_status, condition, phone, note, support_kind, or their Vietnamese names (Họ tên, Số CCCD, Ấp, Địa chỉ, Số nhân khẩu, Diện hộ, Tình trạng đất, Tình trạng nhà, Số điện thoại, Ghi chú, Hình thức hỗ trợ)"),
				  im->file, csv->fields[i]);
			return AGENT_USAGE;
		}
		if (field && seen[field]++) {
			agent_err(_("%s:1: column '%s' appears twice; keep one"), im->file,
				  csv->fields[i]);
			return AGENT_USAGE;
		}
		im->cols[i] = field;
		im->header[i] = strdup(csv->fields[i]);
		if (!im->header[i]) {
			agent_err(_("out of memory"));
			return AGENT_FAIL;
		}
		agent_utf8_printable(im->header[i]); /* "Số\nnhân khẩu" stays one message line */
	}
	for (size_t k = 0; k < 4; k++)
		if (!seen[required[k]]) {
			char label[64];

			agent_csv_column_label(required[k], label, sizeof label);
			agent_err(_("%s:1: the required column %s is missing"), im->file, label);
			return AGENT_USAGE;
		}
	loi_start(im, csv);
	return AGENT_OK;
}

/* The column of field as the file names it. */
static const char *header_of(const importer *im, int field)
{
	for (size_t i = 0; i < im->ncols; i++)
		if (im->cols[i] == field)
			return im->header[i];
	return proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)field)->column;
}

static void bad_row(importer *im, const agent_csv *csv, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Say why a row is bad (FILE:LINE: reason) and copy it, with the reason, to the errors file. */
static void bad_row(importer *im, const agent_csv *csv, size_t line, const char *fmt, ...)
{
	const char *cells[AGENT_CSV_MAX_FIELDS + 1];
	char why[1024];
	size_t n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	agent_err("%s:%zu: %s", im->file, line, why);
	im->bad++;
	for (; csv && n < csv->nfields; n++)
		cells[n] = csv->fields[n];
	for (; n < im->ncols; n++)
		cells[n] = ""; /* a short row: the reason still lines up with its column */
	cells[n++] = why;
	if (!im->loi_broken && agent_csv_put_row(&im->loi, im->sep, cells, n) != PROTO_OK)
		im->loi_broken = 1;
}

/*
 * A row imported before (say by an earlier --skip-bad run of the same file):
 * the store holds its national id under the same name or, for a row with no
 * national id, a household of the same name and hamlet not matched yet.
 * 1: skip it; 0: new; -1: its national id belongs to someone else (said).
 */
static int imported_before(importer *im, const agent_csv *csv, const agent_hh *h, int *hard)
{
	const char *nid = h->given[PROTO_HH_NATIONAL_ID] && !h->is_null[PROTO_HH_NATIONAL_ID]
				  ? h->text[PROTO_HH_NATIONAL_ID]
				  : NULL;
	key_slot *slot;
	char ref[32];

	if (!nid) {
		slot = key_lookup(&im->names, text_hash(h->text[PROTO_HH_NAME], h->text[PROTO_HH_HAMLET]));
		if (!slot || !slot->count)
			return 0;
		slot->count--;
		return 1;
	}
	slot = key_lookup(&im->nids, nid_num(nid));
	if (!slot) {
		slot = key_get(&im->nids, nid_num(nid));
		if (!slot) {
			*hard = 1;
			return -1;
		}
		slot->line = csv->row_line;
		return 0;
	}
	if (!slot->line && slot->name == text_hash(h->text[PROTO_HH_NAME], NULL)) {
		key_slot *same = key_lookup(&im->names,
					    text_hash(h->text[PROTO_HH_NAME], h->text[PROTO_HH_HAMLET]));

		if (same && same->count)
			same->count--; /* not matched again by a row without an id */
		return 1;
	}
	if (slot->line) {
		bad_row(im, csv, csv->row_line,
			_("column '%s': '%s': the same national id is on line %zu"),
			header_of(im, PROTO_HH_NATIONAL_ID), nid, slot->line);
	} else {
		agent_ref_make(slot->id.origin, slot->id.serial, ref);
		bad_row(im, csv, csv->row_line,
			_("column '%s': '%s': it is already the national id of household %s"),
			header_of(im, PROTO_HH_NATIONAL_ID), nid, ref);
	}
	return -1;
}

/* Check one row; on success add its record to im->cs. -1 only on a hard error. */
static int do_row(importer *im, agent_csv *csv)
{
	char err[512], ref[32];
	const char *column = NULL;
	agent_hh h;
	proto_id id;
	size_t i;
	int missing, before, hard = 0, rc = 0;

	/* an empty row (Excel leaves them at the end), or one with only its STT */
	for (i = 0;
	     i < csv->nfields && (!*csv->fields[i] || (i < im->ncols && !im->cols[i] && *im->header[i]));
	     i++)
		;
	if (i == csv->nfields)
		return 0;
	if (csv->row_error) {
		bad_row(im, csv, csv->row_line, "%s", _(csv->row_error));
		return 0;
	}
	if (csv->nfields != im->ncols) {
		bad_row(im, csv, csv->row_line, _("has %zu columns but the header has %zu"),
			csv->nfields, im->ncols);
		return 0;
	}
	memset(&h, 0, sizeof h);
	for (i = 0; i < csv->nfields; i++) {
		if (!*im->header[i] && *csv->fields[i]) {
			bad_row(im, csv, csv->row_line,
				_("column %zu has a value but no name in the header row; name the column or empty it"),
				i + 1);
			goto out;
		}
		if (!im->cols[i] || !*csv->fields[i])
			continue;
		if (agent_csv_excel_mangled(im->cols[i], csv->fields[i], err, sizeof err) ||
		    agent_hh_set(&h, im->cols[i], csv->fields[i], err, sizeof err) != 0) {
			bad_row(im, csv, csv->row_line, _("column '%s': %s"), im->header[i], err);
			goto out;
		}
	}
	missing = agent_hh_missing(&h);
	if (missing) {
		bad_row(im, csv, csv->row_line, _("column '%s' is empty"), header_of(im, missing));
		goto out;
	}
	before = imported_before(im, csv, &h, &hard);
	if (hard)
		rc = -1;
	if (before) {
		im->already += before > 0;
		goto out;
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
	if (agent_check_record(im->ctx, &im->cs.records[im->cs.nrecords - 1], &column, err, sizeof err) !=
	    0) {
		const proto_field_desc *d = proto_field_by_name(PROTO_KIND_HOUSEHOLD, column);

		bad_row(im, csv, csv->row_line, _("column '%s': %s"),
			d ? header_of(im, d->field) : column, err);
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
	r = agent_hh_foreach(im->ctx, known_from_store, im);
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
		bad_row(im, NULL, csv->row_line, "%s%s", _(csv->row_error),
			_("; nothing after this line can be read"));
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

/* "danh-sach.csv" -> "danh-sach-loi.csv", beside it ("lỗi": errors). */
static char *loi_path(const char *input)
{
	size_t len = strlen(input), stem = len;
	char *out;

	if (len > 4 && strcasecmp(input + len - 4, ".csv") == 0)
		stem = len - 4;
	out = malloc(stem + sizeof "-loi.csv");
	if (out) {
		memcpy(out, input, stem);
		memcpy(out + stem, "-loi.csv", sizeof "-loi.csv");
	}
	return out;
}

/* Write the bad rows beside the input, atomically; the path written or NULL (said why). */
static char *loi_write(importer *im)
{
	char *path = loi_path(im->file);
	proto_result r = im->loi_broken || !path ? PROTO_ENOMEM : PROTO_OK;

	if (r == PROTO_OK)
		r = proto_write_file_atomic(path, im->loi.data, im->loi.len, 0644);
	if (r == PROTO_OK) {
		agent_err(_("note: the %zu bad rows are in '%s', each with the reason in its last column '%s'; correct them there and import that file"),
			  im->bad, path, _("Reason"));
		return path;
	}
	agent_err(_("cannot write the bad rows to '%s': %s; they are listed above"),
		  path ? path : im->file, proto_cause(r));
	free(path);
	return NULL;
}

static void report(const importer *im, agent_ctx *ctx, const char *loi)
{
	if (ctx->json) {
		fprintf(ctx->out,
			"{\"households\":[%s%s],\"imported\":%zu,\"good\":%zu,\"already_imported\":%zu,"
			"\"bad\":%zu,\"dry_run\":%s,\"errors_file\":",
			im->jbuf ? im->jbuf : "", im->good ? "\n" : "", im->dry_run ? 0 : im->good,
			im->good, im->already, im->bad, im->dry_run ? "true" : "false");
		agent_json_str(ctx->out, loi);
		fputs("}\n", ctx->out);
		return;
	}
	if (im->dry_run)
		fprintf(ctx->out, _("Dry run: %zu households would be imported, %zu bad rows\n"),
			im->good, im->bad);
	else
		fprintf(ctx->out, _("Imported %zu households (%zu bad rows skipped)\n"), im->good,
			im->bad);
	if (im->already)
		fprintf(ctx->out,
			_("%zu rows were imported before (the same national id and name, or the same name and hamlet): skipped, not imported twice\n"),
			im->already);
}

/* What to do when the CSV file cannot be read, by what stopped it. */
static const char *read_advice(proto_result r)
{
	if (r == PROTO_ETOOBIG)
		return _("the file is over 256 MiB: split it into several files");
	switch (r == PROTO_EIO ? proto_errno() : 0) {
	case ENOENT:
	case ENOTDIR:
		return _("check the file name and folder (see 'ls')");
	case EACCES:
	case EPERM:
		return _("this user may not read it; copy it somewhere readable");
	case EISDIR:
		return _("that is a folder: give the CSV file in it");
	default:
		return _("check the file and the disk, then import again");
	}
}

int agent_cmd_import(agent_ctx *ctx, int argc, char **argv)
{
	int dry_run = 0, skip_bad = 0;
	char *pos[1], *loi = NULL;
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

	if (agent_parse_operands(
		    ctx, "household import", &spec, help, argc, argv,
		    _("'household import' needs a CSV file; e.g. 'household import danh-sach.csv'"), &rc))
		return rc;
	proto_buf_init(&data, IMPORT_MAX_FILE);
	r = proto_read_file(pos[0], &data);
	if (r != PROTO_OK) {
		agent_err(_("cannot read '%s': %s; %s"), pos[0], proto_cause(r), read_advice(r));
		proto_buf_release(&data);
		return AGENT_FAIL;
	}
	if (data.len >= 2 &&
	    (memcmp(data.data, "\xff\xfe", 2) == 0 || memcmp(data.data, "\xfe\xff", 2) == 0)) {
		agent_err(_("'%s' is UTF-16 text (Excel's \"Unicode Text\"); in Excel choose Save As, \"CSV UTF-8 (Comma delimited)\", and import that file"),
			  pos[0]);
		proto_buf_release(&data);
		return AGENT_FAIL;
	}
	memset(&im, 0, sizeof im);
	im.ctx = ctx;
	im.file = pos[0];
	im.dry_run = dry_run;
	proto_buf_init(&im.loi, IMPORT_MAX_FILE);
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
	if (im.bad)
		loi = loi_write(&im);
	if (rc == AGENT_OK)
		report(&im, ctx, loi);
	free(loi);
	free(im.jbuf);
	free(im.nids.a);
	free(im.names.a);
	for (size_t i = 0; i < im.ncols; i++)
		free(im.header[i]);
	proto_buf_release(&im.loi);
	agent_csv_release(&csv);
	proto_buf_release(&data);
	return rc;
}

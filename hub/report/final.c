/*
 * final.c - the final report: read the ledger's head and every section's
 * numbers in one read transaction (so they are the numbers of that ledger),
 * draw the sections in order on an A4 Cairo PDF surface held in memory,
 * then write the PDF and its signature (final_sig.c) beside it. The PDF's
 * dates are the as-of date, not the clock: the same ledger and as-of date
 * give the same bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include "maiam/fsutil.h"
#include "final_int.h"

/* The sections in the report's order; a section is a file and a line here. */
static const final_section_fn sections[] = {
	final_header,  final_progress,   final_funds,       final_awards,
	final_remains, final_scorecards, final_nominations, final_closing,
};

/* The largest PDF the report may be (it is some tens of kilobytes). */
#define FINAL_MAX_PDF ((size_t)64 << 20)

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return proto_buf_append(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Draw every section into pdf (doc set up but for the surface). */
static hub_result draw(final_doc *doc, proto_buf *pdf)
{
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(to_buf, pdf, FINAL_PAGE_W,
								       FINAL_PAGE_H);
	char date[32], title[512];
	hub_result rc = HUB_OK;
	size_t i;

	/* Vietnam's time at the start of the as-of day: no clock in the bytes */
	snprintf(date, sizeof(date), "%sT00:00:00+07:00", doc->as_of);
	snprintf(title, sizeof(title), "Báo cáo kết quả - %s", doc->c->name);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, doc->c->report.issuing_body);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "maiam-hub report final");
	doc->cr = cairo_create(surface);
	doc->layout = pango_cairo_create_layout(doc->cr);
	doc->y = FINAL_TOP;
	doc->pages = 1;
	cairo_set_source_rgb(doc->cr, 0, 0, 0);
	for (i = 0; i < ARRAY_SIZE(sections) && rc == HUB_OK; i++)
		rc = sections[i](doc);
	g_object_unref(doc->layout);
	cairo_destroy(doc->cr);
	cairo_surface_finish(surface);
	if (rc == HUB_OK && cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		snprintf(doc->err, doc->errlen, "cannot draw the final report: %s",
			 cairo_status_to_string(cairo_surface_status(surface)));
		rc = cairo_surface_status(surface) == CAIRO_STATUS_NO_MEMORY ||
				     cairo_surface_status(surface) == CAIRO_STATUS_WRITE_ERROR
			     ? HUB_ENOMEM
			     : HUB_REFUSED;
	}
	cairo_surface_destroy(surface);
	return rc;
}

/* Both files, the PDF first: a signature never stands beside another PDF. */
static hub_result write_files(const char *pdf_path, const proto_buf *pdf, const proto_buf *sig,
			      char *err, size_t errlen)
{
	char sig_path[4096];
	const char *which = sig_path;
	int why = 0;

	if (snprintf(sig_path, sizeof(sig_path), "%s.sig", pdf_path) >= (int)sizeof(sig_path)) {
		snprintf(err, errlen, "the path '%s' is too long: choose a shorter --out", pdf_path);
		return HUB_REFUSED;
	}
	/* an old signature must not vouch for a half-written new PDF */
	if (remove(sig_path) != 0 && errno != ENOENT)
		why = errno;
	else if (proto_write_file_atomic(pdf_path, pdf->data, pdf->len, 0644) != PROTO_OK)
		why = proto_errno(), which = pdf_path;
	else if (proto_write_file_atomic(sig_path, sig->data, sig->len, 0644) != PROTO_OK)
		why = proto_errno();
	if (!why)
		return HUB_OK;
	snprintf(err, errlen, "cannot write '%s': %s; choose another --out", which, strerror(why));
	return HUB_REFUSED;
}

hub_result hub_final_write(sqlite3 *db, const proto_campaign *c, const char *as_of, const proto_key *key,
			   const char *pdf_path, int *pages, char *err, size_t errlen)
{
	final_doc doc;
	proto_buf pdf, sig;
	uint8_t sha[32];
	hub_result rc;

	if (!hub_report_valid_date(as_of)) {
		snprintf(err, errlen, "'%s' is not a date: write the as-of date as YYYY-MM-DD", as_of);
		return HUB_REFUSED;
	}
	if (!c->report.issuing_body) {
		snprintf(err, errlen,
			 "the campaign file has no [report] section: add one with issuing_body, number,"
			 " place and signer (docs/CAMPAIGN.md, \"[report]\")");
		return HUB_REFUSED;
	}
	memset(&doc, 0, sizeof(doc));
	doc.db = db;
	doc.c = c;
	snprintf(doc.as_of, sizeof(doc.as_of), "%s", as_of);
	doc.err = err;
	doc.errlen = errlen;
	err[0] = '\0';
	proto_buf_init(&pdf, FINAL_MAX_PDF);
	proto_buf_init(&sig, 4096);
	/* one read transaction: the ledger's head and the numbers drawn from it */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = report_db_error(db, "start reading the hub's database", err, errlen);
		goto out;
	}
	rc = final_ledger_head(db, &doc.ledger, err, errlen);
	if (rc == HUB_OK)
		rc = draw(&doc, &pdf);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL); /* nothing was written */
	if (rc != HUB_OK)
		goto out;
	proto_sha256(pdf.data, pdf.len, sha);
	rc = final_sig_text(key, sha, as_of, &doc.ledger, &sig, err, errlen);
	if (rc == HUB_OK)
		rc = write_files(pdf_path, &pdf, &sig, err, errlen);
	if (rc == HUB_OK && pages)
		*pages = doc.pages;
out:
	proto_buf_release(&pdf);
	proto_buf_release(&sig);
	return rc;
}

hub_result hub_final_verify(const char *pdf_path, const proto_key *key, hub_final_signed *what,
			    char *err, size_t errlen)
{
	char sig_path[4096];
	proto_buf pdf, sig;
	uint8_t sha[32];
	hub_result rc = HUB_REFUSED;
	const char *which = pdf_path;

	proto_buf_init(&pdf, FINAL_MAX_PDF);
	proto_buf_init(&sig, 4096);
	if (snprintf(sig_path, sizeof(sig_path), "%s.sig", pdf_path) >= (int)sizeof(sig_path)) {
		snprintf(err, errlen, "the path '%s' is too long", pdf_path);
		goto out;
	}
	if (proto_read_file(pdf_path, &pdf) != PROTO_OK ||
	    (which = sig_path, proto_read_file(sig_path, &sig) != PROTO_OK) ||
	    proto_buf_append_byte(&sig, 0)) {
		snprintf(err, errlen,
			 "cannot read '%s': %s (the signature is written beside the report, as"
			 " FILE.pdf.sig, by 'maiam-hub report final')",
			 which, proto_errno() ? strerror(proto_errno()) : "too large");
		goto out;
	}
	proto_sha256(pdf.data, pdf.len, sha);
	rc = final_sig_check((const char *)sig.data, sig.len - 1, sha, key, what, err, errlen);
out:
	proto_buf_release(&pdf);
	proto_buf_release(&sig);
	return rc;
}

void hub_final_release_fonts(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}

/*
 * dashboard_batch.h - decisions on many households from the household
 * browser: what /households (dashboard_households.c) and its batch forms
 * (dashboard_batch.c) share. An operator who may decide ticks rows (the
 * checkboxes name="id") and approves or rejects them, or acts on the whole
 * filtered set through a confirmation page; POST /households/decide does
 * it on the read-write worker, through hub_decide_batch. Each function
 * appending HTML returns 0, or -1 when the buffer is full or the database
 * failed; strings are borrowed.
 */
#ifndef HUB_DASHBOARD_BATCH_H
#define HUB_DASHBOARD_BATCH_H

#include "browse.h"
#include "dashboard_int.h"

/* What the address of /households asked, as typed (shown back in the
 * form, carried by the paging links and the batch forms) and as a query. */
typedef struct dash_households_ask {
	char text[HUB_BROWSE_TEXT_MAX + 1];
	char category[HUB_BROWSE_CODE_MAX], review[HUB_BROWSE_CODE_MAX];
	char stage[HUB_BROWSE_CODE_MAX], timing[16], sort[16];
	char district[12], commune[12], page[24], open[4], photo[4];
	hub_browse_query q;
} dash_households_ask;

/* The query string into a (dashboard_households.c): 0, or -1 for a value
 * malformed or out of range. */
int dash_households_parse(const hub_dashboard *d, const char *query, dash_households_ask *a);
/* a's filters as a query string (no page), its values percent-encoded and
 * its pairs joined by sep ("&" for an address, "&amp;" inside HTML). */
int dash_households_query(proto_buf *b, const dash_households_ask *a, const char *sep);

/* ---- dashboard_batch.c -------------------------------------------------- */

/* The start of the batch form around the table (id="batch"), for an
 * operator who may decide; nothing for others. */
int dash_batch_form_open(const hub_dashboard *d, const dash_job *job, const dash_households_ask *a,
			 proto_buf *b);
/* The table's first cell of a row: its checkbox (name="id", the full id). */
int dash_batch_checkbox(const dash_job *job, proto_id id, proto_buf *b);
/* The reason and the buttons (ids batch-approve, batch-reject, all-approve,
 * all-reject) for total households found, and the form's end. */
int dash_batch_form_close(const dash_job *job, int64_t total, proto_buf *b);
/* What a batch just did, when the address says (done=approve|reject&n=N
 * &skipped=M, the answer of a batch's POST): a line above the table. */
int dash_batch_banner(const char *query, proto_buf *b);

/* POST /households/decide (job->form, its CSRF token checked) by the
 * signed-in operator on the read-write worker's connection rw: the ticked
 * rows done and 303 to the list, or the whole filtered set's confirmation
 * page, or (confirmed, the same count) the set done and 303; refusals
 * answered with a page saying why, nothing written. */
void dash_batch_post(hub_dashboard *d, sqlite3 *rw, dash_job *job);

#endif

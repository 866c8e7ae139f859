/*
 * store_labels.c - the campaign's labels in the laptop's store. init keeps
 * the [labels] of the campaign file it read (docs/CAMPAIGN.md) in the
 * campaign_label table, one row per code; every command that opens the
 * store reads them back, and the laptop shows and reads values with them
 * (i18n.c, validate.c). A list without rows keeps the built-in labels.
 */
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/labels.h"
#include "store_int.h"

proto_result agent_labels_save(agent_ctx *ctx, const proto_labels *labels)
{
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_OK;

	if (!labels)
		return PROTO_OK;
	if (sqlite3_prepare_v2(ctx->db, "INSERT INTO campaign_label (list, code, label) VALUES (?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return PROTO_EDB;
	for (int l = 0; r == PROTO_OK && l < PROTO_LIST_N; l++) {
		const char *const *codes = proto_list_codes((proto_list)l);

		for (int i = 0; r == PROTO_OK && i < PROTO_LIST_MAX_CODES && codes[i]; i++) {
			if (!labels->label[l][i])
				continue;
			sqlite3_bind_text(st, 1, proto_list_name((proto_list)l), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, codes[i], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, labels->label[l][i], -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				r = PROTO_EDB;
			sqlite3_reset(st);
		}
	}
	sqlite3_finalize(st);
	return r;
}

/* The place of (list, code) in proto_labels: 0, or -1 when either is unknown. */
static int label_slot(const char *list, const char *code, int *l, int *i)
{
	for (*l = 0; *l < PROTO_LIST_N; (*l)++) {
		const char *const *codes = proto_list_codes((proto_list)*l);

		if (strcmp(proto_list_name((proto_list)*l), list) != 0)
			continue;
		for (*i = 0; *i < PROTO_LIST_MAX_CODES && codes[*i]; (*i)++)
			if (strcmp(codes[*i], code) == 0)
				return 0;
		return -1;
	}
	return -1;
}

proto_result agent_labels_load(agent_ctx *ctx, proto_labels *out)
{
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(ctx->db, "SELECT list, code, label FROM campaign_label", -1, &st, NULL) !=
	    SQLITE_OK)
		return PROTO_EDB;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *list = (const char *)sqlite3_column_text(st, 0);
		const char *code = (const char *)sqlite3_column_text(st, 1);
		const char *label = (const char *)sqlite3_column_text(st, 2);
		int l, i;

		/* init wrote only what the campaign loader accepted: anything
		 * else is a store this program did not write */
		if (!list || !code || !label || !*label || strlen(label) > PROTO_LABEL_MAX ||
		    label_slot(list, code, &l, &i) != 0 || out->label[l][i]) {
			r = PROTO_EVALUE;
			break;
		}
		out->label[l][i] = proto_strndup(label, strlen(label));
		if (!out->label[l][i])
			r = PROTO_ENOMEM;
	}
	if (r == PROTO_OK && rc != SQLITE_DONE)
		r = PROTO_EDB;
	sqlite3_finalize(st);
	if (r != PROTO_OK)
		proto_labels_release(out);
	return r;
}

/*
 * cmd_usb_import.c - "import FILE": the hub's update file for this laptop,
 * from a USB stick. It must be signed by the hub this laptop enrolled with,
 * be for this laptop's key and campaign, be newer than the last one imported
 * (a replay is refused) and continue from a cursor the laptop has reached
 * (no gap). Each item is one pull answer and goes through agent_pull_apply,
 * the checks and transaction of an online pull; the cursor moves to the
 * file's only with the last item. Then the hub's feedback (a version 2 file:
 * refused change-sets, duplicate national ids) is taken as a sync takes it,
 * the laptop's own change-sets the hub holds are marked acknowledged (after
 * the refusals: a refused one is marked so, not merely acknowledged), the
 * client certificate (if any) is kept for a later online sync, and the
 * enrolment claim is no longer needed. The photos the feedback says the hub
 * holds ("photos_held", the file's own) are marked as a sync marks them, so
 * the next bundle leaves them out.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "maiam/hubfile.h"
#include "attention.h"
#include "cmds.h"
#include "net.h"
#include "store.h"
#include "sync.h"
#include "sync_photos.h"

typedef struct usb_import {
	agent_ctx *ctx;
	const char *path;
	agent_hub_info info;
	proto_key *hub_key;
	agent_area area;
	agent_pull_pending pending;
	proto_update_file u;
	proto_merge_stats merged;
	size_t items, records, acked, refused, photos_held;
} usb_import;

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent import FILE [--json]\n\n"
		  "Imports the hub's update file for this laptop (made by 'maiam-hub export\n"
		  "--for AGENT'): review decisions and the records of other laptops of the\n"
		  "area, checked as a sync checks them. For a laptop enrolled with\n"
		  "'enroll --file' that lives on USB sticks.\n"
		  "Exit codes: 0 imported, 1 failed or refused (nothing was changed),\n"
		  "2 usage.\n"));
}

/* The file is this laptop's, newer than the last, without a gap. */
static int file_is_ours(usb_import *s, int64_t last_issued)
{
	char mine[17], theirs[17];

	proto_key_id_hex(s->ctx->key_id, mine);
	proto_key_id_hex(s->u.agent, theirs);
	if (s->u.agent != s->ctx->key_id) {
		agent_err(_("'%s' is for laptop %s, not this laptop (%s); nothing was imported: give it to that laptop"),
			  s->path, theirs, mine);
		return 0;
	}
	if (strcmp(s->u.campaign, s->ctx->campaign) != 0) {
		agent_err(_("'%s' is for campaign '%s', not '%s'; nothing was imported: ask the operator"),
			  s->path, s->u.campaign, s->ctx->campaign);
		return 0;
	}
	if (s->u.issued <= last_issued) {
		agent_err(_("'%s' was already imported, or is older than the last update imported; nothing was imported: ask the operator for a new update file"),
			  s->path);
		return 0;
	}
	if (s->u.after > s->info.cursor) {
		agent_err(_("'%s' continues from the hub's position %lld but this laptop has only reached %lld; nothing was imported: import the earlier update file first, or ask the operator for a new one"),
			  s->path, (long long)s->u.after, (long long)s->info.cursor);
		return 0;
	}
	return 1;
}

/* Every item, as one pull answer each; the last moves the cursor. */
static int merge_items(usb_import *s)
{
	const uint8_t *item;
	size_t len;
	int rc = AGENT_OK;

	for (;;) {
		proto_changeset cs;
		proto_result r = proto_update_next(&s->u, &item, &len);
		int last;

		if (r != PROTO_OK)
			return AGENT_FAIL; /* proto_update_read checked every item field */
		if (!item)
			break;
		r = proto_open(item, len, s->hub_key, &cs, NULL);
		if (r != PROTO_OK) {
			agent_err_proto(
				_("an update in the file does not verify with the pinned hub key"), r,
				_("nothing more was merged; ask the operator for a new update file"));
			return AGENT_FAIL;
		}
		if (strcmp(cs.hdr.campaign, s->ctx->campaign) != 0) {
			proto_changeset_release(&cs);
			agent_err(_("an update in the file is for campaign '%s'; nothing more was merged: ask the operator"),
				  cs.hdr.campaign);
			return AGENT_FAIL;
		}
		last = ++s->items == s->u.nitems;
		rc = agent_pull_apply(s->ctx, &s->area, &cs, last ? s->u.cursor : s->info.cursor,
				      last ? NULL : &s->pending, &s->merged);
		s->records += cs.nrecords;
		proto_changeset_release(&cs);
		if (rc != AGENT_OK)
			return rc == AGENT_HUB_REFUSED ? AGENT_FAIL : rc;
	}
	if (s->u.nitems == 0 && s->u.cursor != s->info.cursor &&
	    agent_cursor_save(s->ctx, s->u.cursor) != PROTO_OK) {
		agent_err(_("cannot save the hub's position: %s; import the file again"),
			  sqlite3_errmsg(s->ctx->db));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

/* The households taken while more was coming must be in the area by now. */
static int pending_settled(usb_import *s)
{
	char why[256];
	int refused = 0;
	proto_result r;

	if (s->pending.n == 0)
		return AGENT_OK;
	r = agent_pull_pending_check(s->ctx->db, &s->area, &s->pending, &refused, why, sizeof why);
	if (r == PROTO_OK && !refused)
		return AGENT_OK;
	if (r != PROTO_OK)
		agent_err(_("cannot check the hub's updates against the store: %s; import the file again"),
			  agent_store_cause(s->ctx, r));
	else
		agent_err(_("the update file holds updates this laptop refuses: %s; they are merged: ask the operator to check the hub"),
			  why);
	return AGENT_FAIL;
}

/* The laptop's change-sets the hub holds stop being resent. */
static int mark_acked(usb_import *s)
{
	char when[32];
	uint8_t hash[32];
	uint64_t seq = 0;
	proto_buf bytes;
	proto_result r = PROTO_OK;
	int found = 1;

	agent_now_utc(when);
	proto_buf_init(&bytes, PROTO_MAX_ZBODY + 4096u);
	while (s->u.acked > 0 && r == PROTO_OK) {
		r = agent_sealed_next(s->ctx, seq, &seq, hash, &bytes, &found);
		if (r != PROTO_OK || !found || seq > (uint64_t)s->u.acked)
			break;
		r = agent_sealed_ack(s->ctx, seq, when);
		s->acked += r == PROTO_OK;
	}
	proto_buf_release(&bytes);
	if (r != PROTO_OK) {
		agent_err(_("cannot mark the change-sets the hub holds: %s; import the file again"),
			  agent_store_cause(s->ctx, r));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

/*
 * The file says the hub's head of our chain is below change-sets an earlier
 * file (or a sync) acknowledged: a hub restored from a backup older than
 * them. They are marked not acknowledged, so the next 'export' carries them
 * again (the hub's import verifies them as any), as a sync sends them again.
 */
static int reopen_lacking(usb_import *s)
{
	uint64_t mine = 0, from;
	int n = 0;

	if (s->u.acked < 0)
		return AGENT_OK;
	if (agent_sealed_acked_max(s->ctx, &mine) != PROTO_OK) {
		agent_err(_("cannot mark the change-sets the hub holds: %s; import the file again"),
			  sqlite3_errmsg(s->ctx->db));
		return AGENT_FAIL;
	}
	if ((uint64_t)s->u.acked >= mine)
		return AGENT_OK;
	from = (uint64_t)s->u.acked + 1;
	if (agent_sealed_reopen(s->ctx, from, mine + 1, &n) != PROTO_OK) {
		agent_err(_("cannot mark the change-sets the hub holds: %s; import the file again"),
			  sqlite3_errmsg(s->ctx->db));
		return AGENT_FAIL;
	}
	if (n > 0)
		agent_err(_("the hub lacks change-sets %lld to %llu of this laptop that it had acknowledged (was it restored from a backup?): the next 'maiam-agent export' carries them again"),
			  (long long)from, (unsigned long long)mine);
	return AGENT_OK;
}

/* The hub holds these photos (the feedback's "photos_held"): marked in
 * photo_upload, as a sync's "held" answer marks them, in one transaction.
 * A file without the list (an older hub) marks nothing. */
static int mark_photos_held(usb_import *s)
{
	json_t *root = json_loadb(s->u.feedback, s->u.feedback_len, JSON_REJECT_DUPLICATES, NULL);
	json_t *held = json_object_get(root, "photos_held");
	char when[32];
	size_t i, n = json_array_size(held);
	proto_result r = PROTO_OK;
	int rc = AGENT_OK;

	agent_now_utc(when);
	if (n && agent_tx_begin(s->ctx) != AGENT_OK)
		rc = AGENT_FAIL;
	for (i = 0; i < n && rc == AGENT_OK && r == PROTO_OK; i++) {
		const char *hex = json_string_value(json_array_get(held, i));

		/* the file is the hub's, signed; a hash that is no hash is left out */
		if (!hex || strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
			continue;
		r = agent_photo_uploaded(s->ctx, hex, when);
		s->photos_held += r == PROTO_OK;
	}
	if (n && rc == AGENT_OK) {
		if (r == PROTO_OK)
			rc = agent_tx_commit(s->ctx);
		else
			agent_tx_rollback(s->ctx);
	}
	if (r != PROTO_OK) {
		agent_err(_("cannot record which photos the hub holds: %s; import the file again"),
			  agent_store_cause(s->ctx, r));
		rc = AGENT_FAIL;
	}
	json_decref(root);
	return rc;
}

/* What the file brings beside the records: a certificate, the end of the claim. */
static int keep_the_rest(usb_import *s)
{
	char path[AGENT_PATH_MAX], issued[32];
	proto_result r;

	if (s->u.client_cert[0]) {
		if (!agent_pem_single(s->u.client_cert, "CERTIFICATE")) {
			agent_err(_("the client certificate in '%s' is not exactly one PEM certificate; the records were imported, the certificate was not: ask the operator"),
				  s->path);
			return AGENT_FAIL;
		}
		if (agent_path_join(path, sizeof path, s->ctx->home, AGENT_CERT_FILE) != 0)
			return AGENT_FAIL;
		r = proto_write_file_atomic(path, s->u.client_cert, strlen(s->u.client_cert), 0644);
		if (r != PROTO_OK) {
			agent_err(_("cannot write '%s': %s; check the disk, then import again"), path,
				  proto_cause(r));
			return AGENT_FAIL;
		}
	}
	/* the hub wrote a file for this key: it has enrolled it */
	if (agent_path_join(path, sizeof path, s->ctx->home, "enrol-claim.maiam") == 0)
		(void)unlink(path);
	snprintf(issued, sizeof issued, "%" PRId64, s->u.issued);
	if (agent_meta_set(s->ctx, "update_issued", issued) != PROTO_OK) {
		agent_err(_("cannot save the update's time: %s; import the file again"),
			  sqlite3_errmsg(s->ctx->db));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

static int load_state(usb_import *s, int64_t *last_issued)
{
	char buf[32];
	int enrolled = 0, found = 0;
	proto_result r;

	if (agent_enrolment_load(s->ctx, &s->info, &enrolled) != AGENT_OK)
		return AGENT_FAIL;
	if (!enrolled) {
		agent_err(_(
			"this laptop is not enrolled; enrol it first with 'maiam-agent enroll --file FILE' (the enrolment file from the operator)"));
		return AGENT_FAIL;
	}
	if (proto_key_from_public_pem(s->info.hub_pem, strlen(s->info.hub_pem), &s->hub_key) != PROTO_OK) {
		agent_err(_("the store's pinned hub key is damaged; restore a backup of the home"));
		return AGENT_FAIL;
	}
	r = agent_meta_get(s->ctx, "update_issued", buf, sizeof buf, &found);
	*last_issued = -1;
	if (r == PROTO_OK && found && cli_parse_int(buf, 0, INT64_MAX, last_issued) != 0)
		r = PROTO_EVALUE;
	if (r == PROTO_OK)
		r = agent_area_load(&s->area, s->info.scope_kind, s->info.scope_code);
	if (r != PROTO_OK) {
		agent_err(_("cannot read what this laptop needs to check the file: %s; reinstall maiam-agent or restore a backup of the home"),
			  agent_store_cause(s->ctx, r));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

static void summary(const usb_import *s)
{
	agent_ctx *ctx = s->ctx;

	if (ctx->json) {
		fprintf(ctx->out, "{\"file\":");
		agent_json_str(ctx->out, s->path);
		fprintf(ctx->out,
			",\"updates\":%zu,\"records\":%zu,\"applied\":%zu,\"conflicts\":%zu,"
			"\"cursor\":%" PRId64 ",\"acknowledged\":%zu,\"refused\":%zu,"
			"\"needs_attention\":%zu,\"photos_held\":%zu}\n",
			s->items, s->records, (size_t)s->merged.applied, (size_t)s->merged.conflicts,
			s->u.cursor, s->acked, s->refused, agent_attention_count(ctx), s->photos_held);
		return;
	}
	fprintf(ctx->out,
		_("Imported '%s': %zu records from the hub (%zu applied, %zu conflicts); %zu of this laptop's change-sets acknowledged.\n"),
		s->path, s->records, (size_t)s->merged.applied, (size_t)s->merged.conflicts, s->acked);
	if (s->photos_held)
		fprintf(ctx->out,
			_("The hub holds %zu of this laptop's photos: the next export leaves them out.\n"),
			s->photos_held);
	agent_attention_after(ctx);
}

int agent_cmd_update_import(agent_ctx *ctx, int argc, char **argv)
{
	char *files[1] = { NULL };
	cli_spec spec = { .args = files, .maxargs = CLI_ARRAY_SIZE(files) };
	usb_import s;
	proto_buf file;
	int64_t last_issued;
	proto_result r;
	int rc;

	if (agent_parse_operands(
		    ctx, "import", &spec, help, argc, argv,
		    _("'import' needs the update file; e.g. 'maiam-agent import /media/usb/cap-nhat.maiam'"),
		    &rc))
		return rc;
	memset(&s, 0, sizeof s);
	s.ctx = ctx;
	s.path = files[0];
	proto_buf_init(&file, PROTO_UPDATE_MAX_FILE);
	rc = load_state(&s, &last_issued);
	if (rc != AGENT_OK)
		goto out;
	rc = AGENT_FAIL;
	if (agent_usb_read(s.path, PROTO_UPDATE_MAX_FILE, &file, _("update file")) != 0)
		goto out;
	r = proto_update_read(file.data, file.len, s.hub_key, &s.u);
	if (r == PROTO_EKEYID) {
		agent_err(_("'%s' was signed by another hub, not the hub this laptop enrolled with (key %s); nothing was imported"),
			  s.path, s.info.hub_key_id);
		goto out;
	}
	if (r == PROTO_EMAGIC) {
		agent_err(_("'%s' is not an update file (the operator makes one with 'maiam-hub export --for AGENT'); nothing was imported"),
			  s.path);
		rc = AGENT_USAGE;
		goto out;
	}
	if (r != PROTO_OK) {
		agent_err(_("'%s' is damaged or was changed after the hub signed it (%s); nothing was imported: copy it again or ask the operator for a new one"),
			  s.path, proto_strerror(r));
		goto out;
	}
	if (!file_is_ours(&s, last_issued))
		goto out;
	rc = merge_items(&s);
	if (rc == AGENT_OK)
		rc = pending_settled(&s);
	if (rc == AGENT_OK && s.u.feedback)
		rc = agent_feedback_apply(ctx, s.u.feedback, s.u.feedback_len, &s.refused);
	if (rc == AGENT_OK)
		rc = mark_acked(&s);
	if (rc == AGENT_OK)
		rc = reopen_lacking(&s);
	if (rc == AGENT_OK && s.u.feedback)
		rc = mark_photos_held(&s);
	if (rc == AGENT_OK)
		rc = keep_the_rest(&s);
	if (rc == AGENT_OK)
		summary(&s);
out:
	proto_buf_release(&file);
	agent_pull_pending_release(&s.pending);
	agent_area_release(&s.area);
	proto_key_free(s.hub_key);
	return rc;
}

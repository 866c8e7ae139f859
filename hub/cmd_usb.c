/*
 * cmd_usb.c - the hub's side of a commune that is never online (proto/
 * FORMAT.md, "Hub files"): the enrolment file 'agent add --file' writes,
 * the claim 'import' finds first in such a laptop's first bundle, and
 * 'export --for AGENT', the update file: what the laptop's pull would bring
 * (hub_pull_answer, the very answers of GET /v1/pull), which of its own
 * change-sets the hub holds, the feedback of GET /v1/feedback (refused
 * change-sets, duplicate national ids, and in the file the photos of the
 * laptop the hub holds) and a client certificate for a later online sync. Per laptop the hub remembers where its last update file ended
 * (hub_meta "usb_cursor.<agent>") and when it was issued ("usb_issued.<agent>":
 * each file is issued later than the last, which is how a laptop tells a
 * replay).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/bundle.h"
#include "maiam/cli.h"
#include "maiam/hubfile.h"
#include "ctx.h"
#include "store.h"
#include "enrol.h"
#include "server.h"
#include "tls.h"
#include "cmd.h"
#include "i18n.h"

static int64_t now_s(void)
{
	return (int64_t)(proto_wall_ms() / 1000);
}

static int read_ca(hub_ctx *ctx, char *out, size_t outlen)
{
	char path[PATH_MAX];
	proto_buf b;
	int rc = -1;

	proto_buf_init(&b, outlen - 1);
	if (hub_path(ctx, HUB_CA_FILE, path, sizeof(path)) == 0 &&
	    proto_read_file(path, &b) == PROTO_OK && b.len > 0) {
		memcpy(out, b.data, b.len);
		out[b.len] = '\0';
		rc = 0;
	} else {
		hub_errorf(_("cannot read the hub's CA '%s/%s': run 'maiam-hub init' for this directory"),
			   ctx->cfg->dir, HUB_CA_FILE);
	}
	proto_buf_release(&b);
	return rc;
}

/* A signed file made (r says how that went) into path, atomically; says
 * what went wrong, naming what, and todo. 0 or -1. */
static int write_signed(const char *path, proto_result r, const proto_buf *out, int mode,
			const char *what, const char *todo)
{
	if (r == PROTO_OK)
		r = proto_write_file_atomic(path, out->data, out->len, (mode_t)mode);
	if (r == PROTO_OK)
		return 0;
	hub_errorf(_("cannot write the %s '%s': %s; %s"), what, path, proto_cause(r), todo);
	return -1;
}

int hub_usb_enrol_file(hub_ctx *ctx, const hub_scope *scope, const char *token, int64_t issued,
		       int64_t ttl, const char *url, const char *path)
{
	proto_enrol_file *e = proto_calloc(1, sizeof(*e));
	proto_buf out;
	proto_result r;
	int rc = -1;

	proto_buf_init(&out, PROTO_ENROL_MAX_FILE);
	if (!e) {
		hub_errorf("%s", _("out of memory"));
		goto out;
	}
	if (url && strlen(url) > PROTO_HUBFILE_URL_MAX) {
		hub_errorf(_("--url is longer than %d bytes"), PROTO_HUBFILE_URL_MAX);
		goto out;
	}
	snprintf(e->campaign, sizeof(e->campaign), "%s", ctx->cfg->campaign_id);
	snprintf(e->hub_url, sizeof(e->hub_url), "%s", url ? url : "");
	snprintf(e->token, sizeof(e->token), "%s", token);
	proto_key_public_raw(ctx->cfg->key, e->hub_pub);
	e->area_kind = scope->kind == HUB_SCOPE_DISTRICT ? PROTO_AREA_DISTRICT : PROTO_AREA_COMMUNE;
	e->area_code = scope->code;
	e->issued = issued;
	e->expires = issued + ttl;
	if (read_ca(ctx, e->ca_pem, sizeof(e->ca_pem)))
		goto out;
	r = proto_enrol_write(&out, e, ctx->cfg->key);
	rc = write_signed(path, r, &out, 0600, _("enrolment file"),
			  _("the token is made: revoke it"
			    " with 'maiam-hub agent revoke' or use it online"));
out:
	proto_buf_release(&out);
	free(e);
	return rc;
}

int hub_usb_claim(hub_ctx *ctx, const uint8_t *item, size_t len, const char *source)
{
	proto_claim_file c;
	hub_enrolment e;
	char hex[17], msg[256];
	proto_result r = proto_claim_read(item, len, &c);

	if (r != PROTO_OK) {
		snprintf(msg, sizeof(msg),
			 "the laptop's enrolment claim does not verify (%s): its"
			 " change-sets cannot be taken; ask the commune to enrol again from a new"
			 " enrolment file",
			 proto_strerror(r));
		printf(_("%s: enrolment claim refused: %s\n"), source, hub_refusal_text("bad_claim", msg));
		return hub_rejection_add(ctx->db, source, 0, 0, "bad_claim", msg, now_s()) ? -1 : 1;
	}
	proto_key_id_hex(proto_key_id_of_raw(c.agent_pub), hex);
	if (strcmp(c.campaign, ctx->cfg->campaign_id) != 0 ||
	    proto_key_id_of_raw(c.agent_pub) == ctx->cfg->key_id) {
		snprintf(msg, sizeof(msg),
			 "the enrolment claim of %s is for campaign '%s', not this"
			 " hub's",
			 hex, c.campaign);
		printf(_("%s: enrolment claim refused: %s\n"), source, hub_refusal_text("bad_claim", msg));
		return hub_rejection_add(ctx->db, source, proto_key_id_of_raw(c.agent_pub), 0,
					 "bad_claim", msg, now_s())
			       ? -1
			       : 1;
	}
	switch (hub_enrol(ctx->db, c.token, c.agent_pub, now_s(), &e)) {
	case HUB_OK:
		if (!e.again)
			printf(e.scope.kind == HUB_SCOPE_DISTRICT
				       ? _("%s: enrolled agent %s for district %d from its enrolment claim\n")
				       : _("%s: enrolled agent %s for commune %d from its enrolment claim\n"),
			       source, hex, e.scope.code);
		return 0;
	case HUB_REFUSED:
		printf(_("%s: enrolment claim of %s refused: %s: %s\n"), source, hex, e.code,
		       hub_refusal_text(e.code, e.message));
		return hub_rejection_add(ctx->db, source, proto_key_id_of_raw(c.agent_pub), 0, e.code,
					 e.message, now_s())
			       ? -1
			       : 1;
	default:
		hub_errorf(_("cannot enrol agent %s from '%s': %s"), hex, source, sqlite3_errmsg(ctx->db));
		return -1;
	}
}

/* ---- export --for AGENT ------------------------------------------------ */

typedef struct update_items {
	uint8_t **p;
	size_t *len;
	size_t n, cap, bytes;
} update_items;

static void items_free(update_items *it)
{
	for (size_t i = 0; i < it->n; i++)
		free(it->p[i]);
	free(it->p);
	free(it->len);
}

static int items_add(update_items *it, proto_buf *b)
{
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 16;
		uint8_t **p = proto_realloc(it->p, cap * sizeof(*p));
		size_t *len;

		if (!p)
			return -1;
		it->p = p;
		len = proto_realloc(it->len, cap * sizeof(*len));
		if (!len)
			return -1;
		it->len = len;
		it->cap = cap;
	}
	it->len[it->n] = b->len;
	it->p[it->n] = proto_buf_detach(b, &it->len[it->n]);
	if (!it->p[it->n])
		return -1;
	it->bytes += it->len[it->n++];
	return 0;
}

/* The pull answers after *after, as items, while they fit one file. */
static hub_result gather_answers(hub_ctx *ctx, const hub_agent *agent, int64_t *after, update_items *it,
				 int *more)
{
	proto_buf ans;
	hub_result res = HUB_OK;
	int64_t cursor;

	proto_buf_init(&ans, PROTO_BUNDLE_MAX_ITEM);
	*more = 1;
	while (*more) {
		/* room for one more answer of the largest size, and the header */
		if (it->n == PROTO_UPDATE_MAX_ITEMS ||
		    it->bytes + PROTO_BUNDLE_MAX_ITEM + 65536 > PROTO_UPDATE_MAX_FILE)
			break;
		res = hub_pull_answer(ctx, agent, *after, &ans, &cursor, more);
		if (res != HUB_OK)
			break;
		if (ans.len && items_add(it, &ans)) {
			res = HUB_ENOMEM;
			break;
		}
		*after = cursor;
	}
	proto_buf_release(&ans);
	return res;
}

static int meta_key(char *out, size_t n, const char *what, uint64_t agent)
{
	char hex[17];

	proto_key_id_hex(agent, hex);
	return (size_t)snprintf(out, n, "usb_%s.%s", what, hex) >= n ? -1 : 0;
}

static int write_update(hub_ctx *ctx, const hub_agent *agent, proto_update_file *u,
			const update_items *it, const char *path)
{
	proto_buf out;
	char *cert = NULL, err[256];
	uint8_t hash[32];
	uint64_t acked = 0;
	proto_result r;
	int rc = -1;

	proto_buf_init(&out, PROTO_UPDATE_MAX_FILE);
	if (hub_ledger_head(ctx->db, agent->id, &acked, hash) != HUB_OK) {
		hub_errorf(_("cannot read the agent's chain: %s"), sqlite3_errmsg(ctx->db));
		goto out;
	}
	u->acked = (int64_t)acked;
	if (hub_tls_issue_client(ctx->cfg->dir, agent->pub, &cert, err, sizeof(err)) == HUB_OK)
		snprintf(u->client_cert, sizeof(u->client_cert), "%s", cert);
	else
		hub_errorf(_("note: no client certificate in the file (%s): the laptop stays on USB"),
			   err);
	r = proto_update_write(&out, u, (const uint8_t *const *)it->p, it->len, it->n, ctx->cfg->key);
	rc = write_signed(path, r, &out, 0644, _("update file"),
			  _("check the USB stick, then export again"));
out:
	free(cert);
	proto_buf_release(&out);
	return rc;
}

/* Photos one update file names as held, at most: 68 bytes each in the
 * feedback, well inside its 4 MiB with the lists before them. */
#define UPDATE_PHOTOS_HELD_MAX 20000

/*
 * Add "photos_held" to the feedback of an update file: the hashes of the
 * photos the hub stores that records of this agent (or of the agent it
 * succeeds) name, newest first, so the laptop's next bundle leaves them
 * out (docs/HUB.md, "A commune that is never online"). The list goes in
 * the file's copy only: a laptop that does not know the key ignores it.
 */
static hub_result note_photos_held(hub_ctx *ctx, uint64_t agent, proto_buf *feedback)
{
	static const char sql[] = "SELECT lower(hex(h.sha256)) FROM hub_photo h WHERE EXISTS (SELECT 1 FROM photo p"
				  " WHERE p.sha256 = lower(hex(h.sha256)) AND (p.writer = ?1 OR p.writer ="
				  " (SELECT predecessor FROM hub_agent WHERE id = ?1)))"
				  " ORDER BY h.stored_at DESC LIMIT ?2";
	static const char end[] = "]}\n";
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	int step;
	hub_result rc = HUB_ENOMEM;

	/* the feedback object ends its last list: "...]}\n" */
	if (feedback->len < 3 || memcmp(feedback->data + feedback->len - 3, end, 3) != 0)
		return HUB_ENOMEM;
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(agent));
	sqlite3_bind_int(st, 2, UPDATE_PHOTOS_HELD_MAX);
	feedback->len -= 2;
	if (proto_buf_append_str(feedback, ", \"photos_held\": ["))
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *hex = (const char *)sqlite3_column_text(st, 0);

		/* a full feedback ends the list early: those left out come again
		 * in the laptop's next bundle, and the hub skips them there */
		if (feedback->len + 72 + sizeof(end) > feedback->max)
			break;
		if (hex && proto_buf_appendf(feedback, "%s\"%s\"", n++ ? ", " : "", hex))
			goto out;
	}
	if (step != SQLITE_DONE && step != SQLITE_ROW) {
		rc = HUB_EDB;
		goto out;
	}
	if (proto_buf_append_str(feedback, end))
		goto out;
	rc = HUB_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

int hub_cmd_export(int argc, char **argv)
{
	const char *dir = hub_default_dir(), *who = NULL, *path = NULL;
	int64_t after = -1, last_issued = 0;
	uint64_t agent_id, v = 0;
	proto_update_file *u = NULL;
	update_items it = { 0 };
	proto_buf feedback;
	char err[512], key[64], hex[17];
	hub_agent agent;
	hub_ctx ctx;
	bool found;
	int rc, more = 0, opened = 0;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("for", &who, "AGENT", N_("the laptop's agent id (16 hex digits, 'agent list')")),
		CLI_STRING("out", &path, "FILE", N_("the update file to write, e.g. on a USB stick")),
		CLI_INT64("after", &after, 0, INT64_MAX, "CURSOR",
			  N_("start after this position (0: everything; default: where the last file"
			     " ended)")),
	};
	cli_spec spec = { CLI_TABLE(opts) };

	proto_buf_init(&feedback, PROTO_UPDATE_FEEDBACK_MAX);
	if (hub_parse_args(NULL, "", &spec, argc, argv, &rc))
		return rc;
	if (!who || !path) {
		hub_errorf("%s", _("export needs --for AGENT and --out FILE: e.g. 'maiam-hub export --for"
				   " 0123456789abcdef --out /media/usb/cap-nhat.maiam'"));
		return HUB_EXIT_USAGE;
	}
	if (hub_parse_keyid(who, &agent_id)) {
		hub_errorf(_("--for '%s' is not an agent id: 16 hex digits, as 'maiam-hub agent list'"
			     " shows them"),
			   who);
		return HUB_EXIT_USAGE;
	}
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	opened = 1;
	rc = HUB_EXIT_FAIL;
	proto_key_id_hex(agent_id, hex);
	if (hub_agent_get(ctx.db, agent_id, &agent, &found) != HUB_OK) {
		hub_errorf(_("cannot read the agent: %s"), sqlite3_errmsg(ctx.db));
		goto out;
	}
	if (!found) {
		hub_errorf(_("agent %s is not enrolled here: import its first bundle (with its"
			     " enrolment claim) before exporting for it"),
			   hex);
		goto out;
	}
	if (agent.revoked) {
		hub_errorf(_("agent %s was revoked: nothing is exported for it"), hex);
		goto out;
	}
	u = proto_calloc(1, sizeof(*u));
	if (!u || meta_key(key, sizeof(key), "cursor", agent_id))
		goto out;
	if (after < 0) {
		if (hub_meta_get_u64(ctx.db, key, &v) != HUB_OK)
			goto out;
		after = (int64_t)v;
	}
	meta_key(key, sizeof(key), "issued", agent_id);
	if (hub_meta_get_u64(ctx.db, key, &v) != HUB_OK)
		goto out;
	last_issued = (int64_t)v;
	snprintf(u->campaign, sizeof(u->campaign), "%s", ctx.cfg->campaign_id);
	u->agent = agent_id;
	u->after = after;
	u->cursor = after;
	/* later than the last file for this laptop, even within one second */
	u->issued = now_s() > last_issued ? now_s() : last_issued + 1;
	if (gather_answers(&ctx, &agent, &u->cursor, &it, &more) != HUB_OK) {
		hub_errorf(_("cannot read the hub ledger for agent %s: %s"), hex, sqlite3_errmsg(ctx.db));
		goto out;
	}
	/* what the laptop would be told online after its pull */
	if (hub_feedback_answer(&ctx, &agent, &feedback) != HUB_OK ||
	    note_photos_held(&ctx, agent_id, &feedback) != HUB_OK) {
		hub_errorf("cannot read what agent %s must be told: %s", hex, sqlite3_errmsg(ctx.db));
		goto out;
	}
	u->feedback = (const char *)feedback.data;
	u->feedback_len = feedback.len;
	if (write_update(&ctx, &agent, u, &it, path))
		goto out;
	/* only once the file is written: a failed export changes nothing */
	if (hub_meta_set_u64(ctx.db, key, (uint64_t)u->issued) != HUB_OK ||
	    meta_key(key, sizeof(key), "cursor", agent_id) ||
	    hub_meta_set_u64(ctx.db, key, (uint64_t)u->cursor) != HUB_OK) {
		hub_errorf(_("the update file was written but the hub could not note it: %s; export"
			     " again with --after %lld"),
			   sqlite3_errmsg(ctx.db), (long long)after);
		goto out;
	}
	printf(_("wrote '%s' for agent %s: %zu updates from the hub (position %lld to %lld); the"
		 " laptop's change-sets up to %lld are acknowledged.%s\nImport it on the laptop:"
		 " maiam-agent import FILE\n"),
	       path, hex, it.n, (long long)after, (long long)u->cursor, (long long)u->acked,
	       more ? _(" More is waiting: export again after this one.") : "");
	rc = HUB_EXIT_OK;
out:
	items_free(&it);
	proto_buf_release(&feedback);
	free(u);
	if (opened) {
		hub_pull_cache_free(ctx.pull_cache);
		ctx.pull_cache = NULL;
		hub_close(&ctx);
	}
	return rc;
}

/*
 * cmd_sync.c - "sync": seal the outbox (the very code export uses), push every
 * sealed change-set the hub has not acknowledged in seq order, then pull the
 * hub's updates after the stored cursor, verify them with the pinned hub key
 * and merge them with the cursor in one transaction, and last take the hub's
 * feedback (refused change-sets, duplicate national ids). Every step is durable
 * before the next, and the hub acknowledges resends, so a sync cut anywhere
 * is finished by the next one without losing or duplicating anything.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "maiam/fsutil.h"
#include "cmds.h"
#include "attention.h"
#include "net.h"
#include "refusal.h"
#include "store.h"
#include "sync.h"
#include "sync_photos.h"

/* Pull rounds in one sync: far above any campaign, low enough to never spin
 * (MAIAM_PULL_ROUNDS overrides it, for tests). */
#define MAX_PULLS 100000
/* Seconds of pulling in one sync before the rest is left to the next sync, so
 * a hub that always says "more" cannot hold the laptop (MAIAM_PULL_SECONDS). */
#define PULL_SECONDS 600
#define PROGRESS_AFTER_MS 2000
#define PROGRESS_EVERY_MS 1000
/* --progress-file: often enough for a page that refreshes every 2 s */
#define PROGRESS_FILE_EVERY_MS 250

typedef struct sync_run {
	agent_ctx *ctx;
	agent_net net;
	agent_hub_info info;
	proto_key *hub_key;
	agent_area area;
	agent_pull_pending pending; /* households elsewhere, taken while the hub said "more" */
	uint64_t start_ms, shown_ms;
	int tty, shown;
	const char *phase;
	const char *step;          /* the phase untranslated, for --progress-file */
	const char *progress_file; /* --progress-file FILE, NULL without */
	const char *step_written;  /* the step the file last had */
	uint64_t written_ms;
	size_t sealed_now, sealed_records, to_push;
	size_t pushed, already, pulled;
	proto_merge_stats merged;
	size_t refused;          /* change-sets the hub refused as links of the chain (exit 4) */
	uint64_t reopened;       /* the first change-set sent again after a gap (0: none) */
	int64_t hub_acked;       /* the pull's Maiam-Acked: the hub's head of our chain (-1: not said) */
	int epoch_moved;         /* the hub's ledger epoch changed in this sync's pull */
	agent_photo_sync photos; /* the photo step, after the records (sync_photos.c) */
} sync_run;

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent sync [--json]\n\n"
		  "Seals the pending changes, sends every change-set the hub has not\n"
		  "acknowledged, then fetches the hub's updates (review decisions, records\n"
		  "of other laptops of the commune) and merges them. Safe to interrupt:\n"
		  "the next sync finishes the job. Needs 'maiam-agent enroll' first.\n"
		  "Exit codes: 0 done, 1 failed (also when the hub sent updates this\n"
		  "laptop refuses: nothing of them was merged, tell the operator),\n"
		  "3 hub unreachable (retry later), 4 refused by the hub (its reason is\n"
		  "printed).\n"));
	fprintf(f, "%s",
		_("--progress-file FILE: keep FILE up to date with how far the sync is, as\n"
		  "one line of JSON replaced atomically (for 'maiam-agent ui').\n"));
}

/* The --progress-file's line, replaced atomically (readers never see half
 * of it) at a step's start and then every PROGRESS_FILE_EVERY_MS. Best
 * effort: a file that cannot be written costs the sync nothing. */
static void progress_write(sync_run *s, uint64_t now)
{
	const agent_photo_sync *p = &s->photos;
	const char *step = p->active ? "photos" : s->step;
	char line[512];
	int n;

	if (!s->progress_file || (step == s->step_written && now < s->written_ms + PROGRESS_FILE_EVERY_MS))
		return;
	s->written_ms = now;
	s->step_written = step;
	n = snprintf(line, sizeof line,
		     "{\"step\":\"%s\",\"changesets_sent\":%zu,\"changesets\":%zu,\"updates\":%zu,"
		     "\"photos_sent\":%zu,\"photos\":%zu,\"photo_bytes_sent\":%llu,"
		     "\"photo_bytes\":%llu,\"seconds\":%llu}\n",
		     step, s->pushed + s->already, s->to_push, s->pulled, p->sent, p->wanted,
		     (unsigned long long)p->bytes_sent, (unsigned long long)p->bytes_total,
		     (unsigned long long)((now - s->start_ms) / 1000));
	if (n > 0 && (size_t)n < sizeof line)
		(void)proto_write_file_atomic(s->progress_file, line, (size_t)n, 0600);
}

/* One progress line on stderr once a sync has taken more than ~2 s, then
 * refreshed every second (in place on a terminal). */
static void tick(void *arg)
{
	sync_run *s = arg;
	uint64_t now = proto_wall_ms();

	progress_write(s, now);
	if (now < s->start_ms + PROGRESS_AFTER_MS || now < s->shown_ms + PROGRESS_EVERY_MS)
		return;
	s->shown_ms = now;
	s->shown = 1;
	if (s->photos.active) {
		const agent_photo_sync *p = &s->photos;
		double secs = (double)(now - p->start_ms) / 1000.0;

		fprintf(stderr, _("%ssync: sending photos: %zu of %zu, %.1f of %.1f MB, %.0f kB/s%s"),
			s->tty ? "\r" : "", p->sent, p->wanted, (double)p->bytes_sent / 1e6,
			(double)p->bytes_total / 1e6,
			secs > 0 ? (double)p->bytes_sent / 1e3 / secs : 0.0, s->tty ? "" : "\n");
		fflush(stderr);
		return;
	}
	fprintf(stderr, _("%ssync: %s: sent %zu of %zu change-sets, received %zu updates (%llu s)%s"),
		s->tty ? "\r" : "", s->phase, s->pushed + s->already, s->to_push, s->pulled,
		(unsigned long long)((now - s->start_ms) / 1000), s->tty ? "" : "\n");
	fflush(stderr);
}

static void tick_end(sync_run *s)
{
	if (s->shown && s->tty)
		fputc('\n', stderr);
}

/* A request that got no usable answer: say why and pick the exit code. */
static int net_failure(sync_run *s, int nr, const agent_http *h, const char *what)
{
	char msg[512];

	tick_end(s);
	s->shown = 0;
	switch (nr) {
	case AGENT_NET_TLS:
		agent_err(_("the hub at '%s' failed the certificate check against the pinned CA (%s); nothing was sent: ask the operator whether the hub's certificate changed"),
			  s->net.base, h->error);
		return AGENT_NETWORK;
	case AGENT_NET_DOWN:
		agent_err(_("cannot reach the hub at '%s' while %s (%s); nothing is lost: run 'maiam-agent sync' again later"),
			  s->net.base, what, h->error);
		return AGENT_NETWORK;
	case AGENT_NET_LOCAL:
		agent_err(_("cannot talk to the hub at '%s' while %s: %s; check the files '%s' and '%s' in the home"),
			  s->net.base, what, h->error, AGENT_CERT_FILE, "agent.key");
		return AGENT_FAIL;
	default:
		agent_hub_refusal(h, msg, sizeof msg);
		agent_err(_("the hub at '%s' has a problem while %s: %s; nothing is lost: run 'maiam-agent sync' again later"),
			  s->net.base, what, msg);
		return AGENT_NETWORK;
	}
}

/* push_answer's "the change-sets from s->reopened on go again" (not an
 * exit code) */
#define PUSH_FROM_GAP 100

/* Judge the hub's answer to one pushed change-set. */
static int push_answer(sync_run *s, uint64_t seq, const uint8_t hash[32], const agent_http *h)
{
	const char *json = (const char *)h->body.data;
	char status[32], hub_hash[65], mine[65], code[32], msg[512], when[32], link[16];
	char text[640];
	int64_t expected = 0;

	if (h->status == 200) {
		if (!json || agent_json_get_str(json, h->body.len, "status", status, sizeof status) != 1 ||
		    (strcmp(status, "applied") != 0 && strcmp(status, "already_applied") != 0)) {
			agent_err(_("the hub's answer to change-set %llu is not understood; nothing is lost: ask the operator which maiam-agent version the hub needs"),
				  (unsigned long long)seq);
			return AGENT_FAIL;
		}
		/* The hub names the hash of what it holds at that seq: if it is not
		 * ours, the chain forked somewhere and marking it sent would lie. */
		proto_hex(hash, 32, mine);
		if (agent_json_get_str(json, h->body.len, "hash", hub_hash, sizeof hub_hash) == 1 &&
		    strcmp(hub_hash, mine) != 0) {
			agent_err(_("the hub holds a different change-set %llu than this laptop; do not sync again, and ask the operator to compare the hub's ledger with 'maiam-agent check'"),
				  (unsigned long long)seq);
			return AGENT_REJECTED;
		}
		agent_now_utc(when);
		if (agent_sealed_ack(s->ctx, seq, when) != PROTO_OK) {
			agent_err(_("cannot record that the hub has change-set %llu: %s; run 'maiam-agent sync' again (the hub will answer that it has it)"),
				  (unsigned long long)seq, sqlite3_errmsg(s->ctx->db));
			return AGENT_FAIL;
		}
		if (strcmp(status, "applied") == 0)
			s->pushed++;
		else
			s->already++;
		return AGENT_OK;
	}
	tick_end(s);
	s->shown = 0;
	/* the hub's words are stored as they came; what is shown comes from
	 * its code, in the user's language */
	agent_http_message(h, msg, sizeof msg);
	agent_hub_refusal(h, text, sizeof text);
	/* Refused after its signature and chain place were verified: it holds
	 * that place as a refused link, so the next ones can follow it. */
	if (json && agent_json_get_str(json, h->body.len, "link", link, sizeof link) == 1 &&
	    strcmp(link, "refused") == 0 &&
	    agent_json_get_str(json, h->body.len, "error", code, sizeof code) == 1) {
		agent_now_utc(when);
		if (agent_sealed_refuse(s->ctx, seq, when, code, msg) != PROTO_OK) {
			agent_err(_("cannot record that the hub refused change-set %llu: %s; run 'maiam-agent sync' again"),
				  (unsigned long long)seq, sqlite3_errmsg(s->ctx->db));
			return AGENT_FAIL;
		}
		agent_err(_("the hub refused change-set %llu (%s): %s; it is kept and listed by 'maiam-agent status', the next change-sets go on"),
			  (unsigned long long)seq, code, text);
		s->refused++;
		return AGENT_OK;
	}
	/* a quota of the day (429): nothing is wrong with the change-set, it
	 * goes again later, as after a network failure */
	if (h->status == 429) {
		agent_err(_("the hub will take change-set %llu later: %s"), (unsigned long long)seq, text);
		return AGENT_NETWORK;
	}
	if (h->status == 409 && json &&
	    agent_json_get_str(json, h->body.len, "error", code, sizeof code) == 1 &&
	    agent_json_get_int(json, h->body.len, "expected_seq", &expected) == 1 &&
	    strcmp(code, "gap") == 0 && expected >= 1 && (uint64_t)expected < seq && !s->reopened) {
		/* The hub lacks change-sets it acknowledged before: restored from
		 * a backup older than them. Ours are still here: send them again,
		 * once a sync (a second gap is the hub's to explain). */
		int n = 0;

		if (agent_sealed_reopen(s->ctx, (uint64_t)expected, seq, &n) != PROTO_OK) {
			agent_err(_("cannot mark change-sets %lld to %llu for sending again: %s; run 'maiam-agent sync' again"),
				  (long long)expected, (unsigned long long)seq - 1,
				  sqlite3_errmsg(s->ctx->db));
			return AGENT_FAIL;
		}
		if (n > 0) {
			s->reopened = (uint64_t)expected;
			agent_err(_("the hub lacks change-sets %lld to %llu of this laptop that it had acknowledged (was it restored from a backup?): sending them again"),
				  (long long)expected, (unsigned long long)seq - 1);
			return PUSH_FROM_GAP;
		}
	}
	if (h->status == 409 && json &&
	    agent_json_get_str(json, h->body.len, "error", code, sizeof code) == 1 &&
	    agent_json_get_int(json, h->body.len, "expected_seq", &expected) == 1) {
		agent_err(_("the hub refused change-set %llu (%s): it expects change-set %lld from this laptop next; %s"),
			  (unsigned long long)seq, code, (long long)expected, text);
		return AGENT_REJECTED;
	}
	agent_err(_("the hub refused change-set %llu: %s"), (unsigned long long)seq, text);
	return AGENT_REJECTED;
}

static int push_all(sync_run *s)
{
	proto_buf bytes;
	uint8_t hash[32];
	uint64_t seq = 0, after = 0;
	agent_http h;
	proto_result r;
	int found, nr, rc = AGENT_OK;

	s->phase = _("sending");
	s->step = "sending";
	tick(s);
	proto_buf_init(&bytes, (size_t)PROTO_MAX_ZBODY * 2);
	agent_http_init(&h);
	while ((r = agent_sealed_next(s->ctx, after, &seq, hash, &bytes, &found)) == PROTO_OK && found) {
		after = seq;
		if (bytes.len > AGENT_HUB_MAX_BODY) {
			agent_err(_("change-set %llu is %zu bytes, over the hub's limit of %u; it was not sent: run 'maiam-agent export' and ask the operator to import the file"),
				  (unsigned long long)seq, bytes.len, AGENT_HUB_MAX_BODY);
			rc = AGENT_FAIL;
			goto out;
		}
		nr = agent_net_request(&s->net, "POST", "/v1/push", "application/octet-stream",
				       bytes.data, bytes.len, &h);
		if (nr != AGENT_NET_ANSWER || h.status >= 500) {
			rc = net_failure(s, nr, &h, _("sending"));
			goto out;
		}
		rc = push_answer(s, seq, hash, &h);
		if (rc == PUSH_FROM_GAP) { /* from the first one the hub lacks, again */
			after = s->reopened - 1;
			rc = AGENT_OK;
			continue;
		}
		if (rc != AGENT_OK)
			goto out;
		tick(s);
	}
	if (r != PROTO_OK) {
		agent_err(_("cannot read the sealed change-sets: %s; run 'maiam-agent check'"),
			  agent_store_cause(s->ctx, r));
		rc = AGENT_FAIL;
	}
out:
	agent_http_release(&h);
	proto_buf_release(&bytes);
	return rc;
}

/* Verify one pull answer with the pinned hub key and merge it. */
static int pull_merge(sync_run *s, const agent_http *h)
{
	proto_header hdr;
	proto_changeset cs;
	char origin[17];
	proto_result r;
	int rc = AGENT_FAIL;

	memset(&cs, 0, sizeof cs);
	if (h->cursor < 0) {
		agent_err(_(
			"the hub's updates came without a cursor; ask the operator which maiam-agent version the hub needs"));
		return AGENT_FAIL;
	}
	r = proto_peek(h->body.data, h->body.len, &hdr);
	if (r == PROTO_OK) {
		proto_key_id_hex(hdr.origin, origin);
		if (strcmp(origin, s->info.hub_key_id) != 0)
			r = PROTO_EKEYID;
	}
	if (r == PROTO_OK)
		r = proto_open(h->body.data, h->body.len, s->hub_key, &cs, NULL);
	if (r != PROTO_OK) {
		agent_err_proto(_("the hub's updates do not verify with the pinned hub key"), r,
				_("nothing was merged; ask the operator whether the hub's key changed"));
		goto out;
	}
	if (strcmp(cs.hdr.campaign, s->ctx->campaign) != 0) {
		agent_err(_("the hub's updates are for campaign '%s', not '%s'; nothing was merged: ask the operator"),
			  cs.hdr.campaign, s->ctx->campaign);
		goto out;
	}
	rc = agent_pull_apply(s->ctx, &s->area, &cs, h->cursor, h->more ? &s->pending : NULL, &s->merged);
	if (rc != AGENT_OK)
		goto out;
	s->pulled += cs.nrecords;
	s->info.cursor = h->cursor;
	rc = AGENT_OK;
out:
	proto_changeset_release(&cs);
	return rc;
}

/* A cursor is the hub's position in its ledger: it never moves back. A hub
 * that says otherwise would make the laptop take old answers again. */
static int cursor_backwards(sync_run *s, const agent_http *h)
{
	if (h->cursor < 0 || h->cursor >= s->info.cursor)
		return 0;
	tick_end(s);
	s->shown = 0;
	agent_err(_("the hub moved the pull cursor back from %lld to %lld; nothing was merged: ask the operator to check the hub"),
		  (long long)s->info.cursor, (long long)h->cursor);
	return 1;
}

/* The households taken while the hub said "more" must be in the area by the
 * end of the pull: otherwise the hub sent what is not ours, piecemeal. */
static int pending_settled(sync_run *s)
{
	char why[256];
	proto_result r;
	int refused = 0;

	if (s->pending.n == 0)
		return AGENT_OK;
	r = agent_pull_pending_check(s->ctx->db, &s->area, &s->pending, &refused, why, sizeof why);
	if (r == PROTO_OK && !refused)
		return AGENT_OK;
	tick_end(s);
	s->shown = 0;
	if (r != PROTO_OK) {
		agent_err(_("cannot check the hub's updates against the store: %s; run 'maiam-agent sync' again"),
			  agent_store_cause(s->ctx, r));
		return AGENT_FAIL;
	}
	agent_err(_("the hub sent updates this laptop refuses: %s, after several answers that said more was coming; they are merged: ask the operator to check the hub"),
		  why);
	return AGENT_HUB_REFUSED;
}

/* The hub refused a pull or its feedback (h): said, AGENT_REJECTED. */
static int refused_to_send(sync_run *s, const agent_http *h)
{
	char msg[512];

	tick_end(s);
	s->shown = 0;
	agent_hub_refusal(h, msg, sizeof msg);
	agent_err(_("the hub refused to send updates: %s"), msg);
	return AGENT_REJECTED;
}

/* Does answer h start the pull again in another ledger epoch than the one
 * our cursor is of? Only when both are known, and once a sync: a hub that
 * changes its epoch at every answer would have us pull for ever. */
static int epoch_moved(const sync_run *s, const agent_http *h)
{
	return (h->status == 200 || h->status == 204) && h->epoch[0] && s->info.epoch[0] &&
	       strcmp(h->epoch, s->info.epoch) != 0 && !s->epoch_moved;
}

/* After a 200 or 204 whose cursor is saved: the hub's epoch and its head
 * of our chain, as h says them. */
static int epoch_take(sync_run *s, const agent_http *h, int moved)
{
	if (h->acked >= 0)
		s->hub_acked = h->acked;
	if (!h->epoch[0] || strcmp(h->epoch, s->info.epoch) == 0)
		return AGENT_OK;
	if (agent_epoch_save(s->ctx, h->epoch) != PROTO_OK) {
		agent_err(_("cannot save the pull cursor: %s; run 'maiam-agent sync' again"),
			  sqlite3_errmsg(s->ctx->db));
		return AGENT_FAIL;
	}
	memcpy(s->info.epoch, h->epoch, sizeof s->info.epoch);
	memcpy(s->net.epoch, h->epoch, sizeof s->net.epoch);
	if (moved)
		s->epoch_moved = 1;
	return AGENT_OK;
}

/*
 * The hub's head of our chain (the pull's Maiam-Acked) is below a
 * change-set it once acknowledged: a hub restored from a backup older than
 * them. Sent again now, from the first one it lacks, even when this sync
 * had nothing new to send (the push's gap answer would only have told us at
 * the next new change-set). Once a sync, as the gap's resend.
 */
static int resend_lacking(sync_run *s)
{
	uint64_t mine = 0, from;
	int n = 0;

	if (s->hub_acked < 0 || s->reopened)
		return AGENT_OK;
	if (agent_sealed_acked_max(s->ctx, &mine) != PROTO_OK) {
		agent_err(_("cannot read the sealed change-sets: %s; run 'maiam-agent check'"),
			  sqlite3_errmsg(s->ctx->db));
		return AGENT_FAIL;
	}
	if ((uint64_t)s->hub_acked >= mine)
		return AGENT_OK;
	from = (uint64_t)s->hub_acked + 1;
	if (agent_sealed_reopen(s->ctx, from, mine + 1, &n) != PROTO_OK) {
		agent_err(_("cannot mark change-sets %lld to %llu for sending again: %s; run 'maiam-agent sync' again"),
			  (long long)from, (unsigned long long)mine, sqlite3_errmsg(s->ctx->db));
		return AGENT_FAIL;
	}
	if (n == 0)
		return AGENT_OK;
	s->reopened = from;
	s->to_push += (size_t)n;
	tick_end(s);
	s->shown = 0;
	agent_err(_("the hub lacks change-sets %lld to %llu of this laptop that it had acknowledged (was it restored from a backup?): sending them again"),
		  (long long)from, (unsigned long long)mine);
	return push_all(s);
}

static long env_setting(const char *name, long lo, long hi, long def)
{
	const char *v = getenv(name);
	int64_t n;

	return v && *v && cli_parse_int(v, lo, hi, &n) == 0 ? (long)n : def;
}

static int pull_all(sync_run *s)
{
	long rounds = env_setting("MAIAM_PULL_ROUNDS", 1, MAX_PULLS, MAX_PULLS);
	uint64_t until = proto_wall_ms() +
			 (uint64_t)env_setting("MAIAM_PULL_SECONDS", 0, 86400, PULL_SECONDS) * 1000u;
	char path[64];
	agent_http h;
	int nr, rc = AGENT_OK;

	s->phase = _("receiving");
	s->step = "receiving";
	tick(s);
	agent_http_init(&h);
	for (long round = 0;; round++) {
		int64_t before = s->info.cursor;
		int moved;

		snprintf(path, sizeof path, "/v1/pull?after=%lld", (long long)s->info.cursor);
		nr = agent_net_request(&s->net, "GET", path, NULL, NULL, 0, &h);
		if (nr != AGENT_NET_ANSWER || h.status >= 500) {
			rc = net_failure(s, nr, &h, _("receiving updates"));
			break;
		}
		/* A hub restored from a backup has a new ledger epoch: it answered
		 * from where its ledger and the one our cursor is of agree, which
		 * may be before our cursor (once a sync; docs/SYNC.md). */
		moved = epoch_moved(s, &h);
		if ((h.status == 200 || h.status == 204) && !moved && cursor_backwards(s, &h)) {
			rc = AGENT_HUB_REFUSED;
			break;
		}
		if (h.status == 204) {
			if (h.cursor >= 0 && h.cursor != s->info.cursor) {
				if (agent_cursor_save(s->ctx, h.cursor) != PROTO_OK) {
					agent_err(_("cannot save the pull cursor: %s; run 'maiam-agent sync' again"),
						  sqlite3_errmsg(s->ctx->db));
					rc = AGENT_FAIL;
					break;
				}
				s->info.cursor = h.cursor;
			}
		} else if (h.status == 200) {
			rc = pull_merge(s, &h);
			if (rc != AGENT_OK)
				break;
		} else {
			rc = refused_to_send(s, &h);
			break;
		}
		/* the epoch after the cursor of that epoch is saved: a crash
		 * between costs a pull again from the restore point, nothing more */
		rc = epoch_take(s, &h, moved);
		if (rc != AGENT_OK)
			break;
		tick(s);
		/* a hub that says "more" without moving the cursor would loop forever */
		if (!h.more || (s->info.cursor <= before && !moved))
			break;
		/* one that moves it forever is cut by count and time: what is merged
		 * stays merged, the next sync goes on from the cursor */
		if (round + 1 >= rounds || proto_wall_ms() >= until) {
			tick_end(s);
			s->shown = 0;
			agent_err(_("note: the hub has more updates than one sync takes (%ld rounds); run 'maiam-agent sync' again for the rest"),
				  round + 1);
			break;
		}
	}
	if (rc == AGENT_OK)
		rc = pending_settled(s);
	agent_http_release(&h);
	return rc;
}

/* What the field worker must look at, as the hub sees it now: an older hub
 * without GET /v1/feedback (404) has none to give. */
static int feedback_pull(sync_run *s)
{
	agent_http h;
	size_t refused = 0;
	int nr, rc = AGENT_OK;

	agent_http_init(&h);
	nr = agent_net_request(&s->net, "GET", "/v1/feedback", NULL, NULL, 0, &h);
	if (nr != AGENT_NET_ANSWER || h.status >= 500) {
		rc = net_failure(s, nr, &h, _("receiving updates"));
	} else if (h.status == 200) {
		tick_end(s); /* a refusal it records is said on a line of its own */
		s->shown = 0;
		rc = agent_feedback_apply(s->ctx, (const char *)h.body.data, h.body.len, &refused);
		s->refused += refused;
	} else if (h.status != 404) {
		rc = refused_to_send(s, &h);
	}
	agent_http_release(&h);
	return rc;
}

static int files_ready(sync_run *s, char *ca, char *cert, char *key)
{
	agent_ctx *ctx = s->ctx;

	if (agent_path_join(ca, AGENT_PATH_MAX, ctx->home, AGENT_CA_FILE) != 0 ||
	    agent_path_join(cert, AGENT_PATH_MAX, ctx->home, AGENT_CERT_FILE) != 0 ||
	    agent_path_join(key, AGENT_PATH_MAX, ctx->home, "agent.key") != 0)
		return 0;
	if (access(ca, R_OK) != 0 || access(cert, R_OK) != 0) {
		agent_err(_("the enrolment files '%s' and '%s' are missing from '%s'; restore the home from a backup"),
			  AGENT_CA_FILE, AGENT_CERT_FILE, ctx->home);
		return 0;
	}
	return 1;
}

/* The laptop's area, from its enrolment, for the checks of every pull answer. */
static int area_load(sync_run *s)
{
	proto_result r = agent_area_load(&s->area, s->info.scope_kind, s->info.scope_code);

	if (r == PROTO_EVALUE) {
		agent_err(_("the store's enrolment names an unknown scope '%s'; restore a backup of the home"),
			  s->info.scope_kind);
		return AGENT_FAIL;
	}
	if (r != PROTO_OK) {
		agent_err(_("cannot read the admin units 'data/soc-trang-units.csv' needed to check the hub's updates for district %lld; reinstall maiam-agent or set MAIAM_DATA_DIR"),
			  (long long)s->info.scope_code);
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

static void summary(sync_run *s)
{
	agent_ctx *ctx = s->ctx;

	if (ctx->json) {
		fprintf(ctx->out, "{\"hub\":");
		agent_json_str(ctx->out, s->info.url);
		fprintf(ctx->out,
			",\"sealed_now\":%zu,\"records_sealed_now\":%zu,\"pushed\":%zu,"
			"\"already_there\":%zu,\"pulled\":%zu,\"merged\":%zu,\"conflicts\":%zu,"
			"\"cursor\":%lld,\"needs_attention\":%zu,\"photos_sent\":%zu,"
			"\"photos_left\":%zu}\n",
			s->sealed_now, s->sealed_records, s->pushed, s->already, s->pulled,
			s->merged.applied, s->merged.conflicts, (long long)s->info.cursor,
			agent_attention_count(ctx), s->photos.sent, s->photos.left);
		return;
	}
	fprintf(ctx->out,
		_("Synced with %s: pushed %zu change-sets, already there %zu, pulled %zu updates.\n"),
		s->info.url, s->pushed, s->already, s->pulled);
	if (s->photos.wanted || s->photos.left)
		fprintf(ctx->out, _("Photos: sent %zu (%.1f MB), %zu left for the next sync.\n"),
			s->photos.sent, (double)s->photos.bytes_sent / 1e6, s->photos.left);
	agent_attention_after(ctx);
}

int agent_cmd_sync(agent_ctx *ctx, int argc, char **argv)
{
	char ca[AGENT_PATH_MAX], cert[AGENT_PATH_MAX], key[AGENT_PATH_MAX], when[32];
	char line[sizeof when + 520], id[17];
	agent_counts counts;
	sync_run s;
	const char *progress_file = NULL;
	const cli_opt opts[] = { CLI_STRING("progress-file", &progress_file, "FILE", NULL) };
	cli_spec spec = { CLI_TABLE(opts) };
	int enrolled = 0;
	int rc;

	if (agent_parse_args(ctx, "sync", &spec, help, argc, argv, &rc))
		return rc;
	memset(&s, 0, sizeof s);
	s.ctx = ctx;
	s.progress_file = progress_file && *progress_file ? progress_file : NULL;
	s.start_ms = proto_wall_ms();
	s.tty = isatty(2);
	s.phase = _("sealing");
	s.step = "sealing";
	progress_write(&s, s.start_ms);
	rc = AGENT_FAIL;
	if (agent_enrolment_load(ctx, &s.info, &enrolled) != AGENT_OK)
		goto out;
	if (!enrolled) {
		agent_err(_(
			"this laptop is not enrolled; run 'maiam-agent enroll --hub URL --ca FILE --token TOKEN' first, or carry 'maiam-agent export' files to the hub"));
		goto out;
	}
	if (proto_key_from_public_pem(s.info.hub_pem, strlen(s.info.hub_pem), &s.hub_key) != PROTO_OK ||
	    (proto_key_id_hex(proto_key_id(s.hub_key), id), strcmp(id, s.info.hub_key_id) != 0)) {
		agent_err(_("the pinned hub key in the store is damaged; restore a backup of the home"));
		goto out;
	}
	if (area_load(&s) != AGENT_OK)
		goto out;
	if (!files_ready(&s, ca, cert, key))
		goto out;
	rc = agent_seal_pending(ctx, &s.sealed_now, &s.sealed_records);
	if (rc != AGENT_OK)
		goto out;
	rc = AGENT_FAIL;
	if (agent_store_counts(ctx, &counts) != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), sqlite3_errmsg(ctx->db));
		goto out;
	}
	s.to_push = (size_t)counts.sealed;
	rc = agent_net_start(&s.net, s.info.url, ca, cert, key);
	if (rc != AGENT_OK)
		goto out;
	s.net.tick = tick;
	s.net.tick_arg = &s;
	memcpy(s.net.epoch, s.info.epoch, sizeof s.net.epoch);
	s.hub_acked = -1;
	rc = push_all(&s);
	if (rc == AGENT_OK)
		rc = pull_all(&s);
	if (rc == AGENT_OK)
		rc = resend_lacking(&s);
	if (rc == AGENT_OK)
		rc = feedback_pull(&s);
	/* the records are the hub's: the photos go now, and what they cannot
	 * do is a note for the next sync, never this sync's failure */
	if (rc == AGENT_OK) {
		tick_end(&s);
		s.shown = 0;
		agent_sync_photos(ctx, &s.net, &s.photos);
	}
	tick_end(&s);
	if (rc != AGENT_OK)
		goto out;
	agent_now_utc(when);
	snprintf(line, sizeof line, "%s %s", when, s.info.url);
	if (agent_meta_set(ctx, "last_sync", line) != PROTO_OK)
		agent_err(_("note: the sync finished but its time was not saved"));
	summary(&s);
	if (s.refused)
		rc = AGENT_REJECTED; /* each was named above; 'status' lists them */
out:
	agent_net_close(&s.net);
	proto_key_free(s.hub_key);
	agent_area_release(&s.area);
	agent_pull_pending_release(&s.pending);
	return rc;
}

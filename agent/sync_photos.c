/*
 * sync_photos.c - the photo step of sync (sync_photos.h): one want request
 * for every photo of this laptop the hub is not known to hold, then the
 * wanted photos in ranges (PUT /v1/photos/<hex>, Content-Range) from the
 * offset the hub gave, two photos at once on two connections (libcurl's
 * multi interface, UPLOAD_SLOTS handles): while one photo's answer comes
 * back, the other's bytes keep the link busy. The ranges of one photo go in
 * order on one handle, the next range or photo as soon as an answer came.
 * After a cut or a 5xx the slot waits its backoff and asks the hub where to
 * resume (a want of that photo) instead of sending the range from its
 * start: the hub may keep the bytes that arrived before a cut. A range the
 * hub had already taken answers 409 with its offset, and the upload goes
 * on from there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include "cmds.h"
#include "sync_photos.h"

/* Offsets the hub may move an upload back to (409) before it is left for
 * the next sync: a hub that keeps doing it is not taking the photo. */
#define MAX_RESYNCS 8

/* Photos uploaded at once, each on its own connection. Two hide the round
 * trip of an answer as long as a range is longer than the link's
 * bandwidth-delay product (37.5 kB at 1 Mbit/s and 300 ms). */
#define UPLOAD_SLOTS 2
/* The longest wait in the loop between two progress ticks. */
#define POLL_MS 200

typedef struct photo_item {
	char hex[65];
	int64_t bytes;
	int64_t offset; /* what the hub has, as it last said */
	int wanted;
} photo_item;

typedef enum {
	SLOT_IDLE,    /* no photo */
	SLOT_READY,   /* a photo whose next range goes now */
	SLOT_WAITING, /* a photo whose request failed: ask where to resume at wake_ms */
	SLOT_BUSY,    /* a request in flight on curl */
} slot_state;

/* One connection's uploads: a photo at a time, its ranges in order. */
typedef struct upload_slot {
	CURL *curl;
	slot_state state;
	int asking;       /* the request in flight is the want of it (not a range) */
	photo_item *it;   /* the photo it uploads, NULL when idle */
	proto_buf data;   /* its bytes */
	int64_t end;      /* the end (exclusive) of the range in flight */
	int failures;     /* failed tries since the hub's offset last moved on */
	int resyncs;      /* 409 answers for this photo */
	uint64_t wake_ms; /* SLOT_WAITING: when to ask */
	agent_req rq;     /* the request in flight */
	agent_http h;     /* its answer */
	char range[96];   /* its Content-Range */
	char want[96];    /* or its want body */
} upload_slot;

typedef struct photo_run {
	agent_ctx *ctx;
	agent_net *net;
	agent_photo_sync *ps;
	photo_item *items;
	size_t n;
	size_t next; /* the first item not yet given to a slot */
	int notes;
	int stop; /* no new request: the hub is unreachable or its quota is reached */
	CURLM *multi;
	upload_slot slots[UPLOAD_SLOTS];
} photo_run;

static int add_item(void *arg, const char *hex, int64_t bytes)
{
	photo_run *r = arg;
	photo_item *it = &r->items[r->n++];

	memcpy(it->hex, hex, 65);
	it->bytes = bytes;
	it->offset = 0;
	it->wanted = 0;
	return 0;
}

/* Say why a photo is left for the next sync; counted in ps->left. */
static void note(photo_run *r, const char *hex, const char *why)
{
	if (r->ps->active && isatty(2))
		fputc('\n', stderr);
	agent_err(_("note: photo %.12s was not sent (%s); the next 'maiam-agent sync' tries again"), hex,
		  why);
	r->ps->left++;
	r->notes++;
}

static void mark_uploaded(photo_run *r, const char *hex)
{
	char when[32];

	agent_now_utc(when);
	/* not kept: the next sync asks again and the hub answers "held" */
	if (agent_photo_uploaded(r->ctx, hex, when) != PROTO_OK)
		agent_err(_("note: cannot record that the hub holds photo %.12s: %s"), hex,
			  sqlite3_errmsg(r->ctx->db));
}

/* The want answer's item of it->hex into it: 1 wanted, 0 held, -1 refused
 * or not understood. */
static int read_item(const agent_http *h, photo_item *it)
{
	char key[90], item[256];
	const char *body = (const char *)h->body.data, *p, *end;
	long long off;

	snprintf(key, sizeof key, "\"sha256\": \"%s\"", it->hex);
	p = body ? strstr(body, key) : NULL;
	end = p ? strchr(p, '}') : NULL;
	if (!end || (size_t)(end - p) >= sizeof item)
		return -1;
	snprintf(item, sizeof item, "%.*s", (int)(end - p), p);
	if (strstr(item, "\"status\": \"held\""))
		return 0;
	p = strstr(item, "\"offset\": ");
	if (!strstr(item, "\"status\": \"wanted\"") || !p || sscanf(p + 10, "%lld", &off) != 1 ||
	    off < 0 || off >= it->bytes)
		return -1;
	it->offset = off;
	return 1;
}

/* Why a request got no usable answer, in out. */
static void why_not(int nr, const agent_http *h, char *out, size_t n)
{
	if (nr == AGENT_NET_ANSWER)
		agent_http_message(h, out, n);
	else
		snprintf(out, n, "%s", h->error);
}

/* POST /v1/photos/want for every item: 0, or -1 (said; all left). */
static int ask(photo_run *r)
{
	proto_buf b;
	agent_http h;
	char msg[400];
	size_t i;
	int nr, rc = -1;

	proto_buf_init(&b, 80 * (r->n + 1));
	agent_http_init(&h);
	if (proto_buf_append_str(&b, "{\"photos\": ["))
		goto nomem;
	for (i = 0; i < r->n; i++)
		if (proto_buf_appendf(&b, "%s\"%s\"", i ? ", " : "", r->items[i].hex))
			goto nomem;
	if (proto_buf_append_str(&b, "]}"))
		goto nomem;
	nr = agent_net_request(r->net, "POST", "/v1/photos/want", "application/json", b.data, b.len, &h);
	if (nr != AGENT_NET_ANSWER || h.status != 200) {
		why_not(nr, &h, msg, sizeof msg);
		goto said;
	}
	for (i = 0; i < r->n; i++) {
		photo_item *it = &r->items[i];
		int state = read_item(&h, it);

		if (state == 0) {
			mark_uploaded(r, it->hex);
			r->ps->held++;
		} else if (state > 0) {
			it->wanted = 1;
			r->ps->wanted++;
			r->ps->bytes_total += (uint64_t)(it->bytes - it->offset);
		} else {
			note(r, it->hex,
			     _("the hub does not take it: its record may not be accepted yet"));
		}
	}
	rc = 0;
	goto out;
nomem:
	snprintf(msg, sizeof msg, "out of memory");
said:
	agent_err(_("note: the hub did not say which photos it lacks (%s); the records are synced, the next 'maiam-agent sync' sends the photos"),
		  msg);
	r->ps->left += r->n;
	r->notes++;
out:
	agent_http_release(&h);
	proto_buf_release(&b);
	return rc;
}

/* The photo's bytes from home/photos/XX/<hex>, checked against its record
 * (size and hash). 0, or -1 (*why says what is wrong). */
static int load_photo(photo_run *r, const photo_item *it, proto_buf *data, const char **why)
{
	char rel[80], path[AGENT_PATH_MAX], got[65];
	uint8_t sha[32], chunk[65536];
	FILE *f;
	size_t k;

	*why = _("its file is missing from the home's photos folder");
	snprintf(rel, sizeof rel, "photos/%.2s/%s", it->hex, it->hex);
	if (agent_path_join(path, sizeof path, r->ctx->home, rel) != 0 || !(f = fopen(path, "rb")))
		return -1;
	proto_buf_reset(data);
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (proto_buf_append(data, chunk, k) != PROTO_OK)
			break;
	k = ferror(f) || !feof(f);
	fclose(f);
	*why = _("its file in the home's photos folder is damaged: it is not the photo its record names");
	if (k || data->len != (size_t)it->bytes)
		return -1;
	proto_sha256(data->data, data->len, sha);
	proto_hex(sha, 32, got);
	return strcmp(got, it->hex) == 0 ? 0 : -1;
}

/* The slot's photo is done with: stored (1), or left for the next sync
 * with why said (NULL: counted only, as the photos after a stop are). */
static void slot_release(photo_run *r, upload_slot *s, int stored, const char *why)
{
	if (stored) {
		mark_uploaded(r, s->it->hex);
		r->ps->sent++;
	} else if (why) {
		note(r, s->it->hex, why);
	} else {
		r->ps->left++;
	}
	s->it = NULL;
	s->state = SLOT_IDLE;
}

/* The hub has 'offset' bytes of the slot's photo: the progress counts what
 * it gained, and a gain forgives the failures before it. */
static void slot_moved_to(photo_run *r, upload_slot *s, int64_t offset)
{
	if (offset > s->it->offset) {
		r->ps->bytes_sent += (uint64_t)(offset - s->it->offset);
		s->failures = 0;
	}
	s->it->offset = offset;
}

/* The next wanted photo whose file is sound, into s (SLOT_READY); the
 * others are said and left. */
static void slot_take(photo_run *r, upload_slot *s)
{
	const char *why;

	while (r->next < r->n) {
		photo_item *it = &r->items[r->next++];

		if (!it->wanted)
			continue;
		if (load_photo(r, it, &s->data, &why)) {
			note(r, it->hex, why);
			continue;
		}
		s->it = it;
		s->failures = 0;
		s->resyncs = 0;
		s->state = SLOT_READY;
		return;
	}
}

/* Put the slot's request on the wire: its next range, or (asking) the want
 * of its photo. When libcurl cannot take it, the photo is said and the
 * step stops. */
static void slot_start(photo_run *r, upload_slot *s, int asking)
{
	photo_item *it = s->it;
	char path[80];
	int nr;

	s->asking = asking;
	if (asking) {
		snprintf(s->want, sizeof s->want, "{\"photos\": [\"%s\"]}", it->hex);
		nr = agent_req_init(&s->rq, r->net, "POST", "/v1/photos/want", "application/json", NULL,
				    (const uint8_t *)s->want, strlen(s->want), &s->h);
	} else {
		s->end = it->offset + AGENT_PHOTO_RANGE < it->bytes ? it->offset + AGENT_PHOTO_RANGE
								    : it->bytes;
		snprintf(s->range, sizeof s->range, "bytes %lld-%lld/%lld", (long long)it->offset,
			 (long long)s->end - 1, (long long)it->bytes);
		snprintf(path, sizeof path, "/v1/photos/%s", it->hex);
		nr = agent_req_init(&s->rq, r->net, "PUT", path, "image/jpeg", s->range,
				    s->data.data + it->offset, (size_t)(s->end - it->offset), &s->h);
	}
	if (nr == AGENT_NET_ANSWER) {
		agent_req_arm(r->net, s->curl, &s->rq, &s->h);
		if (curl_multi_add_handle(r->multi, s->curl) == CURLM_OK) {
			s->state = SLOT_BUSY;
			return;
		}
		snprintf(s->h.error, sizeof s->h.error, "out of memory");
	}
	agent_req_release(&s->rq);
	r->stop = 1;
	slot_release(r, s, 0, s->h.error);
}

/* A try that got no answer, or a 5xx: wait the backoff and ask where to
 * resume; after the last try, or for a certificate or local failure, the
 * photo is said and the step stops. */
static void slot_failed(photo_run *r, upload_slot *s, int nr)
{
	char msg[400];

	if (nr == AGENT_NET_ANSWER || nr == AGENT_NET_DOWN) {
		if (++s->failures < r->net->tries) {
			s->wake_ms = proto_wall_ms() +
				     (uint64_t)agent_net_backoff_ms(r->net, s->failures + 1);
			s->state = SLOT_WAITING;
			return;
		}
	}
	why_not(nr, &s->h, msg, sizeof msg);
	r->stop = 1;
	slot_release(r, s, 0, msg);
}

/* The answer to a range. */
static void range_answered(photo_run *r, upload_slot *s)
{
	const agent_http *h = &s->h;
	photo_item *it = s->it;
	char msg[400];

	if (h->status == 201 || (h->status == 200 && h->offset == it->bytes)) {
		slot_moved_to(r, s, it->bytes);
		slot_release(r, s, 1, NULL);
		return;
	}
	if (h->status == 200 && h->offset == s->end) {
		slot_moved_to(r, s, s->end);
		s->state = SLOT_READY;
		return;
	}
	/* the hub has another offset (a range taken before its answer was
	 * lost, a partial it dropped): go on from there */
	if (h->status == 409 && h->offset >= 0 && h->offset < it->bytes && ++s->resyncs <= MAX_RESYNCS) {
		slot_moved_to(r, s, h->offset);
		s->state = SLOT_READY;
		return;
	}
	/* a quota of the day: the other photos would meet it too */
	if (h->status == 429)
		r->stop = 1;
	why_not(AGENT_NET_ANSWER, h, msg, sizeof msg);
	slot_release(r, s, 0, msg);
}

/* The answer to the want of one photo, after a failed try. */
static void resume_answered(photo_run *r, upload_slot *s)
{
	photo_item probe = *s->it;
	char msg[400];
	int state;

	if (s->h.status != 200) {
		why_not(AGENT_NET_ANSWER, &s->h, msg, sizeof msg);
		slot_release(r, s, 0, msg);
		return;
	}
	state = read_item(&s->h, &probe);
	if (state == 0) {
		slot_moved_to(r, s, s->it->bytes);
		slot_release(r, s, 1, NULL);
	} else if (state > 0) {
		slot_moved_to(r, s, probe.offset);
		s->state = SLOT_READY;
	} else {
		slot_release(r, s, 0, _("the hub does not take it: its record may not be accepted yet"));
	}
}

/* libcurl is done with the slot's request (its code cc). */
static void slot_done(photo_run *r, upload_slot *s, CURLcode cc)
{
	int nr = agent_req_done(s->curl, (int)cc, &s->h);

	curl_multi_remove_handle(r->multi, s->curl);
	agent_req_release(&s->rq);
	if (nr != AGENT_NET_ANSWER || s->h.status >= 500)
		slot_failed(r, s, nr);
	else if (s->asking)
		resume_answered(r, s);
	else
		range_answered(r, s);
}

/* Give every slot what it can do now. 1 while anything is left to do. */
static int schedule(photo_run *r)
{
	uint64_t now = proto_wall_ms();
	int busy = 0;

	for (size_t i = 0; i < UPLOAD_SLOTS; i++) {
		upload_slot *s = &r->slots[i];

		if (r->stop && (s->state == SLOT_READY || s->state == SLOT_WAITING))
			slot_release(r, s, 0, NULL);
		if (s->state == SLOT_IDLE && !r->stop)
			slot_take(r, s);
		if (s->state == SLOT_READY)
			slot_start(r, s, 0);
		else if (s->state == SLOT_WAITING && now >= s->wake_ms)
			slot_start(r, s, 1);
		busy |= s->state != SLOT_IDLE;
	}
	return busy;
}

/* How long the loop may sleep: until a waiting slot wakes, at most POLL_MS. */
static int poll_ms(const photo_run *r)
{
	uint64_t now = proto_wall_ms();
	int ms = POLL_MS;

	for (size_t i = 0; i < UPLOAD_SLOTS; i++) {
		const upload_slot *s = &r->slots[i];

		if (s->state != SLOT_WAITING)
			continue;
		if (s->wake_ms <= now)
			return 0;
		if (s->wake_ms - now < (uint64_t)ms)
			ms = (int)(s->wake_ms - now);
	}
	return ms;
}

/* The uploads of every wanted photo, UPLOAD_SLOTS at once. */
static void upload_all(photo_run *r)
{
	CURLMcode mc = CURLM_OK;
	CURLMsg *m;
	int running, queued;

	while (schedule(r)) {
		int ended = 0;

		if ((mc = curl_multi_perform(r->multi, &running)) != CURLM_OK)
			break;
		while ((m = curl_multi_info_read(r->multi, &queued))) {
			for (size_t i = 0; m->msg == CURLMSG_DONE && i < UPLOAD_SLOTS; i++)
				if (r->slots[i].curl == m->easy_handle) {
					slot_done(r, &r->slots[i], m->data.result);
					ended = 1;
					break;
				}
		}
		/* a slot whose request ended sends its next one now, not after a
		 * poll that nothing may wake: the other's bytes can all be in the
		 * kernel's buffers, its socket quiet until its answer */
		if (!ended && (mc = curl_multi_poll(r->multi, NULL, 0, poll_ms(r), NULL)) != CURLM_OK)
			break;
		if (r->net->tick)
			r->net->tick(r->net->tick_arg);
	}
	/* libcurl itself failed (out of memory): what is left is said once */
	if (mc != CURLM_OK) {
		agent_err(_("note: cannot go on with the photo uploads: %s; the records are synced"),
			  curl_multi_strerror(mc));
		r->notes++;
	}
}

/* The multi handle and its slots' handles; -1 when libcurl has no memory. */
static int slots_open(photo_run *r)
{
	r->multi = curl_multi_init();
	if (!r->multi)
		return -1;
	/* at most one connection per slot, the first the records used */
	curl_multi_setopt(r->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)UPLOAD_SLOTS);
	for (size_t i = 0; i < UPLOAD_SLOTS; i++) {
		upload_slot *s = &r->slots[i];

		s->curl = curl_easy_init();
		proto_buf_init(&s->data, AGENT_PHOTO_MAX_BYTES);
		agent_http_init(&s->h);
		if (!s->curl)
			return -1;
	}
	return 0;
}

static void slots_close(photo_run *r)
{
	for (size_t i = 0; i < UPLOAD_SLOTS; i++) {
		upload_slot *s = &r->slots[i];

		if (s->state == SLOT_BUSY) {
			curl_multi_remove_handle(r->multi, s->curl);
			agent_req_release(&s->rq);
		}
		if (s->it)
			slot_release(r, s, 0, NULL);
		if (s->curl)
			curl_easy_cleanup(s->curl);
		proto_buf_release(&s->data);
		agent_http_release(&s->h);
	}
	if (r->multi)
		curl_multi_cleanup(r->multi);
}

int agent_sync_photos(agent_ctx *ctx, agent_net *n, agent_photo_sync *ps)
{
	photo_run r;

	memset(&r, 0, sizeof r);
	r.ctx = ctx;
	r.net = n;
	r.ps = ps;
	memset(ps, 0, sizeof(*ps));
	r.items = calloc(AGENT_PHOTO_WANT_MAX, sizeof(*r.items));
	if (!r.items || agent_photo_pending(ctx, AGENT_PHOTO_WANT_MAX, add_item, &r) != PROTO_OK) {
		agent_err(_("note: cannot list the photos to send: %s; the records are synced"),
			  r.items ? sqlite3_errmsg(ctx->db) : "out of memory");
		r.notes++;
		goto out;
	}
	ps->asked = r.n;
	if (r.n == 0 || ask(&r))
		goto out;
	if (ps->wanted == 0)
		goto out;
	if (slots_open(&r)) {
		agent_err(_("note: cannot go on with the photo uploads: %s; the records are synced"),
			  "out of memory");
		ps->left += ps->wanted;
		r.notes++;
		goto out;
	}
	ps->start_ms = proto_wall_ms();
	ps->active = 1;
	upload_all(&r);
	ps->active = 0;
	/* the photos no slot took, after a stop: left for the next sync */
	for (; r.next < r.n; r.next++)
		ps->left += (size_t)r.items[r.next].wanted;
out:
	slots_close(&r);
	free(r.items);
	return r.notes;
}

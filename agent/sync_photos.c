/*
 * sync_photos.c - the photo step of sync (sync_photos.h): one want request
 * for every photo of this laptop the hub is not known to hold, then each
 * wanted photo in ranges (PUT /v1/photos/<hex>, Content-Range) from the
 * offset the hub gave, the next range or photo sent as soon as the last
 * answer came, on the same kept connection (one libcurl easy handle). A
 * cut is retried by agent_net_request; a range the hub had already taken
 * answers 409 with its offset and the upload goes on from there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmds.h"
#include "sync_photos.h"

/* Offsets the hub may move an upload back to (409) before it is left for
 * the next sync: a hub that keeps doing it is not taking the photo. */
#define MAX_RESYNCS 8

typedef struct photo_item {
	char hex[65];
	int64_t bytes;
	int64_t offset;
	int wanted;
} photo_item;

typedef struct photo_run {
	agent_ctx *ctx;
	agent_net *net;
	agent_photo_sync *ps;
	photo_item *items;
	size_t n;
	int notes;
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

/* Upload one photo from it->offset. 0 sent (or held), 1 left (said), -1
 * stop the step (said: the hub is unreachable or its quota is reached). */
static int upload(photo_run *r, photo_item *it, proto_buf *data)
{
	agent_http h;
	char range[96], msg[400];
	const char *why;
	char path[80];
	int64_t off = it->offset;
	int resyncs = 0, nr, rc = 1;

	if (load_photo(r, it, data, &why)) {
		note(r, it->hex, why);
		return 1;
	}
	snprintf(path, sizeof path, "/v1/photos/%s", it->hex);
	agent_http_init(&h);
	for (;;) {
		int64_t end = off + AGENT_PHOTO_RANGE < it->bytes ? off + AGENT_PHOTO_RANGE : it->bytes;

		snprintf(range, sizeof range, "bytes %lld-%lld/%lld", (long long)off, (long long)end - 1,
			 (long long)it->bytes);
		r->net->content_range = range;
		nr = agent_net_request(r->net, "PUT", path, "image/jpeg", data->data + off,
				       (size_t)(end - off), &h);
		r->net->content_range = NULL;
		if (nr != AGENT_NET_ANSWER || h.status >= 500 || h.status == 429) {
			why_not(nr, &h, msg, sizeof msg);
			note(r, it->hex, msg);
			rc = -1;
			break;
		}
		if (h.status == 201 || (h.status == 200 && h.offset == it->bytes)) {
			r->ps->bytes_sent += (uint64_t)(end - off);
			mark_uploaded(r, it->hex);
			r->ps->sent++;
			rc = 0;
			break;
		}
		if (h.status == 200 && h.offset == end) {
			r->ps->bytes_sent += (uint64_t)(end - off);
			off = end;
			continue;
		}
		/* the hub has another offset (a range taken before its answer was
		 * lost, a partial it dropped): go on from there */
		if (h.status == 409 && h.offset >= 0 && h.offset < it->bytes && ++resyncs <= MAX_RESYNCS) {
			off = h.offset;
			continue;
		}
		why_not(AGENT_NET_ANSWER, &h, msg, sizeof msg);
		note(r, it->hex, msg);
		break;
	}
	agent_http_release(&h);
	if (r->net->tick)
		r->net->tick(r->net->tick_arg);
	return rc;
}

int agent_sync_photos(agent_ctx *ctx, agent_net *n, agent_photo_sync *ps)
{
	photo_run r = { ctx, n, ps, NULL, 0, 0 };
	proto_buf data;
	size_t i;

	memset(ps, 0, sizeof(*ps));
	r.items = calloc(AGENT_PHOTO_WANT_MAX, sizeof(*r.items));
	proto_buf_init(&data, AGENT_PHOTO_MAX_BYTES);
	if (!r.items || agent_photo_pending(ctx, AGENT_PHOTO_WANT_MAX, add_item, &r) != PROTO_OK) {
		agent_err(_("note: cannot list the photos to send: %s; the records are synced"),
			  r.items ? sqlite3_errmsg(ctx->db) : "out of memory");
		r.notes++;
		goto out;
	}
	ps->asked = r.n;
	if (r.n == 0 || ask(&r))
		goto out;
	ps->start_ms = proto_wall_ms();
	ps->active = 1;
	for (i = 0; i < r.n; i++) {
		if (!r.items[i].wanted)
			continue;
		if (upload(&r, &r.items[i], &data) < 0) {
			/* the rest are left for the next sync, with the one said */
			for (i++; i < r.n; i++)
				ps->left += (size_t)r.items[i].wanted;
			break;
		}
	}
	ps->active = 0;
out:
	proto_buf_release(&data);
	free(r.items);
	return r.notes;
}

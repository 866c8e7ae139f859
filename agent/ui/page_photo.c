/*
 * page_photo.c - "/photo/SHA256HEX" (ui.h): a photo of the laptop's photo
 * store (photo_store.h), for the household page's thumbnails and links.
 * Only a name of exactly 64 lowercase hex digits, nothing after it, and
 * only a hash a photo record of the store names: the path is built from
 * the hash alone, so no name reaches another file of the home. The bytes
 * are checked against their name before they are sent, as the hub's
 * dashboard does: a damaged file is not shown as evidence. The laptop
 * keeps no thumbnails: "?thumb=1" gets the reduced photo (1600 px at
 * most), which the page sizes down.
 */
#include <string.h>
#include "maiam/bundle.h"
#include "maiam/fsutil.h"
#include "maiam/keys.h"
#include "maiam/web_http.h"
#include "photo_store.h"
#include "ui.h"

#define PHOTO_PREFIX "/photo/"

/* A photo is the same bytes for ever (its name is their hash): the
 * browser may keep it, for this user only. It needs no style or script. */
static const web_policy photo_policy = {
	.csp = "default-src 'none'; frame-ancestors 'none'",
	.cache_control = "private, max-age=86400",
	.referrer_policy = "no-referrer",
};

static proto_result count_one(const char *hex, void *arg)
{
	(void)hex, (void)arg;
	return PROTO_OK;
}

static void no_photo(agent_ui_req *r)
{
	agent_ui_said(r, 404, _("No such photo"),
		      _("This laptop has no photo by that name; go back to the household's page."));
}

void agent_ui_photo(agent_ui_req *r)
{
	agent_ctx *ctx = r->ui->ctx;
	const char *hex = r->path + strlen(PHOTO_PREFIX);
	char path[AGENT_PATH_MAX], want[65];
	uint8_t hash[32];
	proto_buf b;
	size_t n = 0;
	proto_result read;

	proto_buf_init(&b, PROTO_BUNDLE_PHOTO_MAX);
	if (!web_token_valid(hex)) { /* 64 lowercase hex digits, nothing more */
		no_photo(r);
		goto out;
	}
	read = agent_photo_by_prefix(ctx, hex, count_one, NULL, &n);
	if (read != PROTO_OK) {
		agent_ui_store_failed(r);
		goto out;
	}
	if (n != 1 || agent_photo_path(ctx->home, hex, path, sizeof(path)) != 0) {
		no_photo(r);
		goto out;
	}
	read = proto_read_file(path, &b);
	if (read == PROTO_OK) {
		proto_sha256(b.data, b.len, hash);
		proto_hex(hash, sizeof(hash), want);
	}
	if (read != PROTO_OK || strcmp(want, hex) != 0) {
		agent_ui_said(r, 500, _("The photo cannot be read"),
			      _("The photo's file on this laptop is missing or damaged; run 'maiam-agent "
				"check' and ask for help."));
		goto out;
	}
	web_reply(r->req, 200, AGENT_PHOTO_TYPE, b.data, b.len, &photo_policy);
out:
	proto_buf_release(&b);
}

/*
 * cmd_usb.c - a commune that is never online. "enroll --file FILE" takes the
 * hub's signed enrolment file instead of the network; the laptop's claim
 * (its public key and the token, signed with its key) then rides first in
 * every bundle it exports until the hub has answered; "import FILE" takes
 * the hub's signed update file: what sync's pull would have brought, merged
 * through the same checks (agent_pull_apply), and which of the laptop's own
 * change-sets the hub holds. Formats: proto/FORMAT.md, "Hub files".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "maiam/bundle.h"
#include "maiam/hubfile.h"
#include "cmds.h"
#include "validate.h"
#include "net.h"
#include "store.h"
#include "sync.h"

#define CLAIM_FILE "enrol-claim.maiam"

int agent_usb_read(const char *path, size_t max, proto_buf *b, const char *what)
{
	proto_result r;

	proto_buf_init(b, max);
	r = proto_read_file(path, b);
	if (r == PROTO_ETOOBIG) {
		agent_err(_("'%s' is larger than any %s; check that it is the file the operator gave"),
			  path, what);
		return -1;
	}
	if (r != PROTO_OK) {
		agent_err(_("cannot read '%s': %s; check the USB stick and the file name"), path,
			  proto_cause(r));
		return -1;
	}
	return 0;
}

/* One sentence for a file that failed proto's checks, and the way out. */
static void say_bad_file(const char *path, proto_result r, const char *what, const char *maker)
{
	switch (r) {
	case PROTO_EMAGIC:
		agent_err(_("'%s' is not %s (the operator makes one with '%s'); nothing was changed"),
			  path, what, maker);
		break;
	case PROTO_ESIGNATURE:
		agent_err(_("'%s' was changed after the hub signed it (its signature does not verify); nothing was changed: ask the operator for a new one"),
			  path);
		break;
	default:
		agent_err(_("'%s' is damaged (%s); nothing was changed: copy it again or ask the operator for a new one"),
			  path, proto_strerror(r));
		break;
	}
}

/* An instant as the user reads times (Vietnam time, the user's date style). */
static void date_of(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	char iso[32];

	if (gmtime_r(&tt, &tm))
		strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(iso, sizeof iso, "%" PRId64, t);
	agent_show_time(iso, out, 32);
}

static int write_home(agent_ctx *ctx, const char *name, const void *p, size_t len)
{
	return agent_home_write(ctx, name, p, len, 0600, _("check the disk, then try again"));
}

/* The enrolment file's facts as the store keeps an online enrolment's. */
static int fill_info(agent_ctx *ctx, const proto_enrol_file *e, agent_hub_info *info)
{
	proto_key *hub = NULL;
	char *pem = NULL;
	int rc = -1;

	size_t n = strlen(e->hub_url);

	memset(info, 0, sizeof *info);
	if (n >= sizeof info->url)
		return -1;
	memcpy(info->url, e->hub_url, n + 1);
	if (proto_key_from_public(e->hub_pub, &hub) != PROTO_OK ||
	    proto_key_public_pem(hub, &pem) != PROTO_OK || strlen(pem) >= sizeof info->hub_pem)
		goto out;
	snprintf(info->hub_pem, sizeof info->hub_pem, "%s", pem);
	proto_key_id_hex(proto_key_id(hub), info->hub_key_id);
	proto_key_id_hex(ctx->key_id, info->agent_id);
	snprintf(info->scope_kind, sizeof info->scope_kind, "%s",
		 e->area_kind == PROTO_AREA_DISTRICT ? "district" : "commune");
	info->scope_code = e->area_code;
	rc = 0;
out:
	free(pem);
	proto_key_free(hub);
	return rc;
}

/* The claim this laptop sends with its first bundle: its key, the token. */
static int write_claim(agent_ctx *ctx, const proto_enrol_file *e)
{
	proto_claim_file c;
	proto_buf b;
	int rc = -1;

	memset(&c, 0, sizeof c);
	snprintf(c.campaign, sizeof c.campaign, "%s", e->campaign);
	snprintf(c.token, sizeof c.token, "%s", e->token);
	proto_key_public_raw(ctx->key, c.agent_pub);
	c.issued = (int64_t)time(NULL);
	proto_buf_init(&b, PROTO_CLAIM_MAX_FILE);
	if (proto_claim_write(&b, &c, ctx->key) != PROTO_OK)
		agent_err(_("cannot sign this laptop's enrolment claim; check 'agent.key' in the home"));
	else
		rc = write_home(ctx, CLAIM_FILE, b.data, b.len);
	proto_buf_release(&b);
	return rc;
}

int agent_enroll_file(agent_ctx *ctx, const char *path)
{
	proto_enrol_file *e = NULL;
	agent_hub_info info;
	proto_buf file;
	char until[32];
	int enrolled = 0, rc = AGENT_FAIL;
	proto_result r;

	proto_buf_init(&file, 0);
	if (agent_enrolment_load(ctx, &info, &enrolled) != AGENT_OK)
		goto out;
	if (enrolled) {
		agent_err(_("this laptop is already enrolled as agent '%s'; a laptop enrols once"),
			  info.agent_id);
		goto out;
	}
	if (agent_usb_read(path, PROTO_ENROL_MAX_FILE, &file, _("enrolment file")) != 0)
		goto out;
	e = proto_malloc(sizeof *e);
	if (!e) {
		agent_err(_("out of memory"));
		goto out;
	}
	r = proto_enrol_read(file.data, file.len, e);
	if (r != PROTO_OK) {
		say_bad_file(path, r, _("an enrolment file"), "maiam-hub agent add --file");
		rc = AGENT_USAGE;
		goto out;
	}
	date_of(e->expires, until);
	if ((int64_t)time(NULL) >= e->expires) {
		agent_err(_("the enrolment file '%s' expired on %s; ask the operator for a new one"),
			  path, until);
		goto out;
	}
	if (ctx->campaign[0] && strcmp(e->campaign, ctx->campaign) != 0) {
		agent_err(_("the enrolment file is for campaign '%s' but this laptop was set up for '%s'; ask the operator for a file of campaign '%s'"),
			  e->campaign, ctx->campaign, ctx->campaign);
		goto out;
	}
	if (!agent_pem_single(e->ca_pem, "CERTIFICATE")) {
		agent_err(_("the hub's certificate in '%s' is not exactly one PEM certificate; ask the operator for a new file"),
			  path);
		goto out;
	}
	r = agent_store_load_key(ctx);
	if (r != PROTO_OK) {
		agent_err_proto(_("cannot load the key 'agent.key'"), r,
				_("the store's key is missing or damaged; restore it from a backup"));
		goto out;
	}
	if (fill_info(ctx, e, &info) != 0) {
		agent_err(_("the hub's public key in '%s' cannot be used; ask the operator for a new file"),
			  path);
		goto out;
	}
	if (!agent_scope_covers(ctx, &info)) {
		agent_err(_("the enrolment file is for %s %lld but this laptop records commune %d; ask the operator for a file for commune %d"),
			  agent_scope_word(info.scope_kind), (long long)info.scope_code, ctx->commune,
			  ctx->commune);
		goto out;
	}
	/* files first: meta is what says "enrolled" */
	if (write_home(ctx, AGENT_CA_FILE, e->ca_pem, strlen(e->ca_pem)) != 0 || write_claim(ctx, e) != 0)
		goto out;
	r = agent_hub_save(ctx, &info, e->campaign);
	if (r != PROTO_OK) {
		agent_err(_("cannot save the enrolment: %s; run 'maiam-agent enroll --file' again"),
			  agent_store_cause(ctx, r));
		goto out;
	}
	if (ctx->json) {
		fprintf(ctx->out, "{\"file\":");
		agent_json_str(ctx->out, path);
		fprintf(ctx->out, ",\"hub\":");
		agent_json_str(ctx->out, info.url);
		fprintf(ctx->out,
			",\"agent_id\":\"%s\",\"hub_key_id\":\"%s\",\"campaign\":", info.agent_id,
			info.hub_key_id);
		agent_json_str(ctx->out, e->campaign);
		fprintf(ctx->out, ",\"scope\":{\"kind\":\"%s\",\"code\":%lld}}\n", info.scope_kind,
			(long long)info.scope_code);
	} else {
		fprintf(ctx->out,
			_("Enrolled from '%s' as agent %s (%s %lld, campaign %s); hub key %s pinned.\n"
			  "The next 'maiam-agent export' carries this laptop's key to the hub (token valid until %s).\n"),
			path, info.agent_id, agent_scope_word(info.scope_kind),
			(long long)info.scope_code, e->campaign, info.hub_key_id, until);
	}
	rc = AGENT_OK;
out:
	free(e);
	proto_buf_release(&file);
	return rc;
}

proto_result agent_claim_prepend(agent_ctx *ctx, proto_buf *bundle, int *carried)
{
	char path[AGENT_PATH_MAX];
	const uint8_t *item;
	size_t len;
	proto_buf claim, joined;
	proto_result r;

	*carried = 0;
	if (agent_path_join(path, sizeof path, ctx->home, CLAIM_FILE) != 0)
		return PROTO_EINVAL;
	if (access(path, F_OK) != 0)
		return errno == ENOENT ? PROTO_OK : proto_eio(errno);
	proto_buf_init(&claim, PROTO_CLAIM_MAX_FILE);
	proto_buf_init(&joined, bundle->max);
	r = proto_read_file(path, &claim);
	item = claim.data;
	len = claim.len;
	if (r == PROTO_OK)
		r = proto_bundle_write(&joined, &item, &len, 1);
	/* a bundle's items follow its magic: the store's items join after the
	 * claim by leaving out the second magic (FORMAT.md, "USB bundle") */
	if (r == PROTO_OK && bundle->len >= PROTO_BUNDLE_MAGIC_LEN)
		r = proto_buf_append(&joined, bundle->data + PROTO_BUNDLE_MAGIC_LEN,
				     bundle->len - PROTO_BUNDLE_MAGIC_LEN);
	if (r == PROTO_OK) {
		proto_buf_release(bundle);
		*bundle = joined;
		proto_buf_init(&joined, 0);
		*carried = 1;
	}
	proto_buf_release(&joined);
	proto_buf_release(&claim);
	return r;
}

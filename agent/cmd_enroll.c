/*
 * cmd_enroll.c - "enroll --hub URL --ca FILE --token TOKEN": the one online
 * step before sync. Sends this laptop's public key and the operator's token
 * over TLS checked against the given CA; keeps the CA (pinned for every later
 * connection), the hub's public key (pinned for pulls), the scope and the
 * client certificate. The private key never leaves the laptop. With
 * --new-key, a laptop whose key the hub revoked enrols a new one as its
 * successor and re-seals what the hub has not acknowledged under it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmds.h"
#include "net.h"
#include "refusal.h"
#include "store.h"
#include "sync.h"

#define CA_MAX (64u << 10)
#define CERT_MAX 8192

const char *agent_scope_word(const char *kind)
{
	return strcmp(kind, "district") == 0 ? _("district") : _("commune");
}

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent enroll --hub URL --ca FILE --token TOKEN [--json]\n"
		  "       maiam-agent enroll --file FILE [--json]\n"
		  "       maiam-agent enroll --hub URL\n\n"
		  "Registers this laptop with the province hub, once. Online: URL is the\n"
		  "hub's https:// address, FILE its CA certificate (ca.pem) and TOKEN the\n"
		  "one-time token printed by 'maiam-hub agent add', both from the operator.\n"
		  "With no network: --file is the enrolment file the operator made with\n"
		  "'maiam-hub agent add --file'; the next export carries this laptop's\n"
		  "key to the hub. An enrolled laptop changes its hub's address with\n"
		  "--hub URL alone (its key and certificate are kept).\n"
		  "Exit codes: 0 enrolled, 2 usage, 3 hub unreachable, 4 refused by the hub.\n"));
	fprintf(f, "%s",
		_("\nmaiam-agent enroll --new-key --hub URL --ca FILE --token TOKEN [--json]\n"
		  "After the operator revoked this laptop's key (a stolen or rebuilt laptop)\n"
		  "and made a token with 'maiam-hub agent add --replaces AGENTID', enrols a\n"
		  "new key as its successor: the old key is kept in the home as\n"
		  "agent.key.revoked-AGENTID, and every change the hub has not accepted is\n"
		  "sealed again under the new key, ids kept, for the next sync.\n"));
}

static int token_ok(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 128)
		return 0;
	for (; *t; t++)
		if (!((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      *t == '-' || *t == '_'))
			return 0;
	return 1;
}

/* {"token": "...", "public_key": "<PEM with \n escaped>", "reads": "2"}: reads
 * is the highest change-set format version this laptop reads (proto/FORMAT.md,
 * "How the format evolves"), a string member as the enrolment body has only
 * those. */
static int build_body(proto_buf *b, const char *token, const char *pem)
{
	proto_result r = proto_buf_appendf(b, "{\"token\": \"%s\", \"public_key\": \"", token);

	for (const char *p = pem; r == PROTO_OK && *p; p++)
		r = *p == '\n' ? proto_buf_append_str(b, "\\n") : proto_buf_append_byte(b, (uint8_t)*p);
	if (r == PROTO_OK)
		r = proto_buf_appendf(b, "\", \"reads\": \"%d\"}", PROTO_FORMAT_VERSION);
	return r == PROTO_OK ? 0 : -1;
}

/* The campaign id the hub names is stored and shown: [a-z0-9._-], 1..64 bytes
 * as in the change-set header (proto/FORMAT.md). */
static int campaign_id_ok(const char *c)
{
	size_t n = strlen(c);

	if (n == 0 || n > PROTO_CAMPAIGN_MAX)
		return 0;
	for (; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' ||
		      *c == '-'))
			return 0;
	return 1;
}

int agent_scope_covers(agent_ctx *ctx, const agent_hub_info *info)
{
	char path[AGENT_PATH_MAX], err[256];
	proto_units units;
	int ok;

	if (strcmp(info->scope_kind, "commune") == 0)
		return info->scope_code == ctx->commune;
	if (strcmp(info->scope_kind, "district") != 0)
		return 0;
	/* the hub checks scope on every push anyway: without the units file we
	 * cannot say, so we let the hub decide */
	if (agent_data_path("data/soc-trang-units.csv", path, sizeof path) != 0 ||
	    proto_units_load(path, &units, err, sizeof err) != PROTO_OK)
		return 1;
	ok = proto_units_district_of(&units, ctx->commune) == info->scope_code;
	proto_units_release(&units);
	return ok;
}

/* Check the 200 answer and fill info; prints what is wrong. */
static int read_answer(agent_ctx *ctx, uint64_t key_id, const agent_http *h, agent_hub_info *info,
		       char *campaign, size_t campaign_len, char *cert, size_t cert_len)
{
	const char *json = (const char *)h->body.data;
	size_t len = h->body.len;
	char mine[17], hub_id[17];
	proto_key *hub_key = NULL;
	int ok = 0;

	if (!json ||
	    agent_json_get_str(json, len, "agent_id", info->agent_id, sizeof info->agent_id) != 1 ||
	    agent_json_get_str(json, len, "hub_key_id", info->hub_key_id, sizeof info->hub_key_id) != 1 ||
	    agent_json_get_str(json, len, "hub_public_key", info->hub_pem, sizeof info->hub_pem) != 1 ||
	    agent_json_get_str(json, len, "campaign", campaign, campaign_len) != 1 ||
	    agent_json_get_str(json, len, "scope.kind", info->scope_kind, sizeof info->scope_kind) != 1 ||
	    agent_json_get_int(json, len, "scope.code", &info->scope_code) != 1 ||
	    agent_json_get_str(json, len, "client_cert", cert, cert_len) != 1) {
		agent_err(_(
			"the hub's enrolment answer is not what this version expects; ask the operator which maiam-agent version the hub needs"));
		return 0;
	}
	/* one key and one certificate: a block appended after the first would be
	 * kept in the store and the home, unread and unchecked */
	if (!agent_pem_single(info->hub_pem, "PUBLIC KEY")) {
		agent_err(_(
			"the hub's public key in its answer is not exactly one PEM public key; nothing was saved: ask the operator to check the hub"));
		return 0;
	}
	if (!agent_pem_single(cert, "CERTIFICATE")) {
		agent_err(_(
			"the hub's client certificate in its answer is not exactly one PEM certificate; nothing was saved: ask the operator to check the hub"));
		return 0;
	}
	if (!campaign_id_ok(campaign)) {
		agent_err(_(
			"the hub's enrolment answer names no valid campaign id; ask the operator to check the hub"));
		return 0;
	}
	proto_key_id_hex(key_id, mine);
	if (strcmp(info->agent_id, mine) != 0) {
		agent_err(_("the hub enrolled agent id '%s' but this laptop's key is '%s'; ask the operator to revoke '%s'"),
			  info->agent_id, mine, info->agent_id);
		return 0;
	}
	if (proto_key_from_public_pem(info->hub_pem, strlen(info->hub_pem), &hub_key) != PROTO_OK) {
		agent_err(_(
			"the hub's public key in its answer is not an Ed25519 key; ask the operator to check the hub"));
		return 0;
	}
	proto_key_id_hex(proto_key_id(hub_key), hub_id);
	proto_key_free(hub_key);
	if (strcmp(hub_id, info->hub_key_id) != 0) {
		agent_err(_("the hub's public key does not match its key id '%s'; ask the operator to check the hub"),
			  info->hub_key_id);
		goto out;
	}
	if (strstr(cert, "-----BEGIN CERTIFICATE-----") == NULL) {
		agent_err(_(
			"the hub sent no client certificate; ask the operator to check the hub's CA files"));
		goto out;
	}
	if (ctx->campaign[0] && strcmp(campaign, ctx->campaign) != 0) {
		agent_err(_("the hub runs campaign '%s' but this laptop was set up for '%s'; make a new home with 'maiam-agent init --campaign FILE' for '%s', and ask the operator to revoke agent '%s' and give a new token"),
			  campaign, ctx->campaign, campaign, info->agent_id);
		goto out;
	}
	if (!agent_scope_covers(ctx, info)) {
		agent_err(_("the token is for %s %lld but this laptop records commune %d; ask the operator to revoke agent '%s' and give a token for commune %d"),
			  agent_scope_word(info->scope_kind), (long long)info->scope_code, ctx->commune,
			  info->agent_id, ctx->commune);
		goto out;
	}
	ok = 1;
out:
	return ok;
}

static int write_home_file(agent_ctx *ctx, const char *name, const void *data, size_t len)
{
	return agent_home_write(ctx, name, data, len, 0644,
				_("check the disk, then enrol again with a new token"));
}

/*
 * "enroll --hub URL" on an enrolled laptop: the hub moved (or a laptop
 * enrolled from a file goes online). Key, certificate, CA and cursor stay;
 * the URL is checked as sync will use it before it is saved.
 */
static int enroll_move(agent_ctx *ctx, const char *url)
{
	char ca[AGENT_PATH_MAX], key[AGENT_PATH_MAX];
	agent_hub_info info;
	agent_net net;
	int enrolled = 0, rc;

	if (agent_enrolment_load(ctx, &info, &enrolled) != AGENT_OK)
		return AGENT_FAIL;
	if (!enrolled) {
		agent_err(_(
			"enroll needs --hub URL, --ca FILE and --token TOKEN; the hub operator gives all three"));
		return AGENT_USAGE;
	}
	if (agent_path_join(ca, sizeof ca, ctx->home, AGENT_CA_FILE) != 0 ||
	    agent_path_join(key, sizeof key, ctx->home, "agent.key") != 0)
		return AGENT_FAIL;
	/* the address is checked (and written back) as sync will open it */
	memset(&net, 0, sizeof net);
	rc = agent_net_start(&net, url, ca, NULL, key);
	if (rc == AGENT_OK && agent_meta_set(ctx, "hub_url", net.base) != PROTO_OK) {
		agent_err(_("cannot save the hub's address: %s; try again"), sqlite3_errmsg(ctx->db));
		rc = AGENT_FAIL;
	}
	if (rc == AGENT_OK && ctx->json) {
		fprintf(ctx->out, "{\"hub\":");
		agent_json_str(ctx->out, net.base);
		fprintf(ctx->out, ",\"agent_id\":\"%s\"}\n", info.agent_id);
	} else if (rc == AGENT_OK) {
		fprintf(ctx->out, _("The hub's address is now %s (agent %s; key and certificate kept).\n"),
			net.base, info.agent_id);
	}
	agent_net_close(&net);
	return rc;
}

/*
 * --new-key: the successor's key, AGENT_KEY_NEXT in the home, made now or
 * kept from an earlier try that did not finish (the hub then knows it with
 * the same token: the same enrolment again). *fresh is the caller's to free.
 */
static int next_key(agent_ctx *ctx, proto_key **fresh, char *path, size_t n)
{
	proto_result r;

	if (agent_path_join(path, n, ctx->home, AGENT_KEY_NEXT) != 0)
		return -1;
	r = access(path, F_OK) == 0 ? proto_key_load_private(path, fresh) : proto_key_generate(fresh);
	if (r == PROTO_OK && access(path, F_OK) != 0)
		r = proto_key_save_private(*fresh, path);
	if (r != PROTO_OK) {
		agent_err(_("cannot make the new key '%s': %s; check the disk and the home's permissions, then try again"),
			  path, proto_cause(r));
		return -1;
	}
	return 0;
}

/*
 * The hub must have enrolled the new key as the successor of this laptop's
 * revoked one, or the records sealed again under it would be refused. When
 * it did not (a token made without --replaces), the new key is dropped: the
 * hub holds it as an ordinary agent, which the operator revokes.
 */
static int successor_ok(agent_ctx *ctx, const agent_http *h, const agent_hub_info *info,
			const char *next_path)
{
	char replaces[17] = "", mine[17];

	proto_key_id_hex(ctx->key_id, mine);
	if (agent_json_get_str((const char *)h->body.data, h->body.len, "replaces", replaces,
			       sizeof replaces) == 1 &&
	    strcmp(replaces, mine) == 0)
		return 1;
	unlink(next_path);
	agent_err(_("the hub enrolled the new key as agent '%s' but not as the successor of this laptop's revoked key '%s', so it would refuse the changes kept here; nothing was changed on this laptop: ask the operator to revoke '%s' and to make a token with 'maiam-hub agent add --replaces %s'"),
		  info->agent_id, mine, info->agent_id, mine);
	return 0;
}

/* Re-enrolment's save: the re-sealed records and the enrolment in one
 * transaction, then the key files (agent_store_load_key finishes that if
 * it is cut short). */
static int save_successor(agent_ctx *ctx, const agent_hub_info *info, const char *campaign,
			  proto_key *fresh, size_t *nrecords)
{
	uint64_t old = ctx->key_id;
	char hex[17];
	proto_result r = agent_hub_save_successor(ctx, info, campaign, proto_key_id(fresh), nrecords);

	if (r != PROTO_OK) {
		agent_err(_("cannot save the enrolment: %s; run the same 'maiam-agent enroll --new-key' again"),
			  agent_store_cause(ctx, r));
		return -1;
	}
	proto_key_free(ctx->key);
	ctx->key = NULL;
	r = agent_key_promote(ctx, old);
	if (r != PROTO_OK) {
		proto_key_id_hex(old, hex);
		agent_err(_("enrolled, but the new key could not replace 'agent.key' (%s); the next command tries again, and the old key stays as 'agent.key.revoked-%s'"),
			  proto_cause(r), hex);
	}
	return 0;
}

int agent_cmd_enroll(agent_ctx *ctx, int argc, char **argv)
{
	const char *hub_url = NULL, *ca_file = NULL, *token = NULL, *file = NULL;
	int new_key = 0;
	const cli_opt opts[] = {
		CLI_STRING("hub", &hub_url, "URL", NULL),   CLI_STRING("ca", &ca_file, "FILE", NULL),
		CLI_STRING("token", &token, "TOKEN", NULL), CLI_STRING("file", &file, "FILE", NULL),
		CLI_FLAG("new-key", &new_key, NULL),
	};
	cli_spec spec = { CLI_TABLE(opts) };
	char campaign[PROTO_CAMPAIGN_MAX + 1], cert[CERT_MAX], msg[512], keypath[AGENT_PATH_MAX];
	agent_hub_info info, old;
	agent_net net;
	agent_http http;
	proto_buf ca, body;
	char *pem = NULL, old_id[17];
	proto_key *fresh = NULL; /* --new-key: the successor's key */
	size_t resealed = 0;
	int enrolled = 0;
	proto_result r;
	int rc;

	if (agent_parse_args(ctx, "enroll", &spec, help, argc, argv, &rc))
		return rc;
	if (file && new_key) {
		agent_err(_(
			"enroll --new-key goes with --hub, --ca and --token: a laptop re-enrols online, not from a file"));
		return AGENT_USAGE;
	}
	if (file && (hub_url || ca_file || token)) {
		agent_err(_(
			"enroll --file takes no other option: the enrolment file holds the hub's address, certificate and token"));
		return AGENT_USAGE;
	}
	if (file)
		return agent_enroll_file(ctx, file);
	if (hub_url && !ca_file && !token && !new_key)
		return enroll_move(ctx, hub_url);
	if (!hub_url || !ca_file || !token) {
		agent_err(_(
			"enroll needs --hub URL, --ca FILE and --token TOKEN; the hub operator gives all three"));
		return AGENT_USAGE;
	}
	if (!token_ok(token)) {
		agent_err(_(
			"option '--token' is not an enrolment token; copy it exactly as 'maiam-hub agent add' printed it"));
		return AGENT_USAGE;
	}
	memset(&net, 0, sizeof net);
	agent_http_init(&http);
	proto_buf_init(&ca, CA_MAX);
	proto_buf_init(&body, 8192);
	rc = AGENT_FAIL;
	if (agent_enrolment_load(ctx, &old, &enrolled) != AGENT_OK)
		goto out;
	if (enrolled && !new_key) {
		agent_err(_("this laptop is already enrolled with '%s' as agent '%s'; a laptop enrols once ('maiam-agent sync' sends its changes)"),
			  old.url, old.agent_id);
		goto out;
	}
	if (!enrolled && new_key) {
		agent_err(_(
			"enroll --new-key is for a laptop whose key the hub revoked, and this one is not enrolled; enrol it without --new-key"));
		rc = AGENT_USAGE;
		goto out;
	}
	proto_key_id_hex(ctx->key_id, old_id);
	r = proto_read_file(ca_file, &ca);
	if (r != PROTO_OK || ca.len == 0 || proto_buf_append_byte(&ca, 0) != PROTO_OK ||
	    !strstr((const char *)ca.data, "-----BEGIN CERTIFICATE-----")) {
		agent_err(_("option '--ca': '%s' is not a readable PEM certificate; use the hub's ca.pem from the operator"),
			  ca_file);
		rc = AGENT_USAGE;
		goto out;
	}
	ca.len--; /* the NUL was only for strstr */
	if (new_key) {
		/* the revoked key itself may be gone with a stolen laptop */
		if (next_key(ctx, &fresh, keypath, sizeof keypath) != 0)
			goto out;
		r = proto_key_public_pem(fresh, &pem);
	} else {
		r = agent_store_load_key(ctx);
		if (r == PROTO_OK)
			r = proto_key_public_pem(ctx->key, &pem);
	}
	if (r != PROTO_OK) {
		agent_err_proto(_("cannot load the key 'agent.key'"), r,
				_("the store's key is missing or damaged; restore it from a backup"));
		goto out;
	}
	if (build_body(&body, token, pem) != 0) {
		agent_err(_("out of memory"));
		goto out;
	}
	if (!new_key && agent_path_join(keypath, sizeof keypath, ctx->home, "agent.key") != 0)
		goto out;
	rc = agent_net_start(&net, hub_url, ca_file, NULL, keypath);
	if (rc != AGENT_OK)
		goto out;
	rc = AGENT_FAIL;
	switch (agent_net_request(&net, "POST", "/v1/enroll", "application/json", body.data, body.len,
				  &http)) {
	case AGENT_NET_ANSWER:
		break;
	case AGENT_NET_TLS:
		agent_err(_("the hub at '%s' failed the certificate check against '%s' (%s); nothing was sent: check --hub and that --ca is this hub's ca.pem"),
			  net.base, ca_file, http.error);
		rc = AGENT_NETWORK;
		goto out;
	case AGENT_NET_DOWN:
		agent_err(_("cannot reach the hub at '%s' (%s); check the network and the address, then try again later"),
			  net.base, http.error);
		rc = AGENT_NETWORK;
		goto out;
	default:
		agent_err(_("cannot talk to the hub at '%s': %s"), net.base, http.error);
		goto out;
	}
	/* 429: too many enrolments from this address (a commune's shared
	 * carrier NAT): nothing is wrong with the token, try again later */
	if (http.status >= 500 || http.status == 429) {
		agent_hub_refusal(&http, msg, sizeof msg);
		agent_err(_("the hub at '%s' has a problem: %s; try again later"), net.base, msg);
		rc = AGENT_NETWORK;
		goto out;
	}
	if (http.status != 200) {
		agent_hub_refusal(&http, msg, sizeof msg);
		agent_err(_("the hub refused the enrolment: %s"), msg);
		rc = AGENT_REJECTED;
		goto out;
	}
	if (proto_buf_append_byte(&http.body, 0) != PROTO_OK)
		goto out;
	http.body.len--;
	snprintf(info.url, sizeof info.url, "%s", net.base);
	if (!read_answer(ctx, fresh ? proto_key_id(fresh) : ctx->key_id, &http, &info, campaign,
			 sizeof campaign, cert, sizeof cert) ||
	    (fresh && !successor_ok(ctx, &http, &info, keypath)))
		goto out;
	/* files first: meta is what says "enrolled", so a crash in between
	 * leaves a laptop that is simply not enrolled yet */
	if (write_home_file(ctx, AGENT_CA_FILE, ca.data, ca.len) != 0 ||
	    write_home_file(ctx, AGENT_CERT_FILE, cert, strlen(cert)) != 0)
		goto out;
	info.cursor = 0;
	if (fresh) {
		if (save_successor(ctx, &info, campaign, fresh, &resealed) != 0)
			goto out;
	} else if ((r = agent_hub_save(ctx, &info, campaign)) != PROTO_OK) {
		agent_err(_("cannot save the enrolment: %s; run 'maiam-agent enroll' again with a new token"),
			  agent_store_cause(ctx, r));
		goto out;
	}
	if (ctx->json) {
		fprintf(ctx->out, "{\"hub\":");
		agent_json_str(ctx->out, info.url);
		fprintf(ctx->out,
			",\"agent_id\":\"%s\",\"hub_key_id\":\"%s\",\"campaign\":", info.agent_id,
			info.hub_key_id);
		agent_json_str(ctx->out, campaign);
		fprintf(ctx->out, ",\"scope\":{\"kind\":\"%s\",\"code\":%lld}", info.scope_kind,
			(long long)info.scope_code);
		if (fresh)
			fprintf(ctx->out, ",\"replaces\":\"%s\",\"resealed\":%zu", old_id, resealed);
		fprintf(ctx->out, "}\n");
	} else if (fresh) {
		fprintf(ctx->out,
			_("Enrolled with %s as agent %s, the successor of revoked agent %s (%s %lld, campaign %s); the old key is kept as agent.key.revoked-%s.\n"),
			info.url, info.agent_id, old_id, agent_scope_word(info.scope_kind),
			(long long)info.scope_code, campaign, old_id);
		fprintf(ctx->out,
			_("%zu records the hub had not accepted are sealed again under the new key; run 'maiam-agent sync' to send them.\n"),
			resealed);
	} else {
		fprintf(ctx->out,
			_("Enrolled with %s as agent %s (%s %lld, campaign %s); hub key %s pinned.\n"),
			info.url, info.agent_id, agent_scope_word(info.scope_kind),
			(long long)info.scope_code, campaign, info.hub_key_id);
	}
	rc = AGENT_OK;
out:
	free(pem);
	proto_key_free(fresh);
	proto_buf_release(&ca);
	proto_buf_release(&body);
	agent_http_release(&http);
	agent_net_close(&net);
	return rc;
}

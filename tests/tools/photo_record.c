/*
 * photo_record.c - a test tool, until the agent's own photo commands come:
 * "photo_record HOME BYTES SEED" writes a photo of BYTES pseudo-random bytes
 * (SEED picks them; 0 bytes: a real 1600 x 1200 JPEG) into HOME's photo
 * store at photos/XX/<sha256 hex>, and records a photo record of it on the
 * first household of HOME's store, in the outbox as the agent records
 * everything. Prints "<hex> <bytes>". Exit 0, or 1 with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "agent.h"
#include "cmds.h"
#include "maiam/schema.h"
#include "photo_gen.h"
#include "store.h"

static int first_household(agent_ctx *ctx, proto_id *hh)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(ctx->db, "SELECT id_origin, id_serial FROM household LIMIT 1", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		hh->origin = proto_i2u(sqlite3_column_int64(st, 0));
		hh->serial = proto_i2u(sqlite3_column_int64(st, 1));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Write the bytes at home/photos/XX/<hex>. 0 or -1. */
static int store_file(const char *home, const char *hex, const uint8_t *p, size_t len)
{
	char path[4200];
	FILE *f;
	int ok;

	snprintf(path, sizeof path, "%s/photos", home);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/photos/%.2s", home, hex);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/photos/%.2s/%s", home, hex, hex);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(p, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int record(agent_ctx *ctx, const char *hex, size_t len)
{
	proto_changeset cs;
	proto_id hh, id;
	int rc = 1;

	if (first_household(ctx, &hh) || agent_tx_begin(ctx) != AGENT_OK)
		return 1;
	id.origin = ctx->key_id;
	id.serial = agent_take_serial(ctx);
	if (agent_cs_init(ctx, &cs) != PROTO_OK)
		goto out;
	if (proto_changeset_begin(&cs, PROTO_KIND_PHOTO, id, agent_stamp(ctx), ctx->key_id) ||
	    proto_changeset_add_ref(&cs, PROTO_PH_TARGET, 0, hh) ||
	    proto_changeset_add_int(&cs, PROTO_PH_TARGET_KIND, 0, PROTO_KIND_HOUSEHOLD) ||
	    proto_changeset_add_text(&cs, PROTO_PH_SHA256, 0, hex, 64) ||
	    proto_changeset_add_int(&cs, PROTO_PH_BYTES, 0, (int64_t)len) ||
	    proto_changeset_add_text(&cs, PROTO_PH_TYPE, 0, "image/jpeg", 10) ||
	    proto_changeset_add_int(&cs, PROTO_PH_WIDTH, 0, 1600) ||
	    proto_changeset_add_int(&cs, PROTO_PH_HEIGHT, 0, 1200) ||
	    agent_store_record(ctx, &cs) != PROTO_OK)
		goto release;
	rc = agent_tx_commit(ctx) == AGENT_OK ? 0 : 1;
release:
	proto_changeset_release(&cs);
out:
	if (rc)
		agent_tx_rollback(ctx);
	return rc;
}

int main(int argc, char **argv)
{
	agent_ctx ctx;
	uint8_t *bytes = NULL, sha[32];
	char hex[65];
	size_t len = 0, i;
	uint64_t x;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: photo_record HOME BYTES SEED\n");
		return 2;
	}
	len = (size_t)strtoull(argv[2], NULL, 10);
	x = strtoull(argv[3], NULL, 10) * 0x9e3779b97f4a7c15ull + 1;
	if (len == 0) {
		bytes = photo_gen_jpeg(1600, 1200, (uint32_t)x, 95, NULL, &len);
	} else if ((bytes = malloc(len)) != NULL) {
		for (i = 0; i < len; i++) { /* xorshift: incompressible, reproducible */
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			bytes[i] = (uint8_t)x;
		}
	}
	agent_ctx_init(&ctx);
	ctx.home_opt = argv[1];
	if (!bytes || agent_home_ready(&ctx) != AGENT_OK || agent_store_open(&ctx) != AGENT_OK)
		goto out;
	proto_sha256(bytes, len, sha);
	proto_hex(sha, 32, hex);
	if (store_file(ctx.home, hex, bytes, len) || record(&ctx, hex, len)) {
		fprintf(stderr, "photo_record: cannot store or record the photo\n");
		goto out;
	}
	printf("%s %zu\n", hex, len);
	rc = 0;
out:
	agent_ctx_release(&ctx);
	free(bytes);
	return rc;
}

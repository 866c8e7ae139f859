/*
 * fuzz_hub_answer.c - libFuzzer target for the laptop's reading of hub
 * answers. The first byte picks what the rest is: 0 a JSON answer (enrol,
 * push, error: every member the agent reads, the message as shown, the PEM
 * checks), 1 a sealed pull answer opened with the test key then checked and
 * merged, 2 a raw change-set body (the two count bytes first, as fuzz_open)
 * checked and merged without a signature, so the checks see any records.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/fsutil.h"
#include "net.h"
#include "fuzz_key.h"
#include "sync.h"
#include "utf8.h"
#include "../tools/golden_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OWN 0x1111111111111111ull

static proto_key *hub_key;
static sqlite3 *db;

static void setup(void)
{
	if (db)
		return;
	hub_key = fuzz_test_key();
	if (proto_db_open(":memory:", &db) != PROTO_OK) {
		fprintf(stderr, "fuzz_hub_answer: cannot open a store in memory\n");
		abort(); /* a test harness, not the program: no store, no fuzzing */
	}
}

static void read_json(const uint8_t *data, size_t size)
{
	static const char *const strs[] = { "agent_id", "hub_key_id", "hub_public_key",
					    "campaign", "scope.kind", "client_cert",
					    "status",   "hash",       "error" };
	static const char *const ints[] = { "scope.code", "expected_seq" };
	char out[8192], msg[512];
	agent_http h;
	int64_t v;

	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (agent_json_get_str((const char *)data, size, strs[i], out, sizeof out) == 1) {
			(void)agent_pem_single(out, "PUBLIC KEY");
			(void)agent_pem_single(out, "CERTIFICATE");
			agent_utf8_printable(out);
		}
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
		(void)agent_json_get_int((const char *)data, size, ints[i], &v);
	agent_http_init(&h);
	if (proto_buf_append(&h.body, data, size) == PROTO_OK)
		agent_http_message(&h, msg, sizeof msg);
	agent_http_release(&h);
}

/* What agent_pull_apply does with an answer, rolled back after each input. */
static void check_and_merge(const proto_changeset *cs)
{
	agent_area area = { .code = 31498 };
	agent_pull_pending pending = { 0 };
	uint8_t *before;
	char why[256];
	int refused = 0;

	if (agent_pull_check_own((uint64_t[]){ OWN }, 1, cs, &refused, why, sizeof why) != PROTO_OK ||
	    refused)
		return;
	before = malloc(cs->nrecords ? cs->nrecords : 1);
	if (!before)
		return;
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (agent_pull_area_mark(db, &area, cs, before) == 0 && proto_merge(db, cs, NULL) == PROTO_OK)
		(void)agent_pull_area_check(db, &area, cs, before, &pending, &refused, why, sizeof why);
	(void)agent_pull_pending_check(db, &area, &pending, &refused, why, sizeof why);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	agent_pull_pending_release(&pending);
	free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	proto_changeset cs;
	proto_header hdr;

	setup();
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		read_json(data + 1, size - 1);
		break;
	case 1:
		memset(&cs, 0, sizeof cs);
		if (proto_peek(data + 1, size - 1, &hdr) == PROTO_OK &&
		    proto_open(data + 1, size - 1, hub_key, &cs, NULL) == PROTO_OK)
			check_and_merge(&cs);
		proto_changeset_release(&cs);
		break;
	default:
		if (size >= 3 && proto_changeset_init(&cs, "fuzz", proto_key_id(hub_key), 1, NULL,
						      GOLDEN_CREATED) == PROTO_OK) {
			cs.hdr.nrecords = data[1];
			cs.hdr.nchanges = data[2];
			if (proto_body_decode(&cs, data + 3, size - 3) == PROTO_OK)
				check_and_merge(&cs);
			proto_changeset_release(&cs);
		}
	}
	return 0;
}

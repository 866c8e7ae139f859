/*
 * golden_hubfiles.h - the fields of the golden enrolment and update files
 * and the enrolment claim (tests/vectors/enrol-1.maiam, update-1.maiam,
 * claim-1.maiam; proto/FORMAT.md "Hub files"),
 * shared by gen_vectors, which writes them, and test_hubfile, which rebuilds
 * them byte for byte. All are signed with tests/vectors/codec-test.key; the
 * update file carries golden-1.bin as its one item.
 */
#ifndef GOLDEN_HUBFILES_H
#define GOLDEN_HUBFILES_H

#include <stdio.h>
#include <string.h>
#include "maiam/hubfile.h"

#define GOLDEN_ISSUED 1685577600 /* 2023-06-01T00:00:00Z */

/* A stand-in CA: the format carries the text, the laptop parses it. */
#define GOLDEN_CA_PEM "-----BEGIN CERTIFICATE-----\nTUFJQU0gdGVzdCBDQQ==\n-----END CERTIFICATE-----\n"

static inline void golden_enrol(proto_enrol_file *f, const proto_key *hub)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->campaign, sizeof(f->campaign), "soc-trang-2023");
	snprintf(f->hub_url, sizeof(f->hub_url), "https://hub.soctrang.example:8443");
	snprintf(f->ca_pem, sizeof(f->ca_pem), "%s", GOLDEN_CA_PEM);
	proto_key_public_raw(hub, f->hub_pub);
	snprintf(f->token, sizeof(f->token), "4f1c2a9e0b7d3c6a8e5f1b2d4c6a8e0f2b4d6c8a0e2f4b6d");
	f->area_kind = PROTO_AREA_COMMUNE;
	f->area_code = 31471;
	f->issued = GOLDEN_ISSUED;
	f->expires = GOLDEN_ISSUED + 7 * 86400;
}

/* The update file for the agent whose key id is agent, after cursor 41. */
static inline void golden_update(proto_update_file *f, uint64_t agent)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->campaign, sizeof(f->campaign), "soc-trang-2023");
	f->agent = agent;
	f->after = 41;
	f->cursor = 57;
	f->issued = GOLDEN_ISSUED + 86400;
}

#define GOLDEN_UPDATE_AGENT 0x0102030405060708ull

/* The feedback of the version 2 update file (docs/PROTOCOL.md, "GET
 * /v1/feedback"): one duplicate national id, one refused change-set. */
#define GOLDEN_UPDATE_FEEDBACK \
	"{\"duplicates\": [{\"household\": \"0102030405060708-3\", \"national_id\":" \
	" \"094185000123\", \"commune\": 31501, \"commune_name\": \"Ph\u01b0\u1eddng 7\"}]," \
	" \"refused\": [{\"seq\": 4, \"code\": \"too_many_records\", \"message\":" \
	" \"3 records, over this hub's limit of 2\"}]}\n"

/* golden_update, version 2: with that feedback. */
static inline void golden_update2(proto_update_file *f, uint64_t agent)
{
	golden_update(f, agent);
	f->feedback = GOLDEN_UPDATE_FEEDBACK;
	f->feedback_len = sizeof(GOLDEN_UPDATE_FEEDBACK) - 1;
}

/* The claim a laptop holding key makes with the golden enrolment's token. */
static inline void golden_claim(proto_claim_file *f, const proto_key *key)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->campaign, sizeof(f->campaign), "soc-trang-2023");
	snprintf(f->token, sizeof(f->token), "4f1c2a9e0b7d3c6a8e5f1b2d4c6a8e0f2b4d6c8a0e2f4b6d");
	proto_key_public_raw(key, f->agent_pub);
	f->issued = GOLDEN_ISSUED + 3600;
}

#endif

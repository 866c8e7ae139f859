/*
 * hostile_quota.c - cheap to send, dear to take: change-sets over the
 * per-change-set caps (records, sealed bytes, decoded text), and the pull
 * poisoning (a 4 KiB note repeated through the column dictionary,
 * tens of MB decoded from a few KB): refused, or relayed, but every pull of
 * the commune still answers; and the daily quotas (429 with Retry-After).
 * Each row starts from a freshly enrolled attacker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hostile.h"

/* Replace the attacker by a new laptop of HS_COMMUNE. */
static int fresh_attacker(hs_env *e)
{
	ht_agent_free(&e->atk);
	return hs_enrol(e, &e->atk, "--commune", HS_COMMUNE);
}

/* n households of HS_COMMUNE, each with a name of 12 random letters (so
 * the body stays within the format's compression ratio); note: NULL, or
 * note_len bytes from 'note' (the same text every time: one dictionary
 * entry) or, if 'vary', random printable text for each. */
static int households(hs_env *e, size_t n, const char *note, size_t note_len, int vary)
{
	proto_changeset cs;
	char *text = NULL, name[12];
	unsigned seed = 9;

	if (hs_cs_begin(e, &cs))
		return -1;
	if (vary && !(text = malloc(note_len)))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		proto_id id = { e->atk.id, hs_serial(e) };
		if (vary)
			for (size_t k = 0; k < note_len; k++)
				text[k] = (char)(0x21 + rand_r(&seed) % 94);
		for (size_t k = 0; k < sizeof(name); k++)
			name[k] = (char)('a' + rand_r(&seed) % 26);
		if (proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id,
					  proto_hlc_now(&e->atk.clock, proto_wall_ms()), e->atk.id) ||
		    proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, name, sizeof(name)) ||
		    proto_changeset_add_int(&cs, PROTO_HH_COMMUNE, 0, HS_COMMUNE) ||
		    proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 2) ||
		    proto_changeset_add_text(&cs, PROTO_HH_CATEGORY, 0, "poor", 4) ||
		    ((note || vary) &&
		     proto_changeset_add_text(&cs, PROTO_HH_NOTE, 0, vary ? text : note, note_len)))
			goto fail;
	}
	free(text);
	return hs_cs_seal(e, &cs);
fail:
	free(text);
	proto_changeset_release(&cs);
	return -1;
}

/* The quota family's hub: small caps, so each row costs little. */
#define Q_SERVE \
	"--max-records 500 --max-sealed-bytes 262144 --max-text-bytes 1000000" \
	" --day-records 3000 --day-bytes 1000000"

static int too_many_records(hs_env *e, hs_answer *a)
{
	if (fresh_attacker(e) || hs_snapshot(e, NULL) || households(e, 501, NULL, 0, 0))
		return -1;
	return hs_push(e, a);
}

/* about 330 KB sealed: printable random notes deflate to about 80 % */
static int too_large(hs_env *e, hs_answer *a)
{
	if (fresh_attacker(e) || hs_snapshot(e, NULL) || households(e, 200, NULL, 2000, 1))
		return -1;
	return hs_push(e, a);
}

/* Push change-sets until one is not applied (at most 12): records
 * (n households each) or bytes (random 2,000-byte notes) per day. The
 * answer must be 429 with a Retry-After header (else it is shown as 0). */
static int day_quota(hs_env *e, hs_answer *a, size_t n, int vary)
{
	if (fresh_attacker(e))
		return -1;
	for (int i = 0; i < 12; i++) {
		if (hs_snapshot(e, NULL) || households(e, n, NULL, vary ? 2000 : 0, vary) || hs_push(e, a))
			return -1;
		if (a->status != 200)
			break;
	}
	if (a->status == 429 && !a->retry_after[0]) {
		a->status = 0;
		snprintf(a->body, sizeof(a->body), "429 without a Retry-After header");
	}
	return 0;
}
static int day_records(hs_env *e, hs_answer *a)
{
	return day_quota(e, a, 499, 0);
}
static int day_bytes(hs_env *e, hs_answer *a)
{
	return day_quota(e, a, 110, 1);
}

static char *repeated_note(size_t n)
{
	char *s = malloc(n);

	if (s)
		for (size_t i = 0; i < n; i++)
			s[i] = (char)('a' + i % 26);
	return s;
}

/* A fresh attacker pushes n households that all carry the same note of note_len bytes. */
static int push_same_note(hs_env *e, hs_answer *a, size_t n, size_t note_len)
{
	char *note = repeated_note(note_len);
	int rc = -1;

	if (note && !fresh_attacker(e) && !hs_snapshot(e, NULL) && !households(e, n, note, note_len, 0))
		rc = hs_push(e, a);
	free(note);
	return rc;
}

/* 499 x the same 2,000-byte note: 1 MB decoded from a few KB sealed. */
static int too_much_text(hs_env *e, hs_answer *a)
{
	return push_same_note(e, a, 499, 2000);
}

/* The reproduction: a 4 KiB note through the dictionary, 8,000 times. */
static int poison_4k(hs_env *e, hs_answer *a)
{
	return push_same_note(e, a, 8000, 4096);
}

/* Five pushes of 3,900 households with a valid 2,000-byte note each: 7.8 MB
 * decoded each, under the hub's default cap of 8 MiB of text per change-set,
 * so each must be accepted; 39 MB together, more than one pull answer may
 * carry (32 MiB). The runner then pulls the commune page by page: every
 * answer must be 200 or 204 (a hub without the cap answered 500 "cannot seal the
 * pull change-set", forever). The answer of the first push not applied, or
 * of the last, is the row's. */
static int poison_relayable(hs_env *e, hs_answer *a)
{
	char *note = repeated_note(2000);
	int rc = -1;

	if (!note || fresh_attacker(e))
		goto out;
	for (int i = 0; i < 5; i++) {
		if (households(e, 3900, note, 2000, 0) || hs_push(e, a))
			goto out;
		if (a->status != 200)
			break;
	}
	rc = 0;
out:
	free(note);
	return rc;
}

static const hs_row rows[] = {
	{ "501 records over a cap of 500", "ingest", too_many_records, 413, "too_many_records",
	  HS_REC | HS_CHAIN, 0, NULL, NULL },
	{ "330 KB sealed over a cap of 256 KiB", "ingest", too_large, 413, "too_large", HS_REC, 0, NULL,
	  NULL },
	{ "1 MB of text through the dictionary", "ingest", too_much_text, 413, "too_much_text",
	  HS_REC | HS_CHAIN, 0, NULL, NULL },
	{ "records per day", "ingest", day_records, 429, "quota_exceeded", HS_REC | HS_NOATK, 0, NULL,
	  NULL },
	{ "bytes per day", "ingest", day_bytes, 429, "quota_exceeded", HS_REC | HS_NOATK, 0, NULL, NULL },
};

const hs_family hs_family_quota = { "quota", Q_SERVE, rows, sizeof(rows) / sizeof(rows[0]) };

/* Pull poisoning at the hub's default limits. */
static const hs_row poison_rows[] = {
	{ "pull poisoning: 4 KiB note x 8000", "ingest", poison_4k, 413, "too_much_text",
	  HS_REC | HS_CHAIN | HS_SLOW, 422, "invalid", NULL },
	{ "pull poisoning: 5 x 7.8 MB relayable", "pull", poison_relayable, 200, "applied",
	  HS_MAYAPPLY | HS_SLOW, 0, NULL, NULL },
};

const hs_family hs_family_poison = { "poison", NULL, poison_rows,
				     sizeof(poison_rows) / sizeof(poison_rows[0]) };

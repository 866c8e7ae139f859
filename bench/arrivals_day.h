/*
 * arrivals_day.h - one laptop's day for bench_arrivals: two new households
 * (the fields gen.h fills), their first two milestones and contributions
 * until the day holds exactly ARR_DAY_CHANGES changes, sealed as the
 * laptop's next change-set. The days are sealed before any window opens,
 * so the window times what the hub does, not what the laptop does.
 * Header-only, included once by bench_arrivals.c.
 */
#ifndef MAIAM_BENCH_ARRIVALS_DAY_H
#define MAIAM_BENCH_ARRIVALS_DAY_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "maiam/proto.h"
#include "gen.h"
#include "gen_rows.h"
#include "../tests/hub/hubtest.h"

/* A commune laptop's evening: about 30 changes (issue 17). */
#define ARR_DAY_CHANGES 30
/* Serials one household takes: itself, its milestones, its contributions. */
#define ARR_SERIALS_PER_HH 64

/* The hub and the proxy this run started: a run that gives up stops them
 * (SIGTERM to these pids only), so no server outlives its bench. */
static pid_t arr_child_hub, arr_child_proxy;

static void arr_die(const char *what)
{
	fprintf(stderr, "bench_arrivals: %s\n", what);
	if (arr_child_proxy > 0)
		kill(arr_child_proxy, SIGTERM);
	if (arr_child_hub > 0)
		kill(arr_child_hub, SIGTERM);
	exit(1);
}

static void arr_check(proto_result r, const char *what)
{
	if (r != PROTO_OK)
		arr_die(what);
}

static void arr_begin(proto_changeset *cs, ht_agent *a, uint8_t kind, proto_id id)
{
	arr_check(proto_changeset_begin(cs, kind, id, proto_hlc_now(&a->clock, proto_wall_ms()), a->id),
		  "begin record");
}

/*
 * Seal laptop a's next day into out (initialised by the caller) and advance
 * its chain. 'unique' makes the households' CCCDs differ across the whole
 * run (equal ones would be reconcile work, not a night's sync).
 */
static void arr_seal_day(ht_agent *a, int commune, unsigned unique, gen_rng *rng, proto_buf *out)
{
	static const char *const dates[2] = { "2023-06-05", "2023-06-12" };
	proto_changeset cs;
	proto_id hh[2];
	size_t changes = 0;

	arr_check(proto_changeset_init(&cs, "soc-trang-2023", a->id, a->seq + 1, a->last_hash,
				       proto_hlc_now(&a->clock, proto_wall_ms())),
		  "changeset init");
	for (int k = 0; k < 2; k++) {
		gen_household h;
		unsigned g = unique * 2 + (unsigned)k;

		gen_household_make(rng, g + 1, &h);
		h.commune = commune;
		/* gen.h's land codes predate the rulebook's (proto/src/rules.c) */
		h.land_status = (const char *const[]){ "certified", "uncertified", "family_land",
						       "rented" }[g % 4];
		snprintf(h.national_id, sizeof h.national_id, "094%u%02u%06u", g / 6000000u % 4,
			 40 + g / 100000u % 60, g % 1000000u);
		hh[k] = (proto_id){ a->id, a->serial + 1 };
		a->serial += ARR_SERIALS_PER_HH;
		arr_begin(&cs, a, PROTO_KIND_HOUSEHOLD, hh[k]);
		arr_check(gen_add_household(&cs, &h), "household fields");
		changes += 12 + (h.note != NULL);
		for (int s = 0; s < 2; s++) {
			proto_id mid = { a->id, hh[k].serial + 1 + (uint64_t)s };
			arr_begin(&cs, a, PROTO_KIND_MILESTONE, mid);
			arr_check(proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 0, hh[k]), "ref");
			arr_check(proto_changeset_add_text(&cs, PROTO_MS_STAGE, 0, proto_stages[s],
							   strlen(proto_stages[s])),
				  "stage");
			arr_check(proto_changeset_add_text(&cs, PROTO_MS_DATE, 0, dates[s], 10), "date");
			changes++;
		}
	}
	/* the rest: the households' own labour, one change each as bench_sync counts */
	for (uint64_t k = 0; changes < ARR_DAY_CHANGES; k++, changes++) {
		proto_id cid = { a->id, hh[k % 2].serial + 16 + k };
		arr_begin(&cs, a, PROTO_KIND_CONTRIBUTION, cid);
		arr_check(proto_changeset_add_ref(&cs, PROTO_CT_HOUSEHOLD, 0, hh[k % 2]), "ref");
		arr_check(proto_changeset_add_int(&cs, PROTO_CT_UNIT, 0, commune), "unit");
		arr_check(proto_changeset_add_text(&cs, PROTO_CT_SOURCE, 0, "household", 9), "source");
		arr_check(proto_changeset_add_int(&cs, PROTO_CT_LABOUR, 0, 2 + (int64_t)(k % 5)),
			  "labour");
		arr_check(proto_changeset_add_text(&cs, PROTO_CT_DATE, 0, "2023-06-20", 10), "date");
	}
	arr_check(proto_seal(&cs, a->key, out, a->last_hash), "seal");
	a->seq++;
	proto_changeset_release(&cs);
}

#endif

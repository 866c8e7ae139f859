/*
 * cmd_household_decide.c - maiam-hub household approve|reject: the
 * province's review of households named by id, by ref or by a filter. Every
 * name is resolved before anything is decided; a batch is shown and
 * confirmed; each decision is its own hub-origin change-set (review_status,
 * review_reason, and the decision record naming who decided) made by
 * hub_decide_household (decision.c), which the web interface calls too; it
 * reaches only the laptops of its household's commune.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "decision.h"
#include "household_ref.h"
#include "cmd_household.h"
#include "i18n.h"

/* Households a decision names without asking: one typed id. More (or a
 * filter) are shown and confirmed; up to this many are listed by name. */
#define LIST_BEFORE_CONFIRM 20

/* Decide one household as d->by: said on stdout, or an exit code (said). */
static int decide(hub_ctx *ctx, proto_id id, const hub_decision *d)
{
	char err[512];
	int64_t commune = 0;
	bool found;
	hub_result r;

	r = hub_decide_household(ctx, d->by, id, d->status, d->reason, &commune, &found, err, sizeof(err));
	if (r == HUB_OK && !found) {
		hub_errorf("%s",
			   _("no household with that id at the hub: see 'maiam-hub household list'"));
		return HUB_EXIT_FAIL;
	}
	if (r != HUB_OK) {
		hub_errorf("%s", err);
		return r == HUB_REFUSED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
	}
	printf(_("household %016llx-%llu: review %s (%s); laptops of commune %lld get it at their"
		 " next sync\n"),
	       (unsigned long long)id.origin, (unsigned long long)id.serial, d->status,
	       hub_label_of(ctx, PROTO_LIST_REVIEW_STATUS, d->status), (long long)commune);
	return HUB_EXIT_OK;
}

/* The households a batch decision covers, with what the confirmation shows. */
typedef struct batch_item {
	proto_id id;
	int64_t commune;
	char ref[HUB_REF_MAX];
	char name[128];
} batch_item;

typedef struct batch {
	batch_item *a;
	size_t n, cap;
	const household_filter *filter;
	int failed; /* out of memory */
} batch;

static batch_item *batch_find(const batch *b, proto_id id)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->a[i].id.origin == id.origin && b->a[i].id.serial == id.serial)
			return &b->a[i];
	return NULL;
}

static batch_item *batch_add(batch *b, proto_id id)
{
	batch_item *it = batch_find(b, id);

	if (it)
		return it; /* named twice: decided once */
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		batch_item *a = realloc(b->a, cap * sizeof(*a));

		if (!a) {
			b->failed = 1;
			return NULL;
		}
		b->a = a;
		b->cap = cap;
	}
	it = &b->a[b->n++];
	memset(it, 0, sizeof(*it));
	it->id = id;
	return it;
}

static void batch_describe(batch_item *it, const hub_household_row *r)
{
	snprintf(it->ref, sizeof(it->ref), "%s", r->ref ? r->ref : "-");
	snprintf(it->name, sizeof(it->name), "%s", r->name ? r->name : "-");
	it->commune = r->commune;
}

/* A filter's walk: every household it matches joins the batch. */
static int batch_take(void *arg, const hub_household_row *r)
{
	batch *b = arg;
	batch_item *it;

	/* a withdrawn household left the campaign on its commune's word: a
	 * filter does not decide it (typed by name, it is decided) */
	if (!hub_household_filter_match(b->filter, r) || r->withdrawn)
		return 0;
	if (!(it = batch_add(b, r->id)))
		return 1;
	batch_describe(it, r);
	return 0;
}

/* Typed ids' walk: what the confirmation shows of each. */
static int batch_fill(void *arg, const hub_household_row *r)
{
	batch_item *it = batch_find(arg, r->id);

	if (it)
		batch_describe(it, r);
	return 0;
}

/* 1 if the answer typed is a yes: English y/yes, Vietnamese c/có (co without
 * its accent), in any case, blanks around it ignored. */
static int is_yes(const char *answer)
{
	static const char *const yes[] = { "y", "yes", "c", "co", "có", "cÓ", "Có", "CÓ" };
	char word[16];
	size_t i, n;

	while (*answer == ' ' || *answer == '\t')
		answer++;
	n = strcspn(answer, " \t\r\n");
	if (n >= sizeof(word))
		return 0;
	for (i = 0; i < n; i++) /* ASCII letters only: Ó and ó are in the list */
		word[i] = (char)(answer[i] >= 'A' && answer[i] <= 'Z' ? answer[i] - 'A' + 'a' : answer[i]);
	word[n] = '\0';
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(word, yes[i]) == 0)
			return 1;
	return 0;
}

/* Ask on the terminal; 1 for yes. */
static int confirm(const hub_decision *d, size_t n)
{
	char line[32];

	fprintf(stderr,
		strcmp(d->status, "approved") == 0
			/* TRANSLATORS: say which answers are a yes: c, có and y are */
			? _("approve these %zu households? [y/N] ")
			/* TRANSLATORS: say which answers are a yes: c, có and y are */
			: _("reject these %zu households? [y/N] "),
		n);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return is_yes(line);
}

int hub_household_decide(hub_ctx *ctx, const hub_decision *d, char **typed, size_t ntyped,
			 const household_filter *f)
{
	batch b = { NULL, 0, 0, f, 0 };
	hub_ref_match match;
	char err[2048];
	proto_id id;
	size_t i, done = 0;
	int rc = HUB_EXIT_FAIL;

	for (i = 0; i < ntyped; i++) {
		if (hub_household_name(ctx->db, typed[i], &id, &match, err, sizeof(err)) != HUB_OK) {
			hub_errorf("%s", err);
			rc = match == HUB_REF_MALFORMED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
			goto out; /* nothing decided while any name is wrong */
		}
		if (!batch_add(&b, id))
			break;
	}
	if (!ntyped && hub_household_each(ctx->db, f->commune, batch_take, &b) != HUB_OK) {
		hub_errorf(_("cannot read households: %s"), sqlite3_errmsg(ctx->db));
		goto out;
	}
	if (b.failed) {
		hub_errorf(_("out of memory collecting the households to %s"), d->verb);
		goto out;
	}
	if (b.n == 0) {
		printf(_("no household matches: nothing to %s\n"), d->verb);
		rc = HUB_EXIT_OK;
		goto out;
	}
	if (ntyped != 1) { /* a batch: say what it covers, then ask */
		if (b.n <= LIST_BEFORE_CONFIRM && ntyped &&
		    hub_household_each(ctx->db, 0, batch_fill, &b) != HUB_OK) {
			hub_errorf(_("cannot read households: %s"), sqlite3_errmsg(ctx->db));
			goto out;
		}
		printf(strcmp(d->status, "approved") == 0 ? _("approve %zu households (review: %s):\n")
							  : _("reject %zu households (review: %s):\n"),
		       b.n, hub_label_of(ctx, PROTO_LIST_REVIEW_STATUS, d->status));
		for (i = 0; i < b.n && b.n <= LIST_BEFORE_CONFIRM; i++)
			printf(_("  %s  %s  commune %lld  %016llx-%llu\n"), b.a[i].ref, b.a[i].name,
			       (long long)b.a[i].commune, (unsigned long long)b.a[i].id.origin,
			       (unsigned long long)b.a[i].id.serial);
		fflush(stdout);
		if (!d->yes && !isatty(STDIN_FILENO)) {
			hub_errorf(_("%s %zu households: there is no terminal to confirm on; add --yes"),
				   d->verb, b.n);
			rc = HUB_EXIT_USAGE;
			goto out;
		}
		if (!d->yes && !confirm(d, b.n)) {
			hub_errorf("%s", _("nothing decided"));
			goto out;
		}
	}
	for (i = 0; i < b.n; i++) {
		if ((rc = decide(ctx, b.a[i].id, d)) != HUB_EXIT_OK) {
			if (b.n > 1)
				hub_errorf(_("stopped after %zu of %zu households"), done, b.n);
			goto out;
		}
		done++;
	}
	rc = HUB_EXIT_OK;
out:
	free(b.a);
	return rc;
}

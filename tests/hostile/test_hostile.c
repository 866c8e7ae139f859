/*
 * test_hostile.c - runs the hostile-input catalogue: one real hub per family,
 * every row's answer checked exactly, then nothing applied, the refusal kept,
 * the attacker and two honest laptops (same commune, another district) still
 * syncing, and `maiam-hub audit verify` passing at the end of each family.
 * MAIAM_HOSTILE_FAMILY / MAIAM_HOSTILE_ROW pick a family / rows (substring).
 * Every row runs by default and every row must pass.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "hostile.h"

static const hs_family *const families[] = {
	&hs_family_bytes, &hs_family_chain,  &hs_family_ids,    &hs_family_rules,
	&hs_family_http,  &hs_family_enrol,  &hs_family_import, &hs_family_dash,
	&hs_family_quota, &hs_family_poison, &hs_family_door,
};

static int npass, nfail, nskip;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void status_text(long s, unsigned flags, char *out, size_t n)
{
	if (flags & HS_EXIT)
		snprintf(out, n, "exit %ld", s);
	else if (s == HS_CLOSED)
		snprintf(out, n, "connection closed");
	else if (s == HS_HANDSHAKE)
		snprintf(out, n, "handshake fails");
	else if (s == HS_TIMEOUT)
		snprintf(out, n, "no answer, still open");
	else
		snprintf(out, n, "%ld", s);
}

/* The answer carries code as its "error" (or, for a 200, its "status"). */
static int has_code(const hs_answer *a, long status, const char *code, unsigned flags)
{
	char want[96];

	if (!code || (!(flags & HS_EXIT) && status <= 0))
		return 1;
	if (flags & HS_EXIT)
		return strstr(a->body, code) != NULL;
	snprintf(want, sizeof(want), status == 200 ? "\"status\": \"%s\"" : "\"error\": \"%s\"", code);
	return strstr(a->body, want) != NULL;
}

static int answer_ok(const hs_row *row, const hs_answer *a, int *alt)
{
	*alt = 0;
	if (a->status == row->status && has_code(a, row->status, row->code, row->flags))
		return !row->also || strstr(a->body, row->also) != NULL;
	if (row->alt_status && a->status == row->alt_status &&
	    has_code(a, row->alt_status, row->alt_code, row->flags)) {
		*alt = 1;
		return 1;
	}
	return 0;
}

/* Pull until nothing is left; every answer must be 200 (a hub-signed
 * change-set that opens) or 204. */
static int honest_pull(hs_env *e, const ht_agent *who, char cursor[32], char *why, size_t n)
{
	for (int i = 0; i < 64; i++) {
		char path[64];
		proto_changeset cs;
		ht_resp r;
		proto_result pr;

		snprintf(path, sizeof(path), "/v1/pull?after=%s", cursor);
		if (ht_request(&e->hub, who, "GET", path, NULL, 0, &r) ||
		    (r.status != 200 && r.status != 204)) {
			snprintf(why, n, "pull after %s: %ld %.200s", cursor, r.status, r.body);
			ht_resp_free(&r);
			return -1;
		}
		if (r.status == 204) {
			ht_resp_free(&r);
			return 0;
		}
		pr = proto_open(r.bin, r.bin_len, e->hubkey, &cs, NULL);
		proto_changeset_release(&cs);
		if (pr != PROTO_OK || !r.cursor[0] || strcmp(r.cursor, cursor) == 0) {
			snprintf(why, n, "pull after %s: answer does not open (%s) or cursor '%s' stuck",
				 cursor, proto_strerror(pr), r.cursor);
			ht_resp_free(&r);
			return -1;
		}
		snprintf(cursor, 32, "%s", r.cursor);
		ht_resp_free(&r);
	}
	snprintf(why, n, "pull never ends (64 answers)");
	return -1;
}

static int honest_push(hs_env *e, ht_agent *who, int commune, char *why, size_t n)
{
	proto_buf b;
	hs_answer a;
	int rc = -1;

	proto_buf_init(&b, 1u << 20);
	if (ht_households(who, NULL, commune, 1, &b, 0) || hs_push_as(e, who, &b, &a))
		snprintf(why, n, "cannot push");
	else if (a.status != 200 || !strstr(a.body, "\"status\": \"applied\""))
		snprintf(why, n, "push: %ld %.300s", a.status, a.body);
	else
		rc = 0;
	proto_buf_release(&b);
	return rc;
}

/* The attacker is a laptop too: its next honest change-set goes in. */
static int attacker_goes_on(hs_env *e, char *why, size_t n)
{
	proto_changeset cs;
	hs_answer a;

	if (hs_cs_begin(e, &cs) ||
	    hs_add_household(e, &cs, (proto_id){ e->atk.id, hs_serial(e) }, HS_COMMUNE) ||
	    hs_cs_seal(e, &cs) || hs_push(e, &a)) {
		snprintf(why, n, "attacker: cannot push");
		return -1;
	}
	if (a.status != 200) {
		snprintf(why, n, "attacker's next change-set: %ld %.300s", a.status, a.body);
		return -1;
	}
	return 0;
}

static char same_cur[32], other_cur[32];

static int check_after(hs_env *e, const hs_row *row, const hs_answer *a, int alt, char *why, size_t n)
{
	uint8_t d[32];
	char sql[200];
	long long total, code;
	const char *mcode = alt ? row->alt_code : row->code;
	int accepted = alt ? row->alt_status == 200 || ((row->flags & HS_EXIT) && row->alt_status == 0)
			   : row->status == 200 || ((row->flags & HS_EXIT) && row->status == 0);

	if (hs_digest(e, d)) {
		snprintf(why, n, "cannot read hub.db");
		return -1;
	}
	if (!(accepted && (row->flags & HS_MAYAPPLY)) && memcmp(d, e->snap, 32) != 0) {
		snprintf(why, n, "something was applied: the replicated tables changed");
		return -1;
	}
	total = ht_sql(&e->hub, "SELECT count(*) FROM hub_rejection");
	/* the refusal is the one row added, with the code of the answer */
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM hub_rejection WHERE rowid ="
		 " (SELECT max(rowid) FROM hub_rejection) AND code = '%s'",
		 mcode ? mcode : "");
	code = ht_sql(&e->hub, sql);
	if ((row->flags & HS_REC) && !accepted && mcode && a->status > 0 &&
	    (total != e->rej_total + 1 || code != 1)) {
		snprintf(why, n,
			 "refusal not recorded: hub_rejection %lld -> %lld rows, the last one"
			 " %s '%s'",
			 e->rej_total, total, code == 1 ? "is" : "is not", mcode);
		return -1;
	}
	if ((row->flags & HS_ANON) && total != e->rej_total) {
		snprintf(why, n,
			 "anonymous refusal kept as a durable row (hub_rejection %lld -> %lld):"
			 " they are counted in aggregate (docs/HUB.md)",
			 e->rej_total, total);
		return -1;
	}
	if (!(row->flags & (HS_REC | HS_ANON | HS_MAYAPPLY | HS_EXIT)) && total != e->rej_total) {
		snprintf(why, n, "unexpected hub_rejection rows (%lld -> %lld)", e->rej_total, total);
		return -1;
	}
	if ((row->flags & HS_CHAIN) && !accepted) {
		hs_answer again;
		if (!a->chained) {
			snprintf(why, n, "refusal after the chain check without \"chained\": true");
			return -1;
		}
		if (hs_push_as(e, &e->atk, &e->sealed, &again) || again.status != a->status ||
		    !has_code(&again, a->status, alt ? row->alt_code : row->code, row->flags)) {
			snprintf(why, n, "the same bytes again: %ld %.200s", again.status, again.body);
			return -1;
		}
	}
	if ((!(row->flags & HS_NOATK) && attacker_goes_on(e, why, n)) ||
	    honest_push(e, &e->same, HS_COMMUNE, why, n) || honest_pull(e, &e->same, same_cur, why, n) ||
	    honest_push(e, &e->other, HS_OTHER_COMMUNE, why, n) ||
	    honest_pull(e, &e->other, other_cur, why, n))
		return -1;
	return 0;
}

static int audit_passes(hs_env *e)
{
	char out[8192];
	int rc = ht_run(out, sizeof(out), "audit verify --dir %s/hub 2>&1", e->hub.dir);

	if (rc != 0)
		printf("  audit verify exit %d:\n%s\n", rc, out);
	return rc == 0;
}

static void run_family(const hs_family *f, const char *only_row)
{
	hs_env e;
	double t0 = now_ms();
	int ran = 0;

	/* skip a family whose rows are all skipped: no hub needed */
	for (size_t i = 0; i < f->nrows; i++)
		ran |= !only_row || strstr(f->rows[i].name, only_row);
	if (!ran) {
		for (size_t i = 0; i < f->nrows; i++, nskip++)
			printf("SKIP %s/%s (not picked by MAIAM_HOSTILE_ROW)\n", f->name, f->rows[i].name);
		return;
	}
	if (hs_env_up(&e, f->serve)) {
		printf("FAIL %s: cannot start the family's hub\n", f->name);
		nfail++;
		hs_env_down(&e);
		return;
	}
	snprintf(same_cur, sizeof(same_cur), "0");
	snprintf(other_cur, sizeof(other_cur), "0");
	for (size_t i = 0; i < f->nrows; i++) {
		const hs_row *row = &f->rows[i];
		char why[600] = "", got[32], want[32];
		double r0 = now_ms();
		hs_answer a;
		int alt = 0;

		if (only_row && !strstr(row->name, only_row)) {
			printf("SKIP %s/%s (not picked by MAIAM_HOSTILE_ROW)\n", f->name, row->name);
			nskip++;
			continue;
		}
		memset(&a, 0, sizeof(a));
		hs_snapshot(&e, row->code);
		status_text(row->status, row->flags, want, sizeof(want));
		if (row->act(&e, &a)) {
			snprintf(why, sizeof(why), "could not build or send the input");
		} else if (!answer_ok(row, &a, &alt)) {
			status_text(a.status, row->flags, got, sizeof(got));
			snprintf(why, sizeof(why), "expected %s %s, got %s %.400s", want,
				 row->code ? row->code : "", got, a.body);
		} else {
			check_after(&e, row, &a, alt, why, sizeof(why));
		}
		if (why[0]) {
			printf("FAIL %s/%s [%s]: %s\n", f->name, row->name,
			       row->needs[0] ? row->needs : "main", why);
			nfail++;
		} else {
			status_text(a.status, row->flags, got, sizeof(got));
			printf("PASS %s/%s: %s %s (%.0f ms)\n", f->name, row->name, got,
			       alt ? (row->alt_code ? row->alt_code : "") : (row->code ? row->code : ""),
			       now_ms() - r0);
			npass++;
		}
		fflush(stdout);
	}
	if (!audit_passes(&e)) {
		printf("FAIL %s: audit verify\n", f->name);
		nfail++;
	} else {
		printf("PASS %s: audit verify (family %.1f s)\n", f->name, (now_ms() - t0) / 1e3);
	}
	hs_env_down(&e);
}

int main(void)
{
	const char *only_family = getenv("MAIAM_HOSTILE_FAMILY");
	const char *only_row = getenv("MAIAM_HOSTILE_ROW");
	size_t total = 0;
	double t0 = now_ms();

	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		total += families[i]->nrows;
		if (only_family && strcmp(only_family, families[i]->name) != 0)
			continue;
		run_family(families[i], only_row);
	}
	printf("hostile: %zu rows: %d passed, %d failed, %d skipped (%.1f s)\n", total, npass, nfail,
	       nskip, (now_ms() - t0) / 1e3);
	curl_global_cleanup();
	return nfail ? 1 : 0;
}

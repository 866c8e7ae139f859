/*
 * metrics.c - the counters behind /metrics (metrics.h) and the page made of
 * them. Atomics with relaxed order: each number is exact on its own, and a
 * scrape is a snapshot only in the sense Prometheus expects (a histogram's
 * count is read after its buckets, so it is never below their sum).
 */
#include <stdatomic.h>
#include <string.h>
#include "metrics.h"

#define CODES_MAX 48 /* push answer codes told apart; more go to "other" */

/* ---- push codes: the table grows on the loop only ------------------------ */

static struct {
	const char *code;
	atomic_ullong n;
} codes[CODES_MAX];
static size_t ncodes;

void hub_metrics_push(const char *code)
{
	size_t i;

	if (!code || !*code)
		code = "other";
	for (i = 0; i < ncodes; i++)
		if (strcmp(codes[i].code, code) == 0)
			break;
	if (i == ncodes && ncodes < CODES_MAX - 1) {
		codes[ncodes++].code = code;
	} else if (i == ncodes) { /* full: counted as "other", the last slot */
		for (i = 0; i < ncodes && strcmp(codes[i].code, "other") != 0; i++)
			;
		if (i == ncodes)
			i = CODES_MAX - 1;
		if (ncodes == CODES_MAX - 1) {
			codes[i].code = "other";
			ncodes = CODES_MAX;
		}
	}
	atomic_fetch_add_explicit(&codes[i].n, 1, memory_order_relaxed);
}

/* ---- connections closed: a fixed set of reasons ------------------------- */

/* Indexed by the enum, so a reason cannot get another's name; the page
 * lists them in this order, all from the start, at 0, so that a rate over
 * them has a first sample before the first closing. */
static const char *const closed_names[HUB_CLOSED_N] = {
	[HUB_CLOSED_EVICTED_PER_ADDR] = "evicted_max_conns_per_addr",
	[HUB_CLOSED_EVICTED] = "evicted_max_conns",
	[HUB_CLOSED_NO_ROOM] = "no_room",
	[HUB_CLOSED_PER_KEY] = "max_conns_per_key",
	[HUB_CLOSED_HEADER_DEADLINE] = "header_deadline",
	[HUB_CLOSED_TOO_SLOW] = "too_slow",
	[HUB_CLOSED_ANON_BUDGET] = "anon_budget",
	[HUB_CLOSED_MAX_BUFFERED] = "max_buffered",
	[HUB_CLOSED_REVOKED] = "revoked",
	[HUB_CLOSED_TLS_HANDSHAKE] = "tls_handshake",
	[HUB_CLOSED_UNANSWERED] = "unanswered",
};
static atomic_ullong closed_n[HUB_CLOSED_N];

const char *hub_closed_name(hub_closed why)
{
	return why > HUB_CLOSED_NONE && why < HUB_CLOSED_N ? closed_names[why] : NULL;
}

void hub_metrics_conn_closed(hub_closed why)
{
	if (hub_closed_name(why))
		atomic_fetch_add_explicit(&closed_n[why], 1, memory_order_relaxed);
}

/* ---- histograms ---------------------------------------------------------- */

#define SYNC_BUCKETS 12
static const double sync_le[SYNC_BUCKETS] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30 };
#define GROUP_BUCKETS 9
static const double group_le[GROUP_BUCKETS] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };

/* Counts per bucket (not cumulative: the page adds them up), the last one
 * past every bound (+Inf); the sum in units of 'unit' (an integer, atomic). */
typedef struct histogram {
	atomic_ullong bucket[SYNC_BUCKETS + 1];
	atomic_ullong count;
	atomic_ullong sum;
} histogram;

static histogram sync_h[2]; /* push, pull; sum in microseconds */
static histogram group_h;   /* sum in pushes */
static atomic_ullong login_failures;

static void observe(histogram *h, const double *le, size_t nle, double v, double unit)
{
	size_t i;

	for (i = 0; i < nle && v > le[i]; i++)
		;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum, (unsigned long long)(v / unit + 0.5), memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

void hub_metrics_sync_seconds(int route, double seconds)
{
	if (route != HUB_METRICS_PUSH && route != HUB_METRICS_PULL)
		return;
	observe(&sync_h[route], sync_le, SYNC_BUCKETS, seconds < 0 ? 0 : seconds, 1e-6);
}

void hub_metrics_group(size_t n)
{
	observe(&group_h, group_le, GROUP_BUCKETS, (double)n, 1);
}

void hub_metrics_login_failed(void)
{
	atomic_fetch_add_explicit(&login_failures, 1, memory_order_relaxed);
}

/* ---- the gauges ---------------------------------------------------------- */

static hub_metrics_live_fn live_fn;
static void *live_arg;

void hub_metrics_set_live(hub_metrics_live_fn fn, void *arg)
{
	live_fn = fn;
	live_arg = arg;
}

/* ---- the page ------------------------------------------------------------ */

static unsigned long long get(atomic_ullong *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

hub_result hub_metrics_label(proto_buf *out, const char *value)
{
	const char *p;

	for (p = value; *p; p++) {
		const char *e = *p == '\\' ? "\\\\" : *p == '"' ? "\\\"" : *p == '\n' ? "\\n" : NULL;
		if (e ? proto_buf_append_str(out, e) : proto_buf_append(out, p, 1))
			return HUB_ENOMEM;
	}
	return HUB_OK;
}

static int head(proto_buf *out, const char *name, const char *type, const char *help)
{
	return proto_buf_appendf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type) != PROTO_OK;
}

/* One histogram's samples; labels "" or 'key="value",' (with the comma). */
static int histogram_samples(proto_buf *out, const char *name, const char *labels, histogram *h,
			     const double *le, size_t nle, double unit)
{
	unsigned long long cum = 0, count;
	size_t i;
	int bad = 0;

	for (i = 0; i < nle; i++) {
		cum += get(&h->bucket[i]);
		bad |= proto_buf_appendf(out, "%s_bucket{%sle=\"%g\"} %llu\n", name, labels, le[i],
					 cum) != PROTO_OK;
	}
	cum += get(&h->bucket[nle]);
	count = get(&h->count);
	if (count < cum) /* a bucket counted after our read of count: keep them in step */
		count = cum;
	bad |= proto_buf_appendf(out, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, labels, count) != PROTO_OK;
	if (labels[0]) {
		/* "key=\"v\"," without its comma, for the _sum and _count */
		int n = (int)strlen(labels) - 1;
		bad |= proto_buf_appendf(out, "%s_sum{%.*s} %.6f\n%s_count{%.*s} %llu\n", name, n, labels,
					 (double)get(&h->sum) * unit, name, n, labels, count) != PROTO_OK;
	} else {
		bad |= proto_buf_appendf(out, "%s_sum %.6f\n%s_count %llu\n", name,
					 (double)get(&h->sum) * unit, name, count) != PROTO_OK;
	}
	return bad;
}

static int gauge(proto_buf *out, const char *name, const char *help, int64_t v)
{
	if (v < 0)
		return 0;
	return head(out, name, "gauge", help) ||
	       proto_buf_appendf(out, "%s %lld\n", name, (long long)v) != PROTO_OK;
}

hub_result hub_metrics_render(proto_buf *out)
{
	hub_metrics_live live = { -1, -1, -1, -1, -1, -1 };
	size_t i;
	int bad;

	if (live_fn)
		live_fn(live_arg, &live);
	bad = head(out, "maiam_hub_pushes_total", "counter",
		   "Pushes answered, by the answer's code: applied, already_applied or the refusal's code.");
	for (i = 0; i < ncodes; i++)
		bad |= proto_buf_append_str(out, "maiam_hub_pushes_total{code=\"") != PROTO_OK ||
		       hub_metrics_label(out, codes[i].code) != HUB_OK ||
		       proto_buf_appendf(out, "\"} %llu\n", get(&codes[i].n)) != PROTO_OK;
	bad |= head(out, "maiam_hub_sync_duration_seconds", "histogram",
		    "Push and pull requests, from their first byte to their answer sent.");
	bad |= histogram_samples(out, "maiam_hub_sync_duration_seconds", "route=\"push\",",
				 &sync_h[HUB_METRICS_PUSH], sync_le, SYNC_BUCKETS, 1e-6);
	bad |= histogram_samples(out, "maiam_hub_sync_duration_seconds", "route=\"pull\",",
				 &sync_h[HUB_METRICS_PULL], sync_le, SYNC_BUCKETS, 1e-6);
	bad |= head(out, "maiam_hub_group_commit_pushes", "histogram",
		    "Pushes the writer merged in one transaction (group commit).");
	bad |= histogram_samples(out, "maiam_hub_group_commit_pushes", "", &group_h, group_le,
				 GROUP_BUCKETS, 1);
	bad |= gauge(out, "maiam_hub_writer_queue_depth", "Jobs queued for the writer thread, or in it.",
		     live.writer_queue);
	bad |= gauge(out, "maiam_hub_wal_bytes", "Size of the database's write-ahead log (hub.db-wal).",
		     live.wal_bytes);
	if (live.conns_sync >= 0) {
		bad |= head(out, "maiam_hub_connections", "gauge",
			    "Open connections: sync (a laptop's certificate), dashboard, other.");
		bad |= proto_buf_appendf(out,
					 "maiam_hub_connections{kind=\"sync\"} %lld\n"
					 "maiam_hub_connections{kind=\"dashboard\"} %lld\n"
					 "maiam_hub_connections{kind=\"other\"} %lld\n",
					 (long long)live.conns_sync, (long long)live.conns_dashboard,
					 (long long)live.conns_other) != PROTO_OK;
	}
	bad |= head(out, "maiam_hub_connections_closed_total", "counter",
		    "Connections the hub closed at its door (evicted over a cap, no room, too slow, a"
		    " handshake refused) or that ended before their answer, by reason.");
	for (i = HUB_CLOSED_NONE + 1; i < HUB_CLOSED_N; i++)
		bad |= proto_buf_appendf(out, "maiam_hub_connections_closed_total{reason=\"%s\"} %llu\n",
					 closed_names[i], get(&closed_n[i])) != PROTO_OK;
	bad |= gauge(out, "maiam_hub_photos_stored", "Photos whose bytes the hub holds.", live.photos);
	bad |= head(out, "maiam_hub_login_failures_total", "counter",
		    "Dashboard sign-ins refused: wrong name or password.");
	bad |= proto_buf_appendf(out, "maiam_hub_login_failures_total %llu\n", get(&login_failures)) !=
	       PROTO_OK;
	return bad ? HUB_ENOMEM : HUB_OK;
}

/*
 * bench_photo_index.c - the hub's near-duplicate check (hub/photo_index.c)
 * at 100,000 stored photos: the time per new photo to find its stored
 * near-duplicates and add it to the index, against a baseline measured in
 * the same run on the same database: comparing the new hash with every
 * stored row (one SELECT over the table, popcount in C).
 *
 * The stored hashes (deterministic generator):
 *   70 % uniform random (photos unlike each other);
 *   20 % pictures of 10 variants each, 0..8 bits from their picture
 *        (re-encodes, crops, the same scene by two workers);
 *   10 % ten "lookalike" centres of 1,000 hashes each, 0..14 bits from
 *        their centre (many photos of alike houses: the dense case).
 * The new photos, a third each: a random hash, a variant (0..6 bits) of a
 * stored picture, a hash 0..14 bits from a lookalike centre.
 *
 * The database is a file with the hub's settings (proto_db_open: WAL,
 * synchronous FULL, and the serve threads' 64 MiB page cache); the new photos are added in transactions of 100 whose
 * commits are not in the per-photo time (they belong to the ingest that
 * owns the transaction). Last line: one JSON object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench_util.h"
#include "photo_index.h"
#include "store.h"

enum kind { KIND_RANDOM, KIND_VARIANT, KIND_LOOKALIKE, KINDS };
static const char *const kind_name[KINDS] = { "new picture", "re-encode of a stored one",
					      "lookalike (dense)" };

#define PICTURE_VARIANTS 10
#define LOOKALIKE_CENTRES 10

/* splitmix64: the same hashes every run */
static uint64_t seed = 0x2545f4914f6cdd1dull;
static uint64_t next_random(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* hash with k of its 64 bits flipped, k distinct ones (a partial shuffle
 * of the bit positions) */
static uint64_t flip_random(uint64_t hash, unsigned k)
{
	uint8_t position[64], swap;
	unsigned i, j;

	for (i = 0; i < 64; i++)
		position[i] = (uint8_t)i;
	for (i = 0; i < k && i < 64; i++) {
		j = i + (unsigned)(next_random() % (64 - i));
		swap = position[i], position[i] = position[j], position[j] = swap;
		hash ^= 1ull << position[i];
	}
	return hash;
}

static void photo_of(uint32_t n, uint8_t photo[32])
{
	memset(photo, 0x5a, 32);
	memcpy(photo, &n, sizeof(n));
}

/* CPU seconds of this process: the machine the figures come from is shared,
 * and a lookup the scheduler interrupts waits milliseconds in wall time. */
static double cpu_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, sqlite3 *db)
{
	fprintf(stderr, "bench_photo_index: %s: %s\n", what, db ? sqlite3_errmsg(db) : "failed");
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql, db);
}

static int count_cb(void *arg, const hub_photo_near *match)
{
	(void)match;
	++*(unsigned *)arg;
	return 0;
}

/* The baseline: every stored row compared with the new hash; the matches'
 * photo and household read as the index reads them. */
static unsigned scan_near(sqlite3 *db, sqlite3_stmt *all, sqlite3_stmt *row, const uint8_t photo[32],
			  uint64_t dhash, unsigned distance)
{
	unsigned found = 0;
	uint64_t stored;

	while (sqlite3_step(all) == SQLITE_ROW) {
		stored = proto_i2u(sqlite3_column_int64(all, 1));
		if ((unsigned)__builtin_popcountll(stored ^ dhash) > distance)
			continue;
		sqlite3_bind_int64(row, 1, sqlite3_column_int64(all, 0));
		if (sqlite3_step(row) != SQLITE_ROW)
			die("scan row", db);
		if (memcmp(sqlite3_column_blob(row, 0), photo, 32) != 0)
			found++;
		sqlite3_reset(row);
	}
	sqlite3_reset(all);
	return found;
}

typedef struct timings {
	double *ms;
	size_t n;
	double sum;
} timings;

static void timings_add(timings *t, double ms)
{
	t->ms[t->n++] = ms;
	t->sum += ms;
}

static double timings_mean(const timings *t)
{
	return t->n ? t->sum / (double)t->n : 0;
}

static double timings_quantile(timings *t, double q)
{
	if (!t->n)
		return 0;
	qsort(t->ms, t->n, sizeof(double), bench_cmp_double);
	return t->ms[(size_t)(q * (double)(t->n - 1))];
}

/* The next new photo's hash, of the given kind. */
static uint64_t new_hash(enum kind kind, const uint64_t *pictures, size_t npictures,
			 const uint64_t *centres)
{
	switch (kind) {
	case KIND_VARIANT:
		return flip_random(pictures[next_random() % npictures], (unsigned)(next_random() % 7));
	case KIND_LOOKALIKE:
		return flip_random(centres[next_random() % LOOKALIKE_CENTRES],
				   (unsigned)(next_random() % 15));
	default:
		return next_random();
	}
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	char path[1024], wal[1100];
	long nphotos = 100000, nnew = 3000, nscan = 60;
	unsigned distance = HUB_PHOTO_NEAR_DISTANCE, found, matches[KINDS] = { 0 }, scan_found;
	uint64_t *pictures, centres[LOOKALIKE_CENTRES], dhash;
	size_t npictures, i;
	uint32_t n, next_id;
	uint8_t photo[32];
	proto_id household;
	sqlite3 *db = NULL;
	sqlite3_stmt *all, *row;
	timings by_kind[KINDS], every, scan, uncached;
	double t0, t_fill, t_add, ms, add_ms = 0, cpu0, cpu_ms, scan_cpu_ms = 0;
	static const unsigned table_distances[] = { 4, 6, 8, 10, 12, 16 };
	int a;

	snprintf(path, sizeof(path), "%s/bench_photo_index.db", tmp && *tmp ? tmp : "/tmp");
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--photos") == 0 && a + 1 < argc)
			nphotos = strtol(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--new") == 0 && a + 1 < argc)
			nnew = strtol(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--db") == 0 && a + 1 < argc)
			snprintf(path, sizeof(path), "%s", argv[++a]);
		else {
			fprintf(stderr, "usage: bench_photo_index [--photos N] [--new N] [--db PATH]\n");
			return 2;
		}
	}
	if (nphotos < 1000 || nphotos > 10000000 || nnew < 30 || nnew > 1000000) {
		fprintf(stderr, "bench_photo_index: --photos must be 1000..10000000, --new 30..1000000\n");
		return 2;
	}
	unlink(path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	if (proto_db_open(path, &db) != PROTO_OK || hub_photo_index_install(db) != HUB_OK ||
	    hub_photo_index_cache_begin(db) != HUB_OK)
		die(path, db);
	/* as the hub's serve threads set it (hub/worker.c) */
	exec(db, HUB_SERVE_CACHE_SQL);

	/* the stored photos: each household has one, numbered as the photos */
	npictures = (size_t)nphotos / 5 / PICTURE_VARIANTS;
	pictures = malloc(npictures * sizeof(*pictures));
	if (!pictures)
		die("out of memory", NULL);
	for (i = 0; i < npictures; i++)
		pictures[i] = next_random();
	for (i = 0; i < LOOKALIKE_CENTRES; i++)
		centres[i] = next_random();
	t0 = bench_now_s();
	exec(db, "BEGIN");
	for (n = 0; n < (uint32_t)nphotos; n++) {
		if (n % 10 < 7)
			dhash = next_random();
		else if (n % 10 < 9)
			dhash = flip_random(pictures[(n / 10) % npictures], (unsigned)(next_random() % 9));
		else
			dhash = flip_random(centres[(n / 10) % LOOKALIKE_CENTRES],
					    (unsigned)(next_random() % 15));
		photo_of(n, photo);
		household = (proto_id){ 0x77aa000000000000ull, n + 1 };
		if (hub_photo_index_add(db, photo, household, dhash) != HUB_OK)
			die("add", db);
	}
	exec(db, "COMMIT");
	t_fill = bench_now_s() - t0;
	exec(db, "ANALYZE");
	printf("stored %ld photos (70%% random, 20%% in pictures of %d variants, 10%% around %d lookalike"
	       " centres) in %.2f s\n",
	       nphotos, PICTURE_VARIANTS, LOOKALIKE_CENTRES, t_fill);

	/* the index: near lookup + add, per new photo */
	for (a = 0; a < KINDS; a++)
		by_kind[a] = (timings){ calloc((size_t)nnew, sizeof(double)), 0, 0 };
	every = (timings){ calloc((size_t)nnew, sizeof(double)), 0, 0 };
	scan = (timings){ calloc((size_t)nscan, sizeof(double)), 0, 0 };
	uncached = (timings){ calloc((size_t)nnew, sizeof(double)), 0, 0 };
	if (!every.ms || !scan.ms || !uncached.ms || !by_kind[0].ms || !by_kind[1].ms || !by_kind[2].ms)
		die("out of memory", NULL);
	next_id = (uint32_t)nphotos;
	cpu0 = cpu_now_s();
	for (i = 0; i < (size_t)nnew; i++) {
		enum kind kind = (enum kind)(i % KINDS);
		if (i % 100 == 0)
			exec(db, i ? "COMMIT; BEGIN" : "BEGIN");
		dhash = new_hash(kind, pictures, npictures, centres);
		photo_of(next_id, photo);
		household = (proto_id){ 0x77bb000000000000ull, ++next_id };
		found = 0;
		t0 = bench_now_s();
		if (hub_photo_index_near(db, photo, dhash, distance, count_cb, &found) != HUB_OK)
			die("near", db);
		t_add = bench_now_s();
		if (hub_photo_index_add(db, photo, household, dhash) != HUB_OK)
			die("add", db);
		ms = (bench_now_s() - t0) * 1e3;
		add_ms += (bench_now_s() - t_add) * 1e3;
		timings_add(&by_kind[kind], ms);
		timings_add(&every, ms);
		matches[kind] += found;
	}
	/* the commits are in the CPU time: the generator's work is not worth
	 * taking out (under a microsecond per photo) */
	cpu_ms = (cpu_now_s() - cpu0) * 1e3 / (double)nnew;
	exec(db, "COMMIT");

	/* the baseline: every row compared, then the same add; its answers
	 * checked against the index's for the same hash */
	if (sqlite3_prepare_v2(db, "SELECT id, dhash FROM photo_dhash", -1, &all, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(
		    db, "SELECT photo, household_origin, household_serial FROM photo_dhash WHERE id = ?",
		    -1, &row, NULL) != SQLITE_OK)
		die("prepare", db);
	exec(db, "BEGIN");
	for (i = 0; i < (size_t)nscan; i++) {
		dhash = new_hash((enum kind)(i % KINDS), pictures, npictures, centres);
		photo_of(next_id, photo);
		household = (proto_id){ 0x77cc000000000000ull, ++next_id };
		t0 = bench_now_s();
		cpu0 = cpu_now_s();
		scan_found = scan_near(db, all, row, photo, dhash, distance);
		if (hub_photo_index_add(db, photo, household, dhash) != HUB_OK)
			die("add", db);
		scan_cpu_ms += (cpu_now_s() - cpu0) * 1e3;
		timings_add(&scan, (bench_now_s() - t0) * 1e3);
		found = 0;
		if (hub_photo_index_near(db, photo, dhash, distance, count_cb, &found) != HUB_OK)
			die("near", db);
		if (found != scan_found) {
			fprintf(stderr, "bench_photo_index: index found %u, scan %u\n", found, scan_found);
			return 1;
		}
	}
	exec(db, "COMMIT");
	sqlite3_finalize(all);
	sqlite3_finalize(row);

	/* the lookup alone at other distances, and without the statement cache */
	printf("lookup alone, ms per photo (median of %ld of each kind):\n  distance", nnew / KINDS / 3);
	for (a = 0; a < KINDS; a++)
		printf("  %26s", kind_name[a]);
	printf("\n");
	for (i = 0; i < sizeof(table_distances) / sizeof(table_distances[0]); i++) {
		printf("  %8u", table_distances[i]);
		for (a = 0; a < KINDS; a++) {
			timings t = { uncached.ms, 0, 0 };
			long q;
			for (q = 0; q < nnew / KINDS / 3; q++) {
				dhash = new_hash((enum kind)a, pictures, npictures, centres);
				found = 0;
				t0 = bench_now_s();
				if (hub_photo_index_near(db, NULL, dhash, table_distances[i], count_cb,
							 &found) != HUB_OK)
					die("near", db);
				timings_add(&t, (bench_now_s() - t0) * 1e3);
			}
			printf("  %26.4f", timings_quantile(&t, 0.5));
		}
		printf("\n");
	}
	hub_photo_index_cache_end();
	uncached.n = 0, uncached.sum = 0;
	for (i = 0; i < (size_t)nnew / 3; i++) {
		dhash = new_hash((enum kind)(i % KINDS), pictures, npictures, centres);
		found = 0;
		t0 = bench_now_s();
		if (hub_photo_index_near(db, NULL, dhash, distance, count_cb, &found) != HUB_OK)
			die("near", db);
		timings_add(&uncached, (bench_now_s() - t0) * 1e3);
	}

	printf("near-duplicate check at distance %u, %ld new photos (near lookup + add, statements cached):\n",
	       distance, nnew);
	for (a = 0; a < KINDS; a++)
		printf("  %-26s mean %.4f ms, median %.4f, p99 %.4f; %.1f matches per photo\n",
		       kind_name[a], timings_mean(&by_kind[a]), timings_quantile(&by_kind[a], 0.5),
		       timings_quantile(&by_kind[a], 0.99), (double)matches[a] / (double)by_kind[a].n);
	printf("  all                        mean %.4f ms, median %.4f, p99 %.4f\n",
	       timings_mean(&every), timings_quantile(&every, 0.5), timings_quantile(&every, 0.99));
	printf("  of which the add: mean %.4f ms; CPU time per photo (commits of 100 in it) %.4f ms\n",
	       add_ms / (double)every.n, cpu_ms);
	printf("  lookup without the statement cache: mean %.4f ms\n", timings_mean(&uncached));
	scan_cpu_ms /= (double)nscan;
	printf("baseline, every row compared + add (%ld photos, same answers): mean %.4f ms, CPU %.4f ms\n",
	       nscan, timings_mean(&scan), scan_cpu_ms);
	printf("ratio index / scan: CPU time %.4f, wall mean %.4f\n", cpu_ms / scan_cpu_ms,
	       timings_mean(&every) / timings_mean(&scan));
	/* the headline is the CPU time: a lookup waits on no I/O (its pages are
	 * cached), so on an idle machine it is the wall time, and on a shared
	 * one it is what the wall time would be without the other programs */
	printf("{\"photos\": %ld, \"new_photos\": %ld, \"distance\": %u, \"near_dup_ms_per_photo\": %.4f,"
	       " \"near_dup_wall_mean_ms\": %.4f, \"near_dup_wall_median_ms\": %.4f, \"near_dup_wall_p99_ms\": %.4f,"
	       " \"near_dup_random_ms\": %.4f, \"near_dup_variant_ms\": %.4f, \"near_dup_lookalike_ms\": %.4f,"
	       " \"near_dup_uncached_lookup_ms\": %.4f, \"scan_ms_per_photo\": %.4f, \"ratio\": %.4f}\n",
	       nphotos, nnew, distance, cpu_ms, timings_mean(&every), timings_quantile(&every, 0.5),
	       timings_quantile(&every, 0.99), timings_quantile(&by_kind[KIND_RANDOM], 0.5),
	       timings_quantile(&by_kind[KIND_VARIANT], 0.5),
	       timings_quantile(&by_kind[KIND_LOOKALIKE], 0.5), timings_mean(&uncached), scan_cpu_ms,
	       cpu_ms / scan_cpu_ms);
	sqlite3_close(db);
	unlink(path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	for (a = 0; a < KINDS; a++)
		free(by_kind[a].ms);
	free(every.ms);
	free(scan.ms);
	free(uncached.ms);
	free(pictures);
	return 0;
}

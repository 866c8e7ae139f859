/*
 * test_photo_index.c - the near-duplicate photo index (hub/photo_index.c):
 * a lookup finds a stored hash at exactly the asked distance and not one
 * bit further, however the differing bits fall over the four bands; the
 * photo itself is left out; each row comes once however many bands find it;
 * and over 20,000 random and clustered hashes the index returns exactly
 * what comparing with every row returns. Runs on in-memory databases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "photo_index.h"
#include "testmain.h"

#define MAX_ROWS 20000

static sqlite3 *db;
static unsigned seen[MAX_ROWS]; /* times each numbered photo was reported */

/* Photo number n as its SHA-256: the number in the first four bytes. */
static void photo_of(uint32_t n, uint8_t photo[32])
{
	memset(photo, 0xa5, 32);
	photo[0] = (uint8_t)(n >> 24), photo[1] = (uint8_t)(n >> 16);
	photo[2] = (uint8_t)(n >> 8), photo[3] = (uint8_t)n;
}

static uint32_t number_of(const uint8_t photo[32])
{
	return (uint32_t)photo[0] << 24 | (uint32_t)photo[1] << 16 | (uint32_t)photo[2] << 8 | photo[3];
}

static void add(uint32_t n, uint64_t dhash)
{
	uint8_t photo[32];
	proto_id household = { 0x1234567800000000ull + n, n + 1 };

	photo_of(n, photo);
	assert_int_equal(hub_photo_index_add(db, photo, household, dhash), HUB_OK);
}

static int count_cb(void *arg, const hub_photo_near *match)
{
	uint32_t n = number_of(match->photo);

	(void)arg;
	assert_true(n < MAX_ROWS);
	seen[n]++;
	return 0;
}

/* How many rows a lookup reported (each counted in seen[]). */
static unsigned near(const uint8_t *photo, uint64_t dhash, unsigned distance)
{
	unsigned i, total = 0;

	memset(seen, 0, sizeof(seen));
	assert_int_equal(hub_photo_index_near(db, photo, dhash, distance, count_cb, NULL), HUB_OK);
	for (i = 0; i < MAX_ROWS; i++)
		total += seen[i];
	return total;
}

static int setup(void **state)
{
	(void)state;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return -1;
	return hub_photo_index_install(db) == HUB_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	hub_photo_index_cache_end();
	return sqlite3_close(db) == SQLITE_OK ? 0 : -1;
}

/* A small deterministic generator (xorshift64*): the same hashes every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void)
{
	rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

/* hash with k distinct random bits flipped */
static uint64_t flip_random(uint64_t hash, unsigned k)
{
	uint64_t mask = 0;

	while ((unsigned)__builtin_popcountll(mask) < k)
		mask |= 1ull << (next_random() % 64);
	return hash ^ mask;
}

/* The lowest and the highest k bits set (k <= 64). */
static uint64_t low_bits(unsigned k)
{
	return k ? ~0ull >> (64 - k) : 0;
}

static uint64_t high_bits(unsigned k)
{
	return k ? ~0ull << (64 - k) : 0;
}

/* The first `bits` bits of band `band` set. */
static uint64_t band_bits(int band, unsigned bits)
{
	return low_bits(bits) << (band * 16);
}

static void test_exact_boundary(void **state)
{
	const uint64_t center = 0x0123456789abcdefull;
	static const unsigned distances[] = { 0, 1, 3, 4, 5, 7, 8, 10, 11, 15, 16, 20, 31, 62 };
	uint64_t at, beyond;
	size_t i;
	int spread;

	(void)state;
	for (i = 0; i < sizeof(distances) / sizeof(distances[0]); i++) {
		unsigned d = distances[i];
		for (spread = 0; spread < 3; spread++) {
			assert_int_equal(sqlite3_exec(db, "DELETE FROM photo_dhash", NULL, NULL, NULL),
					 SQLITE_OK);
			if (spread == 0) /* the lowest bits: the first bands full */
				at = low_bits(d), beyond = low_bits(d + 1);
			else if (spread == 1) /* the highest bits: the last bands full */
				at = high_bits(d), beyond = high_bits(d + 1);
			else /* every other bit, as evenly over the bands as it goes */
				at = flip_random(0, d), beyond = at ^ (1ull << __builtin_ctzll(~at));
			add(1, center ^ at);
			add(2, center ^ beyond);
			assert_int_equal(near(NULL, center, d), 1);
			assert_int_equal(seen[1], 1);
			assert_int_equal(near(NULL, center, d + 1), 2);
		}
	}
	/* the largest distance: only the complement is out of reach */
	assert_int_equal(sqlite3_exec(db, "DELETE FROM photo_dhash", NULL, NULL, NULL), SQLITE_OK);
	add(1, center ^ (~0ull >> 1));
	add(2, ~center);
	assert_int_equal(near(NULL, center, 63), 1);
	assert_int_equal(seen[1], 1);
}

/* Every way the default distance's 10 bits can fall over the four bands
 * (286 of them), and each single bit: all found, each once. */
static void test_every_band_position(void **state)
{
	const uint64_t center = 0xfedcba9876543210ull;
	unsigned a, b, c, n = 0;
	int bit;

	(void)state;
	assert_int_equal(sqlite3_exec(db, "DELETE FROM photo_dhash", NULL, NULL, NULL), SQLITE_OK);
	for (a = 0; a <= 10; a++)
		for (b = 0; a + b <= 10; b++)
			for (c = 0; a + b + c <= 10; c++)
				add(n++, center ^ band_bits(0, a) ^ band_bits(1, b) ^ band_bits(2, c) ^
						 band_bits(3, 10 - a - b - c));
	assert_int_equal(n, 286);
	assert_int_equal(near(NULL, center, HUB_PHOTO_NEAR_DISTANCE), 286);
	for (a = 0; a < n; a++)
		assert_int_equal(seen[a], 1);
	assert_int_equal(near(NULL, center, HUB_PHOTO_NEAR_DISTANCE - 1), 0);

	assert_int_equal(sqlite3_exec(db, "DELETE FROM photo_dhash", NULL, NULL, NULL), SQLITE_OK);
	for (bit = 0; bit < 64; bit++)
		add((uint32_t)bit, center ^ (1ull << bit));
	assert_int_equal(near(NULL, center, 1), 64);
	assert_int_equal(near(NULL, center, 0), 0);
	for (bit = 0; bit < 64; bit++) {
		assert_int_equal(near(NULL, center ^ (1ull << bit), 0), 1);
		assert_int_equal(seen[bit], 1);
	}
}

static void test_same_photo_left_out(void **state)
{
	const uint64_t hash = 0x5555aaaa5555aaaaull;
	uint8_t photo[32], other[32];
	proto_id a = { 7, 1 }, b = { 8, 2 };

	(void)state;
	assert_int_equal(sqlite3_exec(db, "DELETE FROM photo_dhash", NULL, NULL, NULL), SQLITE_OK);
	photo_of(1, photo);
	photo_of(2, other);
	/* one photo on two households: two rows; adding it again changes nothing */
	assert_int_equal(hub_photo_index_add(db, photo, a, hash), HUB_OK);
	assert_int_equal(hub_photo_index_add(db, photo, b, hash), HUB_OK);
	assert_int_equal(hub_photo_index_add(db, photo, b, hash ^ 1), HUB_OK);
	assert_int_equal(near(photo, hash, 10), 0);
	assert_int_equal(near(NULL, hash, 10), 2);
	assert_int_equal(seen[1], 2);
	/* another photo with the very same hash finds both rows of the first */
	assert_int_equal(hub_photo_index_add(db, other, a, hash), HUB_OK);
	assert_int_equal(near(other, hash, 0), 2);
	assert_int_equal(seen[1], 2);
	assert_int_equal(seen[2], 0);
}

/* Rows near the asked hash in every band at once come once each. */
static void test_many_near_once_each(void **state)
{
	const uint64_t center = 0x0f0f0f0f0f0f0f0full;
	uint32_t n;

	(void)state;
	assert_int_equal(sqlite3_exec(db, "DELETE FROM photo_dhash", NULL, NULL, NULL), SQLITE_OK);
	for (n = 0; n < 2000; n++)
		add(n, n < 100 ? center : flip_random(center, n % 11));
	assert_int_equal(near(NULL, center, 10), 2000);
	for (n = 0; n < 2000; n++)
		assert_int_equal(seen[n], 1);
}

static int stop_cb(void *arg, const hub_photo_near *match)
{
	(void)match;
	return ++*(int *)arg == 3;
}

/* A callback that looks up again while the outer lookup is running. */
static int nested_cb(void *arg, const hub_photo_near *match)
{
	int inner = 0;

	assert_int_equal(hub_photo_index_near(db, match->photo, match->dhash, 0, stop_cb, &inner), HUB_OK);
	++*(int *)arg;
	return 0;
}

static void test_stop_and_nested(void **state)
{
	const uint64_t center = 0x1111222233334444ull;
	int calls = 0;
	uint32_t n;

	(void)state;
	assert_int_equal(sqlite3_exec(db, "DELETE FROM photo_dhash", NULL, NULL, NULL), SQLITE_OK);
	for (n = 0; n < 10; n++)
		add(n, center ^ n);
	assert_int_equal(hub_photo_index_near(db, NULL, center, 4, stop_cb, &calls), HUB_OK);
	assert_int_equal(calls, 3);
	/* outside a transaction a lookup ends the one it takes; inside the
	 * caller's it leaves it open */
	assert_true(sqlite3_get_autocommit(db));
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	calls = 0;
	assert_int_equal(hub_photo_index_near(db, NULL, center, 4, stop_cb, &calls), HUB_OK);
	assert_false(sqlite3_get_autocommit(db));
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	for (int cached = 0; cached < 2; cached++) {
		if (cached)
			assert_int_equal(hub_photo_index_cache_begin(db), HUB_OK);
		calls = 0;
		assert_int_equal(hub_photo_index_near(db, NULL, center, 4, nested_cb, &calls), HUB_OK);
		assert_int_equal(calls, 10);
	}
	hub_photo_index_cache_end();
}

/* The index against a comparison with every row: 10,000 random hashes and
 * 10,000 in 200 clusters (variants 0..12 bits from a centre), asked with
 * near variants of the centres, of stored rows and with random hashes, at
 * several distances; with and without the statement cache. */
static void test_matches_brute_force(void **state)
{
	static uint64_t stored[MAX_ROWS];
	uint64_t centers[200], asked;
	unsigned distances[] = { 0, 3, 6, 10, 14, 21 }, expect, i, d;
	uint32_t n, q;
	uint8_t photo[32];

	(void)state;
	assert_int_equal(sqlite3_exec(db, "DELETE FROM photo_dhash", NULL, NULL, NULL), SQLITE_OK);
	for (i = 0; i < 200; i++)
		centers[i] = next_random();
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	for (n = 0; n < MAX_ROWS; n++) {
		stored[n] = n % 2 ? next_random()
				  : flip_random(centers[n % 200], (unsigned)(next_random() % 13));
		add(n, stored[n]);
	}
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	for (q = 0; q < 240; q++) {
		if (q == 120)
			assert_int_equal(hub_photo_index_cache_begin(db), HUB_OK);
		if (q % 3 == 0)
			asked = flip_random(centers[next_random() % 200], (unsigned)(next_random() % 12));
		else if (q % 3 == 1)
			asked = flip_random(stored[next_random() % MAX_ROWS],
					    (unsigned)(next_random() % 8));
		else
			asked = next_random();
		d = distances[q % (sizeof(distances) / sizeof(distances[0]))];
		photo_of(q * 83 % MAX_ROWS, photo); /* the one photo left out */
		near(photo, asked, d);
		for (n = 0; n < MAX_ROWS; n++) {
			expect = n != number_of(photo) &&
				 (unsigned)__builtin_popcountll(stored[n] ^ asked) <= d;
			if (seen[n] != expect)
				fail_msg("query %u (distance %u): photo %u reported %u times, brute force says %u",
					 q, d, n, seen[n], expect);
		}
	}
	hub_photo_index_cache_end();
}

static void test_bad_input_refused(void **state)
{
	uint8_t photo[32] = { 0 };
	proto_id household = { 1, 1 };
	int calls = 0;

	(void)state;
	assert_int_equal(hub_photo_index_install(NULL), HUB_REFUSED);
	assert_int_equal(hub_photo_index_add(NULL, photo, household, 0), HUB_REFUSED);
	assert_int_equal(hub_photo_index_add(db, NULL, household, 0), HUB_REFUSED);
	assert_int_equal(hub_photo_index_near(NULL, NULL, 0, 10, stop_cb, &calls), HUB_REFUSED);
	assert_int_equal(hub_photo_index_near(db, NULL, 0, 10, NULL, NULL), HUB_REFUSED);
	assert_int_equal(hub_photo_index_near(db, NULL, 0, 64, stop_cb, &calls), HUB_REFUSED);
	assert_int_equal(hub_photo_index_near(db, NULL, 0, 1000, stop_cb, &calls), HUB_REFUSED);
	assert_int_equal(hub_photo_index_cache_begin(NULL), HUB_REFUSED);
	assert_int_equal(calls, 0);
	/* a row whose bands disagree with its hash is refused by the table */
	assert_int_not_equal(sqlite3_exec(db,
					  "INSERT INTO photo_dhash(photo, household_origin, household_serial,"
					  " dhash, band0, band1, band2, band3)"
					  " VALUES (zeroblob(32), 1, 1, 65536, 0, 0, 0, 0)",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	/* installing again keeps what is there */
	assert_int_equal(hub_photo_index_install(db), HUB_OK);
}

/* A database that fails says so: the table is gone. */
static void test_database_failure(void **state)
{
	uint8_t photo[32] = { 0 };
	proto_id household = { 1, 1 };
	int calls = 0;

	(void)state;
	assert_int_equal(sqlite3_exec(db, "DROP TABLE photo_dhash", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(hub_photo_index_add(db, photo, household, 0), HUB_EDB);
	assert_int_equal(hub_photo_index_near(db, NULL, 0, 10, stop_cb, &calls), HUB_EDB);
	assert_true(sqlite3_get_autocommit(db)); /* its own transaction is gone */
	assert_int_equal(hub_photo_index_install(db), HUB_OK);
}

TEST_MAIN_WITH(setup, teardown, cmocka_unit_test(test_exact_boundary),
	       cmocka_unit_test(test_every_band_position), cmocka_unit_test(test_same_photo_left_out),
	       cmocka_unit_test(test_many_near_once_each), cmocka_unit_test(test_stop_and_nested),
	       cmocka_unit_test(test_matches_brute_force), cmocka_unit_test(test_bad_input_refused),
	       cmocka_unit_test(test_database_failure))

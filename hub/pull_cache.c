/*
 * pull_cache.c - ledger rows the pull thread has opened, kept decoded. On a
 * sync night every laptop of a commune pulls the same rows of its commune
 * (about nine laptops each in Sóc Trăng), and opening a row (hash, inflate,
 * decode) was a quarter of the pull thread's time under bench_sync.
 *
 * Direct-mapped on the ledger id: a night's pulls read the newest rows, and
 * the newest HUB_PULL_CACHE_SLOTS ids each have their own slot. An entry
 * is used only while the row's stored hash is still the one it was opened
 * with. Only the pull thread touches its cache (no lock). Rows whose body
 * is larger than HUB_PULL_CACHE_MAX_BODY, or whose decoded texts are larger
 * than HUB_PULL_CACHE_MAX_TEXT, are opened each time (a laptop's nightly
 * change-set is a few KiB): the body alone does not bound the memory, since
 * the column dictionary lets 8 KiB of body name megabytes of repeated text.
 * The cache also remembers the last rows a pull had to pass over, so each
 * is recorded for the operator once, not at every pull.
 *
 * A pull answer shares the records of the rows it relays instead of copying
 * them (proto_changeset_add_shared), so a slot an answer uses is pinned
 * until the next answer starts (hub_pull_cache_pin): an answer's rows are
 * up to HUB_PULL_MAX_ROWS ids of one area, which may span more than
 * HUB_PULL_CACHE_SLOTS ids of the ledger, and a later row of the same answer
 * must not free an earlier one's records under it. Such a row is opened
 * into the caller's scratch instead.
 */
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "log.h"
#include "store.h"
#include "server.h"

#define HUB_PULL_CACHE_SLOTS 4096
#define HUB_PULL_CACHE_MAX_BODY (8u << 10)
#define HUB_PULL_CACHE_MAX_TEXT (64u << 10) /* 4096 slots: 256 MiB of text at most */
#define HUB_PULL_CACHE_SKIPS 64
/* Two ways a set, the last used first: direct mapped at 65,536 slots, the
 * 60,000 households of a campaign (each night's working set) collided for
 * about 60 % of them (1 - e^-0.92), and the laptops of a commune, pulling in
 * turn, evicted each other's. 2 x 131,072 slots of 24 bytes: 6 MiB. */
#define HUB_PULL_CACHE_HOME_SETS (1u << 17)

typedef struct slot {
	int64_t id;   /* 0: empty */
	uint32_t pin; /* == the cache's pin: the current answer shares it */
	uint8_t hash[32];
	proto_changeset cs;
} slot;

/* a household's commune; serial 0 (no household has it): empty */
typedef struct home {
	uint64_t origin, serial;
	int64_t commune;
} home;

struct hub_pull_cache {
	slot slots[HUB_PULL_CACHE_SLOTS];
	home homes[HUB_PULL_CACHE_HOME_SETS][2];
	unsigned long long home_hits, home_misses;
	int64_t move_mark; /* HUB_META_COMMUNE_CHANGED when homes[] was read */
	unsigned long long hits, misses, pinned;
	uint32_t pin; /* the current answer's; starts at 1, so 0 is never pinned */
	int64_t skipped[HUB_PULL_CACHE_SKIPS]; /* a ring of ledger ids */
	size_t nskipped;
};

static uint64_t text_bytes(const proto_changeset *cs)
{
	uint64_t n = 0;

	for (size_t i = 0; i < cs->nrecords; i++)
		for (size_t k = 0; k < cs->records[i].nfields; k++)
			if (cs->records[i].fields[k].value.type == PROTO_V_TEXT)
				n += cs->records[i].fields[k].value.len;
	return n;
}

int hub_pull_cache_note_skip(hub_pull_cache *c, int64_t id)
{
	size_t i;

	if (!c)
		return 1;
	for (i = 0; i < HUB_PULL_CACHE_SKIPS; i++)
		if (c->skipped[i] == id)
			return 0;
	c->skipped[c->nskipped++ % HUB_PULL_CACHE_SKIPS] = id;
	return 1;
}

static home *home_set(hub_pull_cache *c, proto_id id)
{
	uint64_t h = (id.origin ^ (id.serial * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;

	return c->homes[(h >> 32) % HUB_PULL_CACHE_HOME_SETS];
}

void hub_pull_cache_moves(hub_pull_cache *c, int64_t move_mark)
{
	if (!c || c->move_mark == move_mark)
		return;
	memset(c->homes, 0, sizeof(c->homes));
	c->move_mark = move_mark;
}

int hub_pull_cache_commune(hub_pull_cache *c, proto_id id, int64_t *commune)
{
	home *set, first;

	if (!c || id.serial == 0)
		return 0;
	set = home_set(c, id);
	if (set[0].serial == id.serial && set[0].origin == id.origin) {
		c->home_hits++;
		*commune = set[0].commune;
		return 1;
	}
	if (set[1].serial != id.serial || set[1].origin != id.origin) {
		c->home_misses++;
		return 0;
	}
	c->home_hits++;
	/* the last used goes first: the other is the one to give up next */
	first = set[0];
	set[0] = set[1];
	set[1] = first;
	*commune = set[0].commune;
	return 1;
}

void hub_pull_cache_commune_put(hub_pull_cache *c, proto_id id, int64_t commune)
{
	home *set;

	if (!c || id.serial == 0)
		return;
	set = home_set(c, id);
	if (set[0].serial != id.serial || set[0].origin != id.origin)
		set[1] = set[0]; /* the least recently used way is given up */
	set[0].origin = id.origin;
	set[0].serial = id.serial;
	set[0].commune = commune;
}

hub_pull_cache *hub_pull_cache_new(void)
{
	hub_pull_cache *c = proto_calloc(1, sizeof(hub_pull_cache));

	if (c)
		c->pin = 1;
	return c;
}

void hub_pull_cache_pin(hub_pull_cache *c)
{
	if (!c || ++c->pin != 0)
		return;
	/* wrapped: no slot may stay pinned by a number used again */
	for (size_t i = 0; i < HUB_PULL_CACHE_SLOTS; i++)
		c->slots[i].pin = 0;
	c->pin = 1;
}

void hub_pull_cache_free(hub_pull_cache *c)
{
	hub_log_line l;
	size_t i;

	if (!c)
		return;
	/* the hit rates, for whoever tunes the sizes above (bench_campaign) */
	if (hub_log_wants(HUB_LOG_INFO)) {
		hub_log_begin(&l, HUB_LOG_INFO, "pull_cache");
		hub_log_int(&l, "rows_opened", (long long)c->misses);
		hub_log_int(&l, "rows_cached", (long long)c->hits);
		hub_log_int(&l, "rows_pinned", (long long)c->pinned);
		hub_log_int(&l, "communes_read", (long long)c->home_misses);
		hub_log_int(&l, "communes_cached", (long long)c->home_hits);
		hub_log_end(&l);
	}
	for (i = 0; i < HUB_PULL_CACHE_SLOTS; i++)
		if (c->slots[i].id)
			proto_changeset_release(&c->slots[i].cs);
	free(c);
}

proto_result hub_pull_cache_open(hub_pull_cache *c, const hub_ledger_row *row,
				 const proto_changeset **cs, proto_changeset *scratch)
{
	slot *s;
	proto_result r;

	memset(scratch, 0, sizeof(*scratch));
	if (row->hash_len != 32)
		return PROTO_EHASH;
	s = c ? &c->slots[(uint64_t)row->id % HUB_PULL_CACHE_SLOTS] : NULL;
	if (s && s->id == row->id && memcmp(s->hash, row->hash, 32) == 0) {
		c->hits++;
		s->pin = c->pin;
		*cs = &s->cs;
		return PROTO_OK;
	}
	r = proto_open_stored(row->sealed, row->len, row->hash, scratch);
	if (c)
		c->misses++;
	if (s && s->id && s->pin == c->pin) { /* the answer shares its records */
		c->pinned++;
		s = NULL;
	}
	if (r != PROTO_OK || !s || scratch->hdr.body_len > HUB_PULL_CACHE_MAX_BODY ||
	    text_bytes(scratch) > HUB_PULL_CACHE_MAX_TEXT) {
		*cs = scratch;
		return r;
	}
	if (s->id)
		proto_changeset_release(&s->cs);
	s->id = row->id;
	memcpy(s->hash, row->hash, 32);
	s->pin = c->pin;
	s->cs = *scratch; /* the slot owns the records now */
	memset(scratch, 0, sizeof(*scratch));
	*cs = &s->cs;
	return PROTO_OK;
}

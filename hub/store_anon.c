/*
 * store_anon.c - what the door needs from the database: refusals
 * of anonymous requests counted per code per hour (hub_anon_refusal) instead
 * of a durable hub_rejection row each, and the set of revoked agent keys
 * for the TLS verify callback. (The read-only look at a token that lets junk
 * enrolments be refused off the writer thread, hub_token_peek, is in
 * store_agent.c beside hub_token_consume.)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"

#define ANON_CODES 64 /* distinct (hour, code) pairs between two flushes */

typedef struct anon_count {
	char code[32];
	int64_t hour;
	int64_t n;
} anon_count;

static pthread_mutex_t anon_lock = PTHREAD_MUTEX_INITIALIZER;
static anon_count anon[ANON_CODES];
static int nanon;

static void add_locked(const char *code, int64_t hour, int64_t n)
{
	int i;

	for (i = 0; i < nanon; i++)
		if (anon[i].hour == hour && strcmp(anon[i].code, code) == 0)
			break;
	if (i == nanon) {
		if (nanon == ANON_CODES) /* cannot happen with our dozen codes: keep the total */
			i = ANON_CODES - 1, code = "other";
		else
			nanon++;
		/* codes are our own short literals; cut, never overrun, any other */
		size_t len = strnlen(code, sizeof(anon[i].code) - 1);
		memcpy(anon[i].code, code, len);
		anon[i].code[len] = '\0';
		anon[i].hour = hour;
	}
	anon[i].n += n;
}

void hub_anon_count(const char *code)
{
	pthread_mutex_lock(&anon_lock);
	add_locked(code, (int64_t)(proto_wall_ms() / 3600000u), 1);
	pthread_mutex_unlock(&anon_lock);
}

int hub_anon_pending(void)
{
	int n;

	pthread_mutex_lock(&anon_lock);
	n = nanon;
	pthread_mutex_unlock(&anon_lock);
	return n;
}

hub_result hub_anon_flush(sqlite3 *db)
{
	anon_count taken[ANON_CODES];
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;
	int n, i;

	pthread_mutex_lock(&anon_lock);
	n = nanon;
	memcpy(taken, anon, sizeof(anon_count) * (size_t)n);
	memset(anon, 0, sizeof(anon));
	nanon = 0;
	pthread_mutex_unlock(&anon_lock);
	if (n == 0)
		return HUB_OK;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO hub_anon_refusal(hour, code, n) VALUES (?, ?, ?)"
			       " ON CONFLICT(hour, code) DO UPDATE SET n = n + excluded.n",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, taken[i].hour);
		sqlite3_bind_text(st, 2, taken[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, taken[i].n);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_reset(st);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = HUB_OK;
out:
	sqlite3_finalize(st);
	if (rc != HUB_OK) {
		/* keep the counts for the next flush */
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		pthread_mutex_lock(&anon_lock);
		for (i = 0; i < n; i++)
			add_locked(taken[i].code, taken[i].hour, taken[i].n);
		pthread_mutex_unlock(&anon_lock);
	}
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

bool hub_idset_has(const hub_idset *s, uint64_t id)
{
	return s && s->n && bsearch(&id, s->ids, s->n, sizeof(id), cmp_u64) != NULL;
}

void hub_idset_release(hub_idset *s)
{
	free(s->ids);
	s->ids = NULL;
	s->n = 0;
}

hub_result hub_revoked_load(sqlite3 *db, hub_idset *s)
{
	sqlite3_stmt *st = NULL;
	uint64_t *ids = NULL;
	size_t n = 0, cap = 0;
	hub_result rc = HUB_EDB;
	int step;

	if (sqlite3_prepare_v2(db, "SELECT id FROM hub_agent WHERE revoked IS NOT NULL", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			uint64_t *grown = realloc(ids, ncap * sizeof(*ids));
			if (!grown) {
				rc = HUB_ENOMEM;
				goto out;
			}
			ids = grown;
			cap = ncap;
		}
		ids[n++] = proto_i2u(sqlite3_column_int64(st, 0));
	}
	if (step != SQLITE_DONE)
		goto out;
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_u64);
	hub_idset_release(s);
	s->ids = ids;
	s->n = n;
	ids = NULL;
	rc = HUB_OK;
out:
	sqlite3_finalize(st);
	free(ids);
	return rc;
}

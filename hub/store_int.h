/*
 * store_int.h - what the store files share (store.c, store_chain.c): the
 * statement cache. Not for the rest of the hub: SQL stays in store*.c.
 */
#ifndef HUB_STORE_INT_H
#define HUB_STORE_INT_H

#include <sqlite3.h>

/* A statement for sql (a literal: its address keys the cache); give it back
 * with hub_store_unprep (reset if cached, else finalized). NULL on error. */
sqlite3_stmt *hub_store_prep(sqlite3 *db, const char *sql);
void hub_store_unprep(sqlite3_stmt *st);

#endif

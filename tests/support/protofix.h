/*
 * protofix.h - fixtures shared by the proto tests that work on real files
 * (test_merge, test_schema, test_keys): a scratch directory per test, paths
 * and fresh stores in it, and one-value queries that fail the test on bad SQL.
 * Include after <cmocka.h>.
 */
#ifndef MAIAM_PROTOFIX_H
#define MAIAM_PROTOFIX_H

#include <stddef.h>
#include <sqlite3.h>

/* Owned by the fixture: setup allocates it, teardown frees it and the dir. */
struct protofix {
	char *dir;       /* a fresh directory under $TMPDIR, removed by teardown */
	char path[4200]; /* dir/store.db, for a test that opens one store itself */
	char file[4200]; /* the last path protofix_file made */
	int ndb;         /* stores protofix_db made so far */
};

/* cmocka group setup/teardown: *state is a struct protofix. */
int protofix_setup(void **state);
int protofix_teardown(void **state);
/* A test function run between them. */
#define PROTOFIX_TEST(fn) cmocka_unit_test_setup_teardown(fn, protofix_setup, protofix_teardown)

/* dir/name, in f->file: valid until the next call. */
const char *protofix_file(struct protofix *f, const char *name);

/* A fresh store (proto_db_open) named dir/storeN.db; the caller closes it. */
sqlite3 *protofix_db(struct protofix *f);

/* The first column of the first row as an integer, -1 when there is no row. */
long long protofix_query_int(sqlite3 *db, const char *sql);
/* The same as text copied into out ("" for no row or NULL). */
void protofix_query_text(sqlite3 *db, const char *sql, char *out, size_t n);

#endif

/*
 * protofix.c - the proto tests' shared fixtures (protofix.h): scratch
 * directories, paths and fresh stores in them, one-value queries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "maiam/schema.h"
#include "protofix.h"
#include "testutil.h"

int protofix_setup(void **state)
{
	struct protofix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = test_mkdtemp();
	if (!f->dir) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
	*state = f;
	return 0;
}

int protofix_teardown(void **state)
{
	struct protofix *f = *state;

	test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

const char *protofix_file(struct protofix *f, const char *name)
{
	snprintf(f->file, sizeof(f->file), "%s/%s", f->dir, name);
	return f->file;
}

sqlite3 *protofix_db(struct protofix *f)
{
	char path[4300];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/store%d.db", f->dir, f->ndb++);
	assert_int_equal(proto_db_open(path, &db), PROTO_OK);
	return db;
}

long long protofix_query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

void protofix_query_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

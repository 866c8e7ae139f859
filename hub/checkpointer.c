/*
 * checkpointer.c - WAL checkpoints of the serve process on their own thread
 * and connection. With SQLite's automatic checkpoint the writer, after a
 * commit that left 1,000 pages in the WAL, copied them into hub.db and
 * fsynced it before it could take the next group of pushes: 6 % of its time
 * under bench_sync, and the fsync on top. Here the writer's connection only
 * reports the WAL size after each commit (sqlite3_wal_hook, which replaces
 * the automatic checkpoint) and this thread runs PASSIVE checkpoints, which
 * never wait for the writer nor make it wait.
 */
#include <pthread.h>
#include <stdlib.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "ctx.h"
#include "server.h"
#include "thread.h"

#define CHECKPOINT_PAGES 1000 /* SQLite's own default threshold */

struct hub_checkpointer {
	sqlite3 *db;
	hub_thread t;
	int due;
};

static void *checkpointer_main(void *arg)
{
	hub_checkpointer *c = arg;

#ifdef __linux__
	prctl(PR_SET_NAME, "hub-checkpoint", 0, 0, 0);
#endif
	pthread_mutex_lock(&c->t.lock);
	for (;;) {
		while (!c->due && !c->t.stopping)
			pthread_cond_wait(&c->t.wake, &c->t.lock);
		if (!c->due)
			break;
		c->due = 0;
		pthread_mutex_unlock(&c->t.lock);
		/* busy (another checkpoint, a reader on the first frame) is fine:
		 * the next commit asks again */
		sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&c->t.lock);
	}
	pthread_mutex_unlock(&c->t.lock);
	return NULL;
}

/* Runs in the writer thread, inside each commit. */
static int on_wal(void *arg, sqlite3 *db, const char *schema, int pages)
{
	hub_checkpointer *c = arg;

	(void)db, (void)schema;
	if (pages >= CHECKPOINT_PAGES) {
		pthread_mutex_lock(&c->t.lock);
		c->due = 1;
		pthread_cond_signal(&c->t.wake);
		pthread_mutex_unlock(&c->t.lock);
	}
	return SQLITE_OK;
}

hub_checkpointer *hub_checkpointer_start(hub_ctx *ctx)
{
	hub_checkpointer *c = proto_calloc(1, sizeof(*c));
	char path[PATH_MAX];

	if (!c)
		return NULL;
	if (hub_path(ctx, HUB_DB_FILE, path, sizeof(path)) ||
	    sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(c->db, 10000) != SQLITE_OK ||
	    /* a connection learns the file is in WAL mode on its first read;
	     * until then a checkpoint is a no-op that reports success */
	    sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (hub_thread_start(&c->t, checkpointer_main, c) != HUB_OK)
		goto fail;
	return c;
fail:
	sqlite3_close(c->db);
	free(c);
	return NULL;
}

void hub_checkpointer_attach(hub_checkpointer *c, sqlite3 *writer_db)
{
	sqlite3_wal_hook(writer_db, on_wal, c);
}

void hub_checkpointer_stop(hub_checkpointer *c, sqlite3 *writer_db)
{
	if (!c)
		return;
	/* the writer connection checkpoints for itself again */
	if (writer_db)
		sqlite3_wal_autocheckpoint(writer_db, CHECKPOINT_PAGES);
	hub_thread_stop(&c->t);
	sqlite3_close(c->db);
	free(c);
}

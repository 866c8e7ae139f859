/*
 * worker.c - the serve worker threads: the single SQLite writer, the reader
 * that answers pulls on its own read-only connection (WAL lets it read a
 * snapshot while the writer commits, so pushes never wait for pulls), and
 * the opener that verifies and decodes pushes ahead of the writer on another
 * read-only connection, so the one thread that cannot be multiplied only
 * merges. The event loop only moves bytes. A job with a 'then' goes on to
 * that worker instead of back to the loop. Jobs go in through a mutex-guarded queue;
 * finished jobs come back on a second queue and the loop is woken with the
 * caller's thread-safe 'done' callback.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "ctx.h"
#include "store.h"
#include "ingest.h"
#include "json.h"
#include "server.h"
#include "thread.h"
#include "i18n.h"
#include "log.h"
#include "metrics.h"

#define HUB_BATCH_MAX 256 /* pushes per group commit */

struct hub_worker {
	hub_ctx *ctx; /* &own */
	/* this thread's copy of the context, taken before the thread starts: the
	 * writer sets its merger here, never in the shared context that the loop
	 * and the other threads read (ThreadSanitizer saw the copy race it).
	 * Reader, opener: with a read-only connection of their own. */
	hub_ctx own;
	int read_only; /* reader or opener: read-only, no merger, no batches */
	const char *name;
	hub_thread t;
	hub_job *head, *tail; /* waiting */
	hub_job *done_head, *done_tail;
	size_t pending; /* waiting + running */
	hub_worker_done_fn done;
	void *done_arg;
	unsigned long long pushes, commits; /* for the log line at stop */
};

void hub_job_free(hub_job *job)
{
	if (!job)
		return;
	free(job->body);
	hub_opened_free(job->opened);
	proto_buf_release(&job->resp);
	free(job);
}

void hub_job_header(hub_job *job, const char *name, const char *value)
{
	int i;
	for (i = 0; i < HUB_JOB_HEADERS; i++) {
		if (!job->hname[i][0]) {
			snprintf(job->hname[i], sizeof(job->hname[i]), "%s", name);
			snprintf(job->hval[i], sizeof(job->hval[i]), "%s", value);
			return;
		}
	}
}

void hub_job_error(hub_job *job, int status, const char *code, const char *message)
{
	job->status = status;
	job->ctype = "application/json";
	job->code = code;
	proto_buf_reset(&job->resp);
	if (hub_json_error(&job->resp, code, message)) {
		proto_buf_reset(&job->resp);
		proto_buf_append_str(&job->resp, "{\"error\": \"internal\"}\n");
	}
}

/* Append a chain of jobs (linked by next) to w's queue at once. */
static void submit_list(hub_worker *w, hub_job *head, hub_job *tail, size_t n)
{
	pthread_mutex_lock(&w->t.lock);
	if (w->tail)
		w->tail->next = head;
	else
		w->head = head;
	w->tail = tail;
	w->pending += n;
	pthread_cond_signal(&w->t.wake);
	pthread_mutex_unlock(&w->t.lock);
}

static void *worker_main(void *arg)
{
	hub_worker *w = arg;
	hub_job *fwd_head = NULL, *fwd_tail = NULL;
	hub_worker *fwd_to = NULL;
	size_t fwd_n = 0, gone, answered;
	int flush;

#ifdef __linux__
	/* named for 'top -H' and bench_sync's CPU account */
	prctl(PR_SET_NAME, w->name, 0, 0, 0);
#endif
	/* the thread's connection keeps its statements for the thread's life;
	 * without a merger (out of memory) pushes fall back to proto_merge */
	hub_store_cache_begin(w->ctx->db);
	/* savepoint journals in memory (a writer's), a 64 MiB page cache (store.h) */
	if (!w->read_only)
		sqlite3_exec(w->ctx->db, HUB_SERVE_TEMP_SQL, NULL, NULL, NULL);
	sqlite3_exec(w->ctx->db, HUB_SERVE_CACHE_SQL, NULL, NULL, NULL);
	if (!w->read_only && proto_merger_new(w->ctx->db, &w->ctx->merger) != PROTO_OK)
		w->ctx->merger = NULL;
	pthread_mutex_lock(&w->t.lock);
	for (;;) {
		hub_job *batch[HUB_BATCH_MAX];
		size_t n = 0, i;

		while (!w->head && !w->t.stopping)
			pthread_cond_wait(&w->t.wake, &w->t.lock);
		if (!w->head)
			break; /* stopping and drained */
		/* one job, or every push waiting at the head of the queue (up to
		 * HUB_BATCH_MAX): they share one transaction and one fsync */
		do {
			hub_job *job = w->head;
			w->head = job->next;
			job->next = NULL;
			batch[n++] = job;
		} while (!w->read_only && batch[0]->run == hub_route_push && w->head &&
			 w->head->run == hub_route_push && n < HUB_BATCH_MAX);
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->t.lock);

		if (n > 1)
			hub_route_push_batch(w->ctx, batch, n);
		else
			batch[0]->run(w->ctx, batch[0]);
		if (!w->read_only && batch[0]->run == hub_route_push) {
			hub_metrics_group(n);
			w->pushes += n;
			w->commits++;
		}

		/* jobs for a next stage wait here while more work is queued behind
		 * them and the next stage is busy, then go on together: the writer
		 * merges them in one group commit (handed on one by one, its
		 * batches fell from ~78 pushes to ~3). They count here until handed
		 * on, and are counted there first, so a draining server never sees
		 * them nowhere. */
		answered = 0;
		for (i = 0; i < n; i++) {
			if (batch[i]->then) {
				fwd_to = batch[i]->then;
				batch[i]->then = NULL;
				batch[i]->next = NULL;
				if (fwd_tail)
					fwd_tail->next = batch[i];
				else
					fwd_head = batch[i];
				fwd_tail = batch[i];
				fwd_n++;
				batch[i] = NULL;
			} else {
				answered++;
			}
		}
		pthread_mutex_lock(&w->t.lock);
		flush = fwd_n > 0 && (!w->head || fwd_n >= HUB_BATCH_MAX);
		pthread_mutex_unlock(&w->t.lock);
		/* ... or at once when the next stage has nothing to do */
		if (fwd_n > 0 && !flush)
			flush = hub_worker_pending(fwd_to) == 0;
		gone = answered;
		if (flush) {
			submit_list(fwd_to, fwd_head, fwd_tail, fwd_n);
			gone += fwd_n;
			fwd_head = fwd_tail = NULL;
			fwd_n = 0;
		}
		pthread_mutex_lock(&w->t.lock);
		for (i = 0; i < n; i++) {
			if (!batch[i])
				continue;
			if (w->done_tail)
				w->done_tail->next = batch[i];
			else
				w->done_head = batch[i];
			w->done_tail = batch[i];
		}
		w->pending -= gone;
		pthread_mutex_unlock(&w->t.lock);
		if (answered)
			w->done(w->done_arg);
		pthread_mutex_lock(&w->t.lock);
	}
	pthread_mutex_unlock(&w->t.lock);
	if (w->pushes) {
		hub_log_line l;
		hub_log_begin(&l, HUB_LOG_INFO, "writer_stopped");
		hub_log_int(&l, "pushes", (long long)w->pushes);
		hub_log_int(&l, "group_commits", (long long)w->commits);
		hub_log_end(&l);
	}
	if (!w->read_only) {
		proto_merger_free(w->ctx->merger);
		w->ctx->merger = NULL;
	}
	hub_pull_cache_free(w->ctx->pull_cache); /* the reader's, if it made one */
	w->ctx->pull_cache = NULL;
	hub_store_cache_end();
	return NULL;
}

static hub_worker *start(hub_ctx *ctx, int reader, const char *name, hub_worker_done_fn done, void *arg)
{
	hub_worker *w;
	char path[PATH_MAX];

	/* every worker reads the one configuration hub_open made */
	assert(ctx && ctx->cfg && ctx->db && done);
	w = proto_calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->read_only = reader;
	w->name = name;
	w->own = *ctx;
	w->own.merger = NULL;
	w->own.pull_cache = NULL;
	w->own.owned = NULL; /* the configuration stays the opener's */
	w->ctx = &w->own;
	if (reader) {
		w->own.db = NULL;
		if (hub_path(ctx, HUB_DB_FILE, path, sizeof(path)) ||
		    sqlite3_open_v2(path, &w->own.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
		    sqlite3_busy_timeout(w->own.db, 10000) != SQLITE_OK)
			goto fail;
	}
	w->done = done;
	w->done_arg = arg;
	if (hub_thread_start(&w->t, worker_main, w) != HUB_OK)
		goto fail;
	return w;
fail:
	if (reader)
		sqlite3_close(w->own.db);
	free(w);
	return NULL;
}

hub_worker *hub_worker_start_writer(hub_ctx *ctx, hub_worker_done_fn done, void *arg)
{
	return start(ctx, 0, "hub-writer", done, arg);
}

hub_worker *hub_worker_start_reader(hub_ctx *ctx, hub_worker_done_fn done, void *arg)
{
	return start(ctx, 1, "hub-reader", done, arg);
}

hub_worker *hub_worker_start_opener(hub_ctx *ctx, hub_worker_done_fn done, void *arg)
{
	return start(ctx, 1, "hub-opener", done, arg);
}

void hub_worker_submit(hub_worker *w, hub_job *job)
{
	assert(w && job && job->run);
	job->next = NULL;
	submit_list(w, job, job, 1);
}

hub_job *hub_worker_take_done(hub_worker *w)
{
	hub_job *list;

	pthread_mutex_lock(&w->t.lock);
	list = w->done_head;
	w->done_head = w->done_tail = NULL;
	pthread_mutex_unlock(&w->t.lock);
	return list;
}

size_t hub_worker_pending(hub_worker *w)
{
	size_t n;

	pthread_mutex_lock(&w->t.lock);
	n = w->pending;
	pthread_mutex_unlock(&w->t.lock);
	return n;
}

void hub_worker_stop(hub_worker *w)
{
	hub_job *job;

	if (!w)
		return;
	hub_thread_stop(&w->t);
	/* answers nobody will read any more: the loop has stopped */
	job = w->done_head;
	while (job) {
		hub_job *next = job->next;
		hub_job_free(job);
		job = next;
	}
	if (w->read_only) /* the writer's connection is the caller's */
		sqlite3_close(w->own.db);
	free(w);
}

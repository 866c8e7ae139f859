/*
 * server.h - serve: the jobs the event loop hands to the worker threads,
 * the routes that run in them, the workers, the checkpointer, the limits at
 * the door and the server itself.
 */
#ifndef HUB_SERVER_H
#define HUB_SERVER_H

#include "ctx.h"
#include "ingest.h"
#include "store.h"

typedef struct hub_job hub_job;
typedef void (*hub_route_fn)(hub_ctx *ctx, hub_job *job);

struct hub_job {
	hub_route_fn run;
	void *req;     /* struct evhttp_request *, only touched on the loop */
	uint64_t peer; /* key id from the client certificate, 0 if none */
	uint8_t *body;
	size_t len;
	char query[256];
	int reads;      /* Maiam-Reads: the highest format version the laptop reads (1 without it) */
	char epoch[17]; /* Maiam-Epoch: the ledger epoch of the laptop's cursor ("" without it; epoch.h) */
	/* a photo upload (route_photos.c): the path's last part and Content-Range */
	char target[72];
	char range[80];
	size_t declared; /* a body cut short (hub_route_photo_cut): its Content-Length */
	/* filled by the route in the writer thread */
	int status;
	const char *ctype;
	const char *code; /* a push's answer code, a literal (/metrics); NULL none */
	proto_buf resp;
#define HUB_JOB_HEADERS 4 /* answer headers a route may add (hub_job_header) */
	char hname[HUB_JOB_HEADERS][24];
	char hval[HUB_JOB_HEADERS][64];
	/* a push: what the opening thread found, then the writer that merges it */
	hub_opened *opened;
	struct hub_worker *then;
	hub_job *next;
};

/* Set a JSON error response on a job. */
void hub_job_error(hub_job *job, int status, const char *code, const char *message);
void hub_job_header(hub_job *job, const char *name, const char *value);

void hub_route_enroll(hub_ctx *ctx, hub_job *job);
void hub_route_push(hub_ctx *ctx, hub_job *job);
/* Several queued pushes in one transaction (group commit), each answered
 * only after the COMMIT; jobs[] all have run == hub_route_push. */
void hub_route_push_batch(hub_ctx *ctx, hub_job **jobs, size_t n);
void hub_route_pull(hub_ctx *ctx, hub_job *job);
/* One pull answer for agent after cursor 'after' (route_pull.c), also what
 * 'export --for' puts in an update file: the sealed change-set in out
 * (empty when nothing is new), the cursor it reaches and whether more
 * follows. HUB_OK, HUB_EDB or HUB_ENOMEM. */
struct hub_agent;
hub_result hub_pull_answer(hub_ctx *ctx, const struct hub_agent *agent, int64_t after, proto_buf *out,
			   int64_t *cursor, int *more);
/* GET /v1/feedback (route_pull.c): what the agent's field worker must look
 * at, as JSON (docs/PROTOCOL.md); hub_feedback_answer is also what 'export
 * --for' puts in an update file. HUB_OK, HUB_EDB or HUB_ENOMEM. */
void hub_route_feedback(hub_ctx *ctx, hub_job *job);
hub_result hub_feedback_answer(hub_ctx *ctx, const struct hub_agent *agent, proto_buf *out);
/* route_photos.c (docs/PROTOCOL.md, "Photos"): POST /v1/photos/want,
 * PUT and HEAD /v1/photos/<sha256>. */
void hub_route_photo_want(hub_ctx *ctx, hub_job *job);
void hub_route_photo_put(hub_ctx *ctx, hub_job *job);
void hub_route_photo_head(hub_ctx *ctx, hub_job *job);
/* A PUT whose connection ended during its body: the job has what came of
 * it (len of declared bytes), kept as a whole range would be; no answer. */
void hub_route_photo_cut(hub_ctx *ctx, hub_job *job);
/* The opening stage of a push (hub_ingest_open), on a read-only connection. */
void hub_route_open(hub_ctx *ctx, hub_job *job);

/* worker.c: the serve threads. One type, hub_worker, for the three of them:
 * the writer (the one read-write connection), the reader (pulls) and the
 * opener (push checks), the latter two on read-only connections of their own. */
typedef struct hub_worker hub_worker;
typedef void (*hub_worker_done_fn)(void *arg);
/* Start the thread; done(arg) is called from it when a job has finished
 * (it must be thread-safe: it only wakes the event loop). */
hub_worker *hub_worker_start_writer(hub_ctx *ctx, hub_worker_done_fn done, void *arg);
/* The same queue and thread, on a read-only connection of its own: for pulls. */
hub_worker *hub_worker_start_reader(hub_ctx *ctx, hub_worker_done_fn done, void *arg);
/* checkpointer.c: WAL checkpoints on their own thread and connection; attach
 * before the writer starts, stop after it ended (autocheckpoint comes back). */
typedef struct hub_checkpointer hub_checkpointer;
hub_checkpointer *hub_checkpointer_start(hub_ctx *ctx);
void hub_checkpointer_attach(hub_checkpointer *c, sqlite3 *writer_db);
void hub_checkpointer_stop(hub_checkpointer *c, sqlite3 *writer_db); /* NULL c is fine */
/* Another read-only worker: opens pushes (hub_route_open) for the writer. */
hub_worker *hub_worker_start_opener(hub_ctx *ctx, hub_worker_done_fn done, void *arg);
void hub_worker_submit(hub_worker *w, hub_job *job);
/* Finished jobs, in completion order (the caller owns them). */
hub_job *hub_worker_take_done(hub_worker *w);
size_t hub_worker_pending(hub_worker *w);
/* Finish queued jobs, stop and join the thread, free w. */
void hub_worker_stop(hub_worker *w);
void hub_job_free(hub_job *job);

/*
 * pull_cache.c: open a ledger row for a pull (proto_open_stored), or take it
 * from the cache of rows already opened. *cs points into the cache or at
 * scratch; release scratch in any case. c may be NULL (no cache).
 */
typedef struct hub_pull_cache hub_pull_cache;
/*
 * The budget of one pull answer made of several ledger rows (route_pull.c,
 * docs/HUB.md "Pull answers are bounded"): the answer stops before the row
 * that would take it past one of these; a row over them alone is an answer
 * of its own. Each is well under its encoder limit (changeset.h).
 */
#define HUB_PULL_MAX_ROWS 512        /* ledger rows read per pull */
#define HUB_PULL_MAX_RECORDS 20000u  /* records relayed per answer */
#define HUB_PULL_MAX_TEXT (8u << 20) /* decoded text bytes per answer */
#define HUB_PULL_MAX_BODY (8u << 20) /* body bytes per answer (upper bound) */
#define HUB_PULL_MAX_SKIPS 8         /* unrelayable rows passed per pull */
/* zlib level of pull answers: sealed once per laptop and pull, where level 9
 * (a laptop's own change-sets) cost more CPU for no fewer bytes on the
 * campaign's answers (docs/BENCHMARKS.md, bench_campaign, h-reader) */
#define HUB_PULL_DEFLATE_LEVEL 6
hub_pull_cache *hub_pull_cache_new(void);
void hub_pull_cache_free(hub_pull_cache *c);
proto_result hub_pull_cache_open(hub_pull_cache *c, const hub_ledger_row *row,
				 const proto_changeset **cs, proto_changeset *scratch);
/* A new answer starts: slots the last one shared may be reused (see
 * pull_cache.c; records from hub_pull_cache_open stay valid until then). */
void hub_pull_cache_pin(hub_pull_cache *c);
/* A pull passed over ledger row id (it cannot be relayed): 1 the first time
 * this cache hears of it (record it), 0 after (or c NULL: 1). */
int hub_pull_cache_note_skip(hub_pull_cache *c, int64_t id);
/*
 * The communes of households the pulls looked up, kept across pulls: each
 * of a commune's laptops asks about the same households (a quarter of the
 * reader under bench_campaign was those lookups). True while the ledger row
 * that last changed a known household's commune (HUB_META_COMMUNE_CHANGED,
 * written by ingest) is the one they were read under: a pull passes its
 * transaction's mark to hub_pull_cache_moves first, which forgets them all
 * when it moved on. Only households with a commune are kept (one without
 * may get one, which is no change of a known commune). c may be NULL.
 */
void hub_pull_cache_moves(hub_pull_cache *c, int64_t move_mark);
/* 1 and *commune if kept, else 0. */
int hub_pull_cache_commune(hub_pull_cache *c, proto_id id, int64_t *commune);
void hub_pull_cache_commune_put(hub_pull_cache *c, proto_id id, int64_t commune);

/*
 * The limits at the door (docs/HUB.md, "Limits at the door"): settings of
 * serve, defaults from hub_door_defaults. "Anonymous" is a connection without
 * a verified client certificate; per-address limits apply to those only
 * (communes share addresses behind carrier NAT), enrolled laptops are
 * limited per key.
 */
struct hub_door_opts {
	int anon_deadline_s;  /* whole request of an anonymous connection */
	int anon_grace_s;     /* ... after which it must keep up anon_min_rate */
	int anon_min_rate;    /* bytes/s */
	int max_per_addr;     /* anonymous connections per client address */
	int max_per_key;      /* connections per agent key */
	int enroll_per_min;   /* enrolments per client address per minute */
	int max_buffered_mib; /* request bodies held across all connections */
};
void hub_door_defaults(struct hub_door_opts *d);

/* route_enroll.c: the checks that write nothing, on a read-only connection;
 * a refusal is answered there, a pass goes on to hub_route_enroll. */
void hub_route_enroll_check(hub_ctx *ctx, hub_job *job);
/* The writer's job that writes the anonymous counters (hub_anon_flush). */
void hub_route_anon_flush(hub_ctx *ctx, hub_job *job);

/* server.c: the event loop */
struct evhttp_request;
/*
 * Pages served beside the protocol routes, answered at once on the event
 * loop: the operators' dashboard (hub/report), which the command layer
 * hands to the server so that hub_core does not depend on it. claims(path)
 * says whether a path is theirs; handle(req, arg) answers it; stop(arg), if
 * set, ends them: hub_serve calls it once on every way out, after its loop
 * has stopped and before its base is freed (what the pages made on that
 * base goes with them). claims NULL: no pages.
 */
typedef struct hub_pages {
	int (*claims)(const char *path);
	void (*handle)(struct evhttp_request *req, void *arg);
	void (*stop)(void *arg);
	void *arg;
} hub_pages;
typedef struct hub_serve_opts {
	const char *listen; /* "ADDR:PORT" */
	int max_conns;
	int header_deadline_s;
	int idle_timeout_s;
	int drain_s;               /* how long SIGTERM waits for in-flight work */
	struct hub_door_opts door; /* the limits at the door (above) */
	hub_pages pages;           /* borrowed: must outlive hub_serve */
} hub_serve_opts;
/* The operator a dashboard request was answered for (name, "" when none
 * signed in), for its log line; on the loop, before the answer is sent. */
void hub_server_note_operator(struct evhttp_request *req, const char *name);
/* Serve until SIGTERM or SIGINT; says on stderr why it could not start:
 * HUB_REFUSED (a --listen that is not ADDR:PORT), HUB_ENET (cannot listen
 * there), HUB_ECRYPTO (no usable certificate), HUB_ENOMEM. */
hub_result hub_serve(hub_ctx *ctx, const hub_serve_opts *opts);

#endif

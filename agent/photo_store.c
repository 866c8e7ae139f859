/*
 * photo_store.c - the laptop's photo store (photo_store.h): files reduced
 * before anything is recorded, stored content-addressed in the home, the
 * photo records built, and the reads of the shared photo table.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "maiam/fsutil.h"
#include "photo_store.h"
#include "store.h"

void agent_photo_batch_init(agent_photo_batch *b)
{
	memset(b, 0, sizeof *b);
	for (size_t i = 0; i < AGENT_PHOTOS_MAX; i++)
		photo_reduced_init(&b->item[i]);
}

void agent_photo_batch_release(agent_photo_batch *b)
{
	for (size_t i = 0; i < AGENT_PHOTOS_MAX; i++)
		photo_reduced_release(&b->item[i]);
	b->n = 0;
}

int agent_photo_batch_reduce(agent_photo_batch *b, const char *const *files, size_t n)
{
	proto_buf in;
	proto_result r;
	photo_result pr;
	int rc = AGENT_OK;

	if (n > AGENT_PHOTOS_MAX) {
		agent_err(_("%zu photos at once is more than %d; add them in several commands"), n,
			  AGENT_PHOTOS_MAX);
		return AGENT_USAGE;
	}
	/* one byte over the cap tells a file over it from one exactly at it */
	proto_buf_init(&in, (size_t)PHOTO_MAX_INPUT_BYTES + 1);
	for (size_t i = 0; i < n && rc == AGENT_OK; i++) {
		proto_buf_reset(&in);
		r = proto_read_file(files[i], &in);
		if (r == PROTO_ETOOBIG) {
			agent_err(_("'%s': %s; nothing was recorded"), files[i],
				  agent_photo_cause(PHOTO_ETOOBIG));
			rc = AGENT_FAIL;
		} else if (r != PROTO_OK) {
			agent_err(_("cannot read '%s': %s; check the file name; nothing was recorded"),
				  files[i], proto_cause(r));
			rc = AGENT_FAIL;
		} else if ((pr = photo_reduce(in.data, in.len, &b->item[i])) != PHOTO_OK) {
			agent_err(_("'%s': %s; nothing was recorded"), files[i], agent_photo_cause(pr));
			rc = pr == PHOTO_ENOMEM ? AGENT_FAIL : AGENT_USAGE;
		} else {
			proto_hex(b->item[i].sha256, 32, b->hex[i]);
			b->n = i + 1;
		}
	}
	proto_buf_release(&in);
	return rc;
}

int agent_photo_path(const char *home, const char *hex, char *out, size_t n)
{
	int w = snprintf(out, n, "%s/" AGENT_PHOTO_DIR "/%.2s/%s", home, hex, hex);

	return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

/* fsync a folder, so that a name just made in it lasts. */
static proto_result sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc, err;

	if (fd < 0)
		return proto_eio(errno);
	rc = fsync(fd);
	err = errno;
	close(fd);
	return rc == 0 ? PROTO_OK : proto_eio(err);
}

/* dir made if missing, its parent synced when it was. */
static proto_result make_dir(const char *dir, const char *parent)
{
	if (mkdir(dir, 0700) == 0)
		return sync_dir(parent);
	return errno == EEXIST ? PROTO_OK : proto_eio(errno);
}

/* The bytes under their hash; *created when this call wrote the file. */
static proto_result photo_put(const char *home, const char *hex, const uint8_t *bytes, size_t len,
			      int *created)
{
	char photos[AGENT_PATH_MAX], sub[AGENT_PATH_MAX], path[AGENT_PATH_MAX];
	struct stat st;
	proto_result r;

	*created = 0;
	if (snprintf(photos, sizeof photos, "%s/" AGENT_PHOTO_DIR, home) >= (int)sizeof photos ||
	    snprintf(sub, sizeof sub, "%s/%.2s", photos, hex) >= (int)sizeof sub ||
	    agent_photo_path(home, hex, path, sizeof path) != 0)
		return PROTO_ETOOBIG;
	r = make_dir(photos, home);
	if (r == PROTO_OK)
		r = make_dir(sub, photos);
	if (r != PROTO_OK)
		return r;
	/* the same hash is the same bytes: a whole file is kept as it is; one
	 * of another length is not these bytes and is written again */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == len)
		return PROTO_OK;
	r = proto_write_file_atomic(path, bytes, len, 0600);
	if (r == PROTO_OK)
		*created = 1;
	return r;
}

void agent_photo_batch_unstore(agent_ctx *ctx, agent_photo_batch *b)
{
	char path[AGENT_PATH_MAX];

	for (size_t i = 0; i < b->n; i++) {
		if (b->created[i] && agent_photo_path(ctx->home, b->hex[i], path, sizeof path) == 0)
			unlink(path);
		b->created[i] = 0;
	}
}

int agent_photo_batch_store(agent_ctx *ctx, agent_photo_batch *b)
{
	proto_result r = PROTO_OK;
	size_t i;

	for (i = 0; i < b->n && r == PROTO_OK; i++)
		r = photo_put(ctx->home, b->hex[i], b->item[i].jpeg.bytes, b->item[i].jpeg.len,
			      &b->created[i]);
	if (r == PROTO_OK)
		return AGENT_OK;
	agent_photo_batch_unstore(ctx, b);
	agent_err(_("cannot store photo %.8s in '%s/%s': %s; nothing was recorded, free some disk space and try again"),
		  b->hex[i - 1], ctx->home, AGENT_PHOTO_DIR, proto_cause(r));
	return AGENT_FAIL;
}

/* Degrees to the record's 1e-7 degrees, rounded to the nearest. */
static int64_t e7(double degrees)
{
	double v = degrees * 1e7;

	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5); /* at most 1.8e9: fits */
}

proto_result agent_photo_batch_build(agent_ctx *ctx, proto_changeset *cs, agent_photo_batch *b,
				     proto_id target, uint8_t target_kind)
{
	proto_result r = PROTO_OK;

	for (size_t i = 0; i < b->n && r == PROTO_OK; i++) {
		const photo_reduced *p = &b->item[i];
		const photo_evidence *ev = &p->evidence;
		proto_id id = { ctx->key_id, agent_take_serial(ctx) };

		b->id[i] = id;
		r = proto_changeset_begin(cs, PROTO_KIND_PHOTO, id, agent_stamp(ctx), ctx->key_id);
		if (!r)
			r = proto_changeset_add_ref(cs, PROTO_PH_TARGET, 0, target);
		if (!r)
			r = proto_changeset_add_int(cs, PROTO_PH_TARGET_KIND, 0, target_kind);
		if (!r)
			r = proto_changeset_add_text(cs, PROTO_PH_SHA256, 0, b->hex[i], 64);
		if (!r)
			r = proto_changeset_add_int(cs, PROTO_PH_BYTES, 0, (int64_t)p->jpeg.len);
		if (!r)
			r = proto_changeset_add_text(cs, PROTO_PH_TYPE, 0, AGENT_PHOTO_TYPE,
						     strlen(AGENT_PHOTO_TYPE));
		if (!r)
			r = proto_changeset_add_int(cs, PROTO_PH_WIDTH, 0, p->jpeg.width);
		if (!r)
			r = proto_changeset_add_int(cs, PROTO_PH_HEIGHT, 0, p->jpeg.height);
		if (!r && ev->has_taken_at)
			r = proto_changeset_add_text(cs, PROTO_PH_TAKEN_AT, 0, ev->taken_at,
						     strlen(ev->taken_at));
		if (!r && ev->has_position)
			r = proto_changeset_add_int(cs, PROTO_PH_LAT, 0, e7(ev->latitude));
		if (!r && ev->has_position)
			r = proto_changeset_add_int(cs, PROTO_PH_LON, 0, e7(ev->longitude));
		if (!r && ev->camera[0])
			r = proto_changeset_add_text(cs, PROTO_PH_CAMERA, 0, ev->camera,
						     strlen(ev->camera));
	}
	return r;
}

static const char *col_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* Step st (prepared and bound) to its end, handing each row to row, which
 * stops the walk by returning anything but PROTO_OK; finalizes st. */
static proto_result each_row(sqlite3_stmt *st, proto_result (*row)(sqlite3_stmt *st, void *arg), void *arg)
{
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = row(st, arg);
	if (r == PROTO_OK && rc != SQLITE_DONE)
		r = PROTO_EDB;
	sqlite3_finalize(st);
	return r;
}

/* What agent_photo_walk hands each row. */
typedef struct photo_walk {
	proto_id target;
	uint8_t target_kind;
	proto_result (*fn)(const agent_photo *p, void *arg);
	void *arg;
} photo_walk;

static proto_result photo_row(sqlite3_stmt *st, void *arg)
{
	const photo_walk *w = arg;
	agent_photo p;

	memset(&p, 0, sizeof p);
	p.id.origin = proto_i2u(sqlite3_column_int64(st, 0));
	p.id.serial = proto_i2u(sqlite3_column_int64(st, 1));
	p.target = w->target;
	p.target_kind = w->target_kind;
	p.sha256 = col_text(st, 2);
	p.bytes = sqlite3_column_int64(st, 3);
	p.type = col_text(st, 4);
	p.width = sqlite3_column_int64(st, 5);
	p.height = sqlite3_column_int64(st, 6);
	p.taken_at = col_text(st, 7);
	p.has_position = sqlite3_column_type(st, 8) != SQLITE_NULL &&
			 sqlite3_column_type(st, 9) != SQLITE_NULL;
	p.lat = sqlite3_column_int64(st, 8);
	p.lon = sqlite3_column_int64(st, 9);
	p.camera = col_text(st, 10);
	p.note = col_text(st, 11);
	p.voided = sqlite3_column_int(st, 12);
	if (!p.sha256 || !p.type)
		return PROTO_EDB; /* required by the format: a damaged row */
	return w->fn(&p, w->arg);
}

proto_result agent_photo_walk(agent_ctx *ctx, proto_id target, uint8_t target_kind,
			      proto_result (*fn)(const agent_photo *p, void *arg), void *arg)
{
	static const char sql[] =
		"SELECT p.id_origin, p.id_serial, p.sha256, p.bytes, p.type, p.width, p.height,"
		" p.taken_at, p.lat, p.lon, p.camera, p.note,"
		" NOT (" PROTO_SQL_PHOTO_LIVE(
			"p") ")"
			     " FROM photo p WHERE p.target_origin = ?1 AND p.target_serial = ?2"
			     " AND p.target_kind = ?3 ORDER BY p.stamp, p.id_origin, p.id_serial";
	photo_walk w = { target, target_kind, fn, arg };
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return PROTO_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(target.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(target.serial));
	sqlite3_bind_int(st, 3, target_kind);
	return each_row(st, photo_row, &w);
}

/* What agent_photo_by_prefix hands each row. */
typedef struct hash_walk {
	proto_result (*fn)(const char *hex, void *arg);
	void *arg;
	size_t *n;
} hash_walk;

static proto_result hash_row(sqlite3_stmt *st, void *arg)
{
	const hash_walk *w = arg;

	(*w->n)++;
	return w->fn(col_text(st, 0), w->arg);
}

proto_result agent_photo_by_prefix(agent_ctx *ctx, const char *prefix,
				   proto_result (*fn)(const char *hex, void *arg), void *arg, size_t *n)
{
	/* a range on the sha256 index: 'g' sorts after every hex digit */
	static const char sql[] = "SELECT DISTINCT sha256 FROM photo"
				  " WHERE sha256 >= ?1 AND sha256 < ?1 || 'g' ORDER BY sha256";
	hash_walk w = { fn, arg, n };
	sqlite3_stmt *st = NULL;

	*n = 0;
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return PROTO_EDB;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_TRANSIENT);
	return each_row(st, hash_row, &w);
}

/* What agent_photo_find looks for and what it found. */
typedef struct photo_find {
	int by_ref; /* else by full id */
	char ref[32];
	proto_id id;
	agent_photo *out;
	int *n;
} photo_find;

static proto_result find_row(const agent_photo *p, void *arg)
{
	photo_find *f = arg;
	char ref[32];

	agent_ref_make(p->id.origin, p->id.serial, ref);
	if (f->by_ref ? strcmp(ref, f->ref) != 0 : !proto_id_eq(p->id, f->id))
		return PROTO_OK;
	if ((*f->n)++ == 0) {
		*f->out = *p;
		/* the texts die with the row: the caller needs none but these */
		f->out->sha256 = f->out->type = f->out->taken_at = f->out->camera = f->out->note = NULL;
	}
	return PROTO_OK;
}

/* The target of the photo row (its columns 13..15), for agent_photo_find. */
static proto_result find_photo_row(sqlite3_stmt *st, void *arg)
{
	photo_walk w = { { proto_i2u(sqlite3_column_int64(st, 13)),
			   proto_i2u(sqlite3_column_int64(st, 14)) },
			 (uint8_t)sqlite3_column_int(st, 15),
			 find_row,
			 arg };

	return photo_row(st, &w);
}

proto_result agent_photo_find(agent_ctx *ctx, const char *text, agent_photo *out, int *n)
{
	static const char sql[] = "SELECT p.id_origin, p.id_serial, p.sha256, p.bytes, p.type, p.width, p.height,"
				  " p.taken_at, p.lat, p.lon, p.camera, p.note,"
				  " NOT (" PROTO_SQL_PHOTO_LIVE(
					  "p") "), p.target_origin, p.target_serial, p.target_kind"
					       " FROM photo p WHERE p.id_serial = ?1";
	photo_find f = { 0 };
	sqlite3_stmt *st = NULL;

	*n = 0;
	memset(out, 0, sizeof *out);
	f.out = out;
	f.n = n;
	if (agent_id_parse(text, &f.id) != 0) {
		if (agent_ref_normalize(text, f.ref) != 0)
			return PROTO_OK;
		f.by_ref = 1;
		f.id.serial = strtoull(strchr(f.ref, '-') + 1, NULL, 10);
	}
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return PROTO_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(f.id.serial));
	return each_row(st, find_photo_row, &f);
}

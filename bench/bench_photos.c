/*
 * bench_photos.c - what a photo costs the laptop: N generated phone photos
 * (4000 x 3000, quality 92, 2 to 4 MB, with EXIF: tests/support/photo_gen.c)
 * through photo_reduce, the time per photo and the bytes that travel. The
 * baseline, measured in the same run on the same files, is a plain full-size
 * decode with libjpeg-turbo: the least any reduction has to do, so the
 * ratio shows what the scaled decode, resize and encode add or save. The
 * hub's thumbnail and dHash of the reduced photo are timed too.
 * Built beside maiam-hub, it then syncs SYNC_N more of them from real
 * laptops to a real hub through linkproxy (the sync half, below).
 * Usage: bench_photos [N [SYNC_N]] (12 and 8; SYNC_N 0: no sync) or bench_photos --smoke
 * (2 and 1, the index at 1,000 photos: ctest); last line is JSON.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <turbojpeg.h>
#include "bench_util.h"
#include "photo_gen.h"
#include "maiam/photo.h"

#define WIDTH 4000
#define HEIGHT 3000

typedef struct input {
	uint8_t *bytes;
	size_t len;
} input;

/* CPU seconds of this process: on a shared machine the wall clock also
 * counts the other programs' turns, the CPU time does not. */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_photos: %s\n", what);
	exit(1);
}

/* The i-th phone photo of a set: quality 92, EXIF with the time, a GPS
 * position a little further for each i, the camera and the orientation. */
static uint8_t *phone_photo(int i, int width, int height, uint32_t seed, int orientation, size_t *len)
{
	photo_gen_exif exif = { .datetime = "2023:06:20 09:30:05",
				.offset = "+07:00",
				.gps = true,
				.latitude = 9.6 + i * 1e-4,
				.longitude = 105.97,
				.make = "samsung",
				.model = "SM-A525F",
				.orientation = orientation };
	return photo_gen_jpeg(width, height, seed, 92, &exif, len);
}

/* Full-size decode of every input, in ms per photo (wall; *cpu_ms the CPU). */
static double decode_baseline(const input *in, int n, double *cpu_ms)
{
	tjhandle tj = tjInitDecompress();
	uint8_t *px = malloc((size_t)WIDTH * HEIGHT * 3);
	double t0 = bench_now_s(), c0 = cpu_s();

	if (!tj || !px)
		die("out of memory for the baseline");
	for (int i = 0; i < n; i++)
		if (tjDecompress2(tj, in[i].bytes, (unsigned long)in[i].len, px, WIDTH, 0, HEIGHT,
				  TJPF_RGB, 0) != 0)
			die("the baseline decode failed");
	double ms = (bench_now_s() - t0) * 1e3 / n;
	*cpu_ms = (cpu_s() - c0) * 1e3 / n;
	free(px);
	tjDestroy(tj);
	return ms;
}

#ifdef MAIAM_HUB_BIN
/*
 * The sync half: a real maiam-hub on 127.0.0.1 and real maiam-agent laptops
 * talking to it through linkproxy (tests/tools), the laptop's own commands
 * from init to sync. Three laptops, each with its own proxy and photos:
 *  - "records": a household and a milestone, no photo, through a plain
 *    proxy: the bytes of enrolment and a record sync (the baseline that is
 *    taken off the wire bytes of the next one);
 *  - "cuts": the same records and N photos, the proxy cutting the link each
 *    time another twentieth of the photo bytes went up (the enrolment, a few
 *    kB, stays under the first cut); syncs repeated until no photo is left;
 *  - "night": 1 Mbit/s and 150 ms each way; a record sync timed, then the
 *    photos added and a sync timed: the difference is the photo step.
 */
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../tests/hub/hubtest.h"

#define COMMUNE 31498
/* Syncs the cut run may take: a photo that no sync gets through is a
 * figure (photos left), not a reason to wait. */
#define MAX_SYNCS 3
/* Households of the night-volume cut run, SYNC_N photos each. */
#define NIGHT_HOUSEHOLDS 8

static int smoke; /* --smoke: the smallest run, for ctest (one night household) */

typedef struct laptop {
	char home[400];
	char hh[64];
	double photo_bytes;
	char hashes[8192]; /* 'hex','hex',... for the hub's SQL (up to 64 photos) */
} laptop;

typedef struct proxy {
	pid_t pid;
	int port;
	char stats[420];
} proxy;

/* Run a shell command line; its stdout into out (NUL-ended, may be cut);
 * the exit code, or -1. */
static int run_cmd(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int run_cmd(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	size_t n = 0;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	char sink[4096];
	while (out && n + 1 < outlen && fgets(out + n, (int)(outlen - n), p))
		n += strlen(out + n);
	while (fgets(sink, sizeof sink, p))
		;
	if (out)
		out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The number after "key": in a JSON text, or -1. */
static double json_num(const char *json, const char *key)
{
	char k[64];
	snprintf(k, sizeof k, "\"%s\"", key);
	const char *p = strstr(json, k);
	if (!p)
		return -1;
	p += strlen(k);
	while (*p == ' ' || *p == ':')
		p++;
	return strtod(p, NULL);
}

static void proxy_start(proxy *px, const char *dir, int hub_port, const char *shape)
{
	char cmd[1024], line[64] = "";

	snprintf(px->stats, sizeof px->stats, "%s/lp%d.json", dir, (int)getpid());
	snprintf(cmd, sizeof cmd, "exec %s --to 127.0.0.1:%d --stats %s %s", MAIAM_LINKPROXY_BIN,
		 hub_port, px->stats, shape);
	int fds[2];
	if (pipe(fds))
		die("no pipe for linkproxy");
	px->pid = fork();
	if (px->pid < 0)
		die("cannot fork linkproxy");
	if (px->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	if (!f || !fgets(line, sizeof line, f))
		die("linkproxy printed no port");
	fclose(f);
	px->port = (int)strtol(line, NULL, 10);
	if (px->port <= 0)
		die("linkproxy printed no port");
}

/* Stop the proxy (SIGTERM: it writes its counts) and read one count. */
static double proxy_stop(proxy *px, const char *what, double *cuts)
{
	char buf[2048];
	int st;

	kill(px->pid, SIGTERM);
	waitpid(px->pid, &st, 0);
	FILE *f = fopen(px->stats, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	unlink(px->stats);
	if (cuts)
		*cuts = json_num(buf, "cuts");
	return json_num(buf, what);
}

/* Another household with a surveyed milestone on laptop l, the
 * household_no-th (its name from a short list); it becomes l->hh, the one
 * laptop_photos adds to. */
static void laptop_household(laptop *l, int household_no)
{
	static const char *const names[] = { "Tran Van Binh", "Nguyen Thi Lan", "Le Van Hung",
					     "Pham Thi Mai",  "Huynh Van Tai",  "Vo Thi Hoa",
					     "Dang Van Minh", "Bui Thi Thu" };
	char out[4096];

	if (run_cmd(out, sizeof out,
		    "%s --home %s --json household add --name '%s' --hamlet 'Ap 1' --members 4 "
		    "--category poor",
		    MAIAM_AGENT_BIN, l->home, names[household_no % 8]) != 0)
		die("maiam-agent household add failed");
	const char *p = strstr(out, "\"ref\"");
	p = p ? strchr(p + 5, '"') : NULL;
	if (!p)
		die("household add printed no ref");
	snprintf(l->hh, sizeof l->hh, "%.*s", (int)strcspn(p + 1, "\""), p + 1);
	if (run_cmd(NULL, 0, "%s --home %s milestone %s surveyed --date 2023-06-20 >/dev/null",
		    MAIAM_AGENT_BIN, l->home, l->hh) != 0)
		die("maiam-agent milestone failed");
}

/* A fresh laptop home with a household and a surveyed milestone. */
static void laptop_new(laptop *l, const char *dir, const char *name)
{
	memset(l, 0, sizeof *l);
	snprintf(l->home, sizeof l->home, "%s/%s", dir, name);
	if (run_cmd(NULL, 0, "%s --home %s init --commune %d >/dev/null 2>&1", MAIAM_AGENT_BIN, l->home,
		    COMMUNE) != 0)
		die("maiam-agent init failed");
	laptop_household(l, 0);
}

/* n generated phone photos (seeds from seed) given to photo add; their
 * reduced bytes and hashes into l. */
static void laptop_photos(laptop *l, int n, uint32_t seed, int width, int height)
{
	char files[8192] = "", *out = malloc(65536);
	size_t at = 0, hat = 0;

	if (!out)
		die("out of memory");
	for (int i = 0; i < n; i++) {
		char path[500];
		size_t len;
		uint8_t *jpg = phone_photo(i, width, height, seed + (uint32_t)i, 1, &len);
		snprintf(path, sizeof path, "%s/p%d.jpg", l->home, i);
		FILE *f = fopen(path, "wb");
		if (!jpg || !f || fwrite(jpg, 1, len, f) != len || fclose(f) != 0)
			die("could not write the photos");
		free(jpg);
		at += (size_t)snprintf(files + at, sizeof files - at, " %s", path);
	}
	if (run_cmd(out, 65536, "%s --home %s --json photo add %s%s", MAIAM_AGENT_BIN, l->home, l->hh,
		    files) != 0)
		die("maiam-agent photo add failed");
	for (const char *p = strstr(out, "\"sha256\""); p; p = strstr(p + 8, "\"sha256\"")) {
		const char *q = strchr(p + 8, '"');
		if (!q)
			break;
		if (hat + 70 < sizeof l->hashes)
			hat += (size_t)snprintf(l->hashes + hat, sizeof l->hashes - hat, "%s'%.64s'",
						hat ? "," : "", q + 1);
		l->photo_bytes += json_num(p, "bytes");
	}
	free(out);
}

static void laptop_enrol(const laptop *l, const ht_hub *h, int port)
{
	char tok[128];

	if (ht_token(h, "--commune", COMMUNE, NULL, tok) != 0 ||
	    run_cmd(NULL, 0,
		    "%s --home %s enroll --hub https://127.0.0.1:%d --ca %s/hub/ca.pem --token %s >/dev/null",
		    MAIAM_AGENT_BIN, l->home, port, h->dir, tok) != 0)
		die("maiam-agent enroll failed");
}

/* One sync; its JSON answer into out, its stderr (progress) into err_path.
 * The wall seconds it took. */
static double laptop_sync(const laptop *l, char *out, size_t outlen, const char *err_path)
{
	double t0 = bench_now_s();
	/* a short backoff between retries: the cuts' bytes are the figure, not the waits */
	int rc = run_cmd(out, outlen, "LANGUAGE=en MAIAM_NET_BACKOFF_MS=100 %s --home %s --json sync 2>%s",
			 MAIAM_AGENT_BIN, l->home, err_path);
	if (rc != 0 && rc != 3)
		die("maiam-agent sync failed");
	return bench_now_s() - t0;
}

/* From the progress lines of a sync (not a terminal: one a line, English
 * words matched): 1 when photo lines came and no record line came after
 * the first of them; 0 otherwise (also when the sync was too short for
 * progress lines: then this check says nothing, and says it as false). */
static int records_first(const char *err_path, int *photo_lines)
{
	char line[512];
	int seen_photo = 0, ok = 1;
	FILE *f = fopen(err_path, "r");

	*photo_lines = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		if (strstr(line, "sending photos")) {
			seen_photo = 1;
			(*photo_lines)++;
		} else if (strstr(line, "change-sets") && seen_photo)
			ok = 0;
	}
	fclose(f);
	return ok && *photo_lines > 0;
}

/* One laptop's sync through cuts: its photos and their bytes, the bytes up,
 * the cuts, the syncs it took, the photos left after MAX_SYNCS, the wire
 * ratio, and what a cut cost: the bytes up over the baseline and the photo
 * bytes, per cut. */
typedef struct cut_figures {
	double photos, photo_bytes, up, cuts, syncs, left, wire_over, per_cut;
} cut_figures;

/* households households with n photos each (seeds from seed) and their
 * records through a proxy cutting every 'every' client bytes (0: a
 * twentieth of the photo bytes). */
static void cut_run(const ht_hub *h, int households, int n, uint32_t seed, int width, int height,
		    double every, double base_up, cut_figures *c)
{
	laptop l;
	proxy px;
	char out[8192], err_path[500], shape[128], name[32];

	snprintf(err_path, sizeof err_path, "%s/cut.err", h->dir);
	snprintf(name, sizeof name, "cuts%u", seed);
	laptop_new(&l, h->dir, name);
	for (int k = 0; k < households; k++) {
		if (k > 0)
			laptop_household(&l, k);
		laptop_photos(&l, n, seed + (uint32_t)(k * n), width, height);
	}
	c->photos = households * n;
	c->photo_bytes = l.photo_bytes;
	snprintf(shape, sizeof shape, "--cut-every %.0f", every > 0 ? every : l.photo_bytes / 20);
	proxy_start(&px, h->dir, h->port, shape);
	laptop_enrol(&l, h, px.port);
	c->syncs = 0;
	do {
		laptop_sync(&l, out, sizeof out, err_path);
		c->syncs++;
	} while (json_num(out, "photos_left") != 0 && c->syncs < MAX_SYNCS);
	c->left = json_num(out, "photos_left");
	c->up = proxy_stop(&px, "bytes_up", &c->cuts);
	c->wire_over = (c->up - base_up) / c->photo_bytes;
	c->per_cut = c->cuts > 0 ? (c->up - base_up - c->photo_bytes) / c->cuts : 0;
}

typedef struct sync_figures {
	double base_up;
	cut_figures dense, sparse, night_volume;
	double night_bytes, t_rec, t_photo, goodput_bps, goodput_ratio;
	int records_before_photos;
} sync_figures;

static void sync_bench(int n, int width, int height, sync_figures *fg)
{
	ht_hub h;
	proxy px;
	laptop l;
	char out[8192], err_path[500];

	signal(SIGPIPE, SIG_IGN);
	if (ht_hub_init(&h) != 0 || ht_hub_start(&h, NULL) != 0)
		die("cannot start maiam-hub");
	snprintf(err_path, sizeof err_path, "%s/sync.err", h.dir);

	/* baseline: enrolment and a record sync, no photo */
	laptop_new(&l, h.dir, "records");
	proxy_start(&px, h.dir, h.port, "");
	laptop_enrol(&l, &h, px.port);
	laptop_sync(&l, out, sizeof out, err_path);
	fg->base_up = proxy_stop(&px, "bytes_up", NULL);

	/* the same records and n photos, cut 20 times; then cut every two
	 * ranges, farther apart than any range, to see what a cut costs */
	cut_run(&h, 1, n, 1000, width, height, 0, fg->base_up, &fg->dense);
	cut_run(&h, 1, n, 3000, width, height, 2 * 262144, fg->base_up, &fg->sparse);
	/* a commune's night after a milestone day: NIGHT_HOUSEHOLDS households
	 * of n photos each (within the hub's photos a household and photo
	 * add's files a call), the same 20 cuts spread over all of it */
	cut_run(&h, smoke ? 1 : NIGHT_HOUSEHOLDS, n, 4000, width, height, 0, fg->base_up,
		&fg->night_volume);

	/* the night link: records alone, then photos, each sync timed */
	laptop_new(&l, h.dir, "night");
	proxy_start(&px, h.dir, h.port, "--rate 1M --delay 150");
	laptop_enrol(&l, &h, px.port);
	fg->t_rec = laptop_sync(&l, out, sizeof out, err_path);
	laptop_photos(&l, n, 2000, width, height);
	fg->night_bytes = l.photo_bytes;
	fg->t_photo = laptop_sync(&l, out, sizeof out, err_path);
	proxy_stop(&px, "bytes_up", NULL);
	if (json_num(out, "photos_sent") != n || json_num(out, "pushed") < 1)
		die("the night sync did not push its records and send every photo");
	fg->goodput_bps = fg->night_bytes * 8 / (fg->t_photo - fg->t_rec);
	fg->goodput_ratio = fg->goodput_bps / 1e6;

	/* records first: the progress lines' order, and at the hub (seconds)
	 * the last change-set received no later than the first photo stored */
	int photo_lines, agent_order = records_first(err_path, &photo_lines);
	char sql[sizeof l.hashes + 200];
	snprintf(sql, sizeof sql,
		 "select (select max(received) from hub_ledger) <= (select min(stored_at) from hub_photo "
		 "where lower(hex(sha256)) in (%s))",
		 l.hashes);
	fg->records_before_photos = agent_order && ht_sql(&h, sql) == 1;
	printf("records before photos: progress lines in order %s (%d photo lines), hub ledger vs "
	       "photo times %s\n",
	       agent_order ? "yes" : "no", photo_lines, ht_sql(&h, sql) == 1 ? "yes" : "no");

	ht_hub_stop(&h, SIGTERM);
	ht_hub_remove(&h);
}

static void cut_print(const char *what, const cut_figures *c, double base_up)
{
	printf("sync, %s: %.0f cuts in %.0f syncs, %.0f photos left: %.0f bytes up for %.0f photo bytes: "
	       "%.0f over the baseline, %.4f x the photo bytes (goal <= 1.02), %.0f bytes a cut\n",
	       what, c->cuts, c->syncs, c->left, c->up, c->photo_bytes, c->up - base_up, c->wire_over,
	       c->per_cut);
	if (c->left > 0)
		printf("  %.0f photos did not get through: a range cut short is lost at the hub, and the "
		       "cuts come before a range of up to 256 KiB ends; the ratio counts bytes that bought "
		       "nothing\n",
		       c->left);
}

static void sync_report(const sync_figures *fg)
{
	printf("sync, baseline: enrolment + a record sync without photos: %.0f bytes up\n", fg->base_up);
	cut_print("20 cuts asked", &fg->dense, fg->base_up);
	cut_print("a cut every 512 KiB", &fg->sparse, fg->base_up);
	char what[96];
	snprintf(what, sizeof what, "night volume, %.0f photos of %d households, 20 cuts asked",
		 fg->night_volume.photos, smoke ? 1 : NIGHT_HOUSEHOLDS);
	cut_print(what, &fg->night_volume, fg->base_up);
	printf("night link 1 Mbit/s, 300 ms round trip: record sync %.2f s (baseline), record + photo "
	       "sync %.2f s: %.0f photo bytes in %.2f s = %.0f bit/s, %.3f x the link rate (goal >= 0.90)\n",
	       fg->t_rec, fg->t_photo, fg->night_bytes, fg->t_photo - fg->t_rec, fg->goodput_bps,
	       fg->goodput_ratio);
}

static void sync_json(int n, const sync_figures *fg)
{
	printf(", \"sync_photos\": %d, \"base_bytes_up\": %.0f, \"sync_photo_bytes\": %.0f, \"sync_cuts\": %.0f, "
	       "\"sync_runs_cut\": %.0f, \"sync_photos_left_after_cuts\": %.0f, \"cut_bytes_up\": %.0f, "
	       "\"wire_over_photo_bytes\": %.4f, \"sparse_cuts\": %.0f, \"sparse_photos_left\": %.0f, "
	       "\"sparse_wire_over_photo_bytes\": %.4f, "
	       "\"night_record_sync_s\": %.2f, \"night_photo_sync_s\": %.2f, \"goodput_bps\": %.0f, "
	       "\"goodput_ratio\": %.3f, \"records_before_photos\": %s, \"cut_bytes_per_cut\": %.0f, "
	       "\"night_photos\": %.0f, \"night_photo_bytes\": %.0f, \"night_cuts\": %.0f, "
	       "\"night_runs_cut\": %.0f, \"night_photos_left\": %.0f, \"night_cut_bytes_up\": %.0f, "
	       "\"night_wire_over_photo_bytes\": %.4f, \"night_bytes_per_cut\": %.0f",
	       n, fg->base_up, fg->dense.photo_bytes, fg->dense.cuts, fg->dense.syncs, fg->dense.left,
	       fg->dense.up, fg->dense.wire_over, fg->sparse.cuts, fg->sparse.left, fg->sparse.wire_over,
	       fg->t_rec, fg->t_photo, fg->goodput_bps, fg->goodput_ratio,
	       fg->records_before_photos ? "true" : "false", fg->dense.per_cut, fg->night_volume.photos,
	       fg->night_volume.photo_bytes, fg->night_volume.cuts, fg->night_volume.syncs,
	       fg->night_volume.left, fg->night_volume.up, fg->night_volume.wire_over,
	       fg->night_volume.per_cut);
}
#endif

#ifdef MAIAM_PHOTO_INDEX_BIN
/* The hub's near-duplicate check at 100,000 stored photos, per new photo:
 * bench_photo_index (built beside this program) measures it with its own
 * baseline (a scan of every stored hash); its last line is JSON. -1 when it
 * could not be run. */
static double near_dup_ms(void)
{
	char line[2048], last[2048] = "";
	FILE *p = popen(smoke ? "'" MAIAM_PHOTO_INDEX_BIN "' --photos 1000 --new 30"
			      : "'" MAIAM_PHOTO_INDEX_BIN "' --photos 100000",
			"r");
	const char *at;

	if (!p)
		return -1;
	while (fgets(line, sizeof line, p))
		memcpy(last, line, sizeof last);
	if (pclose(p) != 0)
		return -1;
	at = strstr(last, "\"near_dup_ms_per_photo\": ");
	return at ? strtod(at + strlen("\"near_dup_ms_per_photo\": "), NULL) : -1;
}
#endif

int main(int argc, char **argv)
{
	/* --smoke (ctest): two photos, one synced, the index at 1,000 photos */
	int n = (smoke = argc > 1 && !strcmp(argv[1], "--smoke")) ? 2 : 0;
	int sync_n = n ? 1 : argc > 2 ? (int)strtol(argv[2], NULL, 10) : 8;

	if (!n)
		n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 12;
	input *in = calloc((size_t)(n > 0 ? n : 1), sizeof *in);
	photo_reduced *out = calloc((size_t)(n > 0 ? n : 1), sizeof *out);
	double in_bytes = 0, out_bytes = 0;

	if (n <= 0 || sync_n < 0 || !in || !out)
		die("usage: bench_photos [N >= 1 [SYNC_N >= 0]]");
	for (int i = 0; i < n; i++) {
		in[i].bytes = phone_photo(i, WIDTH, HEIGHT, (uint32_t)(1000 + i), i % 4 == 3 ? 6 : 1,
					  &in[i].len);
		if (!in[i].bytes)
			die("could not generate the photos");
		in_bytes += (double)in[i].len;
	}
	double decode_cpu_ms, decode_ms = decode_baseline(in, n, &decode_cpu_ms);

	double t0 = bench_now_s(), c0 = cpu_s();
	for (int i = 0; i < n; i++) {
		photo_reduced_init(&out[i]);
		photo_result r = photo_reduce(in[i].bytes, in[i].len, &out[i]);
		if (r != PHOTO_OK)
			die(photo_strerror(r));
	}
	double reduce_ms = (bench_now_s() - t0) * 1e3 / n, reduce_cpu_ms = (cpu_s() - c0) * 1e3 / n;

	t0 = bench_now_s();
	for (int i = 0; i < n; i++) {
		photo_jpeg thumb;
		uint64_t hash;
		if (photo_thumbnail(out[i].jpeg.bytes, out[i].jpeg.len, &thumb) != PHOTO_OK ||
		    photo_dhash(thumb.bytes, thumb.len, &hash) != PHOTO_OK)
			die("the thumbnail or its hash failed");
		photo_jpeg_release(&thumb);
	}
	double hub_ms = (bench_now_s() - t0) * 1e3 / n;

	for (int i = 0; i < n; i++) {
		out_bytes += (double)out[i].jpeg.len;
		photo_reduced_release(&out[i]);
		free(in[i].bytes);
	}
#ifdef MAIAM_HUB_BIN
	sync_figures fg;
	if (sync_n > 0) {
		sync_bench(sync_n, WIDTH, HEIGHT, &fg);
		sync_report(&fg);
	}
#endif
	printf("photos: %d of %d x %d, %.0f bytes each on average (quality 92, EXIF)\n", n, WIDTH,
	       HEIGHT, in_bytes / n);
	printf("baseline, full-size decode: %.1f ms per photo (CPU %.1f ms)\n", decode_ms, decode_cpu_ms);
	printf("photo_reduce: %.1f ms per photo (CPU %.1f ms, %.2f x the decode's), %.0f bytes travel "
	       "(%.1f %% of the file)\n",
	       reduce_ms, reduce_cpu_ms, reduce_cpu_ms / decode_cpu_ms, out_bytes / n,
	       100 * out_bytes / in_bytes);
	printf("hub, thumbnail + dHash of the reduced photo: %.1f ms per photo\n", hub_ms);
#ifdef MAIAM_PHOTO_INDEX_BIN
	double near_ms = near_dup_ms();
	if (near_ms < 0)
		die("bench_photo_index did not run: build it beside bench_photos");
	printf("hub, near-duplicate check at 100,000 stored photos (bench_photo_index): %.3f ms per new "
	       "photo (goal < 1 ms)\n",
	       near_ms);
#endif
	printf("{\"photos\": %d, \"input_bytes_per_photo\": %.0f, \"decode_ms_per_photo\": %.2f, "
	       "\"reduce_ms_per_photo\": %.2f, \"decode_cpu_ms_per_photo\": %.2f, \"reduce_cpu_ms_per_photo\": %.2f, "
	       "\"reduce_over_decode_cpu\": %.3f, \"bytes_per_photo\": %.0f, \"thumb_dhash_ms_per_photo\": %.2f",
	       n, in_bytes / n, decode_ms, reduce_ms, decode_cpu_ms, reduce_cpu_ms,
	       reduce_cpu_ms / decode_cpu_ms, out_bytes / n, hub_ms);
#ifdef MAIAM_HUB_BIN
	if (sync_n > 0)
		sync_json(sync_n, &fg);
#endif
#ifdef MAIAM_PHOTO_INDEX_BIN
	printf(", \"near_dup_ms_per_photo\": %.4f", near_ms);
#endif
	printf("}\n");
	free(in);
	free(out);
	return 0;
}

/*
 * test_browser.c - the dashboard in a real browser: a real "maiam-hub serve"
 * on 127.0.0.1 port 0 over TLS, Debian's headless Chromium driven through
 * chromedriver (tests/support/browser.c). It signs in through the form (a
 * wrong password first), checks the page's districts and numbers, and saves
 * screenshots under the build tree (tests/reports/dashboard.png...); an
 * admin adds a district operator at /operators, which then sees its
 * district only (tests/browser/operators-1366.png, -390.png). Every
 * wait is on the page (its ready state, its text), with a deadline made for
 * a loaded machine; the hub, chromedriver and Chromium are stopped in the
 * teardown, at exit and by a watchdog if the test process is killed.
 * Only this test's browser accepts the hub's self-made CA
 * (acceptInsecureCerts); scripts/deps installs chromium and chromium-driver,
 * and without them the test is skipped, saying so.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "testutil.h"
#include "browser.h"
#include "photo_gen.h"
#include "webtest.h"

/* What the test started, for the teardown to stop whatever happened. */
static struct fixture {
	char *dir;
	pid_t hub, proxy;
	FILE *hub_out;
	int hub_port;
	wb_browser w;
} fx;

typedef struct held_login {
	int port;
	long status;
	int sent, done;
	pthread_t th;
} held_login;

/* A plain HTTPS request to the hub (its CA is the test's own: not checked),
 * from a local address, with the hub's own Origin; the status. */
static long hub_call(int port, const char *from, const char *path, const char *post, int *sent)
{
	static __thread wt_resp r;
	char url[256], origin[128];
	wt_req q = { .from = from, .origin = origin, .post = post, .insecure = 1, .sent = sent };

	snprintf(url, sizeof(url), "https://127.0.0.1:%d%s", port, path);
	snprintf(origin, sizeof(origin), "https://127.0.0.1:%d", port);
	q.timeout_s = WB_DEADLINE_S;
	return wt_fetch(url, &q, &r) == 0 ? r.status : 0;
}

static void *held_main(void *arg)
{
	held_login *l = arg;
	l->status = hub_call(l->port, "127.0.0.2", "/login",
			     "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i", &l->sent);
	__atomic_store_n(&l->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* The real hub answers /v1/health while a sign-in waits in the dashboard's
 * worker (the test holds hub.db's write lock, so the sign-in cannot finish). */
static void health_while_login_waits(const char *dir, int port)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	char path[1024];
	sqlite3 *db;
	held_login l;

	snprintf(path, sizeof(path), "%s/hub.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	memset(&l, 0, sizeof(l));
	l.port = port;
	assert_int_equal(pthread_create(&l.th, NULL, held_main, &l), 0);
	/* the sign-in is on the wire before health is asked (or it failed) */
	while (!__atomic_load_n(&l.sent, __ATOMIC_SEQ_CST) && !__atomic_load_n(&l.done, __ATOMIC_SEQ_CST))
		nanosleep(&pause, NULL);
	assert_int_equal(hub_call(port, NULL, "/v1/health", NULL, NULL), 200);
	assert_int_equal(__atomic_load_n(&l.done, __ATOMIC_SEQ_CST), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	pthread_join(l.th, NULL);
	assert_int_equal(l.status, 303);
	sqlite3_close(db);
}

/* The dashboard's first page, fresh. */
static void go_home(wb_browser *w, int port)
{
	char url[128];

	snprintf(url, sizeof(url), "https://127.0.0.1:%d/", port);
	wb_go(w, url);
}

/* The page at a laptop's and at a phone's width, saved under the build
 * tree as <name>.png and <name>-390.png. */
static void shots(wb_browser *w, const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/reports/%s.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(w, path, 1366, 768);
	snprintf(path, sizeof(path), "%s/tests/reports/%s-390.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(w, path, 390, 844);
}

/* "maiam-hub operator VERB lan" with the password on its standard input. */
static void operator_lan(const char *dir, const char *verb, const char *password)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' '%s' | '%s' operator %s lan --dir '%s' >/dev/null",
		 password, MAIAM_HUB_BIN, verb, dir);
	assert_int_equal(system(cmd), 0);
}

/* Start the real server on the hub directory dir, on a port the kernel picks. */
static void start_hub(const char *dir)
{
	char log[1024], line[256];
	char *argv[] = { (char *)MAIAM_HUB_BIN,
			 (char *)"serve",
			 (char *)"--dir",
			 (char *)dir,
			 (char *)"--listen",
			 (char *)"127.0.0.1:0",
			 NULL };
	int pipefd[2];

	assert_int_equal(pipe(pipefd), 0);
	snprintf(log, sizeof(log), "%s/serve.log", dir);
	fx.hub = wb_spawn(argv, pipefd[1], log);
	close(pipefd[1]);
	fx.hub_out = fdopen(pipefd[0], "r");
	assert_non_null(fx.hub_out);
	if (!fgets(line, sizeof(line), fx.hub_out) ||
	    sscanf(line, "listening on https://127.0.0.1:%d", &fx.hub_port) != 1)
		fail_msg("maiam-hub serve did not start: see %s", log);
}

/* A hub with the campaign, 37 houses handed over in Vĩnh Châu, an operator. */
static void make_hub(const char *dir)
{
	char cmd[2048], path[1024], err[512];
	rt_db t;
	rt_batch b;
	size_t i;
	int commune = 0;

	snprintf(cmd, sizeof(cmd), "'%s' init --dir '%s' >/dev/null", MAIAM_HUB_BIN, dir);
	assert_int_equal(system(cmd), 0);
	memset(&t, 0, sizeof(t));
	snprintf(path, sizeof(path), "%s/hub.db", dir);
	assert_int_equal(proto_db_open(path, &t.db), PROTO_OK);
	assert_int_equal(proto_campaign_load(MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign",
					     &t.campaign, err, sizeof(err)),
			 PROTO_OK);
	assert_int_equal(hub_report_migrate(t.db, err, sizeof(err)), HUB_OK);
	for (i = 0; i < t.campaign.units.n && !commune; i++)
		if (t.campaign.units.a[i].level == PROTO_UNIT_COMMUNE &&
		    proto_units_district_of(&t.campaign.units, t.campaign.units.a[i].code) == 950)
			commune = t.campaign.units.a[i].code;
	rt_batch_init(&b, 0x0d0d0d0d0d0d0d0dull);
	for (i = 0; i < 37; i++) {
		proto_id h = rt_household(&b, commune, "Thạch Thị Sà Rên", NULL, "approved");
		rt_milestone(&b, h, "handed_over", "2023-08-01", NULL);
	}
	rt_flush(&b, t.db);
	rt_batch_release(&b);
	sqlite3_close(t.db);
	proto_campaign_release(&t.campaign);
	operator_lan(dir, "add --role admin", "mật khẩu dài");
}

/* A scratch directory with make_hub's hub serving in it, and the browser. */
static void hub_and_browser(wb_browser *w)
{
	fx.dir = test_mkdtemp();
	assert_non_null(fx.dir);
	make_hub(fx.dir);
	start_hub(fx.dir);
	wb_start(w, fx.dir);
}

static void test_sign_in_in_chromium(void **state)
{
	wb_browser *w = &fx.w;
	int i;

	(void)state;
	hub_and_browser(w);

	go_home(w, fx.hub_port);
	wb_wait_for(w, "Đăng nhập", NULL);
	assert_null(strstr(w->buf, "Thị xã Vĩnh Châu"));

	/* a wrong password: told so, still outside */
	wb_type(w, "#name", "lan");
	wb_type(w, "#password", "sai mật khẩu");
	wb_click(w, "#submit");
	wb_wait_for(w, "Sai tên đăng nhập hoặc mật khẩu", NULL);
	assert_null(strstr(w->buf, "Thị xã Vĩnh Châu"));

	wb_type(w, "#name", "lan");
	wb_type(w, "#password", "mật khẩu dài");
	wb_click(w, "#submit");
	wb_wait_for(w, "Bảng theo dõi", NULL);
	assert_non_null(strstr(w->buf, "Thị xã Vĩnh Châu"));
	assert_non_null(strstr(w->buf, "Huyện Kế Sách"));
	assert_non_null(strstr(w->buf, "37 / 260")); /* the chart's label */
	assert_non_null(strstr(w->buf, "1.200"));    /* the province target */
	assert_non_null(strstr(w->buf, "Hàng đợi đối soát"));

	/* HSTS and the same-origin POST worked in a real browser; the pages
	 * at a laptop's and at a phone's width, under the build tree */
	shots(w, "dashboard");

	/* a new password set on the command line ends the browser's session */
	operator_lan(fx.dir, "password", "mật khẩu khác hẳn");
	go_home(w, fx.hub_port);
	wb_wait_for(w, "Đăng nhập dành cho", NULL);
	assert_null(strstr(w->buf, "Thị xã Vĩnh Châu"));

	/* guessing from this address: after the free tries, the throttled page */
	for (i = 0; i < 12; i++) {
		go_home(w, fx.hub_port); /* a fresh page, without the last answer on it */
		wb_wait_for(w, "Đăng nhập dành cho", NULL);
		wb_type(w, "#name", "khach");
		wb_type(w, "#password", "doan bua doan bua");
		wb_click(w, "#submit");
		wb_wait_for(w, "Tạm khóa đăng nhập", "Sai tên đăng nhập hoặc mật khẩu");
		if (strstr(w->buf, "Tạm khóa đăng nhập"))
			break;
	}
	assert_non_null(strstr(w->buf, "Tạm khóa đăng nhập"));
	assert_non_null(strstr(w->buf, "thử lại sau"));
	shots(w, "login-throttled");

	/* the loop is not the dashboard's: health answers while a sign-in waits
	 * (from another address: this one is throttled now) */
	operator_lan(fx.dir, "password", "mật khẩu dài");
	health_while_login_waits(fx.dir, fx.hub_port);
}

/* ---- photos: from laptops to the household's page ------------------------- */

#define PHOTO_COMMUNE 31498
#define PHOTO_NAME "Lâm Thị Ảnh"

/* maiam-agent with a laptop's home, its stdout into out (NUL-ended, may be
 * NULL); its exit code. English words, short waits between retries (the cuts
 * are the point, not the backoff). */
static int agent_run(const char *home, char *out, size_t outlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int agent_run(const char *home, char *out, size_t outlen, const char *fmt, ...)
{
	char args[2048], cmd[4096], sink[512];
	size_t n = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd),
		 "LANGUAGE=en MAIAM_NET_BACKOFF_MS=100 '%s' --home '%s' %s 2>>'%s/agent.log'",
		 MAIAM_AGENT_BIN, home, args, fx.dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (out) {
		n = fread(out, 1, outlen - 1, p);
		out[n] = '\0';
	}
	while (fread(sink, 1, sizeof(sink), p) > 0)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* "maiam-hub ARGS --dir hubdir", its stdout into out; its exit code. */
static int hub_run(const char *hubdir, char *out, size_t outlen, const char *args)
{
	char cmd[8192];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' %s --dir '%s'", MAIAM_HUB_BIN, args, hubdir);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The string after "key": " in a JSON text, into out. */
static void json_text_of(const char *json, const char *key, char *out, size_t outlen)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	p = strstr(json, pat);
	if (!p) {
		snprintf(pat, sizeof(pat), "\"%s\":\"", key);
		p = strstr(json, pat);
	}
	if (!p)
		fail_msg("no \"%s\" in %.500s", key, json);
	p += strlen(pat);
	snprintf(out, outlen, "%.*s", (int)strcspn(p, "\""), p);
}

/* n phone photos (seeds from seed) as files in the laptop's home: their
 * paths, each after 'before' (" ", " --photo "), into files. */
static void phone_photos(const char *home, int n, uint32_t seed, const char *before, char *files,
			 size_t len)
{
	/* what the page shows beside each: time (Vietnam), place, camera */
	photo_gen_exif exif = { .datetime = "2023:06:20 09:30:05", .offset = "+07:00" };
	size_t at = 0, bytes;
	int i;

	exif.gps = true;
	exif.latitude = 9.6;
	exif.longitude = 105.97;
	exif.make = "samsung";
	exif.model = "SM-A525F";
	for (i = 0; i < n; i++) {
		uint8_t *jpg = photo_gen_jpeg(1600, 1200, seed + (uint32_t)i, 92, &exif, &bytes);
		char path[1200];
		FILE *f;

		snprintf(path, sizeof(path), "%s/photo-%u.jpg", home, seed + (unsigned)i);
		f = fopen(path, "wb");
		assert_non_null(jpg);
		assert_non_null(f);
		assert_int_equal(fwrite(jpg, 1, bytes, f), bytes);
		assert_int_equal(fclose(f), 0);
		free(jpg);
		at += (size_t)snprintf(files + at, len - at, "%s'%s'", before, path);
		assert_true(at < len);
	}
}

/* A laptop of the commune with one household: its ref into ref. */
static void laptop_household(const char *home, const char *name, char ref[32])
{
	char out[4096];

	assert_int_equal(agent_run(home, NULL, 0, "init --commune %d", PHOTO_COMMUNE), 0);
	assert_int_equal(agent_run(home, out, sizeof(out),
				   "--json household add --name '%s' --hamlet 'Ấp 1' --members 4"
				   " --category poor",
				   name),
			 0);
	json_text_of(out, "ref", ref, 32);
}

/* linkproxy in front of the hub, cutting the link every 'every' bytes the
 * laptop sends: its port. */
static int proxy_start(long every)
{
	char to[64], cut[32], log[1024], stats[1024], line[64] = "";
	char *argv[] = { (char *)MAIAM_LINKPROXY_BIN, (char *)"--to", to,  (char *)"--cut-every", cut,
			 (char *)"--stats",           stats,          NULL };
	int pipefd[2], port = 0;
	FILE *f;

	snprintf(to, sizeof(to), "127.0.0.1:%d", fx.hub_port);
	snprintf(cut, sizeof(cut), "%ld", every);
	snprintf(log, sizeof(log), "%s/linkproxy.log", fx.dir);
	snprintf(stats, sizeof(stats), "%s/linkproxy.json", fx.dir);
	assert_int_equal(pipe(pipefd), 0);
	fx.proxy = wb_spawn(argv, pipefd[1], log);
	close(pipefd[1]);
	f = fdopen(pipefd[0], "r");
	assert_non_null(f);
	if (!fgets(line, sizeof(line), f) || (port = atoi(line)) <= 0)
		fail_msg("linkproxy printed no port: see %s", log);
	fclose(f);
	return port;
}

/* The laptop's photos reach the hub through a link cut every 'every' bytes:
 * syncs until none is left (each one resumes where the cut left it). */
static void sync_through_cuts(const char *home, const char *hubdir, long every)
{
	char out[8192], tok[128], args[128], stats[1024];
	int port, syncs = 0;
	FILE *f;
	size_t n;

	port = proxy_start(every);
	snprintf(args, sizeof(args), "agent add --commune %d --json", PHOTO_COMMUNE);
	assert_int_equal(hub_run(hubdir, out, sizeof(out), args), 0);
	json_text_of(out, "token", tok, sizeof(tok));
	assert_int_equal(agent_run(home, NULL, 0,
				   "enroll --hub https://127.0.0.1:%d --ca '%s/ca.pem' --token %s", port,
				   hubdir, tok),
			 0);
	do {
		int rc = agent_run(home, out, sizeof(out), "--json sync");

		/* 3: the link was cut; the next sync resumes */
		if ((rc != 0 && rc != 3) || ++syncs > 30)
			fail_msg("sync %d exited %d: %s (see %s/agent.log)", syncs, rc, out, fx.dir);
	} while (!strstr(out, "\"photos_left\":0") && !strstr(out, "\"photos_left\": 0"));
	wb_kill(fx.proxy); /* SIGTERM: it writes its counts */
	fx.proxy = 0;
	snprintf(stats, sizeof(stats), "%s/linkproxy.json", fx.dir);
	f = fopen(stats, "r");
	assert_non_null(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	/* the link was cut while the photos went up, and they all came */
	if (!strstr(out, "\"cuts\"") || strstr(out, "\"cuts\": 0") || strstr(out, "\"cuts\":0"))
		fail_msg("linkproxy cut nothing: %s", out);
}

/* A JavaScript expression: how many of the page's images have loaded with pixels. */
#define IMAGES_LOADED \
	"return Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length"

/*
 * Photos that came by USB: a second household, its laptop never online, its
 * bundle (records, then the photo's bytes) imported at the hub. Its page
 * shows the thumbnail as the synced ones do, and a click opens the photo.
 */
static void photos_that_came_by_usb(wb_browser *w, const char *hubdir, const char *ref)
{
	char url[256];

	snprintf(url, sizeof(url), "https://127.0.0.1:%d/household?id=%s", fx.hub_port, ref);
	wb_go(w, url);
	wb_wait_for(w, "Hộ Châu Văn USB", NULL);
	assert_non_null(strstr(w->buf, "Ảnh minh chứng"));
	/* the bundle carried the photo's bytes: its thumbnail loads and a click
	 * opens the photo itself, as for the photos that came by the cut sync */
	assert_null(strstr(w->buf, "Máy chủ tỉnh chưa nhận được ảnh"));
	wb_wait_script(w, IMAGES_LOADED, "1");
	wb_click(w, "figure.ph a");
	wb_wait_script(w, "return document.contentType", "\"image/jpeg\"");
	wb_wait_script(w,
		       "return document.images.length === 1 && document.images[0].naturalWidth === 1600",
		       "true");
	(void)hubdir;
}

/* A laptop never online: enrolled from the hub's file, a household with a
 * photo, its bundle with the photo imported (before the hub serves). Its
 * ref into ref. */
static void usb_laptop(const char *hubdir, char ref[32])
{
	char home[1024], out[4096], args[2048], files[2048];

	snprintf(home, sizeof(home), "%s/usb-laptop", fx.dir);
	laptop_household(home, "Châu Văn USB", ref);
	phone_photos(home, 1, 300, " ", files, sizeof(files));
	assert_int_equal(agent_run(home, NULL, 0, "photo add %s%s", ref, files), 0);
	snprintf(args, sizeof(args), "agent add --commune %d --file '%s/enrol.maiam'", PHOTO_COMMUNE,
		 fx.dir);
	assert_int_equal(hub_run(hubdir, out, sizeof(out), args), 0);
	assert_int_equal(agent_run(home, NULL, 0, "enroll --file '%s/enrol.maiam'", fx.dir), 0);
	assert_int_equal(agent_run(home, NULL, 0, "export --out '%s/usb.maiam'", fx.dir), 0);
	snprintf(args, sizeof(args), "import '%s/usb.maiam'", fx.dir);
	assert_int_equal(hub_run(hubdir, out, sizeof(out), args), 0);
}

static void test_photos_in_chromium(void **state)
{
	wb_browser *w = &fx.w;
	char hubdir[1024], home[1024], cmd[4096], files[4096], ref[32], usb_ref[32];
	char hh_url[256], photo_url[256], *p;
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	fx.dir = test_mkdtemp();
	assert_non_null(fx.dir);
	snprintf(hubdir, sizeof(hubdir), "%s/hub", fx.dir);
	snprintf(cmd, sizeof(cmd), "'%s' init --dir '%s' >/dev/null", MAIAM_HUB_BIN, hubdir);
	assert_int_equal(system(cmd), 0);
	operator_lan(hubdir, "add --role admin", "mật khẩu dài");
	usb_laptop(hubdir, usb_ref);

	/* a laptop with a household, its surveyed milestone with two photos and
	 * one of the household itself; synced through a link cut every 300 kB,
	 * a little more than one upload range (256 KiB): a range cut short is
	 * sent again whole */
	snprintf(home, sizeof(home), "%s/laptop", fx.dir);
	laptop_household(home, PHOTO_NAME, ref);
	phone_photos(home, 2, 100, " --photo ", files, sizeof(files));
	assert_int_equal(agent_run(home, NULL, 0, "milestone %s surveyed --date 2023-06-20%s", ref, files),
			 0);
	phone_photos(home, 1, 200, " ", files, sizeof(files));
	assert_int_equal(agent_run(home, NULL, 0, "photo add %s%s", ref, files), 0);
	start_hub(hubdir);
	sync_through_cuts(home, hubdir, 300000);
	snprintf(cmd, sizeof(cmd), "%s/hub.db", hubdir);
	assert_int_equal(sqlite3_open_v2(cmd, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	/* three by the cut sync, one by the USB bundle */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM hub_photo WHERE thumb IS NOT NULL",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 4);
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* signed in: the household's page shows the three thumbnails */
	wb_start(w, fx.dir);
	go_home(w, fx.hub_port);
	wb_wait_for(w, "Đăng nhập", NULL);
	wb_type(w, "#name", "lan");
	wb_type(w, "#password", "mật khẩu dài");
	wb_click(w, "#submit");
	wb_wait_for(w, "Bảng theo dõi", NULL);
	wb_type(w, "#hh", ref); /* found by its short ref, through the main page's form */
	wb_click(w, "#find-go");
	wb_wait_for(w, "Ảnh minh chứng", NULL);
	assert_non_null(strstr(w->buf, PHOTO_NAME));
	assert_non_null(strstr(w->buf, "Phường 5"));
	assert_non_null(strstr(w->buf, "Chụp lúc: 20/06/2023 09:30"));
	assert_non_null(strstr(w->buf, "Vị trí: 9.60000, 105.97000"));
	assert_non_null(strstr(w->buf, "samsung SM-A525F"));
	wb_wait_script(w, IMAGES_LOADED, "3");
	shots(w, "household");
	wb_wait_script(w, "document.getElementById('photos').scrollIntoView(); return true", "true");
	shots(w, "household-photos");

	/* clicking a thumbnail opens the photo itself */
	wb_source(w);
	p = strstr(w->buf, "/photo/"); /* the first thumbnail's link (the page as JSON text) */
	assert_non_null(p);
	snprintf(photo_url, sizeof(photo_url), "https://127.0.0.1:%d%.*s", fx.hub_port, 7 + 64, p);
	wb_click(w, "figure.ph a");
	wb_wait_script(w, "return document.contentType", "\"image/jpeg\"");
	wb_wait_script(w,
		       "return document.images.length === 1 && document.images[0].naturalWidth === 1600",
		       "true");

	photos_that_came_by_usb(w, hubdir, usb_ref);

	/* signed out: neither the page nor the photo */
	go_home(w, fx.hub_port);
	wb_wait_for(w, "Bảng theo dõi", NULL);
	wb_click(w, "form[action='/logout'] button");
	wb_wait_for(w, "Đăng nhập dành cho", NULL);
	snprintf(hh_url, sizeof(hh_url), "https://127.0.0.1:%d/household?id=%s", fx.hub_port, ref);
	wb_go(w, hh_url);
	wb_wait_for(w, "Đăng nhập dành cho", NULL);
	assert_null(strstr(w->buf, PHOTO_NAME));
	assert_null(strstr(w->buf, "/photo/"));
	wb_go(w, photo_url);
	wb_wait_for(w, "sign in first", NULL);
	wb_wait_script(w, "return document.images.length", "0");
}

/* ---- operators: an admin adds a district operator -------------------------- */

/* Sign name in through the form of the page at "/". */
static void sign_in_as(wb_browser *w, const char *name)
{
	go_home(w, fx.hub_port);
	wb_wait_for(w, "Đăng nhập dành cho", NULL);
	wb_type(w, "#name", name);
	wb_type(w, "#password", "mật khẩu dài");
	wb_click(w, "#submit");
	wb_wait_for(w, "Bảng theo dõi", NULL);
}

static void test_operators_in_chromium(void **state)
{
	wb_browser *w = &fx.w;
	char path[1024];

	(void)state;
	hub_and_browser(w);

	/* the admin's page of operators, from the main page's link */
	sign_in_as(w, "lan");
	wb_click(w, "#operators");
	wb_wait_for(w, "Thêm cán bộ", NULL);
	assert_non_null(strstr(w->buf, "csrf")); /* the forms' hidden token */

	/* a district operator with a Vietnamese name, its password twice */
	wb_type(w, "#name", "phước");
	wb_click(w, "#role option[value='district']");
	wb_click(w, "#district option[value='950']");
	wb_type(w, "#pw", "mật khẩu dài");
	wb_type(w, "#pw2", "mật khẩu dài");
	wb_click(w, "#add-go");
	wb_wait_for(w, "Đã thêm cán bộ phước", "class=\\\"err\\\"");
	assert_null(strstr(w->buf, "class=\\\"err\\\""));
	assert_non_null(strstr(w->buf, "Cán bộ huyện"));
	assert_non_null(strstr(w->buf, "Thị xã Vĩnh Châu"));
	snprintf(path, sizeof(path), "%s/tests/browser", MAIAM_BUILD_DIR);
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
	snprintf(path, sizeof(path), "%s/tests/browser/operators-1366.png", MAIAM_BUILD_DIR);
	wb_screenshot(w, path, 1366, 768);
	snprintf(path, sizeof(path), "%s/tests/browser/operators-390.png", MAIAM_BUILD_DIR);
	wb_screenshot(w, path, 390, 844);

	/* the new operator signs in and sees its district only */
	go_home(w, fx.hub_port);
	wb_wait_for(w, "Bảng theo dõi", NULL);
	wb_click(w, "form[action='/logout'] button");
	wb_wait_for(w, "Đăng nhập dành cho", NULL);
	sign_in_as(w, "phước");
	assert_non_null(strstr(w->buf, "phước"));
	assert_non_null(strstr(w->buf, "Thị xã Vĩnh Châu"));
	assert_null(strstr(w->buf, "Huyện Kế Sách"));
	assert_null(strstr(w->buf, "Cán bộ vận hành")); /* the admins' link */
}

/* Whatever happened in the test: the browser, the driver and the hub stop,
 * the scratch directory goes. */
static int teardown(void **state)
{
	(void)state;
	wb_stop(&fx.w);
	wb_kill(fx.hub);
	fx.hub = 0;
	wb_kill(fx.proxy);
	fx.proxy = 0;
	if (fx.hub_out)
		fclose(fx.hub_out);
	fx.hub_out = NULL;
	test_rmtree(fx.dir);
	free(fx.dir);
	fx.dir = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sign_in_in_chromium, teardown),
		cmocka_unit_test_teardown(test_photos_in_chromium, teardown),
		cmocka_unit_test_teardown(test_operators_in_chromium, teardown),
	};
	/* cmocka's skip() counts as a pass: ctest must show the test as skipped */
	if (!wb_available()) {
		printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
		return 77; /* SKIP_RETURN_CODE in CMakeLists.txt */
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

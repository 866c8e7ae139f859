/*
 * dashboard_read_audit.c - what the dashboard's workers write to the read
 * audit, and the admins' /operators/reads (dashboard_read_audit.h).
 *
 * The page worker reads hub.db read-only, so the audit has its own
 * connection per worker thread (a pthread key closes it when the thread
 * ends). Its writes use synchronous=NORMAL: in WAL mode that keeps the
 * database whole, and a power cut loses at most the last reads' rows, a
 * cost worth not waiting for a disk flush on every page.
 */
#include "dashboard_read_audit.h"
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "ctx.h"
#include "household_ref.h"
#include "read_audit.h"
#include "xlsx.h"

static pthread_once_t conn_once = PTHREAD_ONCE_INIT;
static pthread_key_t conn_key;
static int conn_key_made;

static void conn_close(void *db)
{
	hub_read_audit_close(db); /* its cached INSERT too */
}

static void conn_key_make(void)
{
	conn_key_made = pthread_key_create(&conn_key, conn_close) == 0;
}

/* This thread's read-write connection to d's hub.db, NULL when it fails. */
static sqlite3 *audit_conn(hub_dashboard *d)
{
	char path[PATH_MAX + sizeof(HUB_DB_FILE) + 1];
	sqlite3 *db;

	pthread_once(&conn_once, conn_key_make);
	if (!conn_key_made)
		return NULL;
	db = pthread_getspecific(conn_key);
	if (db)
		return db;
	if ((size_t)snprintf(path, sizeof(path), "%s/" HUB_DB_FILE, d->dir) >= sizeof(path))
		return NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
	    hub_read_audit_schema(db) != HUB_OK || pthread_setspecific(conn_key, db) != 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* The household job's page showed, as a full id, or "" when the page was
 * the search form or a list of candidates (*skip when nothing was shown). */
static void household_of(sqlite3 *ro, const dash_job *job, char *out, size_t n, char *typed,
			 size_t typed_n, int *skip)
{
	const char *s = job->typed;
	size_t len;
	hub_ref_match match = HUB_REF_NONE;
	proto_id id;

	out[0] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	snprintf(typed, typed_n, "%.*s", (int)len, s);
	*skip = !typed[0];
	if (!*skip && hub_household_resolve(ro, typed, &id, &match) == HUB_OK && match == HUB_REF_ONE)
		snprintf(out, n, "%016llx-%llu", (unsigned long long)id.origin,
			 (unsigned long long)id.serial);
}

void dash_read_audit_note(hub_dashboard *d, sqlite3 *ro, dash_job *job)
{
	char household[64] = "", detail[DASH_TYPED_MAX + 64] = "";
	hub_read r = { (int64_t)time(NULL), job->who.name, NULL, household, detail };
	sqlite3 *rw;
	int skip = 0;

	if (job->status != 200 || !job->who.name[0])
		return;
	if (job->kind == DJ_HOUSEHOLD) {
		r.what = "household";
		household_of(ro, job, household, sizeof(household), detail, sizeof(detail), &skip);
	} else if (job->kind == DJ_PHOTO && !job->thumb) {
		/* thumbnails come with the household page, noted already */
		r.what = "photo";
		snprintf(detail, sizeof(detail), "%s", job->photo);
	} else if (job->kind == DJ_REPORT) {
		r.what = "report";
		hub_download_name(&job->opts, detail, sizeof(detail));
	} else {
		return;
	}
	if (skip)
		return;
	rw = audit_conn(d);
	if (rw && hub_read_audit_add(rw, &r) == HUB_OK)
		return;
	/* neither a download nor a photo to keep: a text to try again */
	job->disposition[0] = '\0';
	job->cache_control = NULL;
	dash_answer_text(job, 503,
			 "the hub cannot record this read in its audit (the database is busy"
			 " or full): try again in a moment");
}

/* ---- /operators/reads ---------------------------------------------------- */

typedef struct {
	proto_buf *b;
	int failed;
} reads_page;

static hub_result read_row(void *arg, const hub_read *r)
{
	reads_page *p = arg;
	time_t t = (time_t)(r->at + 7 * 3600); /* Vietnam time, as the listings */
	struct tm tm;
	char at[32] = "";

	if (gmtime_r(&t, &tm))
		strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S", &tm);
	if (proto_buf_append_str(p->b, "<tr><td>") || web_html_escape(p->b, at) ||
	    proto_buf_append_str(p->b, "</td><td>") || web_html_escape(p->b, r->operator_name) ||
	    proto_buf_append_str(p->b, "</td><td>") || web_html_escape(p->b, r->what) ||
	    proto_buf_append_str(p->b, "</td><td>") || web_html_escape(p->b, r->household) ||
	    proto_buf_append_str(p->b, "</td><td>") || web_html_escape(p->b, r->detail) ||
	    proto_buf_append_str(p->b, "</td></tr>")) {
		p->failed = 1;
		return HUB_ENOMEM;
	}
	return HUB_OK;
}

void dash_reads_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job)
{
	hub_read_filter all = { "", "", 0 };
	reads_page p = { &job->body, 0 };
	hub_result res;
	int built;

	(void)d;
	if (job->who.role != HUB_ROLE_ADMIN) {
		dash_answer_text(job, 403,
				 "only an admin operator sees who read which household: ask one of"
				 " the province's admins");
		return;
	}
	proto_buf_reset(&job->body);
	built = report_html_head(&job->body, "Mái Ấm — Ai đã xem dữ liệu hộ") != HUB_OK ||
		proto_buf_appendf(&job->body,
				  "<h1>Ai đã xem dữ liệu hộ</h1><p>%d lượt xem gần nhất; danh sách"
				  " đầy đủ: <code>maiam-hub audit reads</code>.</p>"
				  "<table id=\"reads\"><tr><th>Lúc</th><th>Cán bộ</th><th>Xem gì</th>"
				  "<th>Hộ</th><th>Chi tiết</th></tr>",
				  DASH_READS_SHOWN);
	if (!built) {
		res = hub_read_audit_each(ro, &all, DASH_READS_SHOWN, read_row, &p);
		if (res != HUB_OK && !p.failed) {
			dash_answer_text(job, 503,
					 "cannot read the audit: the hub database is busy, try again");
			return;
		}
		built = p.failed ||
			proto_buf_append_str(&job->body, "</table><p><a href=\"/operators\">Cán bộ vận"
							 " hành</a></p></body></html>\n");
	}
	dash_answer_html(job, 200, built);
}

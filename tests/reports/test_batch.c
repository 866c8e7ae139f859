/*
 * test_batch.c - decisions on many households from /households: the
 * dashboard in process (dashtest.c's listener) over a real hub directory
 * ('maiam-hub init', hubtest.c), its households written as the hub's own
 * change-sets so the ledger holds them. Ticked rows confirmed and the
 * same again skipped; a reject without a reason refused; a whole filtered
 * set through its confirmation page, refused when the set changed in
 * between (the new count shown), a forged token refused; a viewer's POST
 * and a POST without its CSRF token refused (403); a district operator
 * ticking another district's household refused with nothing written;
 * thousands of households in a few ledger entries, a long reason
 * repeated too; the reconcile queue by district (a district operator's
 * report and page hold its households' items and its laptops' rejected
 * change-sets, another district's item is out of reach by a changed URL;
 * rejected change-sets settled from the page, the operator's own only);
 * and 'maiam-hub audit verify' passes at the end.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/schema.h"
#include "ctx.h"
#include "hub.h"
#include "ingest.h"
#include "report.h"
#include "operator.h"
#include "reptest.h"
#include "dashtest.h"
#include "../hub/hubtest.h"

#define OWN 950 /* Thị xã Vĩnh Châu */
#define PW "mật khẩu dài"

static struct fixture {
	ht_hub hub;
	char hubdir[300];
	rt_db t;
	server s;
	uint64_t serial; /* the last household serial the test wrote */
	int own_commune, other_commune;
	char admin[128], huyen[128], viewer[128];
	char admin_csrf[80], huyen_csrf[80], viewer_csrf[80];
} fx;

static resp r;

/* A commune of district (the first the campaign lists). */
static int commune_of(int district)
{
	size_t i;

	for (i = 0; i < fx.t.campaign.units.n; i++)
		if (fx.t.campaign.units.a[i].level == PROTO_UNIT_COMMUNE &&
		    proto_units_district_of(&fx.t.campaign.units, fx.t.campaign.units.a[i].code) ==
			    district)
			return fx.t.campaign.units.a[i].code;
	fail_msg("no commune in district %d", district);
	return 0;
}

/* A district of the campaign with a target, other than OWN. */
static int other_district(void)
{
	size_t i;

	for (i = 0; i < fx.t.campaign.ntargets; i++)
		if (fx.t.campaign.targets[i].district != OWN)
			return fx.t.campaign.targets[i].district;
	fail_msg("the campaign has one district only");
	return 0;
}

/* n new households of commune, not reviewed yet (proposed), written as one hub change-set
 * (ledgered as the hub's own), each handed over on the day handed (NULL:
 * not): their ids into ids (may be NULL). */
static void add_households_handed(int commune, size_t n, const char *name, const char *handed,
				  proto_id *ids)
{
	hub_ctx ctx;
	rt_batch b;
	char err[512];
	size_t i;

	assert_int_equal(hub_open(&ctx, fx.hubdir, err, sizeof(err)), HUB_OK);
	rt_batch_init(&b, ctx.cfg->key_id);
	b.serial = fx.serial;
	for (i = 0; i < n; i++) {
		proto_id id = rt_household(&b, commune, name, NULL, NULL);

		if (handed) /* without its photo: an item of the reconcile queue */
			rt_milestone(&b, id, "handed_over", handed, NULL);
		if (ids)
			ids[i] = id;
	}
	fx.serial = b.serial;
	if (hub_ingest_own(&ctx, &b.cs, err, sizeof(err)) != HUB_OK)
		fail_msg("seeding: %s", err);
	rt_batch_release(&b);
	hub_close(&ctx);
}

static void add_households(int commune, size_t n, const char *name, proto_id *ids)
{
	add_households_handed(commune, n, name, NULL, ids);
}

static long long sql_count(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long sql_count(const char *fmt, ...)
{
	char sql[1024];
	sqlite3_stmt *st;
	long long n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(sqlite3_prepare_v2(fx.t.db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static long long ledger_rows(void)
{
	return sql_count("SELECT count(*) FROM hub_ledger");
}

/* Households of commune with review status 'status'. */
static long long of_status(int commune, const char *status)
{
	return sql_count("SELECT count(*) FROM household WHERE commune = %d AND"
			 " coalesce(review_status, 'proposed') = '%s'",
			 commune, status);
}

static void sign_in(const char *name, char *session, size_t len, char *csrf, size_t csrflen)
{
	char form[256];

	snprintf(form, sizeof(form), "name=%s&password=%s", name, GOOD_PW);
	dt_req(&fx.s, "/login", NULL, form, &r);
	assert_int_equal(r.status, 303);
	dt_session_of(&r, session, len);
	dt_csrf(&fx.s, session, csrf, csrflen);
}

static int setup(void **state)
{
	/* an admin, the operator of district OWN, a viewer */
	static const struct {
		const char *name;
		hub_role role;
		int district;
	} operators[] = { { "lan", HUB_ROLE_ADMIN, 0 },
			  { "huyen", HUB_ROLE_DISTRICT, OWN },
			  { "xem", HUB_ROLE_VIEWER, 0 } };
	char err[512];
	size_t i;

	(void)state;
	memset(&fx, 0, sizeof(fx));
	assert_int_equal(ht_hub_init(&fx.hub), 0);
	snprintf(fx.hubdir, sizeof(fx.hubdir), "%s/hub", fx.hub.dir);
	fx.t.dir = strdup(fx.hubdir);
	snprintf(fx.t.path, sizeof(fx.t.path), "%s/hub.db", fx.hubdir);
	assert_int_equal(sqlite3_open(fx.t.path, &fx.t.db), SQLITE_OK);
	sqlite3_busy_timeout(fx.t.db, 5000);
	assert_int_equal(proto_campaign_load(MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign",
					     &fx.t.campaign, err, sizeof(err)),
			 PROTO_OK);
	assert_int_equal(hub_report_migrate(fx.t.db, err, sizeof(err)), HUB_OK);
	for (i = 0; i < sizeof(operators) / sizeof(operators[0]); i++)
		if (hub_operator_add(fx.t.db, &fx.t.campaign, operators[i].name, operators[i].role,
				     operators[i].district, PW, err, sizeof(err)) != HUB_OK)
			fail_msg("operator %s: %s", operators[i].name, err);
	fx.own_commune = commune_of(OWN);
	fx.other_commune = commune_of(other_district());
	dt_start(&fx.s, &fx.t);
	sign_in("lan", fx.admin, sizeof(fx.admin), fx.admin_csrf, sizeof(fx.admin_csrf));
	sign_in("huyen", fx.huyen, sizeof(fx.huyen), fx.huyen_csrf, sizeof(fx.huyen_csrf));
	sign_in("xem", fx.viewer, sizeof(fx.viewer), fx.viewer_csrf, sizeof(fx.viewer_csrf));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dt_stop(&fx.s);
	sqlite3_close(fx.t.db);
	proto_campaign_release(&fx.t.campaign);
	free(fx.t.dir);
	ht_hub_remove(&fx.hub);
	return 0;
}

/* The answer's Location is want (webtest keeps its first 63 bytes). */
static void location_is(const char *want)
{
	size_t keep = sizeof(r.location) - 1;

	if (strncmp(r.location, want, keep) != 0 ||
	    strlen(r.location) != (strlen(want) < keep ? strlen(want) : keep))
		fail_msg("Location %s, not %s", r.location, want);
}

static void has(const char *text)
{
	if (!strstr(r.body, text))
		fail_msg("the answer (%ld) lacks \"%s\":\n%.3000s", r.status, text, r.body);
}

/* Each of texts (up to NULL) is in the answer. */
static void has_each(const char *const *texts)
{
	while (*texts)
		has(*texts++);
}

/* POST /households/decide as session, sent as h says (NULL: from our own
 * page): the form's start, then "&id=ORIGIN-SERIAL" for each of ids. */
static void post_ticked_how(const how *h, const char *session, const char *start, const proto_id *ids,
			    size_t n)
{
	static char form[8192];
	size_t i, at = (size_t)snprintf(form, sizeof(form), "%s", start);

	for (i = 0; i < n && at < sizeof(form); i++)
		at += (size_t)snprintf(form + at, sizeof(form) - at, "&id=%016llx-%llu",
				       (unsigned long long)ids[i].origin,
				       (unsigned long long)ids[i].serial);
	assert_true(at < sizeof(form));
	dt_req_how(&fx.s, h, "/households/decide", session, form, &r);
}

static void post_ticked(const char *session, const char *start, const proto_id *ids, size_t n)
{
	post_ticked_how(NULL, session, start, ids, n);
}

/* POST /households/decide as session: its CSRF field, "&", then the
 * fields fmt makes. */
static void post_fields(const char *session, const char *csrf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void post_fields(const char *session, const char *csrf, const char *fmt, ...)
{
	static char form[16384];
	size_t at = (size_t)snprintf(form, sizeof(form), "%s&", csrf);
	va_list ap;

	va_start(ap, fmt);
	assert_true((size_t)vsnprintf(form + at, sizeof(form) - at, fmt, ap) < sizeof(form) - at);
	va_end(ap);
	dt_req(&fx.s, "/households/decide", session, form, &r);
}

/* POST /reconcile/resolve as session: item and its note (form-encoded),
 * answered with status want. */
static void post_resolve(const char *session, const char *csrf, const char *item, const char *note,
			 long want)
{
	char form[512];

	snprintf(form, sizeof(form), "%s&item=%s&note=%s", csrf, item, note);
	dt_req(&fx.s, "/reconcile/resolve", session, form, &r);
	if (r.status != want)
		fail_msg("resolve %s: %ld, not %ld:\n%.2000s", item, r.status, want, r.body);
}

/* The ticked ids sent as session with its CSRF field and the other fields:
 * done, and 303 to want. */
static void ticked_done(const char *session, const char *csrf, const char *fields, const proto_id *ids,
			size_t n, const char *want)
{
	char start[512];

	snprintf(start, sizeof(start), "%s&%s", csrf, fields);
	post_ticked(session, start, ids, n);
	assert_int_equal(r.status, 303);
	location_is(want);
}

static void test_ticked_rows(void **state)
{
	static char form[8192];
	proto_id ids[5];
	long long rows;
	int c;

	(void)state;
	add_households(fx.own_commune, 5, "Trần Thị Chọn", ids);
	c = fx.own_commune;

	/* the list: a box on each row and the buttons, for who may decide */
	dt_req(&fx.s, "/households?review=proposed", fx.admin, NULL, &r);
	assert_int_equal(r.status, 200);
	has_each((const char *const[]){
		"<form id=\"batch\" method=\"post\" action=\"/households/decide\">",
		"<input type=\"checkbox\" name=\"id\" value=\"", "id=\"batch-approve\"",
		"id=\"batch-reject\"", "id=\"all-approve\"", "id=\"all-reject\"", "id=\"batch-reason\"",
		"name=\"query\" value=\"review=proposed\"", NULL });
	/* a viewer sees the list without them */
	dt_req(&fx.s, "/households?review=proposed", fx.viewer, NULL, &r);
	assert_int_equal(r.status, 200);
	has("Trần Thị Chọn");
	assert_null(strstr(r.body, "name=\"id\""));
	assert_null(strstr(r.body, "id=\"batch\""));

	/* three ticked rows confirmed: one change-set, one ledger entry */
	rows = ledger_rows();
	ticked_done(fx.admin, fx.admin_csrf, "query=review%3Dproposed&act=approve", ids, 3,
		    "/households?review=proposed&done=approve&n=3&skipped=0");
	assert_int_equal(ledger_rows(), rows + 1);
	assert_int_equal(of_status(c, "approved"), 3);
	assert_int_equal(sql_count("SELECT count(*) FROM decision WHERE operator = 'lan' AND action ="
				   " 'approved'"),
			 3);
	dt_req(&fx.s, r.location, fx.admin, NULL, &r);
	has("<p id=\"batch-done\" class=\"ok\">Đã xác nhận 3 hộ, bỏ qua 0 hộ");

	/* the same and two more: the three skipped, nothing written for them */
	ticked_done(fx.admin, fx.admin_csrf, "act=approve", ids, 5,
		    "/households?done=approve&n=2&skipped=3");
	assert_int_equal(ledger_rows(), rows + 2);
	assert_int_equal(of_status(c, "approved"), 5);

	/* a reject needs a reason; none ticked is refused; nothing written */
	snprintf(form, sizeof(form), "%s&act=reject&reason=+++", fx.admin_csrf);
	post_ticked(fx.admin, form, ids, 2);
	assert_int_equal(r.status, 400);
	has("Không xác nhận thì phải ghi lý do");
	has("id=\"batch-back\"");
	post_fields(fx.admin, fx.admin_csrf, "act=approve");
	assert_int_equal(r.status, 400);
	has("Chưa đánh dấu hộ nào");
	post_fields(fx.admin, fx.admin_csrf, "act=bless&id=x");
	assert_int_equal(r.status, 400);
	assert_int_equal(ledger_rows(), rows + 2);

	/* rejected with the reason, signed by the district's operator */
	ticked_done(fx.huyen, fx.huyen_csrf, "act=reject&reason=Tr%C3%B9ng+h%E1%BB%99", ids, 2,
		    "/households?done=reject&n=2&skipped=0");
	assert_int_equal(sql_count("SELECT count(*) FROM household WHERE commune = %d AND review_reason"
				   " = 'Trùng hộ'",
				   c),
			 2);
	assert_int_equal(sql_count("SELECT count(*) FROM decision WHERE operator = 'huyen' AND note ="
				   " 'Trùng hộ'"),
			 2);
}

static void test_refusals(void **state)
{
	static char form[8192];
	proto_id own[2], other[1];
	long long rows;

	(void)state;
	add_households(fx.own_commune, 2, "Lý Văn Riêng", own);
	add_households(fx.other_commune, 1, "Lâm Thị Ngoại", other);
	rows = ledger_rows();

	/* a viewer's form, its token and all: refused */
	snprintf(form, sizeof(form), "%s&act=approve", fx.viewer_csrf);
	post_ticked(fx.viewer, form, own, 2);
	assert_int_equal(r.status, 403);
	/* without the token, or with another session's */
	post_ticked(fx.admin, "act=approve", own, 2);
	assert_int_equal(r.status, 403);
	snprintf(form, sizeof(form), "%s&act=approve", fx.viewer_csrf);
	post_ticked(fx.admin, form, own, 2);
	assert_int_equal(r.status, 403);
	/* from another site */
	{
		how h = { NULL, "https://elsewhere.example", NULL };

		snprintf(form, sizeof(form), "%s&act=approve", fx.admin_csrf);
		post_ticked_how(&h, fx.admin, form, own, 2);
		assert_int_equal(r.status, 403);
	}
	/* GET is not a decision */
	dt_req(&fx.s, "/households/decide", fx.admin, NULL, &r);
	assert_int_equal(r.status, 405);
	has("use POST: this form is sent from a household's page, the household list or the reconcile"
	    " queue");

	/* the district's operator with another district's id among its own:
	 * the answer of an unknown household, and nothing of the batch done */
	snprintf(form, sizeof(form), "%s&act=approve&id=%016llx-%llu", fx.huyen_csrf,
		 (unsigned long long)other[0].origin, (unsigned long long)other[0].serial);
	post_ticked(fx.huyen, form, own, 2);
	assert_int_equal(r.status, 404);
	has("có hộ máy chủ tỉnh không có: chưa ghi gì");
	assert_null(strstr(r.body, "Lâm Thị Ngoại"));
	post_fields(fx.huyen, fx.huyen_csrf, "act=approve&id=%016llx-%llu",
		    (unsigned long long)other[0].origin, (unsigned long long)other[0].serial + 1000000);
	assert_int_equal(r.status, 404);
	assert_int_equal(ledger_rows(), rows);
	assert_int_equal(sql_count("SELECT count(*) FROM household WHERE name = 'Lý Văn Riêng' AND"
				   " review_status IS NULL"),
			 2);
	assert_int_equal(of_status(fx.other_commune, "proposed"), 1);

	/* the admin may */
	post_fields(fx.admin, fx.admin_csrf, "act=approve&id=%016llx-%llu",
		    (unsigned long long)other[0].origin, (unsigned long long)other[0].serial);
	assert_int_equal(r.status, 303);
	assert_int_equal(of_status(fx.other_commune, "approved"), 1);
}

/* The value of the hidden field name in the answer's form. */
static void hidden(const char *name, char *out, size_t len)
{
	char key[64];
	const char *at;

	snprintf(key, sizeof(key), "name=\"%s\" value=\"", name);
	at = strstr(r.body, key);
	if (!at)
		fail_msg("no field %s in:\n%.3000s", name, r.body);
	at += strlen(key);
	snprintf(out, len, "%.*s", (int)strcspn(at, "\""), at);
}

static void test_filtered_set(void **state)
{
	char token[160], count[32], first_token[160];
	long long rows, proposed;

	(void)state;
	add_households(fx.own_commune, 40, "Sơn Thị Lọc", NULL);
	add_households(fx.other_commune, 3, "Lâm Văn Khác", NULL);
	proposed = of_status(fx.own_commune, "proposed");
	rows = ledger_rows();

	/* the first POST asks: the count, the filters in words, nothing written */
	post_fields(fx.huyen, fx.huyen_csrf,
		    "act=approve-all&query=q%%3Dson%%2Bthi%%2Bloc%%26review%%3Dproposed");
	assert_int_equal(r.status, 200);
	has_each((const char *const[]){
		"<p id=\"confirm-question\"><b>Xác nhận 40 hộ?</b></p>",
		"<p id=\"confirm-filters\">Các hộ khớp bộ lọc: Tìm: son thi loc; Xác nhận của tỉnh: ",
		"<form id=\"batch-confirm\" method=\"post\" action=\"/households/decide\">",
		"id=\"confirm-go\"",
		"id=\"confirm-back\" href=\"/households?q=son%20thi%20loc&amp;review=proposed\"", NULL });
	hidden("token", token, sizeof(token));
	hidden("count", count, sizeof(count));
	assert_string_equal(count, "40");
	snprintf(first_token, sizeof(first_token), "%s", token);
	assert_int_equal(ledger_rows(), rows);

	/* a forged token, or another count with the same token: refused */
	post_fields(fx.huyen, fx.huyen_csrf,
		    "act=approve-all&query=q%%3Dson%%2Bthi%%2Bloc%%26review%%3Dproposed&count=40&token=%064d",
		    0);
	assert_int_equal(r.status, 403);
	post_fields(fx.huyen, fx.huyen_csrf,
		    "act=approve-all&query=q%%3Dson%%2Bthi%%2Bloc%%26review%%3Dproposed&count=39&token=%s",
		    token);
	assert_int_equal(r.status, 403);
	/* the token is bound to the action too */
	post_fields(fx.huyen, fx.huyen_csrf,
		    "act=reject-all&reason=x&query=q%%3Dson%%2Bthi%%2Bloc%%26review%%3Dproposed&count=40"
		    "&token=%s",
		    token);
	assert_int_equal(r.status, 403);

	/* the set changes between: refused, the new count shown */
	add_households(fx.own_commune, 1, "Sơn Thị Lọc", NULL);
	rows = ledger_rows();
	post_fields(fx.huyen, fx.huyen_csrf,
		    "act=approve-all&query=q%%3Dson%%2Bthi%%2Bloc%%26review%%3Dproposed&count=40&token=%s",
		    token);
	assert_int_equal(r.status, 409);
	has("nay có 41 hộ, không phải 40. Chưa ghi gì");
	has("<b>Xác nhận 41 hộ?</b>");
	hidden("token", token, sizeof(token));
	hidden("count", count, sizeof(count));
	assert_string_equal(count, "41");
	assert_string_not_equal(token, first_token);
	assert_int_equal(ledger_rows(), rows);
	assert_int_equal(of_status(fx.own_commune, "proposed"), proposed + 1);

	/* confirmed: done in one change-set; the other district's untouched */
	post_fields(fx.huyen, fx.huyen_csrf,
		    "act=approve-all&query=q%%3Dson%%2Bthi%%2Bloc%%26review%%3Dproposed&count=41&token=%s",
		    token);
	assert_int_equal(r.status, 303);
	location_is("/households?q=son%20thi%20loc&review=proposed&done=approve&n=41&skipped=0");
	assert_int_equal(ledger_rows(), rows + 1);
	assert_int_equal(of_status(fx.own_commune, "proposed"), proposed - 40);
	assert_int_equal(sql_count("SELECT count(*) FROM household WHERE name = 'Lâm Văn Khác' AND"
				   " review_status IS NULL"),
			 3);
	/* nothing left to match */
	post_fields(fx.huyen, fx.huyen_csrf,
		    "act=approve-all&query=q%%3Dson%%2Bthi%%2Bloc%%26review%%3Dproposed");
	assert_int_equal(r.status, 400);
	has("Không có hộ nào khớp bộ lọc");
	/* a district operator's filter of another district finds nothing of it */
	post_fields(fx.huyen, fx.huyen_csrf, "act=approve-all&query=district%%3D%d", other_district());
	assert_int_equal(r.status, 400);
	assert_int_equal(sql_count("SELECT count(*) FROM household WHERE name = 'Lâm Văn Khác' AND"
				   " review_status IS NULL"),
			 3);
}

/* A laptop enrolled for scope (HUB_SCOPE_COMMUNE or HUB_SCOPE_DISTRICT)
 * with key id agent (0: none), and a change-set of it the hub rejected. */
static void rejected_from(long long agent, int scope_kind, int scope_code, const char *source)
{
	char sql[512];

	if (agent)
		snprintf(sql, sizeof(sql),
			 "INSERT INTO hub_agent(id, pub, scope_kind, scope_code, enrolled)"
			 " VALUES (%lld, x'00', %d, %d, 1700000000)",
			 agent, scope_kind, scope_code);
	assert_int_equal(agent ? sqlite3_exec(fx.t.db, sql, NULL, NULL, NULL) : SQLITE_OK, SQLITE_OK);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO hub_rejection(received, source, origin, seq, code, message)"
		 " VALUES (1700000000, '%s', %lld, 1, 'bad_signature', 'test')",
		 source, agent ? agent : 4242);
	assert_int_equal(sqlite3_exec(fx.t.db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* R-N, the rejection from source (rejected_from's). */
static void rejection_of(const char *source, char *out, size_t len)
{
	snprintf(out, len, "R-%lld",
		 sql_count("SELECT id FROM hub_rejection WHERE source = '%s'", source));
}

/* Rejected change-sets settled from the operator's page: its own laptops'
 * for a district operator, any for an admin, none for a viewer. */
static void rejections_settled(void)
{
	char own[32], other[32], stranger[32], form_id[64];
	long long resolutions = sql_count("SELECT count(*) FROM report_resolution");

	rejection_of("laptop-own", own, sizeof(own));
	rejection_of("laptop-other", other, sizeof(other));
	rejection_of("stranger", stranger, sizeof(stranger));
	dt_req(&fx.s, "/", fx.huyen, NULL, &r);
	snprintf(form_id, sizeof(form_id), "<form id=\"resolve-%s\"", own);
	has(form_id);
	snprintf(form_id, sizeof(form_id), "<form id=\"resolve-%s\"", other);
	assert_null(strstr(r.body, form_id));
	dt_req(&fx.s, "/", fx.viewer, NULL, &r);
	assert_null(strstr(r.body, "action=\"/reconcile/resolve\""));

	/* another district's laptop's, a stranger's, by a changed form: 404 */
	post_resolve(fx.huyen, fx.huyen_csrf, other, "x", 404);
	has("Hàng đợi của anh/chị không có mục này: chưa ghi gì.");
	post_resolve(fx.huyen, fx.huyen_csrf, stranger, "x", 404);
	post_resolve(fx.viewer, fx.viewer_csrf, own, "x", 403);
	post_resolve(fx.huyen, fx.huyen_csrf, own, "", 400);
	post_resolve(fx.huyen, fx.huyen_csrf, "R-x", "x", 400);
	assert_int_equal(sql_count("SELECT count(*) FROM report_resolution"), resolutions);

	/* its own, then once only; the admin settles the stranger's */
	post_resolve(fx.huyen, fx.huyen_csrf, own, "m%C3%A1y+%C4%91%C3%A3+s%E1%BB%ADa", 303);
	location_is("/");
	post_resolve(fx.huyen, fx.huyen_csrf, own, "x", 409);
	post_resolve(fx.admin, fx.admin_csrf, stranger, "x", 303);
	assert_int_equal(sql_count("SELECT count(*) FROM report_resolution"), resolutions + 2);
	assert_int_equal(sql_count("SELECT count(*) FROM decision WHERE operator = 'huyen' AND item = '%s'"
				   " AND note = 'máy đã sửa'",
				   own),
			 1);
	dt_req(&fx.s, "/report?kind=reconcile&format=json", fx.huyen, NULL, &r);
	has("\"rejected_changeset\": 0}");
}

static void test_reconcile_by_district(void **state)
{
	static const char *const admin_sees[] = { "laptop-own", "laptop-other", "stranger", NULL };
	proto_id own, other;
	char own_item[96], other_item[96], form[512];
	long long resolutions;
	size_t i;

	(void)state;
	add_households_handed(fx.own_commune, 1, "Kim Thị Đối", "2023-08-01", &own);
	add_households_handed(fx.other_commune, 1, "Lâm Văn Soát", "2023-08-01", &other);
	snprintf(own_item, sizeof(own_item), "E-%016llx-%llu-handed_over",
		 (unsigned long long)own.origin, (unsigned long long)own.serial);
	snprintf(other_item, sizeof(other_item), "E-%016llx-%llu-handed_over",
		 (unsigned long long)other.origin, (unsigned long long)other.serial);
	rejected_from(7001, 1, fx.own_commune, "laptop-own");     /* a commune's of OWN */
	rejected_from(7002, 2, other_district(), "laptop-other"); /* another district's */
	rejected_from(0, 0, 0, "stranger");                       /* of no enrolled laptop */

	/* the district's operator: its items, counted as its own */
	dt_req(&fx.s, "/report?kind=reconcile&format=json", fx.huyen, NULL, &r);
	assert_int_equal(r.status, 200);
	has(own_item);
	has("laptop-own");
	assert_null(strstr(r.body, other_item));
	assert_null(strstr(r.body, "Lâm Văn Soát"));
	assert_null(strstr(r.body, "laptop-other"));
	assert_null(strstr(r.body, "stranger"));
	has("\"missing_evidence\": 1,");
	has("\"rejected_changeset\": 1}");
	dt_req(&fx.s, "/report?kind=reconcile&format=xlsx", fx.huyen, NULL, &r);
	assert_int_equal(r.status, 200);
	/* its page: the queue's counts and its laptops' rejections */
	dt_req(&fx.s, "/", fx.huyen, NULL, &r);
	assert_int_equal(r.status, 200);
	has("<h2>Hàng đợi đối soát</h2>");
	has("laptop-own");
	assert_null(strstr(r.body, "laptop-other"));
	assert_null(strstr(r.body, "stranger"));
	/* the admin: the province's whole queue */
	dt_req(&fx.s, "/report?kind=reconcile&format=json", fx.admin, NULL, &r);
	assert_int_equal(r.status, 200);
	has(own_item);
	has(other_item);
	for (i = 0; admin_sees[i]; i++)
		has(admin_sees[i]);
	has("\"rejected_changeset\": 3}");

	/* resolved from its household's page; another district's by a changed
	 * URL is the answer of a household the hub does not hold */
	resolutions = sql_count("SELECT count(*) FROM report_resolution");
	snprintf(form, sizeof(form), "%s&id=%016llx-%llu&item=%s&note=ch%%E1%%BB%%A5p+l%%E1%%BA%%A1i",
		 fx.huyen_csrf, (unsigned long long)other.origin, (unsigned long long)other.serial,
		 other_item);
	dt_req(&fx.s, "/household/resolve", fx.huyen, form, &r);
	assert_int_equal(r.status, 404);
	assert_int_equal(sql_count("SELECT count(*) FROM report_resolution"), resolutions);
	snprintf(form, sizeof(form), "%s&id=%016llx-%llu&item=%s&note=ch%%E1%%BB%%A5p+l%%E1%%BA%%A1i",
		 fx.huyen_csrf, (unsigned long long)own.origin, (unsigned long long)own.serial, own_item);
	dt_req(&fx.s, "/household/resolve", fx.huyen, form, &r);
	assert_int_equal(r.status, 303);
	assert_int_equal(sql_count("SELECT count(*) FROM report_resolution"), resolutions + 1);
	dt_req(&fx.s, "/report?kind=reconcile&format=json", fx.huyen, NULL, &r);
	has("\"missing_evidence\": 0,");
	dt_req(&fx.s, "/report?kind=reconcile&format=json", fx.admin, NULL, &r);
	has("\"missing_evidence\": 1,");
	rejections_settled();
}

/* Thousands in a few ledger entries; a long reason repeated (a body that
 * compresses too well for one seal) still done; the ledger verifies. */
static void test_many_and_audit(void **state)
{
	static char reason[3 * 4000 + 1], out[8192];
	char token[160], count[32];
	long long rows;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++)
		add_households(fx.own_commune, 500, "Kim Văn Nhiều", NULL);
	rows = ledger_rows();
	post_fields(fx.admin, fx.admin_csrf, "act=approve-all&query=q%%3Dkim%%2Bvan%%2Bnhieu");
	assert_int_equal(r.status, 200);
	has("<b>Xác nhận 2.500 hộ?</b>");
	hidden("token", token, sizeof(token));
	hidden("count", count, sizeof(count));
	post_fields(fx.admin, fx.admin_csrf,
		    "act=approve-all&query=q%%3Dkim%%2Bvan%%2Bnhieu&count=%s&token=%s", count, token);
	assert_int_equal(r.status, 303);
	location_is("/households?q=kim%20van%20nhieu&done=approve&n=2500&skipped=0");
	assert_int_equal(ledger_rows(), rows + 3); /* 1,000 households a change-set */
	assert_int_equal(sql_count("SELECT count(*) FROM household WHERE name = 'Kim Văn Nhiều' AND"
				   " review_status = 'approved'"),
			 2500);

	/* rejected with a reason of 4,000 bytes, the same for each */
	for (i = 0; i < 4000; i++)
		memcpy(reason + 3 * i, i % 2 ? "%41" : "%42", 3);
	add_households(fx.own_commune, 300, "Thạch Thị Dài", NULL);
	rows = ledger_rows();
	post_fields(fx.admin, fx.admin_csrf, "act=reject-all&query=q%%3Dthach%%2Bthi%%2Bdai&reason=%s",
		    reason);
	assert_int_equal(r.status, 200);
	has("<b>Không xác nhận 300 hộ?</b>");
	has("<p id=\"confirm-reason\">Lý do: BABABA");
	hidden("token", token, sizeof(token));
	post_fields(fx.admin, fx.admin_csrf,
		    "act=reject-all&query=q%%3Dthach%%2Bthi%%2Bdai&reason=%s&count=300&token=%s", reason,
		    token);
	assert_int_equal(r.status, 303);
	location_is("/households?q=thach%20thi%20dai&done=reject&n=300&skipped=0");
	assert_true(ledger_rows() > rows);
	assert_true(ledger_rows() < rows + 300);
	assert_int_equal(sql_count("SELECT count(*) FROM household WHERE name = 'Thạch Thị Dài' AND"
				   " review_status = 'rejected' AND length(review_reason) = 4000"),
			 300);
	assert_int_equal(sql_count("SELECT count(*) FROM decision WHERE action = 'rejected' AND"
				   " length(note) = 4000"),
			 300);

	/* every decision of every test is in the ledger, and it verifies */
	if (ht_run(out, sizeof(out), "audit verify --dir '%s' 2>&1", fx.hubdir) != 0)
		fail_msg("audit verify failed:\n%s", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticked_rows),    cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_filtered_set),   cmocka_unit_test(test_reconcile_by_district),
		cmocka_unit_test(test_many_and_audit),
	};

	/* one hub for them all: each test adds the households it decides */
	return cmocka_run_group_tests_name("batch decisions on /households", tests, setup, teardown);
}

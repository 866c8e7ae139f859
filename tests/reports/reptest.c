/*
 * reptest.c - see reptest.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"
#include "hub.h"
#include "report.h"
#include "reptest.h"

void rt_db_open(rt_db *t)
{
	char err[512];

	memset(t, 0, sizeof(*t));
	t->dir = test_mkdtemp();
	assert_non_null(t->dir);
	snprintf(t->path, sizeof(t->path), "%s/hub.db", t->dir);
	assert_int_equal(proto_db_open(t->path, &t->db), PROTO_OK);
	assert_int_equal(hub_store_migrate(t->db), HUB_OK);
	assert_int_equal(proto_campaign_load(MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign",
					     &t->campaign, err, sizeof(err)),
			 PROTO_OK);
}

int rt_report_migrate(rt_db *t)
{
	char err[512];
	int rc = hub_report_migrate(t->db, err, sizeof(err));
	if (rc)
		fprintf(stderr, "migrate: %s\n", err);
	return rc;
}

void rt_db_close(rt_db *t)
{
	sqlite3_close(t->db);
	proto_campaign_release(&t->campaign);
	test_rmtree(t->dir);
	free(t->dir);
}

void rt_batch_init(rt_batch *b, uint64_t origin)
{
	memset(b, 0, sizeof(*b));
	b->origin = origin;
	b->stamp = proto_hlc_make(1690000000000ull, 0);
}

static void ensure_open(rt_batch *b)
{
	uint8_t zeros[32] = { 0 };
	if (b->open)
		return;
	assert_int_equal(proto_changeset_init(&b->cs, "soc-trang-2023", b->origin, 1, zeros, b->stamp),
			 PROTO_OK);
	b->open = 1;
}

static proto_id begin(rt_batch *b, proto_kind kind, proto_id *id)
{
	proto_id nid = { b->origin, ++b->serial };
	ensure_open(b);
	if (id)
		nid = *id;
	assert_int_equal(proto_changeset_begin(&b->cs, kind, nid, ++b->stamp, b->origin), PROTO_OK);
	return nid;
}

static void add_text(rt_batch *b, uint8_t field, uint64_t base, const char *s)
{
	if (s)
		assert_int_equal(proto_changeset_add_text(&b->cs, field, base, s, strlen(s)), PROTO_OK);
}

proto_id rt_household(rt_batch *b, int commune, const char *name, const char *nid, const char *status)
{
	proto_id id = begin(b, PROTO_KIND_HOUSEHOLD, NULL);

	add_text(b, PROTO_HH_NAME, 0, name);
	add_text(b, PROTO_HH_NATIONAL_ID, 0, nid);
	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_HH_COMMUNE, 0, commune), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_HH_MEMBERS, 0, 4), PROTO_OK);
	add_text(b, PROTO_HH_CATEGORY, 0, "poor");
	add_text(b, PROTO_HH_REVIEW_STATUS, 0, status);
	return id;
}

void rt_household_set(rt_batch *b, proto_id hh, uint8_t field, const char *value, uint64_t base)
{
	begin(b, PROTO_KIND_HOUSEHOLD, &hh);
	if (value)
		add_text(b, field, base, value);
	else
		assert_int_equal(proto_changeset_add_null(&b->cs, field, base), PROTO_OK);
}

void rt_household_set_int(rt_batch *b, proto_id hh, uint8_t field, int64_t v, uint64_t base)
{
	begin(b, PROTO_KIND_HOUSEHOLD, &hh);
	assert_int_equal(proto_changeset_add_int(&b->cs, field, base, v), PROTO_OK);
}

proto_id rt_milestone(rt_batch *b, proto_id hh, const char *stage, const char *date, const char *forced)
{
	proto_id id = begin(b, PROTO_KIND_MILESTONE, NULL);

	assert_int_equal(proto_changeset_add_ref(&b->cs, PROTO_MS_HOUSEHOLD, 0, hh), PROTO_OK);
	add_text(b, PROTO_MS_STAGE, 0, stage);
	add_text(b, PROTO_MS_DATE, 0, date);
	add_text(b, PROTO_MS_FORCED, 0, forced);
	return id;
}

proto_id rt_contribution(rt_batch *b, const proto_id *hh, int unit, const char *source, int64_t money,
			 int64_t labour, const char *material, int64_t value, const char *date)
{
	proto_id id = begin(b, PROTO_KIND_CONTRIBUTION, NULL);

	if (hh)
		assert_int_equal(proto_changeset_add_ref(&b->cs, PROTO_CT_HOUSEHOLD, 0, *hh), PROTO_OK);
	/* every contribution names a unit; a household's counts where the household is */
	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_CT_UNIT, 0, unit), PROTO_OK);
	add_text(b, PROTO_CT_SOURCE, 0, source);
	if (money)
		assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_CT_MONEY, 0, money), PROTO_OK);
	if (labour)
		assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_CT_LABOUR, 0, labour), PROTO_OK);
	add_text(b, PROTO_CT_MATERIAL, 0, material);
	if (value)
		assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_CT_MATERIAL_VALUE, 0, value),
				 PROTO_OK);
	add_text(b, PROTO_CT_DATE, 0, date);
	return id;
}

proto_id rt_void(rt_batch *b, proto_id target, int kind)
{
	proto_id id = begin(b, PROTO_KIND_VOID, NULL);

	assert_int_equal(proto_changeset_add_ref(&b->cs, PROTO_VO_TARGET, 0, target), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_VO_TARGET_KIND, 0, kind), PROTO_OK);
	add_text(b, PROTO_VO_REASON, 0, "nhập nhầm");
	return id;
}

proto_id rt_photo(rt_batch *b, proto_id target, int target_kind, const char *sha256)
{
	return rt_photo_at(b, target, target_kind, sha256, NULL);
}

proto_id rt_photo_at(rt_batch *b, proto_id target, int target_kind, const char *sha256,
		     const char *taken_at)
{
	proto_id id = begin(b, PROTO_KIND_PHOTO, NULL);

	assert_int_equal(proto_changeset_add_ref(&b->cs, PROTO_PH_TARGET, 0, target), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_PH_TARGET_KIND, 0, target_kind), PROTO_OK);
	add_text(b, PROTO_PH_SHA256, 0, sha256);
	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_PH_BYTES, 0, 200000), PROTO_OK);
	add_text(b, PROTO_PH_TYPE, 0, "image/jpeg");
	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_PH_WIDTH, 0, 1600), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_PH_HEIGHT, 0, 1200), PROTO_OK);
	add_text(b, PROTO_PH_TAKEN_AT, 0, taken_at);
	return id;
}

void rt_flush(rt_batch *b, sqlite3 *db)
{
	char err[512];
	proto_result r;

	if (!b->open)
		return;
	r = proto_merge(db, &b->cs, NULL);
	if (r != PROTO_OK)
		fprintf(stderr, "merge: %s (%s)\n", proto_strerror(r), sqlite3_errmsg(db));
	assert_int_equal(r, PROTO_OK);
	/* the end of a change-set, as ingest ends it (a test that writes its
	 * data before the report tables have none to bring up to date) */
	if (sqlite3_table_column_metadata(db, "main", "report_dirty", NULL, NULL, NULL, NULL, NULL,
					  NULL) == SQLITE_OK &&
	    hub_report_flush(db, &b->cs, err, sizeof(err)) != HUB_OK)
		fail_msg("%s", err);
	proto_changeset_release(&b->cs);
	b->open = 0;
}

void rt_batch_release(rt_batch *b)
{
	if (b->open)
		proto_changeset_release(&b->cs);
	b->open = 0;
}

hub_report_opts rt_opts(int kind, int format, const char *as_of)
{
	hub_report_opts o = { .kind = (hub_report_kind)kind, .format = (hub_report_format)format };

	snprintf(o.as_of, sizeof(o.as_of), "%s", as_of ? as_of : "");
	return o;
}

int rt_render(rt_db *t, const hub_report_opts *o, char **text, char *err, size_t errlen)
{
	proto_buf out;
	size_t len;
	int rc;

	proto_buf_init(&out, HUB_REPORT_MAX_OUT);
	rc = hub_report_render(t->db, &t->campaign, o, &out, err, errlen);
	*text = NULL;
	if (rc == 0) {
		assert_int_equal(proto_buf_append_byte(&out, 0), PROTO_OK);
		*text = (char *)proto_buf_detach(&out, &len);
	}
	proto_buf_release(&out);
	return rc;
}

char *rt_report(rt_db *t, int kind, int format, const char *as_of, int by_commune)
{
	hub_report_opts o = rt_opts(kind, format, as_of);
	char err[512], *text;

	o.by_commune = by_commune;
	if (rt_render(t, &o, &text, err, sizeof(err)) != 0)
		fail_msg("report: %s", err);
	return text;
}

int rt_commune_of(const rt_db *t, int district)
{
	const proto_units *units = &t->campaign.units;
	size_t i;

	for (i = 0; i < units->n; i++)
		if (units->a[i].level == PROTO_UNIT_COMMUNE &&
		    proto_units_district_of(units, units->a[i].code) == district)
			return units->a[i].code;
	return 0;
}

long long rt_json_int(const char *json, const char *from, const char *key)
{
	char pat[128];
	const char *p = from ? strstr(json, from) : json;

	if (!p)
		return -1;
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(p, pat);
	if (!p)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

long long rt_open_of(rt_db *t, const char *kind, const char *as_of)
{
	char *json = rt_report(t, HUB_REPORT_RECONCILE, HUB_FMT_JSON, as_of, 0);
	long long n = rt_json_int(json, "\"counts\"", kind);

	free(json);
	return n;
}

void rt_expect_reconcile_text(rt_db *t, int format, const char *as_of, const char *text, int present)
{
	char *out = rt_report(t, HUB_REPORT_RECONCILE, format, as_of, 0);

	if ((strstr(out, text) != NULL) != present)
		fail_msg("reconcile report %s '%s':\n%s", present ? "lacks" : "shows", text, out);
	free(out);
}

void rt_expect_rebuild_same(rt_db *t, const char *as_of)
{
	char *before = rt_report(t, HUB_REPORT_RECONCILE, HUB_FMT_JSON, as_of, 0), *after;

	assert_int_equal(hub_meta_set(t->db, "report_schema", "2"), HUB_OK);
	assert_int_equal(rt_report_migrate(t), 0);
	after = rt_report(t, HUB_REPORT_RECONCILE, HUB_FMT_JSON, as_of, 0);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

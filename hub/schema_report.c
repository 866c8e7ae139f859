/*
 * schema_report.c - the derived tables the reports read, the triggers that
 * keep them current on every merge, and the rebuild that fills them from a
 * hub that already holds data. A report over a million households then
 * reads a few thousand counter rows instead of scanning eight million
 * milestones (docs/REPORTS.md, "How reports stay fast"). Installed with the
 * rest of the hub's schema when the hub opens its database (schema.c): every
 * merge of ingest.c runs these triggers.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/schema.h"
#include "ingest.h"
#include "schema.h"
#include "store.h"
#include "store_int.h"
#include "i18n.h"

/* 2: a void takes out only an event of the kind it names
 * (PROTO_SQL_MILESTONE_LIVE / PROTO_SQL_CONTRIBUTION_LIVE).
 * 3: a withdrawn household (PROTO_SQL_HOUSEHOLD_COUNTS) leaves every count
 * with its milestones, contributions and national ID; report_twice; a
 * ledger row closes the rejections of the same change-set.
 * 4: a milestone (or its void) notes its household in report_dirty; its
 * dates, their counters and report_twice follow at the end of the
 * change-set (hub_report_flush).
 * 5: a contribution notes itself in report_fund_due; its report_fund sums
 * follow at the end of the change-set, grouped (hub_report_flush).
 * 6: a household with no report_hh row yet is noted in report_dirty; the
 * flush makes its row once, with its stage dates, and counts the change-set's
 * new rows grouped (report_new.fresh) instead of a row, two counters and a
 * rewrite of the row a household. A contribution notes a household without
 * a row the same way. The flush notes the households of the change-set's
 * milestones itself, from the change-set: no trigger a milestone.
 * 7: the flush keeps a household's stage dates from its report_hh row and the
 * change-set's own milestones (their dates noted from the change-set, in C),
 * the earliest of the two per stage, instead of reading all its milestones
 * again; a household a void touched (report_dirty.full) is read in full as
 * before.
 * An older hub drops its derived tables and triggers and rebuilds them. The
 * operator tables (resolutions, operators, sessions) are kept as they are. */
#define REPORT_SCHEMA_VERSION "7"

/* The target_kind of a void naming a milestone or a contribution. */
#define KIND_MILESTONE_SQL "2"
#define KIND_CONTRIBUTION_SQL "3"
_Static_assert(PROTO_KIND_MILESTONE == 2 && PROTO_KIND_CONTRIBUTION == 3,
	       "KIND_*_SQL spell the kinds' numbers");

/*
 * report_hh: one row per household named by a household row or an event.
 *   present: a household row exists; withdrawn: taken out of every count
 *   (its milestones and contributions with it); counted: present, not
 *   rejected and not withdrawn.
 *   d1..d8: first date of each stage among its non-voided milestones.
 *   r1..r8: the date it reached stage k = first date of k or any later stage
 *   ('~' sorts after every date and means "not reached").
 *   disorder: a stage is recorded while an earlier one is missing (the agent
 *   only allows that with --force) or is dated before an earlier stage.
 * report_count: households per (commune, slot, date) where slot 1..8 is the
 *   stage reached on that date, 0 registered and 9 approved (date '').
 * report_fund: contribution sums per (unit, source, date); a household's
 *   contribution counts in the household's commune (0 while unknown).
 * report_nid: households per national ID (withdrawn ones left out).
 * report_twice: (household, stage) where two laptops (origins) recorded the
 *   stage on different days: candidates for the reconcile queue, which
 *   checks at read time that both are still live (a void may clear one).
 *   Rows are only added, by every such pair whatever the voids, so the
 *   triggers and the rebuild make the same set in any arrival order.
 * report_dirty: households whose milestones the change-set being merged
 *   added or voided, and households it added: their rows, dates, counters
 *   and report_twice rows wait for hub_report_flush at its end (in the same
 *   transaction), which empties it. d1..d8: the first date of each stage among
 *   the change-set's own milestones of the household, live: it has a dated
 *   one (schema_report_flush.c notes both); full: a void touched the
 *   household's milestones, so its dates are read again from all of them.
 * report_new: within the flush, the new dates of those whose dates move;
 *   fresh: the household has no report_hh row yet, the flush makes it.
 * report_fund_due: contributions the change-set being merged added (live
 *   then): their sums join report_fund at its end (hub_report_flush), as they
 *   stand then (its voids, its households' communes and withdrawals), one
 *   grouped upsert instead of one a contribution; until then the triggers
 *   that move or take out sums leave them alone.
 */
static const char tables_sql[] =
	"CREATE TABLE report_hh ("
	" id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
	" present INTEGER NOT NULL DEFAULT 0, commune INTEGER NOT NULL DEFAULT 0,"
	" counted INTEGER NOT NULL DEFAULT 0, approved INTEGER NOT NULL DEFAULT 0,"
	" withdrawn INTEGER NOT NULL DEFAULT 0,"
	" d1 TEXT, d2 TEXT, d3 TEXT, d4 TEXT, d5 TEXT, d6 TEXT, d7 TEXT, d8 TEXT,"
	" %s"
	" disorder INTEGER GENERATED ALWAYS AS (%s) STORED,"
	" PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;"
	"CREATE INDEX report_hh_disorder ON report_hh(id_origin, id_serial) WHERE disorder;"
	"CREATE INDEX report_hh_d7 ON report_hh(d7);"
	"CREATE INDEX report_hh_d8 ON report_hh(d8);"
	"CREATE TABLE report_count (commune INTEGER NOT NULL, slot INTEGER NOT NULL,"
	" date TEXT NOT NULL, n INTEGER NOT NULL,"
	" PRIMARY KEY (commune, slot, date)) WITHOUT ROWID;"
	"CREATE TABLE report_fund (unit INTEGER NOT NULL, source TEXT NOT NULL,"
	" date TEXT NOT NULL, n INTEGER NOT NULL, money INTEGER NOT NULL,"
	" labour INTEGER NOT NULL, mat_n INTEGER NOT NULL, mat_value INTEGER NOT NULL,"
	" PRIMARY KEY (unit, source, date)) WITHOUT ROWID;"
	"CREATE TABLE report_nid (national_id TEXT PRIMARY KEY, n INTEGER NOT NULL)"
	" WITHOUT ROWID;"
	"CREATE INDEX report_nid_dup ON report_nid(n) WHERE n > 1;"
	"CREATE TABLE report_twice (id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
	" stage TEXT NOT NULL, PRIMARY KEY (id_origin, id_serial, stage)) WITHOUT ROWID;"
	"CREATE TABLE report_dirty (id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
	" d1 TEXT, d2 TEXT, d3 TEXT, d4 TEXT, d5 TEXT, d6 TEXT, d7 TEXT, d8 TEXT,"
	" live INTEGER NOT NULL DEFAULT 0, full INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;"
	"CREATE TABLE report_new (id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
	" d1 TEXT, d2 TEXT, d3 TEXT, d4 TEXT, d5 TEXT, d6 TEXT, d7 TEXT, d8 TEXT,"
	" fresh INTEGER NOT NULL, PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;"
	"CREATE TABLE report_fund_due (id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
	" PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;";

/* The columns roles added to report_operator: in the table a new hub makes,
 * and added to an older one (operator_roles_migrate). */
#define OPERATOR_ROLE_COL " role TEXT NOT NULL DEFAULT 'admin'"
#define OPERATOR_DISTRICT_COL " district INTEGER NOT NULL DEFAULT 0"
#define OPERATOR_DISABLED_COL " disabled INTEGER NOT NULL DEFAULT 0"
#define OPERATOR_ROLE_COLS "," OPERATOR_ROLE_COL "," OPERATOR_DISTRICT_COL "," OPERATOR_DISABLED_COL

/* What operators wrote: never derived, kept across upgrades. */
static const char operator_tables_sql[] =
	/* appended, never updated or deleted: the latest row for an item counts */
	"CREATE TABLE IF NOT EXISTS report_resolution (id INTEGER PRIMARY KEY, item TEXT NOT NULL,"
	" resolved_at TEXT NOT NULL, resolved_by TEXT NOT NULL, note TEXT NOT NULL,"
	" keep TEXT);"
	"CREATE INDEX IF NOT EXISTS report_resolution_item ON report_resolution(item);"
	/* role: admin, district (of district, a district's code) or viewer;
	 * a disabled operator is kept (decisions name it) but signs in no more */
	"CREATE TABLE IF NOT EXISTS report_operator (name TEXT PRIMARY KEY, salt BLOB NOT NULL,"
	" hash BLOB NOT NULL, iter INTEGER NOT NULL, created INTEGER NOT NULL" OPERATOR_ROLE_COLS ");"
	/* only the SHA-256 of a session token is stored */
	"CREATE TABLE IF NOT EXISTS report_session (hash BLOB PRIMARY KEY, operator TEXT NOT NULL,"
	" created INTEGER NOT NULL, expires INTEGER NOT NULL);";

/* The contribution sums of one row (alias c), signed by 'sign'. */
#define FUND_COLS(sign) \
	"coalesce(c.source, 'other'), coalesce(c.date, ''), " sign "count(*)," sign \
	"sum(coalesce(c.money_vnd, 0))," sign "sum(coalesce(c.labour_days, 0))," sign \
	"sum(c.material IS NOT NULL AND c.material <> '')," sign "sum(coalesce(c.material_value_vnd, 0))"
#define FUND_UPSERT \
	" ON CONFLICT(unit, source, date) DO UPDATE SET n = n + excluded.n," \
	" money = money + excluded.money, labour = labour + excluded.labour," \
	" mat_n = mat_n + excluded.mat_n, mat_value = mat_value + excluded.mat_value;"
#define COUNT_UPSERT " ON CONFLICT(commune, slot, date) DO UPDATE SET n = n + excluded.n;"

/* Contribution c is not in report_fund yet: the flush adds it. */
#define FUND_NOT_DUE \
	" NOT EXISTS (SELECT 1 FROM report_fund_due f WHERE f.id_origin = c.id_origin AND" \
	" f.id_serial = c.id_serial) "

/* A contribution (alias c) counts unless its household was withdrawn. */
#define FUND_COUNTS \
	" NOT EXISTS (SELECT 1 FROM report_hh w WHERE w.id_origin = c.household_origin AND" \
	" w.id_serial = c.household_serial AND w.withdrawn) "

/* The unit a contribution (alias c) counts in. */
#define FUND_UNIT \
	"CASE WHEN c.household_origin IS NULL THEN coalesce(c.unit, 0) ELSE coalesce((SELECT" \
	" h.commune FROM report_hh h WHERE h.id_origin = c.household_origin AND" \
	" h.id_serial = c.household_serial), 0) END"

/* Household row r (NEW/OLD) counts: not withdrawn (maiam/schema.h). */
#define HH_COUNTS(r) PROTO_SQL_HOUSEHOLD_COUNTS(r)
/* What report_hh keeps of household row r: commune, counted, approved,
 * withdrawn (the values of the rebuild and of the flush's fresh rows). */
#define HH_COMMUNE(r) "coalesce(" r ".commune, 0)"
#define HH_COUNTED(r) r ".review_status IS NOT 'rejected' AND" HH_COUNTS(r)
#define HH_APPROVED(r) r ".review_status IS 'approved'"
#define HH_WITHDRAWN(r) "NOT (" HH_COUNTS(r) ")"
/* clang-format off */
#define HH_SUMMARY_SET(r) \
	" commune = " HH_COMMUNE(r) ", counted = " HH_COUNTED(r) "," \
	" approved = " HH_APPROVED(r) ", withdrawn = " HH_WITHDRAWN(r)
/* clang-format on */
/* The national ID household row r counts under in report_nid, or NULL. */
#define NID_KEY(r) "(CASE WHEN " r ".national_id <> '' AND" HH_COUNTS(r) "THEN " r ".national_id END)"

/* Who closes a rejection whose very change-set the ledger took later, and
 * the note (the ledger row's id follows). docs/REPORTS.md, "reconcile". */
#define SUPERSEDED_BY "maiam-hub"
#define SUPERSEDED_NOTE \
	"tự động đóng: chính gói dữ liệu này (cùng máy, số thứ tự và mã băm) đã được nhận" \
	" sau đó, sổ cái #"
/* The resolutions of the open rejections (r) of ledger row l, which join
 * brings in (or names NEW). */
#define SUPERSEDED_SELECT(l, join) \
	" SELECT 'R-' || r.id, strftime('%Y-%m-%dT%H:%M:%SZ', " l ".received, 'unixepoch')," \
	" '" SUPERSEDED_BY "', '" SUPERSEDED_NOTE "' || " l ".id FROM hub_rejection r" join \
	" WHERE r.origin = " l ".origin AND r.seq = " l ".seq AND r.hash = " l ".hash" \
	" AND NOT EXISTS (SELECT 1 FROM report_resolution s WHERE s.item = 'R-' || r.id)"

/* Stage k's reached day from the stage dates of row p ("" or "c."): the
 * first date of stage k or any later one, '~' when none. report_hh's
 * generated r1..r8 and the flush's count_move (the days the new dates give)
 * are this one expression. Laid out by hand: clang-format would scatter it. */
/* clang-format off */
#define DAY_OR_NOT(p, k) "coalesce(" p "d" #k ", '~')"
#define DAYS_FROM_8(p) DAY_OR_NOT(p, 8)
#define DAYS_FROM_7(p) DAY_OR_NOT(p, 7) ", " DAYS_FROM_8(p)
#define DAYS_FROM_6(p) DAY_OR_NOT(p, 6) ", " DAYS_FROM_7(p)
#define DAYS_FROM_5(p) DAY_OR_NOT(p, 5) ", " DAYS_FROM_6(p)
#define DAYS_FROM_4(p) DAY_OR_NOT(p, 4) ", " DAYS_FROM_5(p)
#define DAYS_FROM_3(p) DAY_OR_NOT(p, 3) ", " DAYS_FROM_4(p)
#define DAYS_FROM_2(p) DAY_OR_NOT(p, 2) ", " DAYS_FROM_3(p)
#define DAYS_FROM_1(p) DAY_OR_NOT(p, 1) ", " DAYS_FROM_2(p)
#define REACHED8(p) DAYS_FROM_8(p)
#define REACHED7(p) "min(" DAYS_FROM_7(p) ")"
#define REACHED6(p) "min(" DAYS_FROM_6(p) ")"
#define REACHED5(p) "min(" DAYS_FROM_5(p) ")"
#define REACHED4(p) "min(" DAYS_FROM_4(p) ")"
#define REACHED3(p) "min(" DAYS_FROM_3(p) ")"
#define REACHED2(p) "min(" DAYS_FROM_2(p) ")"
#define REACHED1(p) "min(" DAYS_FROM_1(p) ")"

static int append_columns(proto_buf *b)
{
	static const char cols[] =
		"r1 TEXT GENERATED ALWAYS AS (" REACHED1("") ") VIRTUAL, "
		"r2 TEXT GENERATED ALWAYS AS (" REACHED2("") ") VIRTUAL, "
		"r3 TEXT GENERATED ALWAYS AS (" REACHED3("") ") VIRTUAL, "
		"r4 TEXT GENERATED ALWAYS AS (" REACHED4("") ") VIRTUAL, "
		"r5 TEXT GENERATED ALWAYS AS (" REACHED5("") ") VIRTUAL, "
		"r6 TEXT GENERATED ALWAYS AS (" REACHED6("") ") VIRTUAL, "
		"r7 TEXT GENERATED ALWAYS AS (" REACHED7("") ") VIRTUAL, "
		"r8 TEXT GENERATED ALWAYS AS (" REACHED8("") ") VIRTUAL, ";

	return proto_buf_append_str(b, cols) ? -1 : 0;
}
/* clang-format on */

static int append_disorder(proto_buf *b)
{
	int j, k, first = 1;

	if (proto_buf_append_str(b, "coalesce("))
		return -1;
	/* "handed over with no roof" is as wrong as "handed over before the roof" */
	for (j = 1; j <= 8; j++)
		for (k = j + 1; k <= 8; k++) {
			if (proto_buf_appendf(b, "%s(d%d IS NOT NULL AND (d%d IS NULL OR d%d < d%d))",
					      first ? "" : " OR ", k, j, k, j))
				return -1;
			first = 0;
		}
	return proto_buf_append_str(b, ", 0)") ? -1 : 0;
}

/* The date key of slot s for row R (OLD/NEW), NULL when it does not count. */
static int append_slot_key(proto_buf *b, const char *r, int s)
{
	if (s == 0)
		return proto_buf_appendf(b, "CASE WHEN %s.counted THEN '' END", r) ? -1 : 0;
	if (s == 9)
		return proto_buf_appendf(b, "CASE WHEN %s.counted AND %s.approved THEN '' END", r, r) ? -1
												      : 0;
	return proto_buf_appendf(b, "CASE WHEN %s.counted AND %s.r%d <> '~' THEN %s.r%d END", r, r, s, r, s)
		       ? -1
		       : 0;
}

/* One counter statement of an update: add (+1 for NEW) or take away (-1 for
 * OLD) slot s where its key or the commune moves. */
static int append_count_stmt(proto_buf *b, int s, int add)
{
	const char *me = add ? "NEW" : "OLD";

	if (proto_buf_appendf(b,
			      "INSERT INTO report_count(commune, slot, date, n) SELECT %s.commune,"
			      " %d, k, %d FROM (SELECT ",
			      me, s, add ? 1 : -1) ||
	    append_slot_key(b, me, s) || proto_buf_append_str(b, " AS k, ") ||
	    append_slot_key(b, add ? "OLD" : "NEW", s) ||
	    proto_buf_append_str(b, " AS other) WHERE k IS NOT NULL AND (k IS NOT other OR"
				    " OLD.commune <> NEW.commune)" COUNT_UPSERT))
		return -1;
	return 0;
}

/* Households: one new to the report tables is noted, its row (with its
 * stage dates and counters) follows at the end of the change-set
 * (hub_report_flush); one whose row an earlier change-set made (its
 * milestones or contributions came first) fills it in as an update of it
 * does. The national ID's count has a
 * trigger of its own: a household without one runs no statement for it. */
/* clang-format off */
static const char household_triggers_sql[] =
	"CREATE TRIGGER report_household_ai AFTER INSERT ON household BEGIN"
	" UPDATE report_hh SET present = 1," HH_SUMMARY_SET("NEW")
	" WHERE id_origin = NEW.id_origin AND id_serial = NEW.id_serial;"
	" INSERT OR IGNORE INTO report_dirty(id_origin, id_serial)"
	" VALUES (NEW.id_origin, NEW.id_serial);"
	" END;"
	"CREATE TRIGGER report_household_nid_ai AFTER INSERT ON household"
	" WHEN " NID_KEY("NEW") " IS NOT NULL BEGIN"
	" INSERT INTO report_nid(national_id, n) VALUES (" NID_KEY("NEW") ", 1)"
	" ON CONFLICT(national_id) DO UPDATE SET n = n + 1;"
	" END;"
	"CREATE TRIGGER report_household_au AFTER UPDATE OF commune, review_status, withdrawn"
	" ON household BEGIN"
	" UPDATE report_hh SET" HH_SUMMARY_SET("NEW")
	" WHERE id_origin = NEW.id_origin AND id_serial = NEW.id_serial;"
	" END;"
	"CREATE TRIGGER report_household_nid AFTER UPDATE OF national_id, withdrawn ON household"
	" WHEN " NID_KEY("OLD") " IS NOT " NID_KEY("NEW") " BEGIN"
	" UPDATE report_nid SET n = n - 1 WHERE national_id = " NID_KEY("OLD") ";"
	" INSERT INTO report_nid(national_id, n) SELECT " NID_KEY("NEW") ", 1"
	" WHERE " NID_KEY("NEW") " IS NOT NULL"
	" ON CONFLICT(national_id) DO UPDATE SET n = n + 1;"
	" END;";
/* clang-format on */

static int append_triggers(proto_buf *b)
{
	int s;

	/* no trigger counts a report_hh row inserted: the flush inserts them
	 * all (fresh, with their dates) and counts them grouped; a row made
	 * before its household row counts nothing until that row fills it in
	 * (household_triggers_sql), an update of it */
	/* one trigger per slot, so that a household whose review changes runs
	 * two counter statements, not twenty. Only for what the household row
	 * sets: the stage dates change in hub_report_flush alone, which counts
	 * them itself, a change-set's households in two statements (merge
	 * cost, BENCHMARKS.md) */
	for (s = 0; s <= 9; s++)
		if (proto_buf_appendf(b,
				      "CREATE TRIGGER report_hh_au%d AFTER UPDATE OF commune, counted, approved"
				      " ON report_hh WHEN (",
				      s) ||
		    append_slot_key(b, "OLD", s) || proto_buf_append_str(b, ") IS NOT (") ||
		    append_slot_key(b, "NEW", s) ||
		    proto_buf_append_str(b, ") OR OLD.commune <> NEW.commune BEGIN ") ||
		    append_count_stmt(b, s, 0) || append_count_stmt(b, s, 1) ||
		    proto_buf_append_str(b, "END;"))
			return -1;
	/* a household that moves commune takes its contributions along; one
	 * withdrawn takes them out, one whose withdrawal is undone back in */
	if (proto_buf_append_str(
		    b,
		    "CREATE TRIGGER report_hh_funds AFTER UPDATE OF commune, withdrawn ON report_hh"
		    " WHEN OLD.commune <> NEW.commune OR OLD.withdrawn <> NEW.withdrawn BEGIN "
		    "INSERT INTO report_fund SELECT OLD.commune, " FUND_COLS(
			    "-") " FROM contribution c"
				 " WHERE NOT OLD.withdrawn AND c.household_origin = OLD.id_origin AND"
				 " c.household_serial = OLD.id_serial AND" FUND_NOT_DUE
				 "AND" PROTO_SQL_CONTRIBUTION_LIVE(
					 "c") "GROUP BY 2, 3" FUND_UPSERT
					      "INSERT INTO report_fund SELECT NEW.commune, " FUND_COLS(
						      "") " FROM contribution c"
							  " WHERE NOT NEW.withdrawn AND c.household_origin = NEW.id_origin AND"
							  " c.household_serial = NEW.id_serial AND" FUND_NOT_DUE
							  "AND" PROTO_SQL_CONTRIBUTION_LIVE(
								  "c") "GROUP BY 2, 3" FUND_UPSERT "END;"))
		return -1;

	if (proto_buf_append_str(b, household_triggers_sql))
		return -1;

	/* milestones: no trigger. hub_report_flush notes their households
	 * from the change-set merged, one note a household instead of one a
	 * milestone (merge cost, docs/BENCHMARKS.md) */

	/* contributions: noted, their sums follow at the end of the
	 * change-set (hub_report_flush), a night's labour days of one commune
	 * in one upsert instead of one a record (merge cost, BENCHMARKS.md);
	 * a household the report tables do not know yet gets its row there
	 * too, before the sums that read its commune */
	if (proto_buf_append_str(
		    b,
		    "CREATE TRIGGER report_contribution_ai AFTER INSERT ON contribution WHEN" PROTO_SQL_CONTRIBUTION_LIVE(
			    "NEW") "BEGIN "
				   "INSERT OR IGNORE INTO report_dirty(id_origin, id_serial) SELECT NEW.household_origin,"
				   " NEW.household_serial WHERE NEW.household_origin IS NOT NULL AND NOT EXISTS"
				   " (SELECT 1 FROM report_hh h WHERE h.id_origin = NEW.household_origin AND"
				   " h.id_serial = NEW.household_serial);"
				   "INSERT OR IGNORE INTO report_fund_due(id_origin, id_serial)"
				   " VALUES (NEW.id_origin, NEW.id_serial);END;"))
		return -1;

	/* voids: a void naming a milestone notes its household, whose stage
	 * dates the flush recomputes from all its milestones (full); one naming
	 * a contribution takes it out,
	 * on its first void only (voids may repeat). A void of another kind
	 * voids neither. */
	if (proto_buf_append_str(
		    b,
		    "CREATE TRIGGER report_void_ai AFTER INSERT ON void_event BEGIN "
		    "INSERT INTO report_dirty(id_origin, id_serial, full) SELECT household_origin,"
		    " household_serial, 1 FROM milestone WHERE NEW.target_kind = " KIND_MILESTONE_SQL " AND"
		    " id_origin = NEW.target_origin AND id_serial = NEW.target_serial AND"
		    " household_origin IS NOT NULL ON CONFLICT(id_origin, id_serial) DO UPDATE SET full = 1;"
		    "INSERT INTO report_fund SELECT " FUND_UNIT ", " FUND_COLS(
			    "-") " FROM contribution c"
				 " WHERE NEW.target_kind = " KIND_CONTRIBUTION_SQL " AND"
				 " c.id_origin = NEW.target_origin AND c.id_serial = NEW.target_serial AND" FUND_COUNTS
				 "AND" FUND_NOT_DUE
				 "AND NOT EXISTS (SELECT 1 FROM void_event v WHERE v.target_origin = NEW.target_origin"
				 " AND v.target_serial = NEW.target_serial AND v.target_kind = NEW.target_kind AND"
				 " (v.id_origin <> NEW.id_origin OR v.id_serial <> NEW.id_serial)) GROUP BY 2, 3" FUND_UPSERT
				 "END;"))
		return -1;

	/* a rejected change-set the ledger takes later, the very same bytes,
	 * needs nobody any more: its item is closed */
	if (proto_buf_append_str(
		    b, "CREATE TRIGGER report_rejection_superseded AFTER INSERT ON hub_ledger BEGIN "
		       "INSERT INTO report_resolution(item, resolved_at, resolved_by, note)" SUPERSEDED_SELECT(
			       "NEW", "") "; END;"))
		return -1;
	return 0;
}

/* The first date of each stage (d1..d8 of report_hh) among the milestones
 * grouped (unqualified stage and date: the milestone's), for the rebuild and
 * the flush alike, so that both give the same dates. */
#define FIRST_DATES \
	" min(CASE WHEN stage = 'surveyed' THEN date END) AS d1," \
	" min(CASE WHEN stage = 'approved' THEN date END) AS d2," \
	" min(CASE WHEN stage = 'started' THEN date END) AS d3," \
	" min(CASE WHEN stage = 'foundation' THEN date END) AS d4," \
	" min(CASE WHEN stage = 'walls' THEN date END) AS d5," \
	" min(CASE WHEN stage = 'roof' THEN date END) AS d6," \
	" min(CASE WHEN stage = 'completed' THEN date END) AS d7," \
	" min(CASE WHEN stage = 'handed_over' THEN date END) AS d8"

/* A milestone of household d (report_dirty) that counts for its dates. */
#define DIRTY_MILESTONE(m) \
	" " m ".household_origin = d.id_origin AND " m ".household_serial = d.id_serial AND " m \
	".date IS NOT NULL AND" PROTO_SQL_MILESTONE_LIVE(m)

/* The counters (slots 1..8) of the households report_new names, moved from
 * the days their report_hh rows hold to the days their new dates give, in
 * one statement before the dates are written: only the slots whose day
 * moves, -1 on the old day and +1 on the new ('~': not reached, not
 * counted). A milestone in order moves one slot of its household; taking
 * all eight out and putting them back (the statement before this one, two
 * statements around the dates) wrote sixteen counter rows a household for
 * it, a third of a night-60 merge (docs/BENCHMARKS.md, "Night 60's
 * flush"). The households are grouped by their old and new days first:
 * those registered together share them, and their slots are then a few
 * rows, not eight a household. Zero sums are left out: a household that
 * leaves a day as another reaches it changes nothing there. */
/* clang-format off */
const char hub_report_sql_count_move[] =
	"INSERT INTO report_count(commune, slot, date, n) SELECT commune, slot,"
	" CASE WHEN sg.column1 < 0 THEN ok ELSE nk END, sum(sg.column1 * n)"
	" FROM (SELECT g.commune AS commune, x.column1 AS slot, g.n AS n,"
	" CASE x.column1 WHEN 1 THEN g.o1 WHEN 2 THEN g.o2 WHEN 3 THEN g.o3 WHEN 4 THEN g.o4"
	" WHEN 5 THEN g.o5 WHEN 6 THEN g.o6 WHEN 7 THEN g.o7 ELSE g.o8 END AS ok,"
	" CASE x.column1 WHEN 1 THEN g.n1 WHEN 2 THEN g.n2 WHEN 3 THEN g.n3 WHEN 4 THEN g.n4"
	" WHEN 5 THEN g.n5 WHEN 6 THEN g.n6 WHEN 7 THEN g.n7 ELSE g.n8 END AS nk"
	" FROM (SELECT h.commune AS commune, h.r1 AS o1, h.r2 AS o2, h.r3 AS o3, h.r4 AS o4,"
	" h.r5 AS o5, h.r6 AS o6, h.r7 AS o7, h.r8 AS o8,"
	" " REACHED1("c.") " AS n1,"
	" " REACHED2("c.") " AS n2,"
	" " REACHED3("c.") " AS n3,"
	" " REACHED4("c.") " AS n4,"
	" " REACHED5("c.") " AS n5,"
	" " REACHED6("c.") " AS n6,"
	" " REACHED7("c.") " AS n7,"
	" " REACHED8("c.") " AS n8,"
	" count(*) AS n FROM report_new c CROSS JOIN report_hh h"
	" ON h.id_origin = c.id_origin AND h.id_serial = c.id_serial WHERE h.counted"
	" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17) AS g"
	" CROSS JOIN (VALUES (1), (2), (3), (4), (5), (6), (7), (8)) x) AS m"
	" CROSS JOIN (VALUES (-1), (1)) sg"
	" WHERE ok <> nk AND CASE WHEN sg.column1 < 0 THEN ok ELSE nk END <> '~'"
	" GROUP BY 1, 2, 3 HAVING sum(sg.column1 * n) <> 0" COUNT_UPSERT;
/* clang-format on */

/*
 * The end of a change-set (hub_report_flush, schema_report_flush.c). The
 * households its milestones and voids named, and those it added
 * (report_dirty), get their stage dates: the earlier of their row's and
 * those the change-set's own milestones noted (new_inc: a milestone only
 * ever makes a stage's first date earlier), or, for those a void touched
 * (full), recomputed from all their live milestones (new); those whose dates moved, and those
 * without a report_hh row yet (fresh) that need one (a household row, a live
 * dated milestone or a contribution names them, as in the rebuild), are kept
 * in report_new. Then, in this order:
 *   count_move: the counters of the slots whose day moves, from the old day
 *     to the new, for the households that have a row (one grouped statement);
 *   hh_fresh: the fresh rows inserted with their dates, their household's
 *     commune, review and withdrawal in them: written once;
 *   count_fresh: their counters (registered, approved, the stages reached),
 *     grouped by commune and day: a night's registrations of a commune are a
 *     few counter rows, not two and more a household;
 *   dates: the new dates of the others (the slot triggers leave them alone);
 *   twice: their stages two laptops recorded on different days join
 *     report_twice by the rebuild's own test, looked for only where a
 *     household's milestones come from two laptops (the index holds the
 *     origin).
 * Per change-set instead of per record: merge cost, docs/BENCHMARKS.md
 * "bench_reports". The statements are the store's (store_sql.c,
 * HUB_STMT_REPORT_*), kept prepared by a serve thread: a nightly change-set
 * of thirty records would otherwise prepare them again, a millisecond, every
 * time.
 */
/* Stage k's first date: date a when a is earlier than b or b has none,
 * else b (SQLite's ordering, as min() over the milestones compares). */
/* clang-format off */
#define EARLIER(a, b, k) \
	"CASE WHEN " a "d" #k " IS NOT NULL AND (" b "d" #k " IS NULL OR " a "d" #k " < " b "d" #k ")" \
	" THEN " a "d" #k " ELSE " b "d" #k " END"
#define EARLIER_SET(k) " d" #k " = " EARLIER("excluded.", "", k)
#define EARLIER_AS(k) " " EARLIER("d.", "h.", k) " AS d" #k
#define MOVES_EARLIER(k) " (d.d" #k " IS NOT NULL AND (h.d" #k " IS NULL OR d.d" #k " < h.d" #k "))"
/* A household without a report_hh row (o, s: its id) needs one, as in the
 * rebuild: a live dated milestone (live), a household row or a contribution
 * names it. */
#define NEEDS_ROW(o, s, live) \
	" " live " OR EXISTS (SELECT 1 FROM household x WHERE x.id_origin = " o " AND x.id_serial = " s ")" \
	" OR EXISTS (SELECT 1 FROM contribution x WHERE x.household_origin = " o " AND" \
	" x.household_serial = " s ")"
/* the change-set's milestones of one household, noted (?1, ?2: the
 * household; ?3..?10: d1..d8; ?11: live; ?12: full); a household noted twice
 * keeps the earlier date of each stage */
const char hub_report_sql_dirty_note[] =
	"INSERT INTO report_dirty(id_origin, id_serial, d1, d2, d3, d4, d5, d6, d7, d8, live, full)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
	" ON CONFLICT(id_origin, id_serial) DO UPDATE SET" EARLIER_SET(1) "," EARLIER_SET(2) ","
	EARLIER_SET(3) "," EARLIER_SET(4) "," EARLIER_SET(5) "," EARLIER_SET(6) "," EARLIER_SET(7) ","
	EARLIER_SET(8) ", live = live OR excluded.live, full = full OR excluded.full";
const char hub_report_sql_dirty_any[] = "SELECT 1 FROM report_dirty LIMIT 1";
/* households a void touched: their dates from all their live milestones */
const char hub_report_sql_new[] =
	"INSERT INTO report_new SELECT f.o, f.s, f.d1, f.d2, f.d3, f.d4, f.d5, f.d6, f.d7, f.d8,"
	" h.id_origin IS NULL"
	" FROM (SELECT d.id_origin AS o, d.id_serial AS s," FIRST_DATES ", count(m.id_origin) AS live"
	" FROM report_dirty d LEFT JOIN milestone m ON" DIRTY_MILESTONE("m") "WHERE d.full"
	" GROUP BY 1, 2) AS f"
	" LEFT JOIN report_hh h ON h.id_origin = f.o AND h.id_serial = f.s"
	" WHERE CASE WHEN h.id_origin IS NULL THEN" NEEDS_ROW("f.o", "f.s", "f.live > 0")
	" ELSE h.d1 IS NOT f.d1 OR h.d2 IS NOT f.d2 OR h.d3 IS NOT f.d3 OR h.d4 IS NOT f.d4"
	" OR h.d5 IS NOT f.d5 OR h.d6 IS NOT f.d6 OR h.d7 IS NOT f.d7 OR h.d8 IS NOT f.d8 END";
/* the others: the earlier of their row's dates and the noted ones, without
 * reading their milestones (their row's dates are those of the milestones
 * stored before; a milestone is never changed, only voided) */
const char hub_report_sql_new_inc[] =
	"INSERT INTO report_new SELECT d.id_origin, d.id_serial," EARLIER_AS(1) "," EARLIER_AS(2) ","
	EARLIER_AS(3) "," EARLIER_AS(4) "," EARLIER_AS(5) "," EARLIER_AS(6) "," EARLIER_AS(7) ","
	EARLIER_AS(8) ", h.id_origin IS NULL"
	" FROM report_dirty d LEFT JOIN report_hh h ON h.id_origin = d.id_origin AND"
	" h.id_serial = d.id_serial WHERE NOT d.full AND CASE WHEN h.id_origin IS NULL THEN"
	NEEDS_ROW("d.id_origin", "d.id_serial", "d.live")
	" ELSE" MOVES_EARLIER(1) " OR" MOVES_EARLIER(2) " OR" MOVES_EARLIER(3) " OR" MOVES_EARLIER(4)
	" OR" MOVES_EARLIER(5) " OR" MOVES_EARLIER(6) " OR" MOVES_EARLIER(7) " OR" MOVES_EARLIER(8) " END";
/* a void of a milestone with an id in ?2..?3 of origin ?1: the change-set's
 * milestones may be voided already (a void can come before what it voids) */
const char hub_report_sql_void_probe[] =
	"SELECT 1 FROM void_event WHERE target_origin = ?1 AND target_serial BETWEEN ?2 AND ?3"
	" AND target_kind = " KIND_MILESTONE_SQL " LIMIT 1";
/* a household row absent (milestones or contributions came first) makes
 * the rebuild's empty row: not present, commune 0, counted nowhere */
const char hub_report_sql_hh_fresh[] =
	"INSERT INTO report_hh(id_origin, id_serial, present, commune, counted, approved, withdrawn,"
	" d1, d2, d3, d4, d5, d6, d7, d8)"
	" SELECT c.id_origin, c.id_serial, h.id_origin IS NOT NULL, " HH_COMMUNE("h") ","
	" h.id_origin IS NOT NULL AND (" HH_COUNTED("h") "),"
	" h.id_origin IS NOT NULL AND " HH_APPROVED("h") ","
	" h.id_origin IS NOT NULL AND " HH_WITHDRAWN("h") ","
	" c.d1, c.d2, c.d3, c.d4, c.d5, c.d6, c.d7, c.d8"
	" FROM report_new c LEFT JOIN household h ON h.id_origin = c.id_origin AND"
	" h.id_serial = c.id_serial WHERE c.fresh";
/* slot 0 (registered, day ''), 9 (approved, day '') and 1..8 (the day each
 * stage was reached, '~' not counted) of the fresh rows that count: the
 * rebuild's counters, from the same r1..r8 */
const char hub_report_sql_count_fresh[] =
	"INSERT INTO report_count(commune, slot, date, n) SELECT commune, slot, k, sum(n)"
	" FROM (SELECT g.commune AS commune, x.column1 AS slot, g.approved AS approved, g.n AS n,"
	" CASE x.column1 WHEN 1 THEN g.r1 WHEN 2 THEN g.r2 WHEN 3 THEN g.r3 WHEN 4 THEN g.r4"
	" WHEN 5 THEN g.r5 WHEN 6 THEN g.r6 WHEN 7 THEN g.r7 WHEN 8 THEN g.r8 ELSE '' END AS k"
	" FROM (SELECT h.commune AS commune, h.approved AS approved, h.r1 AS r1, h.r2 AS r2,"
	" h.r3 AS r3, h.r4 AS r4, h.r5 AS r5, h.r6 AS r6, h.r7 AS r7, h.r8 AS r8, count(*) AS n"
	" FROM report_new c CROSS JOIN report_hh h ON h.id_origin = c.id_origin AND"
	" h.id_serial = c.id_serial WHERE c.fresh AND h.counted"
	" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) AS g"
	" CROSS JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) x)"
	" WHERE k <> '~' AND (slot <> 9 OR approved) GROUP BY 1, 2, 3" COUNT_UPSERT;
/* an UPDATE ... FROM report_new would let the planner scan report_hh */
const char hub_report_sql_dates[] =
	"UPDATE report_hh SET (d1, d2, d3, d4, d5, d6, d7, d8) = (SELECT c.d1, c.d2, c.d3, c.d4,"
	" c.d5, c.d6, c.d7, c.d8 FROM report_new c WHERE c.id_origin = report_hh.id_origin AND"
	" c.id_serial = report_hh.id_serial) WHERE (id_origin, id_serial) IN (SELECT id_origin,"
	" id_serial FROM report_new WHERE NOT fresh)";
/* clang-format on */
const char hub_report_sql_twice[] =
	"INSERT OR IGNORE INTO report_twice SELECT m.household_origin, m.household_serial, m.stage"
	" FROM report_dirty d CROSS JOIN milestone m ON m.household_origin = d.id_origin AND"
	" m.household_serial = d.id_serial WHERE (SELECT min(o.id_origin) <> max(o.id_origin)"
	" FROM milestone o WHERE o.household_origin = d.id_origin AND o.household_serial = d.id_serial)"
	" AND m.date IS NOT NULL AND m.stage IS NOT NULL"
	" GROUP BY 1, 2, 3 HAVING count(DISTINCT m.id_origin) > 1 AND count(DISTINCT m.date) > 1";
const char hub_report_sql_new_clear[] = "DELETE FROM report_new";
const char hub_report_sql_dirty_clear[] = "DELETE FROM report_dirty";
/* The contributions report_fund_due names that count now (not voided since,
 * their household not withdrawn), in the unit they count in now: the
 * rebuild's own statement over the due ones. */
const char hub_report_sql_fund_any[] = "SELECT 1 FROM report_fund_due LIMIT 1";
const char hub_report_sql_fund[] = "INSERT INTO report_fund SELECT " FUND_UNIT ", " FUND_COLS(
	"") " FROM report_fund_due d"
	    " CROSS JOIN contribution c ON c.id_origin = d.id_origin AND c.id_serial = d.id_serial"
	    " WHERE" PROTO_SQL_CONTRIBUTION_LIVE("c") "AND" FUND_COUNTS "GROUP BY 1, 2, 3" FUND_UPSERT;
const char hub_report_sql_fund_clear[] = "DELETE FROM report_fund_due";

/* Fill the derived tables from what the hub already holds (before triggers). */
static const char rebuild_sql[] =
	"CREATE TEMP TABLE report_first AS SELECT household_origin AS o, household_serial AS s," FIRST_DATES
	" FROM milestone m WHERE household_origin IS NOT NULL AND date IS NOT NULL AND" PROTO_SQL_MILESTONE_LIVE(
		"m") "GROUP BY 1, 2;"
		     "INSERT INTO report_hh(id_origin, id_serial, d1, d2, d3, d4, d5, d6, d7, d8)"
		     " SELECT o, s, d1, d2, d3, d4, d5, d6, d7, d8 FROM report_first WHERE true;"
		     "INSERT OR IGNORE INTO report_hh(id_origin, id_serial) SELECT DISTINCT household_origin,"
		     " household_serial FROM contribution WHERE household_origin IS NOT NULL;"
		     "INSERT INTO report_hh(id_origin, id_serial, present, commune, counted, approved, withdrawn)"
		     " SELECT id_origin, id_serial, 1, " HH_COMMUNE("h") ", " HH_COUNTED("h") ", " HH_APPROVED("h") ", " HH_WITHDRAWN(
			     "h") " FROM household h WHERE true"
				  " ON CONFLICT(id_origin, id_serial) DO UPDATE SET present = 1, commune = excluded.commune,"
				  " counted = excluded.counted, approved = excluded.approved,"
				  " withdrawn = excluded.withdrawn;"
				  "DROP TABLE temp.report_first;"
				  "INSERT INTO report_count SELECT commune, 0, '', count(*) FROM report_hh WHERE counted"
				  " GROUP BY commune;"
				  "INSERT INTO report_count SELECT commune, 9, '', count(*) FROM report_hh WHERE counted"
				  " AND approved GROUP BY commune;"
				  "%s" /* slots 1..8 */
				  "INSERT INTO report_nid SELECT " NID_KEY(
					  "h") ", count(*) FROM household h WHERE"
					       " " NID_KEY(
						       "h") " IS NOT NULL GROUP BY 1;"
							    "INSERT INTO report_fund SELECT " FUND_UNIT
							    ", " FUND_COLS("") " FROM contribution c WHERE" PROTO_SQL_CONTRIBUTION_LIVE(
								    "c") "AND" FUND_COUNTS
									 "GROUP BY 1, 2, 3;"
									 /* two origins and two dates among a stage's records: then two of them
	 * differ in both, the pair report_milestone_twice looks for */
									 "INSERT INTO report_twice SELECT household_origin, household_serial, stage FROM milestone"
									 " WHERE household_origin IS NOT NULL AND date IS NOT NULL AND stage IS NOT NULL"
									 " GROUP BY 1, 2, 3 HAVING count(DISTINCT id_origin) > 1 AND count(DISTINCT date) > 1;"
									 "INSERT INTO report_resolution(item, resolved_at, resolved_by, note)" SUPERSEDED_SELECT(
										 "l",
										 " JOIN hub_ledger l ON l.origin = r.origin AND l.seq = r.seq") ";";

/* Append tmpl with each "%s" replaced by the next of a (no printf: the
 * templates are arrays, and SQL has no other use for a percent sign). */
static int append_subst(proto_buf *b, const char *tmpl, const char *const *a, size_t n)
{
	const char *p;
	size_t i = 0;

	while ((p = strstr(tmpl, "%s")) != NULL && i < n) {
		if (proto_buf_append(b, tmpl, (size_t)(p - tmpl)) || proto_buf_append_str(b, a[i++]))
			return -1;
		tmpl = p + 2;
	}
	return proto_buf_append_str(b, tmpl) ? -1 : 0;
}

static int build_sql(proto_buf *b)
{
	proto_buf cols, dis, slots;
	const char *targs[2], *rargs[1];
	int rc = -1, k;

	proto_buf_init(&cols, 1 << 16);
	proto_buf_init(&dis, 1 << 16);
	proto_buf_init(&slots, 1 << 16);
	if (append_columns(&cols) || append_disorder(&dis) || proto_buf_append_byte(&cols, 0) ||
	    proto_buf_append_byte(&dis, 0))
		goto out;
	for (k = 1; k <= 8; k++)
		if (proto_buf_appendf(&slots,
				      "INSERT INTO report_count SELECT commune, %d, r%d,"
				      " count(*) FROM report_hh WHERE counted AND r%d <> '~'"
				      " GROUP BY commune, r%d;",
				      k, k, k, k))
			goto out;
	if (proto_buf_append_byte(&slots, 0))
		goto out;
	targs[0] = (const char *)cols.data;
	targs[1] = (const char *)dis.data;
	rargs[0] = (const char *)slots.data;
	if (append_subst(b, tables_sql, targs, 2) || append_subst(b, rebuild_sql, rargs, 1) ||
	    append_triggers(b) || proto_buf_append_byte(b, 0))
		goto out;
	rc = 0;
out:
	proto_buf_release(&cols);
	proto_buf_release(&dis);
	proto_buf_release(&slots);
	return rc;
}

/* An older hub: what the rebuild makes again (the triggers on report_hh
 * go with it). */
static const char drop_derived_sql[] = "DROP TRIGGER IF EXISTS report_household_ai;"
				       "DROP TRIGGER IF EXISTS report_household_au;"
				       "DROP TRIGGER IF EXISTS report_household_nid;"
				       "DROP TRIGGER IF EXISTS report_household_nid_ai;"
				       "DROP TRIGGER IF EXISTS report_milestone_ai;"
				       "DROP TRIGGER IF EXISTS report_contribution_ai;"
				       "DROP TRIGGER IF EXISTS report_void_ai;"
				       "DROP TRIGGER IF EXISTS report_milestone_twice;"
				       "DROP TRIGGER IF EXISTS report_milestone_dirty;"
				       "DROP TRIGGER IF EXISTS report_rejection_superseded;"
				       "DROP TABLE IF EXISTS report_twice;"
				       "DROP TABLE IF EXISTS report_dirty;"
				       "DROP TABLE IF EXISTS report_new;"
				       "DROP TABLE IF EXISTS report_fund_due;"
				       "DROP TABLE IF EXISTS report_hh;"
				       "DROP TABLE IF EXISTS report_count;"
				       "DROP TABLE IF EXISTS report_fund;"
				       "DROP TABLE IF EXISTS report_nid;";

/* A report_operator made before roles gets them; its operators become
 * admins (they could do everything before). Checked at every open, without
 * a write lock when there is nothing to do. */
static hub_result operator_roles_migrate(sqlite3 *db, char *err, size_t errlen)
{
	static const char probe[] = "SELECT role, district, disabled FROM report_operator LIMIT 0";
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, probe, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_finalize(st);
		return HUB_OK;
	}
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	/* another process may have added them meanwhile */
	if (sqlite3_prepare_v2(db, probe, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_finalize(st);
		return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? HUB_OK : HUB_EDB;
	}
	if (sqlite3_exec(db,
			 "ALTER TABLE report_operator ADD COLUMN" OPERATOR_ROLE_COL ";"
			 "ALTER TABLE report_operator ADD COLUMN" OPERATOR_DISTRICT_COL ";"
			 "ALTER TABLE report_operator ADD COLUMN" OPERATOR_DISABLED_COL ";"
			 "COMMIT",
			 NULL, NULL, NULL) == SQLITE_OK)
		return HUB_OK;
dberr:
	snprintf(err, errlen, _("cannot give the operators their roles: %s"), sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return HUB_EDB;
}

hub_result hub_report_migrate(sqlite3 *db, char *err, size_t errlen)
{
	proto_buf sql;
	char have[16];
	hub_result rc = HUB_EDB;
	bool found;

	proto_buf_init(&sql, 1 << 20);
	/* the common case (current tables) needs no write lock: serve may hold it */
	if (hub_meta_get(db, "report_schema", have, sizeof(have), &found) == HUB_OK && found &&
	    strcmp(have, REPORT_SCHEMA_VERSION) == 0) {
		rc = operator_roles_migrate(db, err, errlen);
		goto out;
	}
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen,
			 _("hub database is busy (%s): stop the other maiam-hub and try"
			   " again"),
			 sqlite3_errmsg(db));
		goto out;
	}
	if (hub_meta_get(db, "report_schema", have, sizeof(have), &found) != HUB_OK)
		goto dberr;
	if (found && strcmp(have, REPORT_SCHEMA_VERSION) == 0) {
		rc = HUB_OK;
		goto rollback; /* another process installed them meanwhile */
	}
	if (found && strcmp(have, "1") != 0 && strcmp(have, "2") != 0 && strcmp(have, "3") != 0 &&
	    strcmp(have, "4") != 0 && strcmp(have, "5") != 0 && strcmp(have, "6") != 0) {
		snprintf(err, errlen,
			 _("report tables are version '%s', this maiam-hub knows '%s':"
			   " use a newer maiam-hub"),
			 have, REPORT_SCHEMA_VERSION);
		rc = HUB_REFUSED;
		goto rollback;
	}
	if (found && sqlite3_exec(db, drop_derived_sql, NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	if (build_sql(&sql)) {
		snprintf(err, errlen, "%s", _("out of memory building the report schema"));
		rc = HUB_ENOMEM;
		goto rollback;
	}
	if (sqlite3_exec(db, operator_tables_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, (const char *)sql.data, NULL, NULL, NULL) != SQLITE_OK ||
	    hub_meta_set(db, "report_schema", REPORT_SCHEMA_VERSION) ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	rc = operator_roles_migrate(db, err, errlen);
	goto out;
dberr:
	snprintf(err, errlen, _("cannot create the report tables: %s"), sqlite3_errmsg(db));
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	proto_buf_release(&sql);
	return rc;
}

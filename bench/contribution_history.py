#!/usr/bin/env python3
"""contribution_history.py: what a night's contributions cost the hub's store
early in a campaign and late, the same rows into both (issue 17).

    contribution_history.py --store HUB_DB [--early 0.04] [--nights 3]
                            [--per-laptop 30] [--group 30]

HUB_DB is a hub's store after a campaign, e.g. the one
`bench_campaign --nights 99 --no-arrivals --keep` leaves (it prints the
directory; the store is hub.db in it). It is only read, through SQLite's
backup API (one snapshot, its WAL included): two copies are made beside it
in a temporary directory,

  late   the store as it is;
  early  the same store with each laptop's contributions cut to its first
         EARLY share (the store about a month into the summer),

both rewritten by VACUUM so that their pages are packed alike. Then the
same night (PER_LAPTOP new contributions for each laptop, on its own
households chosen at random with one seed, committed GROUP laptops at a
time as the hub's writer groups change-sets) is inserted into each copy,
with and without the contribution_household index, on a fresh connection
set as the hub's writer is (WAL, synchronous FULL, 64 MiB page cache, the
WAL checkpointed every 1,000 pages in the same connection, as the floor of
bench_campaign is). NIGHTS nights are inserted into each; the figure is
the median night's process CPU (user + system) per row.

Printed: a line per copy and variant, then one JSON object as the last
line: late_us_per_row, early_us_per_row, history_ratio (late / early),
index_late_us, index_early_us (what the household index adds per row).
No figure is asserted anywhere; --smoke only shrinks the night.
"""

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from urllib.parse import quote

INSERT = ("INSERT INTO contribution(id_origin, id_serial, stamp, writer, household_origin,"
          " household_serial, unit, source, labour_days, date)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, 'household', 3, '2023-09-08')")


def die(msg):
    print("contribution_history: " + msg, file=sys.stderr)
    sys.exit(1)


def serve_pragmas():
    """The serve threads' connection settings, read from hub/store.h, where
    the hub and the C benches take them: a copy here would drift."""
    header = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hub", "store.h")
    try:
        with open(header, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        die("cannot read the hub's connection settings: %s" % e)
    found = [re.search(r'#define %s "([^"]+)"' % name, text) for name in ("HUB_SERVE_CACHE_SQL", "HUB_SERVE_TEMP_SQL")]
    if not all(found):
        die("%s: no HUB_SERVE_CACHE_SQL or HUB_SERVE_TEMP_SQL" % header)
    return [m.group(1) for m in found]


def writer_connection(path, serve):
    """A connection set as hub/worker.c sets the writer's: WAL and
    synchronous FULL as proto_db_open sets every store, the serve settings
    of hub/store.h, the checkpoint in the same connection."""
    c = sqlite3.connect(path, isolation_level=None)
    for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"] + serve + \
            ["PRAGMA wal_autocheckpoint = 1000"]:
        c.execute(pragma)
    return c


def make_copy(src, dst, early):
    # the backup API, not a file copy: a store whose last transactions are
    # still in its WAL is copied whole, as one snapshot
    c = sqlite3.connect(dst, isolation_level=None)
    src.backup(c)
    c.execute("PRAGMA journal_mode = DELETE")
    if early is not None:
        # each laptop keeps its first EARLY share of its contributions. The
        # report tables are left as they were: what a contribution's insert
        # reads of them (report_hh, a household's row) the cut does not move
        c.execute("BEGIN")
        c.execute("CREATE TEMP TABLE keep_to AS SELECT o, max(s) AS s FROM"
                  " (SELECT id_origin AS o, id_serial AS s,"
                  "  row_number() OVER (PARTITION BY id_origin ORDER BY id_serial) AS k,"
                  "  count(*) OVER (PARTITION BY id_origin) AS n FROM contribution)"
                  " WHERE k <= max(1, CAST(n * ? AS INTEGER)) GROUP BY o", (early,))
        c.execute("DELETE FROM contribution WHERE id_serial >"
                  " (SELECT s FROM keep_to WHERE o = contribution.id_origin)")
        c.execute("COMMIT")
    c.execute("VACUUM")
    n = c.execute("SELECT count(*) FROM contribution").fetchone()[0]
    c.close()
    return n


def laptops(c):
    """Each laptop that registered households: its households, its commune
    and the last contribution serial it used."""
    homes = {}
    for o, s, commune in c.execute("SELECT id_origin, id_serial, commune FROM household"):
        homes.setdefault(o, ([], commune))[0].append(s)
    last = dict(c.execute("SELECT id_origin, max(id_serial) FROM contribution GROUP BY 1"))
    return [(o, hs, commune, last.get(o, 0)) for o, (hs, commune) in sorted(homes.items())]


def night_rows(lps, per_laptop, night, rng):
    rows = []
    for o, hs, commune, last in lps:
        for k in range(per_laptop):
            serial = last + 1 + night * per_laptop + k
            rows.append((o, serial, 1, o, o, rng.choice(hs), commune))
    return rows


def time_nights(path, drop_index, args):
    c = writer_connection(path, args.serve)
    if drop_index:
        c.execute("DROP INDEX contribution_household")
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lps = laptops(c)
    rng = random.Random(17)
    per_row = []
    per_group = args.group * args.per_laptop
    for night in range(args.nights):
        rows = night_rows(lps, args.per_laptop, night, rng)
        t = time.process_time()
        for g in range(0, len(rows), per_group):
            c.execute("BEGIN IMMEDIATE")
            c.executemany(INSERT, rows[g:g + per_group])
            c.execute("COMMIT")
        per_row.append((time.process_time() - t) / len(rows) * 1e6)
    c.close()
    return statistics.median(per_row), len(lps)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--early", type=float, default=0.04)
    ap.add_argument("--nights", type=int, default=3)
    ap.add_argument("--per-laptop", type=int, default=30)
    ap.add_argument("--group", type=int, default=30)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args()
    if not 0 < args.early < 1:
        die("--early is a share of each laptop's contributions, between 0 and 1")
    if args.nights < 1 or args.per_laptop < 1 or args.group < 1:
        die("--nights, --per-laptop and --group are counts of at least 1")
    if args.smoke:
        args.nights, args.per_laptop = 1, 3
    args.serve = serve_pragmas()
    if not os.path.isfile(args.store):
        die("%s: no such file; give the hub.db of a kept hub directory" % args.store)
    try:
        # a store with no WAL beside it (a hub that stopped cleanly) is
        # opened immutable, so that not even an empty WAL and its index are
        # left next to it; with one, read-only through it
        wal = os.path.exists(args.store + "-wal")
        src = sqlite3.connect("file:%s?mode=ro%s" % (quote(os.path.abspath(args.store)),
                                                      "" if wal else "&immutable=1"), uri=True)
        src.execute("SELECT 1 FROM contribution LIMIT 1").fetchall()
        households = src.execute("SELECT 1 FROM household LIMIT 1").fetchall()
    except sqlite3.Error as e:
        die("%s: not a hub store with contributions (%s)" % (args.store, e))
    if not households:
        die(args.store + ": the store holds no households to contribute to")

    tmp = tempfile.mkdtemp(prefix="contribution_history.", dir=os.path.dirname(os.path.abspath(args.store)))
    try:
        fig = {}
        held = {}
        for name, early in (("late", None), ("early", args.early)):
            base = os.path.join(tmp, name + ".db")
            held[name] = make_copy(src, base, early)
            for drop in (False, True):
                run = os.path.join(tmp, "%s-%d.db" % (name, drop))
                shutil.copyfile(base, run)
                us, nlp = time_nights(run, drop, args)
                os.remove(run)  # a copy of the store at a time on disk
                fig[(name, drop)] = us
                print("%-5s store, %9d contributions, %s: %6.1f us a row (%d laptops x %d, median of %d nights)"
                      % (name, held[name], "without contribution_household" if drop else "as the hub has it",
                         us, nlp, args.per_laptop, args.nights), flush=True)
    finally:
        src.close()
        shutil.rmtree(tmp, ignore_errors=True)
    late, early = fig[("late", False)], fig[("early", False)]
    out = {
        "contributions_late": held["late"],
        "contributions_early": held["early"],
        "late_us_per_row": round(late, 2),
        "early_us_per_row": round(early, 2),
        "history_ratio": round(late / early, 3) if early > 0 else None,
        "index_late_us": round(late - fig[("late", True)], 2),
        "index_early_us": round(early - fig[("early", True)], 2),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()

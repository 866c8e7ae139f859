#!/bin/sh
# history_smoke.sh BENCH_CAMPAIGN PYTHON3 CONTRIBUTION_HISTORY - the smoke run
# of contribution_history.py in ctest: a 5-laptop, 3-night bench_campaign
# keeps its hub, and the script times a small night into an early and a late
# copy of that store. It must exit 0 and end with one JSON object holding its
# fields; no figure is asserted. Every kept directory is removed.
set -eu
bin=$1 py=$2 script=$3
tmp=$(mktemp -d)
hubdir= floordir=
trap 'rm -rf "$tmp" ${hubdir:+"$hubdir"} ${floordir:+"$floordir"}' EXIT
"$bin" --smoke --clients 5 --no-arrivals --keep >"$tmp/out" 2>"$tmp/err" || {
	tail -n 20 "$tmp/err" >&2
	exit 1
}
hubdir=$(sed -n 's/^bench_campaign: hub directory kept: \(.*\)\/hub$/\1/p' "$tmp/err")
floordir=$(sed -n 's/^bench_campaign: floor directory kept: //p' "$tmp/err")
[ -n "$hubdir" ] && [ -f "$hubdir/hub/hub.db" ] || {
	echo "history_smoke: bench_campaign --keep named no hub store" >&2
	exit 1
}
ls -a "$hubdir/hub" >"$tmp/before"
"$py" "$script" --store "$hubdir/hub/hub.db" --smoke >"$tmp/hist"
cat "$tmp/hist"
tail -n 1 "$tmp/hist" | "$py" -c '
import json, sys
o = json.loads(sys.stdin.read())
keys = ("contributions_late", "contributions_early", "late_us_per_row", "early_us_per_row",
        "history_ratio", "index_late_us", "index_early_us")
missing = [k for k in keys if k not in o]
if missing:
    sys.exit("history_smoke: the last line lacks " + ", ".join(missing))
if not 0 < o["contributions_early"] < o["contributions_late"]:
    sys.exit("history_smoke: the early copy does not hold fewer contributions than the late")
'
# the script only reads the store it is given: nothing left beside it (no
# copy, no WAL or shared-memory file)
ls -a "$hubdir/hub" >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after" || {
	echo "history_smoke: the script left files beside the store:" >&2
	diff "$tmp/before" "$tmp/after" >&2
	exit 1
}
echo "history_smoke: ok"

# e2e_crash.sh - crash safety: kill -9 the agent at random points during a
# burst of writes, imports and exports, many times (bounded). Afterwards
# PRAGMA integrity_check is ok, every recorded row has its outbox or sealed
# record, nothing is duplicated, every acknowledged add is still there, and
# the last bundle file written is whole.
. "$(dirname "$0")/lib.sh"
need python3 sqlite3
TRIALS=${MAIAM_CRASH_TRIALS:-25}
init_store
LOG="$T/committed.log"
: >"$LOG"

# A CSV of 300 households: a long transaction to be killed in the middle of.
python3 - "$T/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("name,hamlet,members,category\n")
    for i in range(300):
        f.write(f"Nguyễn Văn Crash {i},Ấp {i % 7},{1 + i % 9},poor\n")
PY

burst() {
	local i=0 ref
	while :; do
		i=$((i + 1))
		ref=$("$AGENT" --json household add --name "Trần Thị Thử $i" --hamlet "Ấp 1" --members 3 --category poor 2>/dev/null) &&
			echo "$ref" >>"$LOG"
		ref=$(sed -n 's/.*"ref":"\([^"]*\)".*/\1/p' <<<"$ref")
		[ -n "$ref" ] && "$AGENT" milestone "$ref" surveyed --date 2023-06-05 >/dev/null 2>&1
		"$AGENT" contribution add --source donor --money 1000 --date 2023-06-06 >/dev/null 2>&1
		[ $((i % 3)) = 0 ] && "$AGENT" export --out "$T/usb.maiam" >/dev/null 2>&1
		[ $((i % 5)) = 0 ] && "$AGENT" household import "$T/big.csv" >/dev/null 2>&1
	done
}

# Is the bundle at $1 whole: magic, then length-prefixed items to the end?
bundle_whole() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"MAIMBDL1", "magic"
p = 8
while p < len(d):
    (n,) = struct.unpack(">I", d[p:p + 4]); p += 4
    assert 0 < n and p + n <= len(d), "cut item"
    p += n
PY
}

for trial in $(seq 1 "$TRIALS"); do
	# The burst runs in its own process group (set -m) so that one kill -9
	# stops the loop and the agent it is running at the same instant: no
	# agent survives to write during the checks below.
	set -m
	burst 2>/dev/null &
	pid=$!
	set +m
	sleep "0.$(( (RANDOM % 9) + 1 ))$((RANDOM % 10))"
	kill -9 -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# wait for the whole group to be gone, not only the loop: a killed
	# process keeps its file locks until the kernel has unmapped its memory,
	# which under ASan (terabytes of shadow mappings) takes a moment, and a
	# check meanwhile sees "database is locked" (bounded: 10 s)
	for _ in $(seq 1 200); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.05; done
	integrity=$(sqlite3 -cmd '.timeout 5000' "$T/home/agent.db" 'PRAGMA integrity_check' 2>&1)
	[ "$integrity" = ok ] || fail "trial $trial: integrity_check: $integrity"
	expect 0 check --json
	[ "$(json ok)" = True ] || fail "trial $trial: check is not ok: $(cat "$OUT")"
	if [ -f "$T/usb.maiam" ]; then bundle_whole "$T/usb.maiam" || fail "trial $trial: bundle cut"; fi
done

# every add that reported success is still in the store
expect 0 --json household list
python3 - "$LOG" "$OUT" <<'PY' || fail "an acknowledged household was lost"
import json, sys
have = {h["ref"] for h in json.load(open(sys.argv[2]))}
for line in open(sys.argv[1]):
    ref = json.loads(line)["ref"]
    assert ref in have, ref
PY
n=$(wc -l <"$LOG")
[ "$n" -gt 0 ] || fail "no add completed in $TRIALS trials"
# and one last export seals everything left, once
expect 0 --json export --out "$T/final.maiam"
expect 0 status --json
[ "$(json pending_records)" = 0 ] || fail "records left in the outbox after export"
expect 0 check --json
[ "$(json ok)" = True ] || fail "final check"
echo "$TRIALS trials, $n acknowledged adds, $(json records) records"
finish

#!/bin/sh
# bench/smoke.sh PYTHON3 PROGRAM [ARGS...] - the smoke run of one benchmark
# (ctest label "bench"): PROGRAM runs with the smallest arguments that still
# take every path, in a temporary TMPDIR of its own (an argument @TMP@ is
# replaced by that directory). It passes when PROGRAM exits 0 and the last
# line of its stdout is a JSON object. Never a timing assertion: the figures
# are printed, not judged.
set -u
py=$1
shift
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-smoke.XXXXXX") || exit 1
prog=$1
shift
n=$#
while [ "$n" -gt 0 ]; do
	a=$1
	shift
	[ "$a" = @TMP@ ] && a=$dir
	set -- "$@" "$a"
	n=$((n - 1))
done
TMPDIR=$dir "$prog" "$@" >"$dir/stdout"
rc=$?
tail -n 4 "$dir/stdout"
if [ "$rc" -ne 0 ]; then
	echo "smoke: $(basename "$prog") exited $rc"
	rm -rf "$dir"
	exit 1
fi
if ! tail -n 1 "$dir/stdout" | "$py" -c 'import json, sys; o = json.loads(sys.stdin.read()); sys.exit(0 if isinstance(o, dict) else 1)'; then
	echo "smoke: the last line of $(basename "$prog") is not a JSON object"
	rm -rf "$dir"
	exit 1
fi
rm -rf "$dir"

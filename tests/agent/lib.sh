# lib.sh - helpers for the agent's end-to-end tests: each test script runs
# the real maiam-agent binary ($1) in a fresh temporary home and checks exit
# codes and messages. Sourced, not run.
set -u
AGENT="$1"
T=$(mktemp -d "${TMPDIR:-/tmp}/maiam-agent-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T" MAIAM_HOME="$T/home"
unset XDG_DATA_HOME LANGUAGE LC_MESSAGES
export LC_ALL=C.UTF-8 LANG=C.UTF-8
# Under -DMAIAM_SANITIZE=ON a sanitizer report must not pass for "exit 1".
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99" UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=98"
FAILS=0
OUT="$T/out" ERR="$T/err"

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
# need TOOL...: without TOOL the test cannot check what it claims, so it is
# skipped (exit 77, SKIP_RETURN_CODE in CMakeLists.txt: ctest shows it as
# skipped), never passed in silence. scripts/deps installs every one.
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			{ echo "SKIP: '$t' is missing: run scripts/deps to install it" >&2; exit 77; }
	done
}

# run: the agent with its output captured in $OUT and $ERR; sets RC.
run() { "$AGENT" "$@" >"$OUT" 2>"$ERR"; RC=$?; }

# expect RC ARGS...: run and require the exit code.
expect() {
	local want=$1; shift
	run "$@"
	if [ "$RC" != "$want" ]; then
		fail "maiam-agent $* exited $RC, want $want"
		sed 's/^/  stdout: /' "$OUT" >&2; sed 's/^/  stderr: /' "$ERR" >&2
	fi
}
err_has() { grep -qF -- "$1" "$ERR" || { fail "stderr lacks '$1'"; sed 's/^/  stderr: /' "$ERR" >&2; }; }
out_has() { grep -qF -- "$1" "$OUT" || { fail "stdout lacks '$1'"; sed 's/^/  stdout: /' "$OUT" >&2; }; }
out_lacks() { ! grep -qF -- "$1" "$OUT" || fail "stdout has '$1'"; }
# Every error is one line that starts with the program name.
err_one_line() {
	[ "$(wc -l <"$ERR")" = 1 ] && grep -q '^maiam-agent: ' "$ERR" || { fail "error is not one 'maiam-agent:' line"; cat "$ERR" >&2; }
}
# json FIELD: the value of a top-level field of $OUT (python3 is in every Debian).
json() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(v)' "$OUT" "$1"; }
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT" || fail "stdout is not JSON"; }

init_store() { expect 0 init --commune 31498; }

finish() {
	if [ "$FAILS" -ne 0 ]; then echo "$FAILS check(s) failed" >&2; exit 1; fi
	echo "all checks passed"; exit 0
}

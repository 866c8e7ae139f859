# lib.sh - helpers for the agent's end-to-end tests: each test script runs
# the real maiam-agent binary ($1) in a fresh temporary home and checks exit
# codes and messages. Sourced, not run.
set -u
AGENT="$1"
T=$(mktemp -d "${TMPDIR:-/tmp}/maiam-agent-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T" MAIAM_HOME="$T/home"
unset XDG_DATA_HOME LANGUAGE LC_MESSAGES
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"

# run: the agent with its output captured in $OUT and $ERR; sets RC.
run() { "$AGENT" "$@" >"$OUT" 2>"$ERR"; RC=$?; }

# expect RC ARGS...: run and require the exit code.
expect() {
	local want=$1; shift
	run "$@"
	if [ "$RC" != "$want" ]; then
		fail "maiam-agent $* exited $RC, want $want"
		show
	fi
}
out_lacks() { ! grep -qF -- "$1" "$OUT" || fail "stdout has '$1'"; }
# Every error is one line that starts with the program name.
err_one_line() {
	[ "$(wc -l <"$ERR")" = 1 ] && grep -q '^maiam-agent: ' "$ERR" || { fail "error is not one 'maiam-agent:' line"; cat "$ERR" >&2; }
}
# json FIELD: the value of a top-level field of $OUT (python3 is in every Debian).
json() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(v)' "$OUT" "$1"; }
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT" || fail "stdout is not JSON"; }

init_store() { expect 0 init --commune 31498; }

# lib.sh - helpers for the sync end-to-end tests: real maiam-hub processes
# (init, serve on 127.0.0.1 port 0, SIGTERM to stop) and real maiam-agent
# laptops in temporary homes, over real TLS. Sourced with $1 = maiam-agent,
# $2 = maiam-hub. Every wait is bounded; only processes started here are
# stopped, by their pid.
set -u
AGENT="$1" HUB="$2"
T=$(mktemp -d "${TMPDIR:-/tmp}/maiam-sync-test.XXXXXX")
HUB_PIDS=""
export HOME="$T"
unset XDG_DATA_HOME LANGUAGE LC_MESSAGES MAIAM_HOME MAIAM_HUB_DIR
# The tests talk to 127.0.0.1: a proxy from the environment must not get in between.
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
# Fail fast on a hub that is down on purpose (the retry path itself still runs).
export MAIAM_NET_TRIES="${MAIAM_NET_TRIES:-2}" MAIAM_NET_BACKOFF_MS="${MAIAM_NET_BACKOFF_MS:-100}"
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
# No command may hang a test: each gets this many seconds.
CMD_TIMEOUT=120

cleanup() {
	for p in $HUB_PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $HUB_PIDS; do
		for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

need python3 # json below

# ag LAPTOP RC ARGS...: run maiam-agent with home $T/LAPTOP, require exit RC.
ag() {
	local home=$1 want=$2; shift 2
	timeout "$CMD_TIMEOUT" "$AGENT" --home "$T/$home" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	if [ "$RC" != "$want" ]; then
		fail "[$home] maiam-agent $* exited $RC, want $want"
		show
	fi
}
# try LAPTOP ARGS...: run maiam-agent, any exit code (in RC).
try() {
	local home=$1; shift
	timeout "$CMD_TIMEOUT" "$AGENT" --home "$T/$home" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}
# hub DIR ARGS...: run maiam-hub on hub directory $T/DIR; output in $OUT, sets RC.
hub() {
	local dir=$1; shift
	timeout "$CMD_TIMEOUT" "$HUB" "$@" --dir "$T/$dir" >"$OUT" 2>"$ERR"
	RC=$?
}
# json EXPR: evaluate a Python expression on the JSON in $OUT (bound to j).
json() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }
# eq WHAT GOT WANT
eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
# sql DIR QUERY: one value from a hub database (read only).
sql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True,timeout=10); print(c.execute(sys.argv[2]).fetchone()[0])' "$T/$1/hub.db" "$2"; }
# asql LAPTOP QUERY: one value from a laptop's store (read only).
asql() { python3 -c 'import sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True,timeout=10); print(c.execute(sys.argv[2]).fetchone()[0])' "$T/$1/agent.db" "$2"; }

# hub_new DIR: init a hub (own CA, certificate for 127.0.0.1).
hub_new() {
	hub "$1" init
	[ "$RC" = 0 ] || { fail "maiam-hub init $1 exited $RC"; show; exit 1; }
}
# hub_start DIR [PORT [SERVE OPTION...]]: serve in the background; sets PORT and HUB_PID.
hub_start() {
	local dir=$1 listen="127.0.0.1:${2:-0}"
	shift; [ $# -gt 0 ] && shift
	"$HUB" serve --dir "$T/$dir" --listen "$listen" "$@" >"$T/$dir.serve" 2>"$T/$dir.serve.err" &
	HUB_PID=$!
	HUB_PIDS="$HUB_PIDS $HUB_PID"
	PORT=""
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's|^listening on https://[^ ]*:\([0-9][0-9]*\)$|\1|p' "$T/$dir.serve")
		[ -n "$PORT" ] && break
		kill -0 "$HUB_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$PORT" ] || { fail "hub $dir did not start"; cat "$T/$dir.serve.err" >&2; exit 1; }
	URL="https://127.0.0.1:$PORT"
}
# hub_stop PID: SIGTERM (the hub's clean shutdown), wait at most 30 s.
hub_stop() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then fail "hub $pid ignored SIGTERM"; kill -KILL "$pid"; fi
	wait "$pid" 2>/dev/null
}
# token DIR COMMUNE: a one-time enrolment token.
token() {
	hub "$1" agent add --commune "$2" --json
	[ "$RC" = 0 ] || { fail "agent add exited $RC"; show; return 1; }
	json 'j["token"]'
}
# laptop NAME COMMUNE HUBDIR: init a laptop and enrol it with the running hub.
laptop() {
	local name=$1 commune=$2 dir=$3 tok
	ag "$name" 0 init --commune "$commune"
	tok=$(token "$dir" "$commune")
	ag "$name" 0 enroll --hub "$URL" --ca "$T/$dir/ca.pem" --token "$tok"
}
# Household counts on the hub, from 'maiam-hub household list --json'.
hub_households() { hub "$1" household list "${@:2}" --json; json 'len(j)'; }
# The agent's own households, from 'household list --json'.
agent_households() { ag "$1" 0 --json household list; json 'len(j)'; }

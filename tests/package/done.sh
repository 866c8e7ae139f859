#!/bin/bash
# done.sh SOURCEDIR BUILDDIR: issue 16's "done means", with the installed
# programs only. sh scripts/package builds the packages; dpkg-deb -x puts
# them into a fresh root; from there: a hub is made with the shipped
# campaign and started from its unit's ExecStart, a laptop (the installed
# maiam-agent, a home of its own) is enrolled and records thousands of
# households in many change-sets, and 'maiam-hub backup' runs while the
# laptop's sync pushes them (the backup's ledger is strictly between the
# hub's before and after the sync: a snapshot taken mid-sync). Then:
# 'restore' into the serving hub's own directory is refused and harms
# nothing; 'restore --dir' elsewhere passes 'audit verify'; the restored
# hub holds exactly the change-sets the backup said, each whole (its
# households are those of the laptop's change-sets 1..k, no more, no
# fewer); the restored hub serves from the unit's command line on the old
# hub's port; and the laptop's next sync against it, with a household to
# send, sends again what the restored hub lacks and ends well: the restored
# hub holds every household the laptop recorded.
# Skipped (77) without cpack, dpkg-deb, dpkg-shlibdeps, dpkg-buildflags,
# fakeroot, curl or python3 (scripts/deps installs them).
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/maiam-done-test.XXXXXX")
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $PIDS; do
		for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
need cpack dpkg-deb dpkg-shlibdeps dpkg-buildflags fakeroot curl python3
SRC=$1 BUILD=$2
PKGS="$BUILD/packages"
unset MAIAM_DATA_DIR MAIAM_LOCALEDIR MAIAM_HOME MAIAM_HUB_DIR XDG_DATA_HOME LANGUAGE LC_MESSAGES
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
export MAIAM_NET_TRIES=2 MAIAM_NET_BACKOFF_MS=100
export HOME="$T"
C=31498 # a commune of the shipped campaign

# --- the packages, into a fresh root
MAIAM_PACKAGE_TREE="$BUILD/package-tree" MAIAM_PACKAGE_OUT="$PKGS" sh "$SRC/scripts/package" \
	>"$OUT" 2>"$ERR" || { fail "scripts/package exited $?"; show; finish; }
R="$T/root"
for deb in "$PKGS"/maiam-common_*.deb "$PKGS"/maiam-hub_*.deb "$PKGS"/maiam-agent_*.deb; do
	dpkg-deb -x "$deb" "$R" || { fail "dpkg-deb -x $deb failed"; finish; }
done
export MAIAM_DATA_DIR="$R/usr/share/maiam" MAIAM_LOCALEDIR="$R/usr/share/locale"

# hub DIR WANT ARGS...: the installed maiam-hub on $T/DIR; RC
hub() {
	local dir=$1 want=$2; shift 2
	timeout 300 "$R/usr/bin/maiam-hub" "$@" --dir "$T/$dir" >"$OUT" 2>"$ERR"
	RC=$?
	[ "$want" = any ] || [ "$RC" = "$want" ] ||
		{ fail "installed maiam-hub $* --dir $dir exited $RC, want $want"; show; }
}
# ag WANT ARGS...: the installed maiam-agent, the laptop's own home; RC
ag() {
	local want=$1; shift
	timeout 300 "$R/usr/bin/maiam-agent" --home "$T/laptop" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	[ "$want" = any ] || [ "$RC" = "$want" ] ||
		{ fail "installed maiam-agent $* exited $RC, want $want"; show; }
}
json() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }
# sql FILE QUERY: one value, read only
sql() {
	python3 -c 'import sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True,timeout=10); print(c.execute(sys.argv[2]).fetchone()[0])' "$1" "$2"
}
eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
# The laptop's change-sets the hub in DIR holds
held() { sql "$T/$1/hub.db" "select count(*) from hub_ledger where origin in (select id from hub_agent)"; }

# serve DIR [PORT]: the installed hub started as its unit starts it, the
# directory and a loopback address put in; sets HUB_PID and PORT
exec_start=$(sed -n 's/^ExecStart=//p' "$R/lib/systemd/system/maiam-hub.service")
[ "$exec_start" = "/usr/bin/maiam-hub serve --dir /var/lib/maiam-hub" ] ||
	fail "the unit's ExecStart is '$exec_start', not what this test starts"
serve() {
	local argv
	read -r -a argv <<<"$exec_start"
	argv[0]="$R${argv[0]}"
	argv[3]="$T/$1"
	"${argv[@]}" --listen "127.0.0.1:${2:-0}" >"$T/$1.serve" 2>"$T/$1.serve.err" &
	HUB_PID=$!
	PIDS="$PIDS $HUB_PID"
	PORT=""
	for _ in $(seq 1 300); do
		PORT=$(sed -n 's|^listening on https://[^ ]*:\([0-9][0-9]*\)$|\1|p' "$T/$1.serve")
		[ -n "$PORT" ] && break
		kill -0 "$HUB_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$PORT" ] || { fail "the installed hub did not start on $1"; cat "$T/$1.serve.err" >&2; finish; }
}
stop() {
	kill -TERM "$1"
	wait "$1"
	local rc=$?
	[ "$rc" = 0 ] || fail "the installed hub exited $rc on SIGTERM, want 0"
}

# --- a hub with the shipped campaign, serving; a laptop enrolled with it
hub hub 0 init --host 127.0.0.1
grep -q "soc-trang-2023" "$OUT" || { fail "init did not use the shipped campaign"; show; }
serve hub
MAIN_PID=$HUB_PID MAIN_PORT=$PORT
ag 0 init --commune "$C"
hub hub 0 agent add --commune "$C" --json
TOKEN=$(json 'j["token"]')
ag 0 enroll --hub "https://127.0.0.1:$PORT" --ca "$T/hub/ca.pem" --token "$TOKEN"

# record ROUND: twenty single households, each sealed by an export, then a
# CSV import (two change-sets of up to 4,096): many change-sets to push,
# the small ones first, so that the hub holds some of them while it still
# merges the two large ones (the window the backup below must fall in; with
# the large ones first a fast sync often left none: 4 rounds missed it once)
record() {
	python3 - "$T/round$1.csv" "$1" <<'EOF'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("name,hamlet,members,category\n")
    for i in range(4500):
        f.write(f"Lâm Thị Hộ {sys.argv[2]}-{i},Khóm {i % 9 + 1},{i % 7 + 1},poor\n")
EOF
	for i in $(seq 1 20); do
		ag 0 household add --name "Trần Văn Số $1-$i" --hamlet "Khóm 2" --members 3 --category near_poor
		ag 0 export --out "$T/usb.maiam"
	done
	ag 0 household import "$T/round$1.csv"
	ag 0 export --out "$T/usb.maiam"
}

# --- backed up while the laptop syncs: the sync in the background, the
# backup as soon as the hub holds the first of its change-sets; a round
# where the sync was faster than the poll is recorded and tried again
OVERLAP=0
for round in 1 2 3 4; do
	record "$round"
	before=$(held hub)
	total=$(sql "$T/laptop/agent.db" 'select count(*) from sealed')
	timeout 300 "$R/usr/bin/maiam-agent" --home "$T/laptop" sync >"$T/sync.out" 2>"$T/sync.err" &
	SYNC=$!
	while kill -0 "$SYNC" 2>/dev/null && [ "$(held hub)" -le "$before" ]; do sleep 0.02; done
	hub hub 0 backup --to "$T/hub.backup"
	backup_said=$(sed -n 's/.*: \([0-9][0-9]*\) ledger rows.*/\1/p' "$OUT")
	wait "$SYNC"
	rc=$?
	[ "$rc" = 0 ] || { fail "the sync beside the backup exited $rc"; cat "$T/sync.out" "$T/sync.err" >&2; }
	after=$(held hub)
	eq "change-sets on the hub after the sync" "$after" "$total"
	# the laptop's among the ledger's first rows, those the backup holds
	in_backup=$(sql "$T/hub/hub.db" "select count(*) from (select origin from hub_ledger order by id limit ${backup_said:-0}) where origin in (select id from hub_agent)")
	echo "round $round: the hub held $before change-sets, the backup $in_backup, after the sync $after"
	if [ "$in_backup" -gt "$before" ] && [ "$in_backup" -lt "$after" ]; then
		OVERLAP=1
		break
	fi
done
[ "$OVERLAP" = 1 ] || fail "no backup was taken while a sync was pushing (see the rounds above)"
[ -f "$T/hub.backup" ] || { fail "no backup file"; finish; }

# --- restore into the serving hub's directory: refused, nothing harmed
hub hub 2 restore "$T/hub.backup"
grep -q "is serving from" "$ERR" || { fail "restore into a serving hub's directory: no clear refusal"; show; }
kill -0 "$MAIN_PID" 2>/dev/null || fail "the serving hub died when restore was refused"
eq "change-sets on the serving hub after the refused restore" "$(held hub)" "$total"
hub hub 0 audit verify

# --- restored elsewhere: audit verify, exactly the change-sets the backup said
hub copy 0 restore "$T/hub.backup"
grep -q "$backup_said ledger rows" "$OUT" || { fail "restore does not say the backup's $backup_said ledger rows"; show; }
for k in hub.key ca.key server.key; do cp "$T/hub/$k" "$T/copy/$k"; done
hub copy 0 audit verify
eq "ledger rows in the restored hub" "$(sql "$T/copy/hub.db" 'select count(*) from hub_ledger')" "$backup_said"
K=$(held copy)
eq "the laptop's change-sets in the restored hub" "$K" "$in_backup"
# a prefix of the laptop's chain: seqs 1..K
eq "the restored hub's laptop seqs are 1..$K" \
	"$(sql "$T/copy/hub.db" "select count(distinct seq) || ' ' || coalesce(min(seq), 0) || ' ' || coalesce(max(seq), 0) from hub_ledger where origin in (select id from hub_agent)")" \
	"$K 1 $K"
# each change-set whole: the households are those its change-sets carry
got_hh=$(sql "$T/copy/hub.db" "select count(*) from household")
want_sum=$(sql "$T/laptop/agent.db" "select coalesce(sum(nrecords), 0) from sealed where seq <= $K")
eq "households in the restored hub (the records of change-sets 1..$K)" "$got_hh" "$want_sum"

# --- the restored hub serves, from the unit's command line, where the old one did
stop "$MAIN_PID"
serve copy "$MAIN_PORT"
curl -s -o /dev/null --cacert "$T/copy/ca.pem" "https://127.0.0.1:$PORT/" ||
	fail "the restored hub does not answer on port $PORT"
# the laptop's next sync with something new to send: the restored hub
# answers "gap" (it lacks what it acknowledged after the backup); the laptop
# sends those change-sets again, and the restored hub holds all it recorded
ag 0 household add --name "Hộ sau khôi phục" --hamlet "Khóm 4" --members 2 --category poor
ag 0 --json sync
grep -q "sending them again" "$ERR" || { fail "the laptop did not say it sends the change-sets again"; show; }
total=$(sql "$T/laptop/agent.db" 'select count(*) from sealed')
eq "change-sets on the restored hub after the laptop's sync" "$(held copy)" "$total"
eq "households on the restored hub after the laptop's sync" \
	"$(sql "$T/copy/hub.db" 'select count(*) from household')" \
	"$(sql "$T/laptop/agent.db" 'select count(*) from household')"
eq "change-sets the laptop still has to send" \
	"$(sql "$T/laptop/agent.db" 'select count(*) from sealed where acked_at is null')" 0
ag 0 --json sync
eq "the sync after: nothing to send" "$(json 'j["pushed"]')" 0
stop "$HUB_PID"
hub copy 0 audit verify
finish

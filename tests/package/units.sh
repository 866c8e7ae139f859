#!/bin/bash
# units.sh UNITDIR HUB AGENT: the systemd units of the packages
# (packaging/systemd/, as CMake configured them into UNITDIR) are clean for
# systemd-analyze verify (no warning at all) and the hub's service is
# hardened: systemd-analyze security --offline=yes rates its exposure at or
# below 2.0. The units name the installed binaries (/usr/bin), which verify
# requires to exist: the checked copies name HUB and AGENT of the build.
# Skipped (77) without systemd-analyze.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/maiam-units-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
need systemd-analyze
UNITS=$1 HUB=$2 AGENT=$3
MAX_EXPOSURE=2.0

mkdir -p "$T/system" "$T/user" "$T/runtime"
sed "s#^ExecStart=[^ ]*/maiam-hub #ExecStart=$HUB #" "$UNITS/maiam-hub.service" >"$T/system/maiam-hub.service"
sed "s#^ExecStart=[^ ]*/maiam-agent #ExecStart=$AGENT #" "$UNITS/maiam-agent-sync.service" \
	>"$T/user/maiam-agent-sync.service"
cp "$UNITS/maiam-agent-sync.timer" "$T/user/"
grep -q "^ExecStart=$HUB serve --dir /var/lib/maiam-hub\$" "$T/system/maiam-hub.service" ||
	fail "maiam-hub.service does not run 'maiam-hub serve --dir /var/lib/maiam-hub'"

# verify: --man=no, the man pages are not installed on the build machine
# (tests/package/debs.sh checks them in the packages)
systemd-analyze verify --man=no "$T/system/maiam-hub.service" >"$OUT" 2>"$ERR" ||
	fail "systemd-analyze verify maiam-hub.service exited $?"
[ -s "$ERR" ] && { fail "systemd-analyze verify maiam-hub.service warns"; show; }
# the user units need the user manager's runtime directory
XDG_RUNTIME_DIR="$T/runtime" systemd-analyze verify --user --man=no \
	"$T/user/maiam-agent-sync.service" "$T/user/maiam-agent-sync.timer" >"$OUT" 2>"$ERR" ||
	fail "systemd-analyze verify --user of the sync units exited $?"
[ -s "$ERR" ] && { fail "systemd-analyze verify of the sync units warns"; show; }

systemd-analyze security --offline=yes --no-pager "$T/system/maiam-hub.service" >"$OUT" 2>"$ERR" ||
	{ fail "systemd-analyze security exited $?"; show; }
exposure=$(sed -n 's/.*Overall exposure level for maiam-hub.service: \([0-9.]*\).*/\1/p' "$OUT")
if [ -z "$exposure" ]; then
	fail "systemd-analyze security printed no exposure level"
	show
elif ! awk -v e="$exposure" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e <= m) }'; then
	fail "maiam-hub.service exposure $exposure, above $MAX_EXPOSURE: harden it again"
	grep '✗' "$OUT" >&2
else
	echo "maiam-hub.service exposure $exposure (at most $MAX_EXPOSURE)"
fi

# the sync's retry: exit 3 (hub unreachable) restarts the service, the
# codes that need a person do not
svc="$T/user/maiam-agent-sync.service"
grep -qx 'Restart=on-failure' "$svc" || fail "the sync service does not retry on failure"
grep -qx 'RestartPreventExitStatus=1 2 4' "$svc" || fail "the sync service retries exits 1, 2 or 4"
timer="$T/user/maiam-agent-sync.timer"
for line in 'Persistent=true' 'FixedRandomDelay=true'; do
	grep -qx "$line" "$timer" || fail "the timer lacks $line"
done
grep -q '^RandomizedDelaySec=' "$timer" || fail "the timer has no randomized delay"
finish

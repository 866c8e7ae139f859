#!/bin/bash
# debs.sh SOURCEDIR BUILDDIR: sh scripts/package builds maiam-common,
# maiam-hub and maiam-agent; lintian finds no error in them; unpacked with
# dpkg-deb -x into a temporary root, the installed programs run from there
# with the installed data, catalogues and man pages: --help and --version,
# 'maiam-hub init' with the shipped campaign, 'maiam-agent init' with the
# shipped admin units, and 'maiam-hub serve' started from the command line of
# the installed unit, stopped with SIGTERM as systemd stops it.
# The maintainer scripts in the packages are those tests/package/scripts.sh
# checks; an upgrade with dpkg keeps the hub's data and keys (below).
# Skipped (77) without cpack, dpkg-deb, dpkg-shlibdeps, dpkg-buildflags,
# fakeroot or lintian (scripts/deps installs them).
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/maiam-debs-test.XXXXXX")
HUB_PID=""
cleanup() {
	[ -n "$HUB_PID" ] && kill -KILL "$HUB_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
need cpack dpkg-deb dpkg-shlibdeps dpkg-buildflags fakeroot lintian
SRC=$1 BUILD=$2
PKGS="$BUILD/packages"
VERSION=$(sed -n 's/^project(maiam VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
unset MAIAM_DATA_DIR MAIAM_LOCALEDIR MAIAM_HOME MAIAM_HUB_DIR XDG_DATA_HOME LANGUAGE
export HOME="$T"

# the changelog's newest entry is this version (project() of CMakeLists.txt)
head -1 "$SRC/packaging/debian/changelog" | grep -q "^maiam ($VERSION) " ||
	fail "packaging/debian/changelog does not start with an entry for $VERSION: add one"

# --- build
MAIAM_PACKAGE_TREE="$BUILD/package-tree" MAIAM_PACKAGE_OUT="$PKGS" sh "$SRC/scripts/package" \
	>"$OUT" 2>"$ERR" || { fail "scripts/package exited $?"; show; finish; }
for p in maiam-common_${VERSION}_all maiam-hub_${VERSION}_amd64 maiam-agent_${VERSION}_amd64; do
	[ -f "$PKGS/$p.deb" ] || [ -f "$PKGS/${p%_amd64}_$(dpkg --print-architecture).deb" ] ||
		fail "scripts/package made no $p.deb"
done
debs=$(ls "$PKGS"/maiam-*.deb)

# --- lintian: no error (warnings are printed for the reader)
lintian --fail-on error $debs >"$OUT" 2>"$ERR"
rc=$?
[ "$rc" = 0 ] && ! grep -q '^E: ' "$OUT" || { fail "lintian exited $rc or found errors"; show; }
grep '^[WE]: ' "$OUT" >&2
# the Debian hardening flags reached the programs (scripts/package)
lintian -I $debs >"$OUT" 2>"$ERR"
grep -q 'hardening-no-' "$OUT" && { fail "the programs lack Debian's hardening:"; grep 'hardening-no-' "$OUT" >&2; }

# --- what each package declares
field() { dpkg-deb -f "$PKGS/$1"_*.deb "$2"; }
field maiam-hub Depends | grep -q 'libsqlite3-0' || fail "maiam-hub does not depend on libsqlite3-0"
field maiam-hub Depends | grep -q 'adduser' || fail "maiam-hub does not depend on adduser (its postinst)"
field maiam-hub Depends | grep -q "maiam-common (= $VERSION)" || fail "maiam-hub does not depend on maiam-common"
field maiam-agent Depends | grep -q 'libcurl4' || fail "maiam-agent does not depend on libcurl4"
mkdir -p "$T/control"
dpkg-deb -e "$PKGS"/maiam-hub_*.deb "$T/control"
for script in postinst prerm postrm; do
	cmp -s "$T/control/$script" "$SRC/packaging/debian/hub/$script" ||
		fail "the package's $script is not packaging/debian/hub/$script"
	[ -x "$T/control/$script" ] || fail "the package's $script is not executable"
done

# --- unpacked into a root of its own
R="$T/root"
for deb in $debs; do dpkg-deb -x "$deb" "$R" || fail "dpkg-deb -x $deb failed"; done
for f in usr/bin/maiam-hub usr/bin/maiam-agent usr/share/maiam/data/soc-trang-units.csv \
	usr/share/maiam/campaigns/soc-trang-2023.campaign \
	usr/share/locale/vi/LC_MESSAGES/maiam-hub.mo usr/share/locale/vi/LC_MESSAGES/maiam-agent.mo \
	usr/share/locale/vi/LC_MESSAGES/maiam-proto.mo \
	usr/share/man/man8/maiam-hub.8.gz usr/share/man/man1/maiam-agent.1.gz \
	lib/systemd/system/maiam-hub.service usr/lib/systemd/user/maiam-agent-sync.service \
	usr/lib/systemd/user/maiam-agent-sync.timer usr/share/doc/maiam-hub/copyright \
	usr/share/doc/maiam-agent/examples/maiam-agent-sync-time.conf; do
	[ -e "$R/$f" ] || fail "no package installs /$f"
done
# the installed programs look for their data where the packages put it
for prog in maiam-hub maiam-agent; do
	grep -qa '/usr/share/maiam' "$R/usr/bin/$prog" || fail "$prog does not look in /usr/share/maiam"
	grep -qa '/usr/share/locale' "$R/usr/bin/$prog" || fail "$prog does not look in /usr/share/locale"
done
# the man pages render without a warning
if command -v man >/dev/null 2>&1; then
	for page in man8/maiam-hub.8.gz man1/maiam-agent.1.gz; do
		MANWIDTH=80 man --warnings -l "$R/usr/share/man/$page" >/dev/null 2>"$ERR" || fail "man $page exited $?"
		[ -s "$ERR" ] && { fail "man $page warns"; show; }
	done
fi

# run WANT PROGRAM ARGS...: an installed program on the installed data
run() {
	local want=$1 prog=$2; shift 2
	MAIAM_DATA_DIR="$R/usr/share/maiam" MAIAM_LOCALEDIR="$R/usr/share/locale" \
		timeout 120 "$R/usr/bin/$prog" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	[ "$RC" = "$want" ] || { fail "installed $prog $* exited $RC, want $want"; show; }
}
run 0 maiam-agent --version
out_has "maiam-agent $VERSION"
run 0 maiam-agent --help
out_has "usage: maiam-agent"
run 0 maiam-hub --help
out_has "usage: maiam-hub"
# the installed Vietnamese catalogue
# (env: bash itself would warn about a locale this machine may not have)
env LC_ALL=vi_VN.UTF-8 MAIAM_DATA_DIR="$R/usr/share/maiam" MAIAM_LOCALEDIR="$R/usr/share/locale" \
	"$R/usr/bin/maiam-hub" no-such-command >"$OUT" 2>"$ERR"
[ $? = 2 ] || fail "the installed hub did not refuse 'no-such-command' as a usage error"
grep -q "'no-such-command'" "$ERR" && ! grep -q "is not a command" "$ERR" ||
	{ fail "the installed hub does not speak Vietnamese with LC_ALL=vi_VN.UTF-8"; show; }
# and proto's, from maiam-common: what is wrong in a campaign file
printf 'format = 1\nid = x\nfoo = 1\n' >"$T/bad.campaign"
env LC_ALL=vi_VN.UTF-8 MAIAM_DATA_DIR="$R/usr/share/maiam" MAIAM_LOCALEDIR="$R/usr/share/locale" \
	"$R/usr/bin/maiam-hub" init --dir "$T/badhub" --campaign "$T/bad.campaign" >"$OUT" 2>"$ERR"
grep -q "không có thiết lập 'foo'" "$ERR" ||
	{ fail "the installed hub does not say what is wrong in a campaign file in Vietnamese"; show; }
run 0 maiam-hub init --dir "$T/hub" --host 127.0.0.1
out_has "soc-trang-2023"
run 0 maiam-agent --home "$T/laptop" init --commune 31498
run 0 maiam-agent --home "$T/laptop" status

# --- serve as the unit says, on the installed binary and a test directory
exec_start=$(sed -n 's/^ExecStart=//p' "$R/lib/systemd/system/maiam-hub.service")
case "$exec_start" in
"/usr/bin/maiam-hub serve --dir /var/lib/maiam-hub") ;;
*) fail "the unit's ExecStart is '$exec_start', not what this test starts" ;;
esac
read -r -a argv <<<"$exec_start"
argv[0]="$R${argv[0]}"
argv[3]="$T/hub"
: >"$T/serve.out"
MAIAM_DATA_DIR="$R/usr/share/maiam" MAIAM_LOCALEDIR="$R/usr/share/locale" \
	"${argv[@]}" --listen 127.0.0.1:0 >"$T/serve.out" 2>"$T/serve.err" &
HUB_PID=$!
port=""
for _ in $(seq 1 300); do # until it says where it listens, or dies
	port=$(sed -n 's|^listening on https://[^ ]*:\([0-9][0-9]*\)$|\1|p' "$T/serve.out")
	[ -n "$port" ] && break
	kill -0 "$HUB_PID" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$port" ]; then
	fail "the installed hub did not start from its unit's command line"
	cat "$T/serve.err" >&2
else
	if command -v curl >/dev/null 2>&1; then
		curl -s -o /dev/null --cacert "$T/hub/ca.pem" "https://127.0.0.1:$port/" ||
			fail "the installed hub does not answer on port $port"
	fi
	kill -TERM "$HUB_PID"
	wait "$HUB_PID"
	rc=$?
	[ "$rc" = 0 ] || { fail "the installed hub exited $rc on SIGTERM, want 0"; cat "$T/serve.err" >&2; }
fi
HUB_PID=""

# --- an upgrade with dpkg, in a root of its own (dpkg --root, the maintainer
# scripts chrootless with $DPKG_ROOT): the previous package is this one
# relabelled 0.0.9; a hub is made and used with it, then the new packages
# are installed over it and the hub directory must be as it was, byte for
# byte, and pass 'audit verify' with the new program. adduser, getent and
# chown are stubs that log (the scripts run on this machine).
U="$T/upgrade"
mkdir -p "$U/root/var/lib/dpkg/info" "$U/root/var/lib/dpkg/updates" "$U/stub" "$U/old"
: >"$U/root/var/lib/dpkg/status"
: >"$U/root/var/lib/dpkg/available"
# adduser and chown log; adduser adds to the fake root's passwd, which getent reads
cat >"$U/stub/adduser" <<STUB
#!/bin/sh
echo "adduser \$*" >>"$U/calls"
echo "maiam:x:998:998::/var/lib/maiam-hub:/usr/sbin/nologin" >>"$U/passwd"
STUB
cat >"$U/stub/chown" <<STUB
#!/bin/sh
echo "chown \$*" >>"$U/calls"
STUB
cat >"$U/stub/getent" <<STUB
#!/bin/sh
grep "^\$2:" "$U/passwd" 2>/dev/null
STUB
chmod +x "$U"/stub/*
for p in maiam-common maiam-hub; do
	rm -rf "$U/x"
	dpkg-deb -R "$PKGS/$p"_*.deb "$U/x" &&
		sed -i "s/^Version: $VERSION\$/Version: 0.0.9/; s/maiam-common (= $VERSION)/maiam-common (= 0.0.9)/" \
			"$U/x/DEBIAN/control" &&
		dpkg-deb -b --root-owner-group "$U/x" "$U/old/$p.deb" >/dev/null ||
		fail "cannot make the previous $p package"
done
FAKE=""
[ "$(id -u)" = 0 ] || FAKE=fakeroot
# dpkg_root DEB...: install into the upgrade root (the libraries it depends on
# are this machine's, not the root's: --force-depends)
dpkg_root() {
	env PATH="$U/stub:$PATH" $FAKE dpkg --root="$U/root" --force-script-chrootless --force-depends \
		--force-not-root --log=/dev/null -i "$@" >"$OUT" 2>"$ERR" ||
		{ fail "dpkg -i $* exited $?"; show; }
}
dpkg_root "$U/old/maiam-common.deb" "$U/old/maiam-hub.deb"
hubdir="$U/root/var/lib/maiam-hub"
[ -d "$hubdir" ] || fail "installing maiam-hub 0.0.9 made no /var/lib/maiam-hub"
grep -q '^adduser --system' "$U/calls" || fail "installing maiam-hub 0.0.9 did not make the maiam user"
# a hub in the package's directory, with a household decided on it
run 0 maiam-hub init --dir "$hubdir" --host 127.0.0.1
run 0 maiam-hub agent add --dir "$hubdir" --commune 31498 --json
echo 'listen = 0.0.0.0:443' >"$U/root/etc/maiam/hub.conf"
# tightened by the administrator: an upgrade must not set its own mode again
chmod 0700 "$hubdir"
snapshot() { (cd "$U/root" && find var/lib/maiam-hub etc/maiam -printf '%p %m %u %g %s\n' | sort &&
	find var/lib/maiam-hub etc/maiam -type f -print0 | sort -z | xargs -0 sha256sum); }
snapshot >"$U/before"
: >"$U/calls"
dpkg_root "$PKGS"/maiam-common_*.deb "$PKGS"/maiam-hub_*.deb
grep -q "^Unpacking maiam-hub ($VERSION) over (0.0.9)" "$OUT" || { fail "dpkg did not upgrade maiam-hub"; show; }
snapshot >"$U/after"
diff -u "$U/before" "$U/after" >&2 || fail "the upgrade changed the hub directory or /etc/maiam (diff above)"
grep -q '^adduser\|^chown' "$U/calls" && { fail "the upgrade made the user or changed an owner again"; cat "$U/calls" >&2; }
R="$U/root" # the upgraded programs
run 0 maiam-hub audit verify --dir "$hubdir"
finish

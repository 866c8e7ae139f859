#!/bin/bash
# scripts.sh DEBIANDIR: the maintainer scripts of maiam-hub
# (packaging/debian/hub/) in a fake root ($DPKG_ROOT, as dpkg --root with
# chrootless scripts sets it), run as dpkg runs them:
#   - a first install makes the maiam user (adduser), /var/lib/maiam-hub
#     (maiam:maiam 0750) and /etc/maiam (root:maiam 0750);
#   - an upgrade, in dpkg's order (old prerm upgrade, new preinst, old postrm
#     upgrade, new postinst configure OLDVERSION), leaves every byte, mode and
#     owner of an existing hub directory as it was: the database and keys
#     survive, and so does a directory the administrator made another way;
#   - remove and purge keep the hub directory too.
# adduser, getent, chown and the systemd tools are stubs on PATH that log
# their arguments: nothing on this machine changes. Needs no root.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/maiam-scripts-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$(dirname "${BASH_SOURCE[0]}")/../support/lib.sh"
need python3
SCRIPTS=$1
LOG="$T/calls"

mkdir -p "$T/bin"
for tool in adduser chown systemctl deb-systemd-helper deb-systemd-invoke; do
	printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$tool" "$LOG" >"$T/bin/$tool"
	chmod +x "$T/bin/$tool"
done
# getent: the maiam user exists once adduser made it (or $HAVE_USER says so)
cat >"$T/bin/getent" <<STUB
#!/bin/sh
echo "getent \$*" >>"$LOG"
[ "\$1 \$2" = "passwd maiam" ] || exit 2
if [ -n "\${HAVE_USER:-}" ] || grep -q '^adduser' "$LOG" 2>/dev/null; then
	echo 'maiam:x:998:998::/var/lib/maiam-hub:/usr/sbin/nologin'
	exit 0
fi
exit 2
STUB
chmod +x "$T/bin/getent"

# run SCRIPT ARGS...: a maintainer script in the fake root $ROOT
run() {
	local script=$1; shift
	[ -e "$SCRIPTS/$script" ] || return 0 # the package has none
	env PATH="$T/bin:/usr/bin:/bin" DPKG_ROOT="$ROOT" DPKG_MAINTSCRIPT_PACKAGE=maiam-hub \
		sh -e "$SCRIPTS/$script" "$@" >"$OUT" 2>"$ERR" ||
		{ fail "$script $* exited $?"; show; }
}
# tree DIR: every path under DIR with its type, mode and content hash
tree() {
	python3 - "$1" <<'PY'
import hashlib, os, stat, sys
top = sys.argv[1]
for dirpath, dirs, files in sorted(os.walk(top)):
    dirs.sort()
    for name in [""] + sorted(files):
        path = os.path.join(dirpath, name) if name else dirpath
        st = os.lstat(path)
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest() if stat.S_ISREG(st.st_mode) else "-"
        print(os.path.relpath(path, top), oct(st.st_mode), st.st_uid, st.st_gid, st.st_size, digest)
PY
}

# --- a first install
ROOT="$T/fresh"
mkdir -p "$ROOT"
: >"$LOG"
run preinst install
run postinst configure
[ -d "$ROOT/var/lib/maiam-hub" ] || fail "a first install made no /var/lib/maiam-hub"
[ -d "$ROOT/etc/maiam" ] || fail "a first install made no /etc/maiam"
mode() { stat -c %a "$1"; }
[ "$(mode "$ROOT/var/lib/maiam-hub")" = 750 ] || fail "/var/lib/maiam-hub is $(mode "$ROOT/var/lib/maiam-hub"), want 750"
[ "$(mode "$ROOT/etc/maiam")" = 750 ] || fail "/etc/maiam is $(mode "$ROOT/etc/maiam"), want 750"
grep -q '^adduser --system --group .*--home /var/lib/maiam-hub .*maiam$' "$LOG" ||
	{ fail "a first install did not make the maiam system user"; cat "$LOG" >&2; }
grep -qx "chown maiam:maiam $ROOT/var/lib/maiam-hub" "$LOG" || fail "/var/lib/maiam-hub is not given to maiam"
grep -qx "chown root:maiam $ROOT/etc/maiam" "$LOG" || fail "/etc/maiam is not root:maiam"
grep -q '^systemctl\|^deb-systemd' "$LOG" && fail "with DPKG_ROOT set the scripts touched this machine's systemd"

# --- an upgrade over a hub with data and keys (a directory made by hand:
# other owner and mode than the package's)
ROOT="$T/upgrade"
hub="$ROOT/var/lib/maiam-hub"
mkdir -p "$hub/photos/ab" "$ROOT/etc/maiam"
for f in hub.db hub.db-wal hub.key ca.key ca.pem server.key server.pem photos/ab/abcdef.jpg; do
	head -c 4096 /dev/urandom >"$hub/$f"
done
chmod 0600 "$hub/hub.key" "$hub/ca.key" "$hub/server.key"
chmod 0700 "$hub"
echo 'listen = 0.0.0.0:443' >"$ROOT/etc/maiam/hub.conf"
tree "$ROOT" >"$T/before"
: >"$LOG"
export HAVE_USER=1
run prerm upgrade 0.1.0
run preinst upgrade 0.0.9
run postrm upgrade 0.1.0
run postinst configure 0.0.9
tree "$ROOT" >"$T/after"
diff -u "$T/before" "$T/after" >&2 || fail "the upgrade changed the hub directory or /etc/maiam (diff above)"
grep -q '^adduser' "$LOG" && fail "the upgrade made the maiam user again"
grep -q "^chown .*$hub" "$LOG" && fail "the upgrade changed the owner of the hub directory"

# --- remove, then purge: the data stays
: >"$LOG"
run prerm remove
run postrm remove
run postrm purge
tree "$ROOT" >"$T/after"
diff -u "$T/before" "$T/after" >&2 || fail "remove or purge changed the hub directory (diff above)"
unset HAVE_USER

# --- what dpkg would not accept
run postinst configure
for script in postinst prerm postrm; do
	env PATH="$T/bin:/usr/bin:/bin" DPKG_ROOT="$ROOT" sh -e "$SCRIPTS/$script" bogus >"$OUT" 2>"$ERR" &&
		fail "$script accepted the unknown argument 'bogus'"
	grep -q "unknown argument 'bogus'" "$ERR" || { fail "$script bogus: no clear error"; show; }
done
finish

#!/bin/bash
# e2e_privacy.sh AGENT HUB - personal data at rest through the real programs:
# a new laptop's key and store are its owner's only whatever the umask;
# status shows the home's encryption and, with check, warns (exit status
# unchanged) when the home is on a plain disk or a file is open to others,
# naming the chmod that fixes it; the hub's keys and hub.db are its owner's
# only; 'audit reads' lists nothing on a new hub and refuses a bad date.
# Messages in English under LANG=C and in Vietnamese under a vi locale.
AGENT=$1 HUB=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/maiam-test-privacy-XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/../support/lib.sh"
H="$T/home"

mode() { stat -c %a "$1"; }
# run WHO EXPECTED-EXIT ARGS...: the program in a plain English locale
run() {
	local prog=$1 want=$2 rc
	shift 2
	env -u LANGUAGE LANG=C "$prog" "$@" >"$OUT" 2>"$ERR"; rc=$?
	[ "$rc" = "$want" ] || { fail "'$*' exited $rc, not $want"; show; }
}

# a careless umask: the files are still the owner's only
(umask 0022 && "$AGENT" --home "$H" init --commune 31498 >/dev/null 2>"$ERR") ||
	{ fail "init failed"; show; }
[ "$(mode "$H")" = 700 ] || fail "the home is $(mode "$H"), not 700"
[ "$(mode "$H/agent.key")" = 600 ] || fail "agent.key is $(mode "$H/agent.key"), not 600"
[ "$(mode "$H/agent.db")" = 600 ] || fail "agent.db is $(mode "$H/agent.db"), not 600"

run "$AGENT" 0 --home "$H" status
out_has "Encryption:     "
run "$AGENT" 0 --home "$H" --json status
state=$(sed -n 's/.*"home_encryption":"\([a-z]*\)".*/\1/p' "$OUT")
case "$state" in
luks | fscrypt | memory | unknown) ;;
plain) err_has "is not encrypted" ;;
*) fail "home_encryption is '$state'"; show ;;
esac
out_has '"home_open_to_others":[]'

# a key another account can read: a warning with its fix, the same exit
chmod 644 "$H/agent.key"
run "$AGENT" 0 --home "$H" check
err_has "warning: others can read '$H/agent.key' (mode 0644)"
err_has "run 'chmod 600 $H/agent.key'"
run "$AGENT" 0 --home "$H" --json check
out_has "\"home_open_to_others\":[\"$H/agent.key\"]"
out_has '"ok":true'
env -u LC_ALL LANG=vi_VN.UTF-8 LANGUAGE=vi "$AGENT" --home "$H" check >"$OUT" 2>"$ERR"
err_has "cảnh báo: người khác đọc được '$H/agent.key' (quyền 0644)"
env -u LC_ALL LANG=vi_VN.UTF-8 LANGUAGE=vi "$AGENT" --home "$H" status >"$OUT" 2>"$ERR"
out_has "Mã hóa:         "
chmod 600 "$H/agent.key"
run "$AGENT" 0 --home "$H" check
grep -q "others can" "$ERR" && { fail "a warning for a key of mode 600"; show; }

# the hub
D="$T/hub"
(umask 0022 && "$HUB" init --dir "$D" >/dev/null 2>"$ERR") || { fail "hub init failed"; show; }
for f in hub.db hub.key ca.key server.key; do
	[ "$(mode "$D/$f")" = 600 ] || fail "$f is $(mode "$D/$f"), not 600"
done
[ "$(mode "$D")" = 700 ] || fail "the hub's directory is $(mode "$D"), not 700"
run "$HUB" 0 audit reads --dir "$D"
out_has "AT                   OPERATOR"
run "$HUB" 0 audit reads --dir "$D" --json
[ "$(cat "$OUT")" = "[]" ] || { fail "a new hub has reads"; show; }
run "$HUB" 2 audit reads --dir "$D" --since 2023-13-01
err_has "--since '2023-13-01' is not a date: type it as YYYY-MM-DD"
env -u LC_ALL LANG=vi_VN.UTF-8 LANGUAGE=vi "$HUB" audit reads --dir "$D" --since 2023-13-01 \
	>"$OUT" 2>"$ERR"
err_has "--since '2023-13-01' không phải là ngày"
run "$HUB" 0 audit --help
out_has "audit reads [--operator NAME]"
finish

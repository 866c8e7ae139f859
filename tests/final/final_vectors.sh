# final_vectors.sh - the final report's signature format against a vector
# made outside the hub: vectors/golden.pdf.sig was written by hand in the
# format of docs/REPORTS.md and signed with openssl (pkeyutl -rawin, Ed25519)
# by vectors/golden.key, a key for this test only. 'maiam-hub report verify'
# must accept it, and refuse the forgery (vectors/forged.pdf.sig: the same
# signature over an as-of date changed by hand), the golden PDF with one
# byte changed, and the golden signature with another key. openssl checks
# the golden vector on its own too, when it is installed.
# Usage: final_vectors.sh MAIAM-HUB
set -u
HUB="$1"
V="$(dirname "$0")/vectors"
T=$(mktemp -d "${TMPDIR:-/tmp}/maiam-final-vectors.XXXXXX")
trap 'rm -rf "$T"' EXIT
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# verify WANT-RC WHAT FILE KEY [MESSAGE]: report verify exits WANT-RC, and
# says MESSAGE on stderr when given
verify() {
	local want=$1 what=$2 file=$3 key=$4 msg=${5:-} rc
	"$HUB" report verify "$file" --key "$key" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = "$want" ] || { fail "$what: exited $rc, want $want"; cat "$T/out" "$T/err" >&2; }
	[ -z "$msg" ] || grep -qF "$msg" "$T/err" || { fail "$what: stderr lacks '$msg'"; cat "$T/err" >&2; }
}

verify 0 "the golden vector" "$V/golden.pdf" "$V/golden.pub"
grep -qF "is verified: signed by hub key d8c7e97469005aeb; figures as of 2023-09-02, from a ledger of 1719" "$T/out" ||
	fail "verify does not say what the golden vector states: $(cat "$T/out")"
verify 0 "the golden vector with the private key" "$V/golden.pdf" "$V/golden.key"
verify 1 "the forgery (as-of changed)" "$V/forged.pdf" "$V/golden.pub" "the signature does not verify"

cp "$V/golden.pdf" "$T/changed.pdf"
cp "$V/golden.pdf.sig" "$T/changed.pdf.sig"
printf 'X' | dd of="$T/changed.pdf" bs=1 seek=20 conv=notrunc 2>/dev/null
verify 1 "one byte changed" "$T/changed.pdf" "$V/golden.pub" "the PDF is not the one signed"

if command -v openssl >/dev/null; then
	openssl genpkey -algorithm ed25519 -out "$T/other.key" 2>/dev/null &&
		openssl pkey -in "$T/other.key" -pubout -out "$T/other.pub" ||
		fail "openssl cannot make a key"
	verify 1 "another key" "$V/golden.pdf" "$T/other.pub" "signed with hub key d8c7e97469005aeb, not with the key given"
	# openssl's own check of the vector: the signature over the lines above it
	head -n 5 "$V/golden.pdf.sig" >"$T/msg"
	printf '%b' "$(sed -n 's/^signature: //p' "$V/golden.pdf.sig" | sed 's/../\\x&/g')" >"$T/sig.bin"
	openssl pkeyutl -verify -pubin -inkey "$V/golden.pub" -rawin -in "$T/msg" -sigfile "$T/sig.bin" \
		>/dev/null 2>&1 || fail "openssl does not verify the golden vector"
	[ "$(sed -n 's/^pdf-sha256: //p' "$V/golden.pdf.sig")" = "$(openssl dgst -sha256 -r "$V/golden.pdf" | cut -c1-64)" ] ||
		fail "the golden vector's pdf-sha256 is not that of golden.pdf"
fi

verify 1 "no signature beside the file" "$T/other.pub" "$V/golden.pub" ".sig"
[ "$FAILS" = 0 ] || { echo "$FAILS failure(s)" >&2; exit 1; }
echo "ok: the final report's signature vectors"

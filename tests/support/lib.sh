# lib.sh - what every end-to-end shell test shares: the locale, sanitizer
# exit codes, counting failures, skipping when a tool is missing, checks of
# the captured output ($OUT, $ERR) and the final verdict. Sourced by
# tests/agent/lib.sh and tests/sync/lib.sh after they make $T; not run.
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
show() { sed 's/^/  stdout: /' "$OUT" >&2; sed 's/^/  stderr: /' "$ERR" >&2; }
err_has() { grep -qF -- "$1" "$ERR" || { fail "stderr lacks '$1'"; show; }; }
out_has() { grep -qF -- "$1" "$OUT" || { fail "stdout lacks '$1'"; show; }; }

finish() {
	if [ "$FAILS" -ne 0 ]; then echo "$FAILS check(s) failed" >&2; exit 1; fi
	echo "all checks passed"; exit 0
}

#!/bin/bash
# e2e_hub_lang.sh HUB - maiam-hub's messages follow the operator's locale:
# English under LANG=C (and with no locale at all), Vietnamese under a vi
# locale whether or not this machine has it generated (LANGUAGE is asked
# then), and LANGUAGE=vi beside a UTF-8 locale. Each case runs the real
# binary and checks its words, its exit code and that nothing else changes.
set -u
HUB=$1
fails=0

# run ENV... -- ARGS: stderr and stdout of maiam-hub into $out, exit code in $rc
run() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	out=$(env -u LC_ALL -u LC_MESSAGES -u LANG -u LANGUAGE "${envs[@]}" "$HUB" "$@" 2>&1)
	rc=$?
}

# expect WHAT RC TEXT: the last run exited RC and said TEXT
expect() {
	if [ "$rc" != "$2" ] || ! grep -qF -- "$3" <<<"$out"; then
		echo "FAIL: $1: exit $rc (want $2), want '$3' in:"
		echo "$out" | sed 's/^/    /'
		fails=$((fails + 1))
	else
		echo "ok: $1"
	fi
}

# expect_not WHAT TEXT: the last run did not say TEXT
expect_not() {
	if grep -qF -- "$2" <<<"$out"; then
		echo "FAIL: $1: '$2' should not be in:"
		echo "$out" | sed 's/^/    /'
		fails=$((fails + 1))
	fi
}

run LANG=C -- frobnicate
expect "LANG=C: an unknown command in English" 2 "'frobnicate' is not a command: see 'maiam-hub --help'"
run -- frobnicate
expect "no locale at all: English" 2 "'frobnicate' is not a command"
run LANG=vi_VN.UTF-8 -- frobnicate
expect "LANG=vi_VN.UTF-8: Vietnamese" 2 "'frobnicate' không phải là một lệnh: xem 'maiam-hub --help'"
expect_not "LANG=vi_VN.UTF-8: no English" "is not a command"
run LANG=C.UTF-8 LANGUAGE=vi -- frobnicate
expect "LANGUAGE=vi: Vietnamese" 2 "không phải là một lệnh"
run LANG=C LANGUAGE=vi -- frobnicate
expect "LANG=C wins over LANGUAGE (gettext's rule)" 2 "is not a command"
run LANG=vi_VN.UTF-8 -- --help
expect "--help in Vietnamese, exit 0" 0 "cách dùng: maiam-hub LỆNH"
# the command names and options stay as typed in every language
expect "--help keeps the command lines" 0 "maiam-hub report progress|awards|funds|reconcile"

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all language checks passed"

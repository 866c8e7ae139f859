#!/bin/bash
# po_complete.sh [--keyword=SPEC]... PO SOURCE... - the Vietnamese catalogue PO
# translates every message the SOURCE files mark with _() or N_(), or pass to a
# function each --keyword names (xgettext's spec: campaign_err:5 is argument 5
# of campaign_err, which translates it): each extracted msgid needs a
# non-empty msgstr that is not fuzzy, so no English sentence shows up inside
# Vietnamese output. Prints each missing message and fails; exits 77 (skip)
# when the gettext tools are not installed. Usable for any program's
# catalogue: tests/agent/ and tests/hub/CMakeLists.txt run it for agent/po/vi.po
# and hub/po/vi.po.
set -u
KEYWORDS=()
while [ $# -gt 0 ] && [ "${1#--keyword=}" != "$1" ]; do
	KEYWORDS+=("$1")
	shift
done
PO=$1
shift
for tool in xgettext msgmerge msgattrib; do
	command -v "$tool" >/dev/null || { echo "skip: $tool not installed"; exit 77; }
done
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT

xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ "${KEYWORDS[@]}" --add-comments=TRANSLATORS \
	-o "$TMP/all.pot" "$@" || { echo "FAIL: xgettext could not read the sources"; exit 1; }
# no fuzzy matching: a new message must be translated, not guessed from an old one
msgmerge --quiet --no-fuzzy-matching "$PO" "$TMP/all.pot" -o "$TMP/merged.po" ||
	{ echo "FAIL: msgmerge could not merge $PO"; exit 1; }
missing=0
for po in "$TMP/merged.po" "$PO"; do
	# "N translated messages, M fuzzy translations, K untranslated messages."
	stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1) ||
		{ echo "FAIL: msgfmt refuses $PO: $stats"; exit 1; }
	case $stats in
	*fuzzy*|*untranslated*)
		echo "FAIL: $PO against the sources: $stats"
		msgattrib --no-obsolete --no-wrap --only-fuzzy "$po"
		msgattrib --no-obsolete --no-wrap --untranslated "$po" | sed '1,/^$/d'
		missing=1
		break ;;
	esac
done
[ "$missing" = 0 ] && echo "ok: every message of $# source file(s) is translated in $PO ($stats)"
exit "$missing"

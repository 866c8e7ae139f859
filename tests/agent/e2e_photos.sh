# e2e_photos.sh - photos on the laptop, through the real binary: milestone
# --photo and photo add store the reduced copy under its SHA-256 in
# <home>/photos/XX/ and record a signed photo record; each bad file (cut
# JPEG, HEIC, text, empty, missing) refuses the whole command with its own
# message, in Vietnamese too, and leaves nothing behind (no record, no file,
# no temporary file); household show lists the photos; photo export writes
# the same bytes back and refuses a missing or ambiguous hash; photo void
# takes one out with its reason; a rejected household gets the usual note;
# the export's change-set carries the photo records, signed (bundle_records,
# $2). The photos come from photo_files ($3, tests/support/photo_gen.c).
. "$(dirname "$0")/lib.sh"
RECORDS="$2"
GEN="$3"
need python3
need sha256sum
init_store
F="$T/f"
PH="$MAIAM_HOME/photos"
mkdir "$F" && "$GEN" "$F" || fail "photo_files could not write the test photos"

# jq-less JSON: evaluate a Python expression on $OUT (bound to j).
jx() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }
eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
# refused RC MESSAGE ARGS...: the command fails with RC and one line saying MESSAGE.
refused() { local rc=$1 msg=$2; shift 2; expect "$rc" "$@"; err_one_line; err_has "$msg"; }
# What a refused command must leave as it was: the household, the counts,
# the pending changes and every file under photos/ (temporary ones too).
state() {
	"$AGENT" --json household show "$HH"
	"$AGENT" --json status | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["milestones"], j["pending_records"])'
	[ ! -d "$PH" ] || (cd "$PH" && find . | sort)
}
unchanged() { state >"$T/now" 2>&1; cmp -s "$T/before" "$T/now" || { fail "$1 changed the store"; diff "$T/before" "$T/now" >&2; }; }
stored() { echo "$PH/${1:0:2}/$1"; }

expect 0 --json household add --name "Trần Văn Bình" --hamlet "Ấp 1" --members 4 --category poor
HH=$(json ref)
state >"$T/before" 2>&1

# --- a bad file refuses the whole command, whatever comes before it ---
for bad in "cut.jpg:the file is cut short: copy it again from the phone" \
	"iphone.jpg:the photo is HEIC/HEIF, not JPEG: set the phone to save JPEG" \
	"list.jpg:the file is text, not a photo: choose the photo file itself" \
	"empty.jpg:the file is empty: copy the photo again from the phone"; do
	file=${bad%%:*} msg=${bad#*:}
	refused 2 "'$F/$file': $msg" milestone "$HH" surveyed --date 2023-06-20 \
		--photo "$F/phone.jpg" --photo "$F/$file"
	err_has "nothing was recorded"
	unchanged "milestone --photo $file"
	refused 2 "$msg" photo add "$HH" "$F/second.jpg" "$F/$file"
	unchanged "photo add $file"
done
refused 1 "cannot read '$F/missing.jpg'" photo add "$HH" "$F/missing.jpg"
unchanged "photo add of a missing file"
refused 2 "'nothing' is not a household or milestone id" photo add nothing "$F/second.jpg"
refused 1 "no household or milestone 'ZZZZ-99'" photo add ZZZZ-99 "$F/second.jpg"
refused 2 "needs a household or milestone ID and at least one photo file" photo add "$HH"
refused 2 "unknown photo command 'remove'; use add, export or void" photo remove "$HH"
expect 0 photo --help
out_has "maiam-agent photo add ID FILE..."
unchanged "the refused photo adds"

# --- in Vietnamese ---
LANGUAGE=vi expect 2 photo add "$HH" "$F/cut.jpg"
err_one_line
err_has "tệp bị cắt cụt: hãy chép lại từ điện thoại; không ghi gì cả"
LANGUAGE=vi expect 2 milestone "$HH" surveyed --date 2023-06-20 --photo "$F/iphone.jpg"
err_has "ảnh ở dạng HEIC/HEIF, không phải JPEG"
LANGUAGE=vi expect 2 photo add "$HH" "$F/list.jpg"
err_has "tệp là văn bản, không phải ảnh"
unchanged "the refusals in Vietnamese"

# --- a milestone with two photos: records and files in one transaction ---
expect 0 --json milestone "$HH" surveyed --date 2023-06-20 --photo "$F/phone.jpg" --photo "$F/house.png"
MS=$(json id)
H1=$(jx 'j["photos"][0]["sha256"]')
H2=$(jx 'j["photos"][1]["sha256"]')
B1=$(jx 'j["photos"][0]["bytes"]')
# 3200 x 2400 taken with orientation 6 (turned a quarter): 1200 x 1600 upright
eq "phone photo size" "$(jx 'j["photos"][0]["width"], j["photos"][0]["height"]')" "(1200, 1600)"
eq "png size" "$(jx 'j["photos"][1]["width"], j["photos"][1]["height"]')" "(800, 600)"
for h in "$H1" "$H2"; do
	[ -f "$(stored "$h")" ] || fail "photo $h is not stored at $(stored "$h")"
	eq "hash of the stored file" "$(sha256sum <"$(stored "$h")" | cut -d' ' -f1)" "$h"
done
eq "stored size" "$(wc -c <"$(stored "$H1")")" "$B1"
# only JFIF left: no EXIF, no camera name, no GPS in the bytes that travel
python3 - "$(stored "$H1")" <<'EOF' || fail "the stored photo still carries metadata"
import sys
d = open(sys.argv[1], "rb").read()
assert d[:4] == b"\xff\xd8\xff\xe0", "not a JFIF JPEG"
assert b"Exif\0\0" not in d and b"samsung" not in d and b"SM-A525F" not in d
EOF
eq "no temporary file" "$(find "$PH" -name '*.tmp*' | wc -l)" "0"

# --- photo add: to the household (its survey) and to the milestone by its reference ---
expect 0 --json photo add "$HH" "$F/second.jpg"
eq "household target" "$(jx 'j["target_kind"]')" "household"
H3=$(jx 'j["photos"][0]["sha256"]')
expect 0 --json household show "$HH"
MS_REF=$(jx 'j["milestones"][0]["ref"]')
expect 0 photo add "$MS_REF" "$F/house.png"
out_has "Recorded photo ${H2:0:8}"
# the same bytes twice are one file
eq "files in the store" "$(find "$PH" -type f | wc -l)" "3"

# --- household show lists them ---
expect 0 --json household show "$HH"
cp "$OUT" "$T/show.json"
P3=$(jx 'j["milestones"][0]["photos"][2]["id"]')
eq "milestone photos" "$(jx '[p["sha256"] for p in j["milestones"][0]["photos"]] == ["'"$H1"'", "'"$H2"'", "'"$H2"'"]')" "True"
eq "household photos" "$(jx '[p["sha256"] for p in j["photos"]]')" "['$H3']"
eq "evidence" "$(jx 'j["milestones"][0]["photos"][0]["taken_at"], j["milestones"][0]["photos"][0]["lat"], j["milestones"][0]["photos"][0]["lon"], j["milestones"][0]["photos"][0]["camera"]')" \
	"('2023-06-20T09:30:05+07:00', 96031234, 1059801234, 'samsung SM-A525F')"
eq "no position" "$(jx 'j["photos"][0]["lat"], j["photos"][0]["taken_at"], j["photos"][0]["camera"]')" \
	"(None, '2023-07-02T15:04:00+07:00', 'Apple iPhone 12')"
expect 0 household show "$HH"
out_has "photo ${H1:0:8}"
out_has "taken 2023-06-20 09:30  9.6031234, 105.9801234"
out_has "photos:"
out_has "photo ${H3:0:8}"
P1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["milestones"][0]["photos"][0]["ref"])' "$T/show.json")
out_has "photo ${H1:0:8}  $P1  "
LANGUAGE=vi expect 0 household show "$HH"
out_has "ảnh ${H1:0:8}"
out_has "chụp 20/06/2023 09:30"

# --- photo export: the same bytes; missing and ambiguous hashes refused ---
expect 0 photo export "${H1:0:8}" "$T/out.jpg"
out_has "Wrote photo ${H1:0:8}"
cmp -s "$T/out.jpg" "$(stored "$H1")" || fail "photo export did not write the stored bytes"
expect 0 --json photo export "$H3" "$T/out3.jpg"
eq "exported hash" "$(sha256sum <"$T/out3.jpg" | cut -d' ' -f1)" "$H3"
refused 1 "no photo's hash starts with" photo export 0000000000 "$T/none.jpg"
refused 2 "is not a photo's hash" photo export xyz "$T/none.jpg"
[ ! -e "$T/none.jpg" ] || fail "a refused export wrote a file"

# --- photo void: a photo added twice by mistake ---
refused 2 "--reason is required" photo void "$P3"
refused 1 "photo 'ZZZZ-99' not found" photo void ZZZZ-99 --reason "added twice"
expect 0 photo void "$P3" --reason "added twice"
out_has "Voided photo $P3: added twice"
refused 1 "is already voided" photo void "$P3" --reason "again"
expect 0 --json household show "$HH"
eq "voided photo" "$(jx '[p["voided"] for p in j["milestones"][0]["photos"]]')" "[False, False, True]"
expect 0 household show "$HH"
out_has "[voided]"

# --- the export's change-set carries the photo records, signed ---
expect 0 check
expect 0 export --out "$T/b.maiam"
"$RECORDS" "$MAIAM_HOME" "$T/b.maiam" >"$T/records" 2>"$T/records.err" || { fail "bundle_records failed"; cat "$T/records.err" >&2; }
eq "photo records" "$(grep -c '^photo ' "$T/records")" "4"
grep -qF " target=$MS target_kind=2 sha256=$H1 bytes=$B1 type=image/jpeg width=1200 height=1600 taken_at=2023-06-20T09:30:05+07:00 lat=96031234 lon=1059801234 camera=samsung SM-A525F" "$T/records" ||
	{ fail "the milestone's photo record is not in the change-set"; cat "$T/records" >&2; }
grep -qF " target_kind=1 sha256=$H3 " "$T/records" || fail "the household's photo record is not in the change-set"
grep -qF " target=$P3 target_kind=5 reason=added twice" "$T/records" || fail "the photo's void is not in the change-set"

# --- an ambiguous prefix lists the photos it names (a second row made to
# share the first 8 digits of H1; the hashes of real photos never do) ---
python3 - "$MAIAM_HOME/agent.db" "$H1" <<'EOF' || fail "cannot add the twin row"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
twin = sys.argv[2][:8] + "0" * 56
db.execute("INSERT INTO photo (id_origin, id_serial, stamp, writer, sha256) VALUES (1, 1, 1, 1, ?)", (twin,))
db.commit()
EOF
refused 2 "starts the hash of 2 photos (${H1:0:8}0000" photo export "${H1:0:8}" "$T/two.jpg"
err_has "${H1:0:12}"
expect 0 photo export "$H1" "$T/one.jpg"

# --- no photo on a voided milestone ---
expect 0 milestone void "$MS" --reason "wrong house"
refused 1 "is voided; add the photo to the stage recorded in its place" photo add "$MS" "$F/second.jpg"

# --- a photo of a household the hub's review rejected: kept, with the note
# (the review set in the store as a pull would set it) ---
python3 - "$MAIAM_HOME/agent.db" <<'EOF' || fail "cannot set the review"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE household SET review_status = 'rejected', review_reason = 'not poor'")
db.commit()
EOF
expect 0 photo add "$HH" "$F/house.png"
err_has "note: the hub's review rejected household $HH (not poor)"
finish

# e2e_photos_sync.sh - photos from a laptop to a real hub through sync:
# records first, then the bytes; the hub stores each photo under its hash
# with its row; a sync killed in the middle of an upload is finished by the
# next one from the hub's offset (each byte taken once: the hub's photo
# bytes of the day are the photos' sizes); a photo missing from the
# laptop's store is a note, exit 0, and goes with the next sync. Until the
# agent's own photo commands exist, $3 (tests/tools/photo_record) puts a
# photo in the laptop's store and its record in the outbox.
. "$(dirname "$0")/lib.sh"
PHOTO_RECORD="$3"

hub_new hub
hub_start hub
laptop a1 31498 hub
ag a1 0 --json household add --name "Trần Thị Ảnh" --hamlet "Khóm 1" --members 4 --category poor

# a real JPEG (thumbnail and dHash at the hub) and 700 kB of bytes (three ranges)
read -r JPEG JPEG_BYTES < <("$PHOTO_RECORD" "$T/a1" 0 1) || fail "photo_record failed"
read -r BLOB BLOB_BYTES < <("$PHOTO_RECORD" "$T/a1" 700000 2) || fail "photo_record failed"
[ "${#JPEG}" = 64 ] && [ "${#BLOB}" = 64 ] || { fail "photo_record printed no hash"; finish; }

ag a1 0 --json sync
eq "photos sent" "$(json 'j["photos_sent"]')" 2
eq "photos left" "$(json 'j["photos_left"]')" 0
eq "records pushed before" "$(json 'j["pushed"] >= 1')" True
for h in "$JPEG" "$BLOB"; do
	f="$T/hub/photos/${h:0:2}/$h"
	[ -f "$f" ] || fail "the hub has no file for photo $h"
	eq "stored file named by its hash" "$(sha256sum "$f" | cut -d' ' -f1)" "$h"
done
eq "hub_photo rows" "$(sql hub 'select count(*) from hub_photo')" 2
eq "the JPEG's thumbnail and dHash" "$(sql hub "select count(*) from hub_photo where hex(sha256) = upper('$JPEG') and thumb is not null and dhash is not null")" 1
eq "marked uploaded on the laptop" "$(asql a1 'select count(*) from photo_upload')" 2

# a sync again asks about nothing and sends nothing
ag a1 0 --json sync
eq "nothing sent again" "$(json 'j["photos_sent"]')" 0

# a sync killed once the hub holds part of a big photo; the next resumes it
read -r BIG BIG_BYTES < <("$PHOTO_RECORD" "$T/a1" 6000000 3) || fail "photo_record failed"
PART="$T/hub/partial/$(asql a1 "select substr(value, 3) from meta where key = 'key_id'")/$BIG"
"$AGENT" --home "$T/a1" sync >"$OUT" 2>"$ERR" &
pid=$!
for _ in $(seq 1 2000); do
	[ -s "$PART" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.005
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -s "$PART" ]; then
	CUT=$(stat -c %s "$PART")
	echo "killed with $CUT of $BIG_BYTES bytes at the hub"
else
	echo "note: the kill did not land in the middle of the upload on this machine" >&2
fi
ag a1 0 --json sync
eq "the big photo sent" "$(asql a1 "select count(*) from photo_upload where sha256 = '$BIG'")" 1
f="$T/hub/photos/${BIG:0:2}/$BIG"
eq "big photo stored by its hash" "$(sha256sum "$f" | cut -d' ' -f1)" "$BIG"
[ -e "$PART" ] && fail "the partial is left after the photo was stored"
# each byte taken once: no range was appended twice
eq "photo bytes the hub took" "$(sql hub 'select sum(bytes) from hub_photo_quota')" \
	"$((JPEG_BYTES + BLOB_BYTES + BIG_BYTES))"

# a photo whose file is missing: a note, exit 0, sent by a later sync
read -r GONE GONE_BYTES < <("$PHOTO_RECORD" "$T/a1" 5000 4) || fail "photo_record failed"
mv "$T/a1/photos/${GONE:0:2}/$GONE" "$T/gone"
ag a1 0 --json sync
eq "missing photo left" "$(json 'j["photos_left"]')" 1
err_has "note: photo ${GONE:0:12} was not sent"
mv "$T/gone" "$T/a1/photos/${GONE:0:2}/$GONE"
ag a1 0 sync
out_has "Photos: sent 1"
eq "hub_photo rows at the end" "$(sql hub 'select count(*) from hub_photo')" 4

finish

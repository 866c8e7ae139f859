# e2e_usb_photos.sh - photos of a commune that is never online reach the
# hub on a USB stick: a laptop enrolled from a file records a household and
# a milestone with two photos, its export carries both photos after the
# change-sets, and the hub's import checks each as an upload is checked.
# A photo byte changed on the stick is refused alone (the records and the
# other photo land); the good file then stores the first photo and skips the
# second (already held); the same file again changes nothing; a photo no
# record names is refused; a bundle without photos (--no-photos, the form
# from before photos travelled) imports as before; the hub's update file
# tells the laptop which photos it holds, and the next bundle leaves them
# out. No hub is served.
# $4 is tests/agent/photo_files, which writes the phone photos.
. "$(dirname "$0")/lib.sh"
GEN="$4"
need sha256sum

C=31498
hub_new hub
hub hub agent add --commune "$C" --file "$T/enrol-a.maiam"
eq "agent add --file" "$RC" 0
ag a 0 init --commune "$C"
ag a 0 --json enroll --file "$T/enrol-a.maiam"
AID=$(json 'j["agent_id"]')
mkdir "$T/f" && "$GEN" "$T/f" || fail "photo_files could not write the test photos"

ag a 0 --json household add --name "Nguyễn Văn Ân" --hamlet "Ấp Phú Thành" --members 4 --category poor
HA=$(json 'j["id"]')
ag a 0 milestone "$HA" surveyed --date 2023-06-20 --photo "$T/f/phone.jpg" --photo "$T/f/second.jpg"
PHOTOS=$(cd "$T/a/photos" && find . -type f -name '????????????????????????????????????????????????????????????????' | sed 's|.*/||' | sort)
eq "two photos on the laptop" "$(echo "$PHOTOS" | wc -l)" 2
P1=$(echo "$PHOTOS" | head -1) P2=$(echo "$PHOTOS" | tail -1)
B1=$(stat -c %s "$T/a/photos/${P1:0:2}/$P1") B2=$(stat -c %s "$T/a/photos/${P2:0:2}/$P2")

ag a 0 --json export --out "$T/a1.maiam"
eq "photos in the file" "$(json 'j["photos_in_file"]')" 2
eq "their bytes" "$(json 'j["photo_bytes_in_file"]')" "$((B1 + B2))"
eq "none left" "$(json 'j["photos_left"]')" 0
ag a 0 export --out "$T/a1-again.maiam"
out_has "It carries 2 photos ($((B1 + B2)) bytes) the hub is not known to hold."
cmp -s "$T/a1.maiam" "$T/a1-again.maiam" || fail "the same export twice differs"

# one byte of the first photo changed on the stick
python3 - "$T/a1.maiam" "$T/a1-changed.maiam" "$P1" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
at = b.index(b'MAIMPHO1' + b[b.index(b'MAIMPHO1') + 8:b.index(b'MAIMPHO1') + 16] + bytes.fromhex(sys.argv[3]))
b[at + 48 + 1000] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
hub hub import "$T/a1-changed.maiam"
eq "a changed photo: the import exits as for a refusal" "$RC" 4
out_has "change-sets: 1 applied"
out_has "photo ${P1:0:12} refused: wrong_hash: its bytes do not hash to its name"
out_has "2 photos: 1 stored, 0 already held, 1 refused"
eq "the records landed" "$(sql hub 'select count(*) from household')" 1
eq "the milestone too" "$(sql hub 'select count(*) from milestone')" 1
eq "only the good photo stored" "$(sql hub 'select count(*) from hub_photo')" 1
[ -e "$T/hub/photos/${P1:0:2}/$P1" ] && fail "the changed photo was stored"

# the good file: the first photo now, the second already held
hub hub import "$T/a1.maiam"
eq "import of the good file" "$RC" 0
out_has "1 already applied"
out_has "2 photos: 1 stored, 1 already held, 0 refused"
# each stored under its hash, its bytes hashing to it
eq "the hub's photo files" "$(cd "$T/hub/photos" && sha256sum ${P1:0:2}/$P1 ${P2:0:2}/$P2 | awk '{print $1}' | xargs)" "$P1 $P2"
eq "both with thumbnail and dHash" "$(sql hub 'select count(*) from hub_photo where thumb is not null and dhash is not null')" 2
QUOTA=$(sql hub 'select sum(bytes) from hub_photo_quota')

# the same file again: nothing new
hub hub import "$T/a1.maiam"
eq "second import" "$RC" 0
out_has "2 photos: 0 stored, 2 already held, 0 refused"
eq "no more rows" "$(sql hub 'select count(*) from hub_photo')" 2
eq "no more quota" "$(sql hub 'select sum(bytes) from hub_photo_quota')" "$QUOTA"

hub hub household show "$HA" --json
eq "household show lists both photos" "$(json 'sorted(p["sha256"] for p in j["photos"])')" "['$P1', '$P2']"
eq "both stored" "$(json '[p["stored"] for p in j["photos"]]')" "[True, True]"
hub hub household show "$HA"
out_has "${P1:0:8}"
hub hub audit verify
eq "audit verify" "$RC" 0

# a photo item no record names (bytes of the laptop's origin, hashed right)
UNNAMED=$(python3 - "$T/a1.maiam" "$T/unnamed.maiam" "$AID" <<'PY'
import hashlib, struct, sys
b = open(sys.argv[1], 'rb').read()
photo = b'\xff\xd8\xff' + b'not a recorded photo' * 50
item = b'MAIMPHO1' + bytes.fromhex(sys.argv[3]) + hashlib.sha256(photo).digest() + photo
open(sys.argv[2], 'wb').write(b + struct.pack('>I', len(item)) + item)
print(hashlib.sha256(photo).hexdigest())
PY
)
hub hub import "$T/unnamed.maiam"
eq "an unnamed photo: refused" "$RC" 4
out_has "photo ${UNNAMED:0:12} refused: not_named: no accepted record of this laptop names it"
out_has "3 photos: 0 stored, 2 already held, 1 refused"
eq "still two photos" "$(sql hub 'select count(*) from hub_photo')" 2
# the same in Vietnamese
LANGUAGE=vi hub hub import "$T/unnamed.maiam"
eq "in Vietnamese: the same exit" "$RC" 4
out_has "ảnh ${UNNAMED:0:12} bị từ chối: not_named: không có bản ghi nào đã được chấp nhận"
out_has "3 ảnh: 0 đã lưu, 2 đã có từ trước, 1 bị từ chối"

# a bundle without photos is the form from before: it imports as before
ag a 0 household add --name "Lâm Thị Hoa" --hamlet "Ấp Mỹ Lợi" --members 3 --category near_poor
ag a 0 --json export --out "$T/a2.maiam" --no-photos
eq "--no-photos: none in the file" "$(json 'j["photos_in_file"]')" 0
grep -q MAIMPHO1 "$T/a2.maiam" && fail "--no-photos wrote a photo item"
hub hub import "$T/a2.maiam"
eq "import of a bundle without photos" "$RC" 0
out_has "change-sets: 1 applied, 1 already applied, 0 rejected"
grep -q "photos:" "$OUT" && fail "a bundle without photos printed a photo line"
eq "both households" "$(sql hub 'select count(*) from household')" 2

# the update file tells the laptop which photos the hub holds: the next
# bundle leaves them out
ag a 0 --json export --out "$T/a3.maiam"
eq "before the update file: both photos again" "$(json 'j["photos_in_file"]')" 2
hub hub export --for "$AID" --out "$T/ua1.maiam"
eq "export --for" "$RC" 0
ag a 0 --json import "$T/ua1.maiam"
eq "the laptop hears the hub holds both" "$(json 'j["photos_held"]')" 2
eq "marked on the laptop" "$(asql a 'select count(*) from photo_upload')" 2
ag a 0 --json export --out "$T/a4.maiam"
eq "after it: no photo in the file" "$(json 'j["photos_in_file"]')" 0
grep -q MAIMPHO1 "$T/a4.maiam" && fail "a photo the hub holds was carried again"
ag a 0 photo add "$HA" "$T/f/house.png"
ag a 0 export --out "$T/a5.maiam"
out_has "It carries 1 photos ("
hub hub import "$T/a5.maiam"
eq "import of the third photo" "$RC" 0
out_has "1 photos: 1 stored, 0 already held, 0 refused"

hub hub audit verify
eq "audit verify at the end" "$RC" 0
finish

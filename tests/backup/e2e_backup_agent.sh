# e2e_backup_agent.sh - a laptop's backup on a USB stick, through the real
# binaries: households recorded after the last sync, and a photo, are
# backed up with the key sealed (no key in the clear on the stick); the
# laptop "dies"; the backup restored on a new laptop holds them and its
# sync brings them to the hub (nothing lost). A wrong passphrase, a backup
# without its MANIFEST (interrupted) or with a damaged file, and a home
# that already has a store are refused and write nothing (in Vietnamese
# under a vi locale). The old laptop
# comes back and records too: the hub's fork detection refuses its history.
# Usage: e2e_backup_agent.sh MAIAM-AGENT MAIAM-HUB PHOTO-RECORD
. "$(dirname "${BASH_SOURCE[0]}")/../sync/lib.sh"
PHOTO_RECORD="$3"

C=31498
hub_new hub
hub_start hub
laptop old "$C" hub
ag old 0 household add --name "Hộ đã gửi" --hamlet "Khóm 1" --members 4 --category poor
ag old 0 sync
# recorded after the last sync: only the laptop holds them
for n in 1 2 3; do
	ag old 0 household add --name "Hộ chưa gửi $n" --hamlet "Khóm 2" --members 3 --category poor
done
read -r JPEG _ < <("$PHOTO_RECORD" "$T/old" 0 1) || fail "photo_record failed"
eq "hub before" "$(hub_households hub)" 1

echo "mật khẩu của xã Phường 5" >"$T/pass"
echo "another passphrase" >"$T/wrong"
ag old 2 backup --to "$T/usb/backup"
err_has "--passphrase-file"
ag old 0 backup --to "$T/usb/backup" --passphrase-file "$T/pass"
out_has "backed up laptop"
[ -f "$T/usb/backup/MANIFEST" ] || fail "no MANIFEST"
[ -f "$T/usb/backup/agent.key.sealed" ] || fail "no sealed key"
[ -e "$T/usb/backup/agent.key" ] && fail "the key is on the stick in the clear"
grep -rq "PRIVATE KEY" "$T/usb/backup" && fail "a private key is on the stick in the clear"

# refused: a wrong passphrase, an interrupted backup, a damaged one, a home with a store
ag new 2 restore "$T/usb/backup" --passphrase-file "$T/wrong"
err_has "passphrase does not open"
[ -e "$T/new/agent.db" ] && fail "a refused restore wrote the store"
cp -r "$T/usb/backup" "$T/usb/cut"
rm "$T/usb/cut/MANIFEST"
ag cut 2 restore "$T/usb/cut" --passphrase-file "$T/pass"
err_has "no MANIFEST"
cp -r "$T/usb/backup" "$T/usb/damaged"
printf 'X' | dd of="$T/usb/damaged/agent.db" bs=1 seek=100 conv=notrunc 2>/dev/null
ag damaged 2 restore "$T/usb/damaged" --passphrase-file "$T/pass"
err_has "differs from its MANIFEST line"
[ -e "$T/damaged/agent.db" ] && fail "a damaged backup was restored"
ag old 2 restore "$T/usb/backup" --passphrase-file "$T/pass"
err_has "already holds a store"
LC_ALL= LC_MESSAGES= LANGUAGE= LANG=vi_VN.UTF-8 timeout "$CMD_TIMEOUT" "$AGENT" --home "$T/cut" \
	restore "$T/usb/cut" --passphrase-file "$T/pass" >"$OUT" 2>"$ERR"
eq "an interrupted backup (vi)" "$?" 2
err_has "không khôi phục được bản sao lưu"

# the new laptop: everything the old one had, and its sync brings it to the hub
ag new 0 restore "$T/usb/backup" --passphrase-file - <"$T/pass"
out_has "restored laptop"
eq "households on the restored laptop" "$(agent_households new)" 4
[ -f "$T/new/photos/${JPEG:0:2}/$JPEG" ] || fail "the restored laptop lacks the photo"
ag new 0 check
ag new 0 household add --name "Hộ ghi trên máy mới" --hamlet "Khóm 3" --members 2 --category poor
ag new 0 --json sync
eq "nothing lost: households at the hub" "$(hub_households hub)" 5
eq "the photo reached the hub" "$(sql hub "select count(*) from hub_photo where hex(sha256) = upper('$JPEG')")" 1

# the old laptop comes back and records: the hub refuses its second history
ag old 0 household add --name "Hộ ghi trên máy cũ" --hamlet "Khóm 4" --members 2 --category poor
try old sync
eq "the old laptop's sync after the restore: refused (exit 4)" "$RC" 4
grep -q "fork" "$OUT" "$ERR" || { fail "the old laptop was not told of the fork"; show; }
eq "fork refused at the hub" "$(sql hub "select count(*) > 0 from hub_rejection where code = 'fork'")" 1
eq "households at the hub after the old laptop" "$(hub_households hub)" 5
hub hub audit verify
eq "audit verify after the fork" "$RC" 0
finish

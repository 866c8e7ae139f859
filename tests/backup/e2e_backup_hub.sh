# e2e_backup_hub.sh - maiam-hub backup and restore through the real
# binaries: a serving hub is backed up while a laptop syncs; the backup,
# restored into a new directory (keys copied beside it, or opened from the
# backup with the passphrase), passes 'audit verify', holds the photos and
# serves; a wrong passphrase writes nothing; at a terminal the passphrase
# is asked for without echo; a restore into the serving hub's directory is
# refused; a backup of another hub, a damaged one and a cut one are
# refused; a backup killed midway (held at a FIFO by
# MAIAM_TEST_BACKUP_STALL, then SIGKILL) leaves only its temporary
# file, which restore refuses, and the serving hub is unharmed (audit
# passes, a laptop still syncs). Refusals in Vietnamese under a vi locale.
# Last, the first backup serves in the hub's place and the laptop sends it
# again what it lacks.
# Usage: e2e_backup_hub.sh MAIAM-AGENT MAIAM-HUB PHOTO-RECORD
. "$(dirname "${BASH_SOURCE[0]}")/../sync/lib.sh"
PHOTO_RECORD="$3"
need mkfifo sha256sum

C=31498
hub_new hub
hub_start hub
MAIN_PID=$HUB_PID MAIN_URL=$URL
laptop a1 "$C" hub
for n in 1 2 3; do
	ag a1 0 household add --name "Hộ số $n" --hamlet "Khóm 1" --members 4 --category poor
done
read -r JPEG _ < <("$PHOTO_RECORD" "$T/a1" 0 1) || fail "photo_record failed"
ag a1 0 --json sync
eq "photo sent" "$(json 'j["photos_sent"]')" 1

# backed up while the laptop syncs more households
for n in 4 5 6 7 8; do
	ag a1 0 household add --name "Hộ số $n" --hamlet "Khóm 2" --members 3 --category near_poor
done
timeout "$CMD_TIMEOUT" "$AGENT" --home "$T/a1" sync >"$T/sync.out" 2>&1 &
SYNC_PID=$!
hub hub backup --to "$T/b1.backup"
eq "backup while serving" "$RC" 0
out_has "left out"
wait "$SYNC_PID" || fail "the sync beside the backup exited $?"
[ -f "$T/b1.backup" ] || fail "no backup file"
ls "$T"/b1.backup.* >/dev/null 2>&1 && fail "the backup left temporary files"

# restored into a new directory, the keys kept apart copied beside it
hub copy restore "$T/b1.backup"
eq "restore into a new directory" "$RC" 0
out_has "copy hub.key, ca.key and server.key"
for k in hub.key ca.key server.key; do cp "$T/hub/$k" "$T/copy/$k"; done
hub copy audit verify
eq "audit verify of the restored hub" "$RC" 0
f="$T/copy/photos/${JPEG:0:2}/$JPEG"
[ -f "$f" ] && eq "restored photo" "$(sha256sum "$f" | cut -d' ' -f1)" "$JPEG" ||
	fail "the restored hub lacks photo $JPEG"
ROWS=$(sql copy 'select count(*) from hub_ledger')
[ "$ROWS" -ge 1 ] || fail "the restored ledger is empty"
hub_start copy
hub copy household list --json
eq "the restored hub serves: its households" "$(json 'len(j) >= 3')" True
hub_stop "$HUB_PID"
URL=$MAIN_URL

# the keys in the backup, sealed with a passphrase
echo "mật khẩu sao lưu của tỉnh" >"$T/pass"
echo "not the passphrase" >"$T/wrong"
echo short >"$T/short"
hub hub backup --to "$T/k.backup" --with-keys
eq "--with-keys without a passphrase" "$RC" 2
err_has "--passphrase-file"
hub hub backup --to "$T/k.backup" --with-keys --passphrase-file "$T/short"
eq "a short passphrase" "$RC" 2
hub hub backup --to "$T/k.backup" --with-keys --passphrase-file "$T/pass"
eq "backup --with-keys" "$RC" 0
grep -q "PRIVATE KEY" "$T/k.backup" && fail "a key is in the backup in the clear"
hub keyed restore "$T/k.backup" --passphrase-file "$T/wrong"
eq "restore with a wrong passphrase" "$RC" 2
err_has "passphrase does not open"
[ -e "$T/keyed/hub.db" ] && fail "a refused restore wrote the database"
hub keyed restore "$T/k.backup"
eq "restore of sealed keys without the passphrase" "$RC" 2
hub keyed restore "$T/k.backup" --passphrase-file - <"$T/pass"
eq "restore with the passphrase" "$RC" 0
cmp -s "$T/keyed/hub.key" "$T/hub/hub.key" || fail "the restored hub key differs"
hub keyed audit verify
eq "audit verify of the keyed restore" "$RC" 0

# at a terminal, without --passphrase-file: asked for, not echoed (twice
# for a backup: two that differ write nothing)
TTYRUN="$(dirname "${BASH_SOURCE[0]}")/ttyrun.py"
P="passphrase typed at the terminal"
python3 "$TTYRUN" "$T/tty1" "$P" "$P" -- "$HUB" backup --dir "$T/hub" --to "$T/t.backup" --with-keys
eq "backup --with-keys, the passphrase typed" "$?" 0
grep -q "Passphrase to seal the keys" "$T/tty1" || { fail "backup did not ask for the passphrase"; cat "$T/tty1" >&2; }
grep -q "$P" "$T/tty1" && fail "the passphrase typed for the backup showed on the terminal"
grep -q "keys included" "$T/tty1" || { fail "the typed passphrase did not seal the keys"; cat "$T/tty1" >&2; }
python3 "$TTYRUN" "$T/tty2" "$P" -- "$HUB" restore "$T/t.backup" --dir "$T/typed"
eq "restore, the passphrase typed" "$?" 0
grep -q "$P" "$T/tty2" && fail "the passphrase typed for the restore showed on the terminal"
cmp -s "$T/typed/hub.key" "$T/hub/hub.key" || fail "the key restored with the typed passphrase differs"
python3 "$TTYRUN" "$T/tty3" "$P" "not the same one at all" -- "$HUB" backup --dir "$T/hub" --to "$T/t2.backup" --with-keys
eq "backup with two different passphrases typed" "$?" 2
grep -q "two passphrases differ" "$T/tty3" || { fail "no clear refusal of two passphrases"; cat "$T/tty3" >&2; }
[ -e "$T/t2.backup" ] && fail "a backup was written with two different passphrases"
python3 "$TTYRUN" "$T/tty4" "wrong but long enough" -- "$HUB" restore "$T/t.backup" --dir "$T/typed2"
eq "restore, a wrong passphrase typed" "$?" 2
[ -e "$T/typed2/hub.db" ] && fail "a wrong typed passphrase restored the database"

# refused: the directory of the hub serving (its database open), which is
# left as it was and goes on serving
before=$(sql hub 'select count(*) from hub_ledger')
hub hub restore "$T/b1.backup"
eq "restore into the serving hub's directory" "$RC" 2
err_has "is serving from"
kill -0 "$MAIN_PID" 2>/dev/null || fail "the serving hub died when its restore was refused"
eq "the serving hub's ledger after the refused restore" "$(sql hub 'select count(*) from hub_ledger')" "$before"
ag a1 0 household add --name "Hộ sau khôi phục bị từ chối" --hamlet "Khóm 3" --members 2 --category poor
ag a1 0 --json sync
eq "a laptop syncs after the refused restore" "$(json 'j["pushed"] >= 1')" True

# refused: another hub's directory, a damaged backup, a cut one
hub_new other
hub other restore "$T/b1.backup"
eq "restore onto another hub" "$RC" 2
err_has "is a backup of hub"
SIZE=$(stat -c %s "$T/b1.backup")
cp "$T/b1.backup" "$T/damaged.backup"
printf 'X' | dd of="$T/damaged.backup" bs=1 seek=$((SIZE / 2)) conv=notrunc 2>/dev/null
head -c $((SIZE - 100)) "$T/b1.backup" >"$T/cut.backup"
for b in damaged cut; do
	rm -rf "$T/r_$b"
	hub "r_$b" restore "$T/$b.backup"
	eq "restore of a $b backup" "$RC" 2
	err_has "cut short or damaged"
	[ -e "$T/r_$b/hub.db" ] && fail "the $b backup was restored"
done
LC_ALL= LC_MESSAGES= LANGUAGE= LANG=vi_VN.UTF-8 timeout "$CMD_TIMEOUT" "$HUB" restore \
	"$T/cut.backup" --dir "$T/r_vi" >"$OUT" 2>"$ERR"
eq "restore of a cut backup (vi)" "$?" 2
err_has "không khôi phục"

# killed midway: held after its database part, then SIGKILL
mkfifo "$T/stall"
MAIAM_TEST_BACKUP_STALL="$T/stall" "$HUB" backup --dir "$T/hub" --to "$T/killed.backup" \
	>"$T/killed.out" 2>&1 &
KILLED=$!
read -r -t 60 said <"$T/stall" || fail "the backup never reached its stall point"
eq "stall point" "$said" stalled
kill -KILL "$KILLED"
wait "$KILLED" 2>/dev/null
[ -e "$T/killed.backup" ] && fail "a killed backup left a finished-looking file"
TMP=$(ls "$T"/killed.backup.tmp.* 2>/dev/null | head -n 1)
if [ -n "$TMP" ]; then
	hub r_killed restore "$TMP"
	eq "restore of a half-written backup" "$RC" 2
	err_has "cut short or damaged"
else
	fail "the killed backup left no half-written file to try"
fi
hub hub audit verify
eq "the serving hub after the killed backup: audit" "$RC" 0
kill -0 "$MAIN_PID" 2>/dev/null || fail "the serving hub died"
ag a1 0 household add --name "Hộ sau sao lưu" --hamlet "Khóm 3" --members 2 --category poor
ag a1 0 --json sync
eq "a laptop syncs after the killed backup" "$(json 'j["pushed"] >= 1')" True

# the hub dies; its first backup, restored, serves in its place (the laptop
# told the new address): the laptop's next sync sends again the change-sets
# the old hub had acknowledged after that backup, and the restored hub ends
# with all of them
hub_stop "$MAIN_PID"
hub_start copy
ag a1 0 enroll --hub "$URL"
ag a1 0 household add --name "Hộ sau khi máy chủ hỏng" --hamlet "Khóm 4" --members 2 --category poor
ag a1 0 --json sync
err_has "sending them again"
eq "the laptop's change-sets on the restored hub" \
	"$(sql copy 'select count(*) from hub_ledger where origin in (select id from hub_agent)')" \
	"$(asql a1 'select count(*) from sealed')"
eq "households on the restored hub" "$(hub_households copy)" "$(agent_households a1)"
ag a1 0 --json sync
eq "then nothing to send again" "$(json 'j["pushed"]')" 0
hub copy audit verify
eq "audit verify of the restored hub after the resend" "$RC" 0
finish

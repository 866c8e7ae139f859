# e2e_restore_reach.sh - a restored hub reaches every laptop again (issue
# 16; docs/SYNC.md, "After the hub was restored"), with real processes over
# real TLS: laptop a1 syncs three times, the hub's backup taken after the
# first; the hub, restored from it into its own directory, gets a new
# ledger epoch whose restore point is the backup's last row, and serves on
# the same port. A review decision written on the restored hub at a ledger
# row a1 had already passed reaches a1 at its next sync, and that sync,
# with nothing new to send, gives the hub back the change-sets it had
# acknowledged after the backup. Laptop a2's records, sent again after the
# restore, reach a1 a second time and change nothing there (the merge of
# pulled records is idempotent). Then nothing more moves, and the restored
# hub passes 'audit verify'. Laptop u lives on USB files only: its update
# file from the restored hub brings the decision and says which of its
# change-sets the hub lacks, and its next export carries them again.
# Usage: e2e_restore_reach.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "${BASH_SOURCE[0]}")/../sync/lib.sh"

C=31498
add() { # LAPTOP NAME: a household; prints its id
	ag "$1" 0 --json household add --name "$2" --hamlet "Khóm 1" --members 4 --category poor
	json 'j["id"]'
}
meta() { asql "$1" "select coalesce((select value from meta where key = '$2'), '')"; }
hmeta() { sql hub "select coalesce((select value from hub_meta where key = '$1'), '')"; }

hub_new hub
OLD_EPOCH=$(hmeta ledger_epoch)
[ ${#OLD_EPOCH} = 16 ] || fail "init made no ledger epoch: '$OLD_EPOCH'"
hub_start hub
MAIN_PORT=$PORT
laptop a1 "$C" hub
laptop a2 "$C" hub
# u: USB files only (docs/SYNC.md; tests/sync/e2e_usb_only.sh)
hub hub agent add --commune "$C" --file "$T/enrol-u.maiam"
eq "agent add --file" "$RC" 0
ag u 0 init --commune "$C"
ag u 0 enroll --file "$T/enrol-u.maiam"
U_ID=$(meta u agent_id)
usb_round() { # N: u exports bundle N, the hub imports it and writes u an update file, u imports it
	ag u 0 export --out "$T/u$1.maiam"
	hub hub import "$T/u$1.maiam"
	eq "import of u's bundle $1" "$RC" 0
	hub hub export --for "$U_ID" --out "$T/uu$1.maiam"
	eq "update file $1 for u" "$RC" 0
	ag u 0 --json import "$T/uu$1.maiam"
}
HU=$(add u "Hộ của máy USB")
usb_round 1

# (a) a1 syncs three times; the backup is taken after the first
H1=$(add a1 "Hộ trước sao lưu")
ag a1 0 --json sync
eq "a1's first sync" "$(json 'j["pushed"]')" 1
eq "a1 keeps the hub's epoch" "$(meta a1 hub_epoch)" "$OLD_EPOCH"
hub hub backup --to "$T/b.backup"
eq "backup" "$RC" 0
BACKUP_LAST=$(sql hub 'select max(id) from hub_ledger')
add u "Hộ của máy USB sau sao lưu" >/dev/null
usb_round 2
eq "u's change-sets acknowledged" "$(asql u 'select count(*) from sealed where acked_at is not null')" 2
add a1 "Hộ sau sao lưu 1" >/dev/null
ag a1 0 --json sync
B1=$(add a2 "Hộ của máy a2")
ag a2 0 --json sync
add a1 "Hộ sau sao lưu 2" >/dev/null
ag a1 0 --json sync
eq "a1's third sync pulls a2's household" "$(json 'j["pulled"] >= 1')" True
ag a1 0 --json household show "$B1"
A1_SEQ=$(asql a1 'select max(seq) from sealed where acked_at is not null')
eq "a1's change-sets acknowledged" "$A1_SEQ" 3
A1_CURSOR=$(meta a1 pull_cursor)
A1_HH=$(asql a1 'select count(*) from household')
A1_ID=$(meta a1 agent_id)

# the hub dies; its backup is restored in its place and serves on its port
hub_stop "$HUB_PID"
hub hub restore "$T/b.backup"
eq "restore" "$RC" 0
NEW_EPOCH=$(hmeta ledger_epoch)
[ ${#NEW_EPOCH} = 16 ] && [ "$NEW_EPOCH" != "$OLD_EPOCH" ] ||
	fail "the restore made no new epoch: '$NEW_EPOCH' (was '$OLD_EPOCH')"
eq "the restore point" "$(hmeta restored_at)" "$BACKUP_LAST"
eq "the epochs of the ledger" "$(hmeta ledger_epochs)" "$OLD_EPOCH:- $NEW_EPOCH:$BACKUP_LAST"
hub_start hub "$MAIN_PORT"

# (b) a review decision written after the restore, at a row a1 had passed
hub hub household approve "$H1"
eq "approve on the restored hub" "$RC" 0
DECISION_ROW=$(sql hub 'select max(id) from hub_ledger')
[ "$DECISION_ROW" -le "$A1_CURSOR" ] ||
	fail "test premise: the decision (row $DECISION_ROW) should be at a row a1 passed ($A1_CURSOR)"

# (c) a1, with nothing new, syncs once
ag a1 0 --json sync
eq "nothing new sealed" "$(json 'j["sealed_now"]')" 0
eq "the decision pulled" "$(json 'j["pulled"] >= 1')" True
eq "a1's lacking change-sets sent again" "$(json 'j["pushed"]')" 2
err_has "sending them again"
ag a1 0 --json household show "$H1"
eq "(b) the decision reached a1" "$(json 'j["review_status"]')" approved
eq "a1 took the new epoch" "$(meta a1 hub_epoch)" "$NEW_EPOCH"
hub hub agent list --json
eq "(c) the restored hub's head of a1's chain" \
	"$(json "[a['last_seq'] for a in j if a['agent'] == '$A1_ID'][0]")" "$A1_SEQ"
eq "(c) a1's change-sets in the restored ledger" \
	"$(sql hub "select count(*) from hub_ledger where printf('%016x', origin) = '$A1_ID'")" "$A1_SEQ"

# a2 sends again what the restored hub lacks; a1 gets those records a second
# time: nothing changes on a1 (the merge is idempotent)
ag a2 0 --json sync
err_has "sending them again"
eq "a2's change-set sent again" "$(json 'j["pushed"]')" 1
ag a1 0 --json sync
eq "a1 pulled a2's records again" "$(json 'j["pulled"] >= 1')" True
eq "no conflict from records a1 held" "$(json 'j["conflicts"]')" 0
eq "a1's households unchanged" "$(asql a1 'select count(*) from household')" "$A1_HH"

# then nothing moves, and the restored hub is sound
for l in a1 a2; do
	ag "$l" 0 --json sync
	eq "$l: nothing more to send" "$(json 'j["pushed"]')" 0
	eq "$l: nothing more to pull" "$(json 'j["pulled"]')" 0
done

# u on USB: the restored hub's update file (issued a second after the
# last one, which u would refuse as a replay otherwise) brings the
# decision and the hub's head of u's chain; u's next export carries again
# the change-set the hub lacks
hub hub household approve "$HU"
eq "approve u's household" "$RC" 0
sleep 1.1
hub hub export --for "$U_ID" --out "$T/uu3.maiam"
eq "update file for u from the restored hub" "$RC" 0
ag u 0 --json import "$T/uu3.maiam"
err_has "the next 'maiam-agent export' carries them again"
ag u 0 --json household show "$HU"
eq "the decision reached u by USB" "$(json 'j["review_status"]')" approved
eq "u's change-set to send again" "$(asql u 'select count(*) from sealed where acked_at is null')" 1
usb_round 4
eq "u's change-sets in the restored ledger" \
	"$(sql hub "select count(*) from hub_ledger where printf('%016x', origin) = '$U_ID'")" 2
eq "u: all acknowledged again" "$(asql u 'select count(*) from sealed where acked_at is null')" 0
eq "every household on the restored hub" "$(hub_households hub)" "$A1_HH"

hub_stop "$HUB_PID"
hub hub audit verify
eq "audit verify of the restored hub" "$RC" 0
finish

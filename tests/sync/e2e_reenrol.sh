# e2e_reenrol.sh - a laptop whose key the hub revoked (stolen, rebuilt)
# re-enrols with a new key and loses nothing (docs/SYNC.md, "Re-enrolment"):
# the operator makes a token for the successor of the revoked agent, the
# laptop enrols a new key with it, keeps the old key in its home, seals
# again under the new key every change the hub had not acknowledged (one
# change-set the hub imported from a USB stick without the laptop knowing,
# one it never saw, and the outbox), with the records' ids kept; the hub
# accepts them from the successor, once; another laptop of the commune gets
# them; later edits are ordinary. A change-set the hub refused before the
# re-enrolment is still listed by 'status', as the old key's. A hub.db from
# before the succession columns is upgraded.
. "$(dirname "$0")/lib.sh"

hub_new hub
# an older hub.db (schema 3) gains the succession columns when opened
python3 - "$T/hub/hub.db" <<'EOF' || fail "cannot make a schema-3 hub.db"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("ALTER TABLE hub_token DROP COLUMN replaces")
c.execute("ALTER TABLE hub_agent DROP COLUMN predecessor")
c.execute("UPDATE hub_meta SET value = '3' WHERE key = 'hub_schema'")
c.commit()
EOF
# a change-set of more records than this is refused: an ordinary laptop can
# seal one (the re-sealed change-set holds six)
hub_start hub 0 --max-records 6
eq "hub schema upgraded" "$(sql hub "select value from hub_meta where key = 'hub_schema'")" 6
eq "hub_agent.predecessor" "$(sql hub "select count(*) from pragma_table_info('hub_agent') where name = 'predecessor'")" 1
eq "hub_token.replaces" "$(sql hub "select count(*) from pragma_table_info('hub_token') where name = 'replaces'")" 1
laptop a1 31498 hub
laptop a2 31498 hub
ag a1 0 --json status
OLD=$(json 'j["key_id"]')
OLD_INT=$(python3 -c "import sys; v=int(sys.argv[1],16); print(v-(1<<64) if v>=1<<63 else v)" "$OLD")

add() { # LAPTOP NAME: prints the new id
	ag "$1" 0 --json household add --name "$2" --hamlet "Khóm 3" --members 4 --category poor
	json 'j["id"]'
}
# accepted and acknowledged before the laptop was lost
H1=$(add a1 "Nguyễn Văn Một")
ag a1 0 milestone "$H1" surveyed --date 2023-06-05
ag a1 0 --json sync
eq "first sync pushed" "$(json 'j["pushed"]')" 1
# refused by the hub, a link of the chain: it stays refused
for d in 01 02 03 04 05 06 07; do
	ag a1 0 contribution add --household "$H1" --source mps --money 1000000 --date 2023-06-$d
done
try a1 sync
eq "sync of the refused change-set" "$RC" 4
err_has "the hub refused change-set 2 (too_many_records)"
# sealed and carried to the hub on a stick: accepted, never acknowledged
H2=$(add a1 "Trần Thị Hai")
ag a1 0 household edit "$H1" --members 5
ag a1 0 export --out "$T/stick.maiam"
hub hub import "$T/stick.maiam"
eq "hub import of the stick" "$RC" 0
# sealed, never seen by the hub
H3=$(add a1 "Lê Văn Ba")
ag a1 0 contribution add --household "$H2" --source mps --money 40000000 --date 2023-06-12
ag a1 0 export --out "$T/lost.maiam"
# still in the outbox
H4=$(add a1 "Phạm Thị Bốn")
ag a1 0 milestone "$H3" surveyed --date 2023-06-20
ag a1 0 --json status
eq "change-sets waiting before the revocation" "$(json 'j["sealed_unacked"]')" 2
cp "$T/a1/agent.key" "$T/old.key"

# the laptop is reported stolen: the operator revokes its key
hub hub agent revoke "$OLD"
eq "agent revoke" "$RC" 0
try a1 sync
[ "$RC" != 0 ] || fail "a revoked laptop synced"
REJ=$(sql hub 'select count(*) from hub_rejection')

# the successor's token: only for a revoked agent known here
ag a2 0 --json status
A2ID=$(json 'j["key_id"]')
hub hub agent add --commune 31498 --replaces "$A2ID"
eq "--replaces an agent not revoked" "$RC" 2
err_has "not revoked"
hub hub agent add --commune 31498 --replaces 0123456789abcdef
eq "--replaces an unknown agent" "$RC" 2
hub hub agent add --commune 31498 --replaces "$OLD" --file "$T/enrol.maiam"
eq "--replaces with --file" "$RC" 2
hub hub agent add --commune 31498 --replaces "$OLD" --json
eq "agent add --replaces" "$RC" 0
eq "the token names the revoked agent" "$(json 'j["replaces"]')" "$OLD"
TOK=$(json 'j["token"]')

# --new-key needs an enrolled laptop; a plain enroll is still refused
ag a1 1 enroll --hub "$URL" --ca "$T/hub/ca.pem" --token "$TOK"
err_has "already enrolled"
ag a1 0 --json enroll --new-key --hub "$URL" --ca "$T/hub/ca.pem" --token "$TOK"
NEW=$(json 'j["agent_id"]')
eq "successor of" "$(json 'j["replaces"]')" "$OLD"
eq "records sealed again" "$(json 'j["resealed"]')" 6
[ "$NEW" != "$OLD" ] || fail "the new key is the old one"
cmp -s "$T/old.key" "$T/a1/agent.key.revoked-$OLD" || fail "the old key was not kept as agent.key.revoked-$OLD"
cmp -s "$T/old.key" "$T/a1/agent.key" && fail "agent.key is still the revoked key"
[ -e "$T/a1/agent.key.next" ] && fail "agent.key.next left behind"
ag a1 0 --json status
eq "status shows the new key" "$(json 'j["key_id"]')" "$NEW"
eq "nothing sealed waits" "$(json 'j["sealed_unacked"]')" 0
# the failed sync sealed the outbox: three change-sets were waiting
eq "the kept chain" "$(asql a1 "select count(*) from sealed_retired where resealed = 1")" 3
eq "the kept chain's acknowledged and refused ones" "$(asql a1 "select count(*) from sealed_retired where resealed = 0")" 2
# the refusal is still the field worker's to see, as the old key's
ag a1 0 --json status
eq "the retired refusal listed" "$(json '[(r["seq"], r["old_key"], r["code"]) for r in j["refused"]]')" "[(2, '$OLD', 'too_many_records')]"
eq "its records named" "$(json 'len(j["refused"][0]["records"])')" 7
ag a1 0 status
out_has "Refused by hub: change-set 2 of the old key $OLD (too_many_records"

# a crash after the store committed but before the key files were swapped:
# the next command that needs the key finishes the swap
mv "$T/a1/agent.key" "$T/a1/agent.key.next"
cp "$T/old.key" "$T/a1/agent.key"
ag a1 0 check
cmp -s "$T/old.key" "$T/a1/agent.key" && fail "the interrupted key swap was not finished"
[ -e "$T/a1/agent.key.next" ] && fail "agent.key.next left behind after the finished swap"
cmp -s "$T/old.key" "$T/a1/agent.key.revoked-$OLD" || fail "the old key lost in the finished swap"

# the hub records the succession; 'agent list' shows it
eq "predecessor on the hub" "$(sql hub "select count(*) from hub_agent where predecessor = $OLD_INT")" 1
hub hub agent list --json
eq "agent list shows the succession" "$(json "[a['replaces'] for a in j if a['agent'] == '$NEW'][0]")" "$OLD"
hub hub agent list
out_has "$OLD"
# one successor per revoked agent
hub hub agent add --commune 31498 --replaces "$OLD"
eq "a second successor" "$RC" 2
err_has "already succeeds"

# the next sync delivers everything, ids kept, nothing twice
ag a1 0 --json sync
eq "households on the hub" "$(sql hub 'select count(*) from household')" 4
eq "all under the old key's ids" "$(sql hub "select count(*) from household where id_origin = $OLD_INT")" 4
eq "H1's edit carried on the stick" "$(sql hub "select members from household where name = 'Nguyễn Văn Một'")" 5
eq "milestones on the hub" "$(sql hub 'select count(*) from milestone')" 2
eq "contributions on the hub" "$(sql hub 'select count(*) from contribution')" 1
eq "no new rejection" "$(sql hub 'select count(*) from hub_rejection')" "$REJ"
eq "no conflict from the records sent twice" "$(sql hub 'select count(*) from conflict')" 0
eq "the successor's chain" "$(sql hub "select count(*) from hub_ledger l join hub_agent a on a.id = l.origin where a.predecessor = $OLD_INT")" 1
ag a1 0 --json status
eq "nothing waits after the sync" "$(json 'j["sealed_unacked"]')" 0
eq "outbox empty" "$(json 'j["pending_records"]')" 0
eq "the retired refusal still listed after the sync" "$(json 'j["refused"][0]["old_key"]')" "$OLD"
eq "a1 households" "$(agent_households a1)" 4

# the other laptop of the commune receives all of it
ag a2 0 --json sync
eq "a2 households" "$(agent_households a2)" 4
ag a2 0 --json household show "$H3"
eq "a2 sees H3's milestone" "$(json 'len(j["milestones"])')" 1

# after: edits of the old key's records and new records are ordinary
ag a1 0 household edit "$H4" --members 6
H5=$(add a1 "Đặng Văn Năm")
case "$H5" in "$NEW"-*) ;; *) fail "a new household's id '$H5' is not under the new key" ;; esac
ag a1 0 --json sync
eq "pushed after the re-enrolment" "$(json 'j["pushed"]')" 1
eq "H4 edited by the successor" "$(sql hub "select members from household where name = 'Phạm Thị Bốn'")" 6
eq "households on the hub at the end" "$(sql hub 'select count(*) from household')" 5
eq "no new rejection at the end" "$(sql hub 'select count(*) from hub_rejection')" "$REJ"
ag a1 0 check

# a token made without --replaces: the laptop keeps its store as it was
hub hub agent revoke "$A2ID"
PLAIN=$(token hub 31498)
ag a2 1 enroll --new-key --hub "$URL" --ca "$T/hub/ca.pem" --token "$PLAIN"
err_has "not as the successor"
[ -e "$T/a2/agent.key.next" ] && fail "the unusable new key was kept"
ag a2 0 --json status
eq "a2 keeps its key" "$(json 'j["key_id"]')" "$A2ID"

# a laptop never enrolled has nothing to succeed
ag a3 0 init --commune 31498
ag a3 2 enroll --new-key --hub "$URL" --ca "$T/hub/ca.pem" --token "$PLAIN"
err_has "not enrolled"

hub hub audit verify
eq "audit verify" "$RC" 0
finish

# e2e_refused.sh - a laptop whose change-set the hub refuses is not stuck
# (docs/SYNC.md): the refused change-set holds its place in the chain, the laptop
# names it, keeps it, lists it in 'status', exits 4, and its next change-sets
# land; another laptop of the commune goes on syncing; the operator sees the
# refusal in the reconcile queue; audit verify passes.
. "$(dirname "$0")/lib.sh"

hub_new hub
hub_start hub 0 --max-records 2   # an ordinary laptop can seal a change-set the hub refuses
laptop a1 31498 hub
laptop a2 31498 hub

add() { ag "$1" 0 --json household add --name "$2" --hamlet "Khóm 3" --members 3 --category poor; }
add a1 "Nguyễn Văn Một"
add a1 "Nguyễn Văn Hai"
add a1 "Nguyễn Văn Ba"
# three households in one change-set: refused, chained
try a1 sync
eq "sync with a refused change-set exits" "$RC" 4
err_has "the hub refused change-set 1 (too_many_records)"
err_has "the next change-sets go on"
eq "households on the hub" "$(sql hub 'select count(*) from household')" 0
eq "refused links" "$(sql hub 'select count(*) from hub_refused')" 1
ag a1 0 --json status
eq "status lists it" "$(json 'j["refused"][0]["seq"]')" 1
eq "with its code" "$(json 'j["refused"][0]["code"]')" too_many_records
eq "nothing waits" "$(json 'j["sealed_unacked"]')" 0
ag a1 0 status
out_has "Refused by hub: change-set 1 (too_many_records"

# the next ones land after it
add a1 "Trần Thị Bốn"
add a1 "Trần Thị Năm"
ag a1 0 --json sync
eq "pushed after the refused one" "$(json 'j["pushed"]')" 1
eq "households on the hub" "$(sql hub 'select count(*) from household')" 2
add a1 "Lê Văn Sáu"
ag a1 0 --json sync
eq "and the one after" "$(sql hub 'select count(*) from household')" 3
eq "ledger rows of a1" "$(sql hub 'select max(seq) from hub_ledger')" 3

# the other laptop of the commune syncs and sees the accepted ones only
add a2 "Phạm Thị Bảy"
ag a2 0 --json sync
eq "a2 households" "$(agent_households a2)" 4

# the operator sees which change-set, why, and that it was skipped
hub hub report reconcile --format json
out_has "too_many_records"
out_has "refused link: nothing applied"
hub hub audit verify
eq "audit verify" "$RC" 0
out_has "refused links: 1"

# over the daily quota (429): not a refusal of the change-set, it waits (exit 3)
hub_new quota
hub_start quota 0 --day-records 3
laptop q1 31498 quota
add q1 "Đặng Văn Tám"
add q1 "Đặng Văn Chín"
ag q1 0 --json sync
add q1 "Đặng Văn Mười"
add q1 "Đặng Thị Mười Một"
try q1 sync
eq "sync over the daily quota exits" "$RC" 3
err_has "the hub will take change-set 2 later"
err_has "this laptop has reached the hub's daily limit"
ag q1 0 --json status
eq "it still waits" "$(json 'j["sealed_unacked"]')" 1
eq "nothing refused" "$(json 'len(j["refused"])')" 0
eq "households on the quota hub" "$(sql quota 'select count(*) from household')" 2
finish

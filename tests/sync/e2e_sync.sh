# e2e_sync.sh - several laptops in three communes record and sync; the hub
# holds exactly what was recorded; laptops of one commune see each other's
# households and no others; a concurrent edit of one field from two laptops
# reaches the hub's conflict records with both values; a review decision on
# the hub reaches the laptop at its next sync; syncing again changes nothing.
. "$(dirname "$0")/lib.sh"

hub_new hub
hub_start hub
laptop a1 31498 hub     # Phường 5, Thành phố Sóc Trăng: two laptops
laptop a2 31498 hub
laptop b1 31528 hub     # Thị trấn Kế Sách
laptop c1 31783 hub     # Phường 1, Thị xã Vĩnh Châu

add() { # LAPTOP NAME HAMLET MEMBERS CATEGORY [more options]: prints the new id
	local l=$1 n=$2 h=$3 m=$4 c=$5; shift 5
	ag "$l" 0 --json household add --name "$n" --hamlet "$h" --members "$m" --category "$c" "$@"
	json 'j["id"]'
}
A1=$(add a1 "Nguyễn Văn Ân" "Khóm 3" 4 poor --national-id 094123456789 --support-kind new_build)
A2=$(add a1 "Trần Thị Đào" "Khóm 5" 3 near_poor --phone 0912345678)
A3=$(add a1 "Lâm Văn Sơn" "Khóm 1" 5 housing_hardship)
B1=$(add a2 "Thạch Thị Sa Rươl" "Khóm 2" 6 poor)
B2=$(add a2 "Lý Văn Hùng" "Khóm 4" 2 policy_family)
K1=$(add b1 "Huỳnh Văn Tám" "Ấp An Phú" 5 poor)
K2=$(add b1 "Phan Thị Út" "Ấp Xóm Chòi" 4 near_poor)
V1=$(add c1 "Sơn Thị Phol" "Khóm Biển Dưới" 7 poor)
ag a1 0 milestone "$A1" surveyed --date 2023-06-05
ag a1 0 milestone "$A1" approved --date 2023-06-10
ag a1 0 contribution add --household "$A1" --source mps --money 40000000 --date 2023-06-12
ag b1 0 contribution add --source business --money 20000000 --donor "Công ty TNHH Thủy sản Kế Sách" --date 2023-06-15
ag c1 0 milestone "$V1" surveyed --date 2023-06-07

# the first sync of each laptop
try a1 --json sync
[ "$RC" = 0 ] || { fail "a1 sync exited $RC"; show; }
eq "a1 pushed" "$(json 'j["pushed"]')" 1
# a2 receives a1's three households, two milestones and one contribution
ag a2 0 --json sync
eq "a2 pulled" "$(json 'j["pulled"]')" 6
for l in b1 c1; do ag $l 0 --json sync; done

eq "households on the hub" "$(hub_households hub)" 8
eq "households of Phường 5" "$(hub_households hub --commune 31498)" 5
eq "households of TT Kế Sách" "$(hub_households hub --commune 31528)" 2
eq "households of Phường 1 Vĩnh Châu" "$(hub_households hub --commune 31783)" 1
hub hub household list --json
eq "a Vietnamese name intact" "$(json "[h['name'] for h in j if h['id'] == '$B1'][0]")" "Thạch Thị Sa Rươl"
eq "category" "$(json "[h['category'] for h in j if h['id'] == '$A3'][0]")" housing_hardship
eq "members" "$(sql hub "select members from household where name = 'Lâm Văn Sơn'")" 5
eq "national id" "$(json "[h['national_id'] for h in j if h['id'] == '$A1'][0]")" 094123456789
eq "milestones on the hub" "$(sql hub 'select count(*) from milestone')" 3
eq "contributions on the hub" "$(sql hub 'select count(*) from contribution')" 2
eq "money" "$(sql hub 'select sum(money_vnd) from contribution')" 60000000
eq "rejections" "$(sql hub 'select count(*) from hub_rejection')" 0

# a2 holds a1's households too; b1 and c1 nothing of Phường 5
eq "a2 households" "$(agent_households a2)" 5
eq "b1 households" "$(agent_households b1)" 2
ag b1 0 --json sync
eq "b1 pulled nothing" "$(json 'j["pulled"]')" 0
ag a2 0 --json household show "$A1"
eq "a2 sees a1's milestones" "$(json 'len(j["milestones"])')" 2

# a concurrent edit: both laptops change the members of A2 from the same base
ag a1 0 household edit "$A2" --members 5
ag a2 0 household edit "$A2" --members 6
ag a1 0 sync
ag a2 0 sync
eq "conflicts on the hub" "$(sql hub 'select count(*) from conflict')" 1
eq "both values kept" "$(sql hub "select group_concat(v, ',') from (select winner_value v from conflict union all select loser_value from conflict order by 1)")" "5,6"
# the laptops converge on the hub's winner after the next sync
ag a1 0 sync
W=$(sql hub "select members from household where ref is not null and name = 'Trần Thị Đào'")
ag a1 0 --json household show "$A2"
eq "a1 converged" "$(json 'j["members"]')" "$W"
ag a2 0 --json household show "$A2"
eq "a2 converged" "$(json 'j["members"]')" "$W"

# the operator approves A1: the decision reaches a1 (and a2) at their next sync
hub hub household approve "$A1"
[ "$RC" = 0 ] || { fail "approve exited $RC"; show; }
hub hub household reject "$K2" --reason "Đã có nhà kiên cố"
[ "$RC" = 0 ] || { fail "reject exited $RC"; show; }
ag a1 0 --json household show "$A1"
eq "before sync" "$(json 'j["review_status"] in (None, "proposed")')" True
ag a1 0 --json sync
eq "a1 pulled the decision" "$(json 'j["pulled"] >= 1')" True
ag a1 0 --json household show "$A1"
eq "approved on a1" "$(json 'j["review_status"]')" approved
ag a2 0 sync
ag a2 0 --json household show "$A1"
eq "approved on a2" "$(json 'j["review_status"]')" approved
ag b1 0 sync
ag b1 0 --json household show "$K2"
eq "rejected on b1" "$(json 'j["review_status"]')" rejected
eq "reason on b1" "$(json 'j["review_reason"]')" "Đã có nhà kiên cố"

# a field worker keeps going after the approval; the hub's decision stays
ag a1 0 milestone "$A1" started --date 2023-06-20
ag a1 0 --json sync
eq "one more change-set" "$(json 'j["pushed"]')" 1
eq "milestones on the hub" "$(sql hub 'select count(*) from milestone')" 4

# once everyone has synced, syncing again changes nothing anywhere
for l in a1 a2 b1 c1; do ag $l 0 sync; done
for l in a1 a2 b1 c1; do
	ag $l 0 --json sync
	eq "$l idle push" "$(json 'j["pushed"] + j["already_there"]')" 0
	eq "$l idle pull" "$(json 'j["pulled"]')" 0
	ag $l 0 check
done
eq "households at the end" "$(hub_households hub)" 8
N=0
for l in a1 a2 b1 c1; do N=$((N + $(asql $l 'select count(*) from sealed where acked_at is not null'))); done
eq "every sealed change-set once in the hub ledger" "$(sql hub "select count(*) from hub_ledger where origin in (select id from hub_agent)")" "$N"
eq "rejections at the end" "$(sql hub 'select count(*) from hub_rejection')" 0

finish

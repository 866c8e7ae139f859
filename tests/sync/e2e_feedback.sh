# e2e_feedback.sh - what the field worker learns after a sync (docs/AGENT.md,
# "What needs attention"): a household the hub's review rejected, with its
# reason, in 'status' and in the review column of 'household list'; a note
# when a stage or a contribution is recorded for it, or corrected; an edit another laptop's
# edit won over (field, this laptop's value, the value kept); a refusal of the
# hub (a change-set, an enrolment) shown from its code in Vietnamese, never
# the hub's English sentence; a national id another commune's household holds
# too (the other commune named, the other household not).
. "$(dirname "$0")/lib.sh"

# out_lacks TEXT WHY: stdout must not hold TEXT
out_lacks() { ! grep -qF -- "$1" "$OUT" || { fail "$2"; show; }; }

hub_new hub
hub_start hub 0 --max-records 3
laptop a1 31498 hub
laptop a2 31498 hub

ag a1 0 --json household add --name "Nguyễn Văn Một" --hamlet "Khóm 3" --members 3 --category poor
ONE=$(json 'j["id"]')
ag a1 0 --json household add --name "Nguyễn Văn Hai" --hamlet "Khóm 3" --members 2 --category poor
TWO=$(json 'j["id"]')
ag a1 0 --json sync
ag a2 0 --json sync
eq "a2 has both households" "$(agent_households a2)" 2

# nothing needs attention yet; the review column says every household waits
ag a1 0 --json status
eq "nothing rejected" "$(json 'len(j["rejected"])')" 0
eq "nothing lost" "$(json 'len(j["conflicts_lost"])')" 0
eq "no duplicates sent by the hub yet" "$(json 'j["duplicate_national_ids"]')" "[]"
eq "two proposed" "$(json 'j["review"]["proposed"]')" 2
ag a1 0 status
out_has "Needs attention:"
out_has "  nothing"
ag a1 0 household list
out_has "REVIEW"
out_has "proposed"

# the operator rejects one, approves the other
hub hub household reject "$ONE" --reason "đã được hỗ trợ năm 2022"
eq "hub reject" "$RC" 0
hub hub household approve "$TWO" --yes
[ "$RC" = 0 ] || { hub hub household approve "$TWO"; eq "hub approve" "$RC" 0; }
# the decisions come on a USB stick (an update file) as they come by sync
ag a1 0 --json status
A1ID=$(json 'j["key_id"]')
hub hub export --for "$A1ID" --out "$T/u1.maiam"
eq "hub export --for a1" "$RC" 0
ag a1 0 import "$T/u1.maiam"
out_has "Needs attention:"
out_has "đã được hỗ trợ năm 2022"
ag a1 0 sync
out_has "Needs attention:"
out_has "đã được hỗ trợ năm 2022"
ag a1 0 --json status
eq "one rejected" "$(json 'len(j["rejected"])')" 1
eq "its reason" "$(json 'j["rejected"][0]["reason"]')" "đã được hỗ trợ năm 2022"
eq "its name" "$(json 'j["rejected"][0]["name"]')" "Nguyễn Văn Một"
eq "one approved" "$(json 'j["review"]["approved"]')" 1
eq "one rejected counted" "$(json 'j["review"]["rejected"]')" 1
ag a1 0 status
out_has "Rejected by the review: household"
out_has "(Nguyễn Văn Một): đã được hỗ trợ năm 2022"
ag a1 0 household list
out_has "rejected"
out_has "approved"
LANGUAGE=vi ag a1 0 household list
out_has "XÁC NHẬN"
out_has "Không xác nhận"

# recording on the rejected household: kept, with a note; none on the other
ag a1 0 milestone "$ONE" surveyed --date 2023-06-12
err_has "the hub's review rejected household $ONE (đã được hỗ trợ năm 2022)"
ag a1 0 --json contribution add --household "$ONE" --source mps --money 1000000 --date 2023-06-12
err_has "the hub's review rejected household $ONE"
CT=$(json 'j["id"]')
ag a1 0 contribution add --household "$TWO" --source mps --money 1000000 --date 2023-06-12
[ -s "$ERR" ] && { fail "a note for an approved household"; show; }
ag a1 0 --json sync
# correcting one of its contributions notes it too (a change-set of its own:
# this hub takes at most 3 records in one)
ag a1 0 contribution correct "$CT" --money 1500000 --reason "gõ nhầm số tiền"
err_has "the hub's review rejected household"
err_has "(đã được hỗ trợ năm 2022)"
ag a1 0 --json sync

# two laptops change the same field at the same time: the larger stamp is
# kept (which one depends on the clocks); the laptop whose value was not kept
# is told what it wrote and what was kept, the other is told nothing
ag a1 0 household edit "$TWO" --hamlet "Khóm 4"
ag a2 0 household edit "$TWO" --hamlet "Khóm 5"
ag a1 0 --json sync
ag a2 0 --json sync
ag a1 0 --json sync
lost_on() { ag "$1" 0 --json status; json 'len(j["conflicts_lost"])'; }
L1=$(lost_on a1) L2=$(lost_on a2)
if [ "$L1" = 1 ]; then
	LOSER=a1 MINE="Khóm 4" KEPT="Khóm 5"
	eq "the other lost nothing" "$L2" 0
else
	LOSER=a2 MINE="Khóm 5" KEPT="Khóm 4"
	eq "one edit lost" "$L2" 1
	eq "the other lost nothing" "$L1" 0
fi
ag $LOSER 0 --json status
eq "its field" "$(json 'j["conflicts_lost"][0]["field"]')" hamlet
eq "this laptop's value" "$(json 'j["conflicts_lost"][0]["mine"]')" "$MINE"
eq "the kept value" "$(json 'j["conflicts_lost"][0]["kept"]')" "$KEPT"
ag $LOSER 0 status
out_has "this laptop wrote \"$MINE\", the hub kept \"$KEPT\""
# recording the value again settles it
ag $LOSER 0 household edit "$TWO" --hamlet "$MINE"
ag $LOSER 0 --json status
eq "settled by a new edit" "$(json 'len(j["conflicts_lost"])')" 0
ag $LOSER 0 --json sync

# a refusal in Vietnamese: from its code, the hub's English sentence nowhere
for n in Ba Bốn Năm Sáu; do
	ag a2 0 --json household add --name "Trần Văn $n" --hamlet "Khóm 1" --members 2 --category poor
done
LANGUAGE=vi try a2 sync
eq "refused sync exits" "$RC" 4
err_has "(too_many_records)"
err_has "nhiều bản ghi hơn"
grep -qF "over this hub's limit" "$ERR" && { fail "the hub's English in a Vietnamese message"; show; }
LANGUAGE=vi ag a2 0 status
out_has "nhiều bản ghi hơn"
out_has "Trần Văn Ba"
grep -qF "over this hub's limit" "$OUT" && { fail "the hub's English in Vietnamese status"; show; }
ag a2 0 --json status
eq "refused records named" "$(json 'len(j["refused"][0]["records"])')" 4
eq "the hub's words kept in --json" "$(json '"limit" in j["refused"][0]["message"]')" True
env -u LC_ALL -u LANGUAGE LANG=vi_VN.UTF-8 "$AGENT" --home "$T/a2" status >"$OUT" 2>"$ERR"
out_has "nhiều bản ghi hơn"

# an enrolment refused: the token's code in Vietnamese, not the hub's sentence
TOK=$(token hub 31498)
ag a3 0 init --commune 31498
ag a3 0 enroll --hub "$URL" --ca "$T/hub/ca.pem" --token "$TOK"
ag a4 0 init --commune 31498
LANGUAGE=vi ag a4 4 enroll --hub "$URL" --ca "$T/hub/ca.pem" --token "$TOK"
err_has "mã đăng ký đã được dùng"
grep -qF "already used" "$ERR" && { fail "the hub's English in a Vietnamese enrolment refusal"; show; }
# the same national id registered in two communes: after both synced, each
# laptop's status names the other commune, never the other household
NID=094185000123
laptop b1 31501 hub
ag a1 0 --json household add --name "Lê Thị Tư" --hamlet "Khóm 2" --members 2 --category poor --national-id $NID
DUPA=$(json 'j["id"]')
ag b1 0 --json household add --name "Lê Văn Khác" --hamlet "Khóm 1" --members 4 --category poor --national-id $NID
DUPB=$(json 'j["id"]')
ag a1 0 --json sync
ag a1 0 --json status
eq "no duplicate before the other commune syncs" "$(json 'j["duplicate_national_ids"]')" "[]"
ag b1 0 sync
out_has "Needs attention:"
out_has "a household of commune Phường 5 (31498) has it too"
ag a1 0 sync
out_has "national id $NID: a household of commune Phường 7 (31501) has it too"
ag a1 0 --json status
eq "a1: one duplicate" "$(json 'len(j["duplicate_national_ids"])')" 1
eq "a1: its household" "$(json 'j["duplicate_national_ids"][0]["id"]')" "$DUPA"
eq "a1: its name" "$(json 'j["duplicate_national_ids"][0]["name"]')" "Lê Thị Tư"
eq "a1: the national id" "$(json 'j["duplicate_national_ids"][0]["national_id"]')" $NID
eq "a1: the other commune" "$(json 'j["duplicate_national_ids"][0]["commune"]')" 31501
eq "a1: its name" "$(json 'j["duplicate_national_ids"][0]["commune_name"]')" "Phường 7"
out_lacks "Lê Văn Khác" "the other commune's household named to a1"
ag a1 0 status
out_has "National id also elsewhere: household"
out_has "(Lê Thị Tư), national id $NID: a household of commune Phường 7 (31501) has it too"
out_lacks "Lê Văn Khác" "the other commune's household named in a1's status"
LANGUAGE=vi ag a1 0 status
out_has "Số CCCD trùng nơi khác: hộ"
out_has "một hộ của xã Phường 7 (31501) cũng có số này"
ag b1 0 --json status
eq "b1: one duplicate" "$(json 'len(j["duplicate_national_ids"])')" 1
eq "b1: its household" "$(json 'j["duplicate_national_ids"][0]["id"]')" "$DUPB"
eq "b1: the other commune" "$(json 'j["duplicate_national_ids"][0]["commune"]')" 31498
ag b1 0 status
out_has "(Lê Văn Khác), national id $NID: a household of commune Phường 5 (31498) has it too"
out_lacks "Lê Thị Tư" "the other commune's household named in b1's status"
# the list is the hub's latest: once b1 withdraws its household, both are clear
ag b1 0 household withdraw "$DUPB" --reason "nhập nhầm số CCCD"
ag b1 0 --json sync
ag a1 0 --json sync
for l in a1 b1; do
	ag $l 0 --json status
	eq "$l: no duplicate once withdrawn" "$(json 'j["duplicate_national_ids"]')" "[]"
done
finish

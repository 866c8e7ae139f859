# e2e_award_cli.sh - 'maiam-hub award nominate|list|accept|return' through
# the real binary: nominations up to a district's quota and the next refused
# with the quota and the count (exit 2, nothing written), a return that needs
# its note and frees the place, an accept, a step decided twice, the list as
# a table and as JSON (with the 3.1.a flag and the places used), every step a
# decision record signed with who, 'audit verify' rebuilding them all from
# the ledger, and the refusal in Vietnamese.
# Usage: e2e_award_cli.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "$0")/../sync/lib.sh"

# expect RC: the last command exited RC
expect() { [ "$RC" = "$1" ] || { fail "exit $RC, want $1"; show; }; }
nominations() { sql hub "SELECT count(*) FROM decision WHERE action = 'nominated'"; }

# in_lang LANG DIR ARGS...: maiam-hub on $T/DIR under LANG alone; output in $OUT, $ERR.
in_lang() {
	local lang=$1 dir=$2; shift 2
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$lang" timeout "$CMD_TIMEOUT" "$HUB" "$@" \
		--dir "$T/$dir" >"$OUT" 2>"$ERR"
	RC=$?
}

hub_new hub

# Thành phố Sóc Trăng (941), target 20: 2 collectives, 1 individual
hub hub award nominate --unit 941 --kind collective --name "UBND Phường 1" \
	--achievements "vận động 12 căn nhà, bàn giao đúng hạn" --by "Lâm Văn Sơn"
expect 0
out_has "A-1: UBND Phường 1 nominated for Thành phố Sóc Trăng by Lâm Văn Sơn"
hub hub award nominate --unit 941 --kind collective --name "UBND Phường 2" --achievements "x"
expect 0
hub hub award nominate --unit 941 --kind collective --name "UBND Phường 3" --achievements "x"
expect 2
err_has "Thành phố Sóc Trăng may nominate 2 collectives and already has 2 nominations"
eq "nominations after the refusal" "$(nominations)" 2
hub hub award nominate --unit 941 --kind individual --name "Nguyễn Thị Mai" \
	--position "Chủ tịch UBMTTQ phường" --achievements "vận động 300 triệu đồng"
expect 0
hub hub award nominate --unit 941 --kind individual --name "Trần Văn Tư" --achievements "x"
expect 2
err_has "may nominate 1 individuals and already has 1 nominations"

# usage mistakes write nothing
hub hub award nominate --unit 941 --kind collective --name "X"
expect 2
err_has "award nominate needs --unit UNIT"
hub hub award nominate --unit xa --kind collective --name "X" --achievements "x"
expect 2
err_has "'xa' is not a nominating unit"
hub hub award list --unit 94101
expect 2
err_has "'94101' is not a nominating unit"
hub hub award list A-1
expect 2
hub hub award accept
expect 2
err_has "award accept needs a nomination ID"

# the appraisal: a return needs its note, and frees the place
hub hub award return A-2 --by "Công an tỉnh"
expect 2
err_has "returning a nomination needs a note saying why"
hub hub award return A-2 --note "chưa đủ hồ sơ" --by "Công an tỉnh"
expect 0
out_has "A-2 returned by Công an tỉnh: its place is free"
hub hub award accept A-1 --by "Công an tỉnh"
expect 0
out_has "A-1 accepted by Công an tỉnh"
hub hub award accept A-1
expect 2
err_has "nomination A-1 was already appraised (accepted)"
hub hub award accept A-9
expect 2
err_has "no nomination 'A-9'"
hub hub award nominate --unit 941 --kind collective --name "UBND Phường 3" --achievements "x"
expect 0
out_has "A-4: UBND Phường 3"

# the province's groups
hub hub award nominate --unit working_group --kind collective --name "Tổ giúp việc" --achievements "x"
expect 2
err_has "may nominate 0 collectives and already has 0 nominations"
hub hub award nominate --unit working_group --kind individual --name "Lê Văn Ba" --achievements "x"
expect 0

# the list
hub hub award list --unit 941
expect 0
out_has "A-2    941            collective  returned  yes    UBND Phường 2"
out_has "941            2/2         1/1         Thành phố Sóc Trăng"
hub hub award list --json
expect 0
eq "nominations listed" "$(json 'len(j["nominations"])')" 5
eq "A-1 status" "$(json 'j["nominations"][0]["status"]')" accepted
eq "A-1 signed by" "$(json 'j["nominations"][0]["nominated_by"]')" "Lâm Văn Sơn"
eq "A-2 note" "$(json 'j["nominations"][1]["note"]')" "chưa đủ hồ sơ"
eq "A-3 position" "$(json 'j["nominations"][2]["position"]')" "Chủ tịch UBMTTQ phường"
eq "a collective below target is flagged" "$(json 'j["nominations"][0]["below_target_on_time"]')" True
eq "an individual is not" "$(json 'j["nominations"][2]["below_target_on_time"]')" False
eq "units with quotas" "$(json 'len(j["quotas"])')" 13
eq "working group individuals used" "$(json '[q for q in j["quotas"] if q["unit"] == "working_group"][0]["individuals_used"]')" 1

# every step is a decision record the hub signed, rebuilt from the ledger
eq "decision records" "$(sql hub "SELECT count(*) FROM decision")" 7
eq "the return names who" "$(sql hub "SELECT operator FROM decision WHERE action = 'returned'")" "Công an tỉnh"
hub hub audit verify
expect 0

# in Vietnamese, and in English under LANG=C
in_lang C hub award accept A-1
expect 2
err_has "nomination A-1 was already appraised (accepted)"
in_lang vi_VN.UTF-8 hub award nominate --unit 941 --kind collective --name "UBND Phường 5" \
	--achievements "x"
expect 2
err_has "Thành phố Sóc Trăng được đề xuất tối đa 2 tập thể và đã có 2 đề nghị"
in_lang vi_VN.UTF-8 hub award accept A-1
expect 2
err_has "đề nghị A-1 đã được thẩm định (accepted)"

finish

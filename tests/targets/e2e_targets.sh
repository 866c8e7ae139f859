# e2e_targets.sh - commune targets and the scorecards through the real
# binaries: a laptop of Phường 5 (district 941) records households and
# hands one over, syncs to a running maiam-hub; 'maiam-hub target set|list'
# gives communes their targets (signed decisions in the ledger: audit verify
# rebuilds them), the district's sum against its target with the warning,
# the refusals (a district's code, a number out of range), the progress by
# commune against the commune's target, 'report scorecard' in every format
# with the plan's words; on the dashboard a district operator sets its own
# communes' targets and is refused another district's (403, nothing
# written), a viewer is refused, and /scorecard shows the criteria. The
# command's words under LANG=vi_VN.UTF-8 and LANG=C.
# Usage: e2e_targets.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "$0")/../sync/lib.sh"
need curl

C=31498  # Phường 5, district 941 (target 20)
C2=31501 # Phường 7, district 941
OTHER=31528 # a commune of district 943
DAY=2023-09-02
die() { echo "FAIL: $*" >&2; exit 1; }
expect() { [ "$RC" = "$1" ] || { fail "exit $RC, want $1"; show; }; }
decisions() { sql hub "SELECT count(*) FROM decision WHERE action = 'target'"; }
in_lang() {
	local lang=$1 dir=$2; shift 2
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$lang" timeout "$CMD_TIMEOUT" "$HUB" "$@" \
		--dir "$T/$dir" >"$OUT" 2>"$ERR"
	RC=$?
}

hub_new hub
hub_start hub
laptop a $C hub
[ "$FAILS" = 0 ] || die "enrolment failed"
ag a 0 --json household add --name "Nguyễn Văn Ân" --hamlet "Ấp Hòa Mỹ" --members 4 --category poor
A1=$(json 'j["id"]')
ag a 0 --json household add --name "Trần Thị Út" --hamlet "Khóm 3" --members 2 --category near_poor
A2=$(json 'j["id"]')
for s in surveyed:2023-06-05 approved:2023-06-12 started:2023-06-20 foundation:2023-07-01 \
	walls:2023-07-15 roof:2023-08-01 completed:2023-08-15 handed_over:2023-08-25; do
	ag a 0 milestone "$A1" "${s%%:*}" --date "${s#*:}"
done
ag a 0 contribution add --household "$A1" --source mps --money 40000000 --date 2023-07-10
ag a 0 contribution add --household "$A1" --source donor --money 2000000 --date 2023-07-11
ag a 0 --json sync
hub hub household approve "$A1"
expect 0
hub hub household reject "$A2" --reason "Đã có nhà kiên cố"
expect 0
[ "$FAILS" = 0 ] || die "recording failed"

# --- target set | list ----------------------------------------------------------
hub hub target set $C 12 --by "Lâm Văn Sơn"
expect 0
out_has "commune $C: target 12 houses, set by Lâm Văn Sơn"
hub hub target set $C2 5
expect 0
hub hub target list --district 941
expect 0
out_has "941 Thành phố Sóc Trăng: target 20 houses; its communes' targets add up to 17"
out_has "warning: 3 houses of the district's target are not given to any commune yet"
out_has "$C Phường 5: 12 houses (set by Lâm Văn Sơn, "
hub hub target list --district 941 --json
expect 0
eq "sum" "$(json 'j["districts"][0]["communes_sum"]')" 17
eq "below" "$(json 'j["districts"][0]["below"]')" True
eq "Phường 5's target" "$(json '[c for c in j["districts"][0]["communes"] if c["code"] == '$C'][0]["target"]')" 12
# the latest assignment wins; 0 clears
hub hub target set $C2 3
hub hub target set $C2 8
expect 0
hub hub target list --district 941 --json
eq "sum at the target" "$(json 'j["districts"][0]["communes_sum"]')" 20
eq "not below" "$(json 'j["districts"][0]["below"]')" False
hub hub target list --district 941
grep -qF "warning" "$OUT" && fail "a warning at the district's target"
eq "decisions" "$(decisions)" 4

# refusals write nothing
hub hub target set 941 3
expect 2
err_has "941 is not a commune of the campaign: 'maiam-hub target list' shows the communes"
hub hub target set $C 100001
expect 2
err_has "target set needs a commune's code and a number of houses 0 to 100000"
hub hub target set $C
expect 2
hub hub target list 941 3
expect 2
eq "decisions after the refusals" "$(decisions)" 4

# --- progress by commune against the commune's target ---------------------------
hub hub report progress --by commune --as-of $DAY --json
expect 0
eq "commune target in progress" "$(json '[c for c in j["communes"] if c["code"] == '$C'][0]["target"]')" 12
eq "commune percent" "$(json '[c for c in j["communes"] if c["code"] == '$C'][0]["percent"]')" 8.3
eq "commune on track" "$(json '[c for c in j["communes"] if c["code"] == '$C'][0]["on_track"]')" False
eq "no target elsewhere" "$(json '[c for c in j["communes"] if c["code"] == 31504][0]["target"]')" None

# --- the scorecards -------------------------------------------------------------
hub hub report scorecard --district 941 --as-of $DAY --json
expect 0
u() { json '[u for u in j["units"] if u["code"] == '$1'][0]'"$2"; }
eq "district handed over" "$(u 941 '["handed_over"]')" 1
eq "district target" "$(u 941 '["target"]')" 20
eq "commune target" "$(u $C '["target"]')" 12
eq "commune approved" "$(u $C '["approved"]')" 1
eq "commune rejected" "$(u $C '["rejected"]')" 1
eq "commune money" "$(u $C '["funds"]["money_vnd"]')" 42000000
eq "donors" "$(u 941 '["funds_by_source"]["donor"]["money_vnd"]')" 2000000
eq "district criteria" "$(u 941 '["criteria"].__len__()')" 5
eq "commune criteria" "$(u $C '["criteria"].__len__()')" 4
eq "plan's words" "$(u $C '["criteria"][0]["text"]')" \
	"Phần đầu hoàn thành 100% chỉ tiêu (do UBND cấp huyện giao) về xây dựng nhà ở cho người nghèo, người có khó khăn về nhà ở đúng tiến độ."
eq "target met" "$(u $C '["criteria"][0]["met"]')" False
eq "judged by the committee" "$(u $C '["criteria"][2]["met"]')" None
eq "units of 941 only" "$(json 'set(u["district"] for u in j["units"])')" "{941}"
hub hub report scorecard --district 941 --as-of $DAY --format csv
expect 0
out_has "Mã,Đơn vị,Tiêu chí,Số liệu,Đạt"
out_has "Chỉ tiêu 12 căn; đã bàn giao 1, đúng hạn 1 (02/09/2023); chậm tiến độ"
hub hub report scorecard --as-of $DAY --format html
expect 0
out_has "IV.1.2 (5) Phân bổ, sử dụng kinh phí và quyết toán đúng quy định."
hub hub report scorecard --as-of $DAY --format xlsx --out "$T/sc.xlsx"
expect 0
[ -s "$T/sc.xlsx" ] || fail "no workbook"
hub hub report scorecard --district 94101
expect 2

# --- the words: the operator's language on the terminal -------------------------
in_lang vi_VN.UTF-8 hub target list --district 941
expect 0
out_has "chỉ tiêu"
in_lang C hub target list --district 941
expect 0
out_has "target 20 houses"
in_lang vi_VN.UTF-8 hub report scorecard --district 941 --as-of $DAY
expect 0
out_has "Chỉ tiêu 12 căn"
in_lang C hub report scorecard --district 941 --as-of $DAY
out_has "Target 12 houses"

# --- the ledger: audit rebuilds the targets from the signed decisions -----------
hub hub audit verify
expect 0
out_has "audit passed"

# --- the dashboard ---------------------------------------------------------------
printf 'mật khẩu dài\n' | "$HUB" operator add huyen --role district --district 941 --dir "$T/hub" \
	>/dev/null 2>&1 || fail "operator add huyen"
printf 'mật khẩu dài\n' | "$HUB" operator add xem --role viewer --dir "$T/hub" >/dev/null 2>&1 ||
	fail "operator add xem"
# login NAME JAR; csrf JAR: the token of the forms of /targets
login() {
	curl -s --cacert "$T/hub/ca.pem" -c "$2" -o /dev/null -H "Origin: $URL" \
		--data-urlencode "name=$1" --data-urlencode "password=mật khẩu dài" "$URL/login" ||
		fail "sign-in of $1"
}
get() { curl -s --cacert "$T/hub/ca.pem" -b "$1" -o "$OUT" -w '%{http_code}' "$URL$2"; }
csrf() { get "$1" /targets >/dev/null; sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$OUT" | head -1; }
post() { curl -s --cacert "$T/hub/ca.pem" -b "$1" -o "$OUT" -w '%{http_code}' -H "Origin: $URL" \
	--data "csrf=$2&commune=$3&houses=$4" "$URL/targets"; }
login huyen "$T/huyen"
login xem "$T/xem"
eq "targets page" "$(get "$T/huyen" /targets)" 200
out_has "Chỉ tiêu các xã"
out_has "Phường 5"
grep -qF "Huyện Kế Sách" "$OUT" && fail "a district operator sees another district's targets"
TOK=$(csrf "$T/huyen")
[ -n "$TOK" ] || fail "no CSRF token on /targets"
eq "own commune" "$(post "$T/huyen" "$TOK" $C 10)" 303
hub hub target list --district 941 --json
eq "set from the web" "$(json '[c for c in j["districts"][0]["communes"] if c["code"] == '$C'][0]["target"]')" 10
eq "signed with the web operator" "$(json '[c for c in j["districts"][0]["communes"] if c["code"] == '$C'][0]["by"]')" huyen
eq "warning shown again" "$(get "$T/huyen" /targets)" 200
out_has 'id="below-941"'
eq "another district's commune" "$(post "$T/huyen" "$TOK" $OTHER 5)" 403
out_has "Xã này thuộc huyện khác"
eq "a district, not a commune" "$(post "$T/huyen" "$TOK" 941 5)" 400
eq "decisions after the web refusals" "$(decisions)" 5
eq "viewer's page" "$(get "$T/xem" /targets)" 200
grep -qF 'action="/targets"' "$OUT" && fail "a viewer is offered the target forms"
VTOK=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$OUT" | head -1)
eq "viewer's post" "$(post "$T/xem" "$VTOK" $C 1)" 403
eq "decisions after the viewer" "$(decisions)" 5
eq "scorecard page" "$(get "$T/huyen" "/scorecard?as-of=$DAY")" 200
out_has "IV.1.3 (2) Rà soát, lựa chọn các hộ dân hỗ trợ xây dựng nhà ở đảm bảo đúng đối tượng."
out_has "Chỉ tiêu 10 căn"
eq "another district's scorecard" "$(get "$T/huyen" "/scorecard?district=943")" 404
eq "drill-down uses the commune target" "$(get "$T/huyen" "/?district=941&as-of=$DAY")" 200
finish

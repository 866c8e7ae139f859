# e2e_reports.sh - the reports on a generated campaign pushed through real
# laptops and a real hub: 4 maiam-agent laptops in 4 communes of 3 districts
# import 2,001 generated households (CSV written here, deterministic), record
# a few hundred milestones and contributions whose effect on every number is
# worked out here while recording, sync over TLS to a running maiam-hub; then
# 'maiam-hub report progress|funds|reconcile|awards --format json' must give
# exactly those numbers (docs/REPORTS.md). The hub's JSON writes one district
# (and the total) per line, read here with sed; python3 checks that each
# answer is valid JSON (without it the test is skipped: exit 77).
# Usage: e2e_reports.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "$0")/../sync/lib.sh"
need python3 # json_valid

# lib.sh reads the token with python; read it with sed instead.
token() {
	hub "$1" agent add --commune "$2" --json
	[ "$RC" = 0 ] || { fail "agent add exited $RC"; show; return 1; }
	sed -n 's/.*"token": *"\([^"]*\)".*/\1/p' "$OUT"
}
die() { echo "FAIL: $*" >&2; exit 1; }

DEADLINE=2023-09-02
DISTRICTS="941 944 948 945 942 951 946 947 949 950 943" # campaign-file order
declare -A TARGET=([941]=20 [944]=40 [948]=40 [945]=55 [942]=70 [951]=70 [946]=75
		   [947]=120 [949]=130 [950]=260 [943]=320)
# expected numbers per district (and late/out-of-order household ids)
declare -A REG APP STA COM HAN ONT MONEY NCONTRIB LABOUR MATVAL MPS
for d in $DISTRICTS; do
	REG[$d]=0 APP[$d]=0 STA[$d]=0 COM[$d]=0 HAN[$d]=0 ONT[$d]=0
	MONEY[$d]=0 NCONTRIB[$d]=0 LABOUR[$d]=0 MATVAL[$d]=0 MPS[$d]=0
done
COM_ASOF=0 # completed (or later) on or before the deadline, all districts
LATE="" ORDER="" NOTLATE=""

hub_new hub
hub_start hub
# laptop  commune  district  households
#  a      31498    941 Phường 5, TP Sóc Trăng (target 20: met exactly on time)
#  b      31528    943 Thị trấn Kế Sách
#  c      31783    950 Phường 1, TX Vĩnh Châu
#  d      31534    943 Xã Xuân Hòa (second commune of Kế Sách)
declare -A COMMUNE=([a]=31498 [b]=31528 [c]=31783 [d]=31534)
declare -A DIST=([a]=941 [b]=943 [c]=950 [d]=943)
declare -A COUNT=([a]=450 [b]=600 [c]=500 [d]=450)
declare -A IDX=([a]=1 [b]=2 [c]=3 [d]=4)
for l in a b c d; do laptop $l "${COMMUNE[$l]}" hub; done
[ "$FAILS" = 0 ] || die "enrolment failed"

# gen LAPTOP: the laptop's households as CSV. Row i has note HS-i and, but
# every 13th row (no ID), CCCD 0942<laptop><i, 7 digits>: unique, province 094.
gen() {
	awk -v A="${IDX[$1]}" -v N="${COUNT[$1]}" 'BEGIN {
		nh = split("Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Thạch Sơn Lâm Kim Danh Triệu", ho, " ")
		nd = split("Văn Thị Hữu Minh Ngọc Thanh Đức Kim Quốc Thu", dem, " ")
		nt = split("Ân Bình Cường Dũng Đào Giang Hà Hùng Hương Khánh Lan Long Mai Nam Nga Phúc Quyên Sơn Tâm Thảo Út Vy Xuân Yến Sa-Rươl Phol Sóc Đẹt", ten, " ")
		na = split("Ấp Hòa Mỹ|Khóm 3|Ấp An Phú|Ấp Xóm Chòi|Khóm Biển Dưới|Ấp Đại Ân|Ấp Trà Quýt", ap, "|")
		split("poor near_poor housing_hardship policy_family other", cat, " ")
		split("new_build repair", kind, " ")
		print "name,national_id,hamlet,address,members,category,support_kind,note"
		for (i = 1; i <= N; i++) {
			name = ho[(i * 7 + A) % nh + 1] " " dem[(i + A) % nd + 1] " " ten[(i * 13 + A) % nt + 1]
			if (i == 3) name = "Trần Thị \"\"Út\"\" Đào"
			nid = i % 13 == 0 ? "" : sprintf("0942%d%07d", A, i)
			printf "\"%s\",%s,%s,\"Số %d, %s\",%d,%s,%s,HS-%d\n", name, nid, ap[i % na + 1],
			       i, ap[(i + 3) % na + 1], i % 9 + 1, cat[i % 5 + 1], kind[i % 2 + 1], i
		}
	}'
}
declare -A HH # HH[laptop-i] = household id
for l in a b c d; do
	gen $l >"$T/$l.csv"
	# the duplicate: d registers a's row 7's CCCD (each laptop checks only its own store)
	[ $l = d ] && printf '"Nguyễn Văn Ân",094210000007,Ấp Đại Ân,"Số 7, Ấp Đại Ân",4,poor,new_build,HS-451\n' >>"$T/d.csv"
	ag $l 0 household import "$T/$l.csv"
	ag $l 0 --json household list
	while read -r i id; do HH[$l-$i]=$id; done < <(sed -n 's/.*"id":"\([^"]*\)".*"note":"HS-\([0-9]*\)".*/\2 \1/p' "$OUT")
	n=$(grep -c '"id":"' "$OUT")
	[ $l = d ] && COUNT[d]=451
	[ "$n" = "${COUNT[$l]}" ] || die "$l lists $n households after the import, want ${COUNT[$l]}"
	[ -n "${HH[$l-${COUNT[$l]}]:-}" ] || die "$l: household HS-${COUNT[$l]} not found in the list"
	REG[${DIST[$l]}]=$(( ${REG[${DIST[$l]}]} + ${COUNT[$l]} ))
done
DUP_A=${HH[a-7]} DUP_D=${HH[d-451]}

# house LAPTOP I STAGE:DATE[:FORCE-REASON]...: record the milestones one CLI
# call each, and count the household as docs/REPORTS.md says: started,
# completed, handed over = a milestone of that stage or a later one.
declare -A HSTATE # laptop-i -> "s c h o" (started, completed, handed, on time)
house() {
	local l=$1 i=$2 id=${HH[$1-$2]} d=${DIST[$1]} spec st dt why rank s=0 c=0 h=0 o=0 casof=0
	local -A RANK=([surveyed]=1 [approved]=2 [started]=3 [foundation]=4 [walls]=5 [roof]=6
		       [completed]=7 [handed_over]=8)
	shift 2
	for spec in "$@"; do
		IFS=: read -r st dt why <<<"$spec"
		if [ -n "$why" ]; then
			ag $l 0 milestone "$id" "$st" --date "$dt" --force "$why"
		else
			ag $l 0 milestone "$id" "$st" --date "$dt"
		fi
		rank=${RANK[$st]}
		[ "$rank" -ge 3 ] && s=1
		if [ "$rank" -ge 7 ]; then
			c=1
			[[ "$dt" > "$DEADLINE" ]] || casof=1
		fi
		if [ "$rank" = 8 ]; then h=1; [[ "$dt" > "$DEADLINE" ]] || o=1; fi
	done
	STA[$d]=$((${STA[$d]} + s)) COM[$d]=$((${COM[$d]} + c))
	HAN[$d]=$((${HAN[$d]} + h)) ONT[$d]=$((${ONT[$d]} + o)) COM_ASOF=$((COM_ASOF + casof))
	HSTATE[$l-$i]="$s $c $h $o $casof"
}
START=(surveyed:2023-06-05 approved:2023-06-12 started:2023-06-20)
BUILD=(foundation:2023-07-01 walls:2023-07-15 roof:2023-08-01)
FULL=("${START[@]}" "${BUILD[@]}" completed:2023-08-15 handed_over:2023-08-25)

# a (941, target 20): every 20th household handed over (22), two of them late,
# one on the deadline itself: 20 on time = the target.
for i in $(seq 20 20 440); do
	case $i in
	400) house a $i "${START[@]}" "${BUILD[@]}" completed:2023-08-30 handed_over:$DEADLINE
	     NOTLATE="$NOTLATE ${HH[a-$i]}" ;;
	420) house a $i "${START[@]}" "${BUILD[@]}" completed:2023-08-30 handed_over:2023-09-05
	     LATE="$LATE ${HH[a-$i]}" ;;
	440) house a $i "${START[@]}" "${BUILD[@]}" completed:2023-09-04 handed_over:2023-09-06
	     LATE="$LATE ${HH[a-$i]}" ;;
	*) house a $i "${FULL[@]}" ;;
	esac
done
# b, c, d: every 25th household started, every 50th handed over
for l in b c d; do
	for i in $(seq 25 25 $((COUNT[$l] - 1))); do
		if [ $((i % 50)) != 0 ]; then house $l $i "${START[@]}"; continue; fi
		case $l-$i in
		c-50) house c $i "${START[@]}" "${BUILD[@]}" completed:2023-09-04 handed_over:2023-09-06
		      LATE="$LATE ${HH[c-$i]}" ;;
		c-100) house c $i "${START[@]}" "${BUILD[@]}" completed:2023-09-03 # late, not handed over
		       LATE="$LATE ${HH[c-$i]}" ;;
		c-150) # handed over without a roof (forced): out of order
		       house c $i "${START[@]}" foundation:2023-07-01 walls:2023-07-15 \
			     "handed_over:2023-08-20:bàn giao tạm, chưa lợp mái do bão"
		       ORDER="$ORDER ${HH[c-$i]}" ;;
		c-200) # handed over, the roof dated after it: out of order
		       house c $i "${START[@]}" foundation:2023-07-01 walls:2023-07-15 \
			     "handed_over:2023-08-10:lễ bàn giao theo lịch huyện" \
			     "roof:2023-08-20:mái lợp sau lễ bàn giao"
		       ORDER="$ORDER ${HH[c-$i]}" ;;
		d-150) # late, then rejected by the hub: out of every count and list
		       house d $i "${START[@]}" "${BUILD[@]}" completed:2023-09-04 handed_over:2023-09-05
		       NOTLATE="$NOTLATE ${HH[d-$i]}" ;;
		*) house $l $i "${FULL[@]}" ;;
		esac
	done
done
[ "$FAILS" = 0 ] || die "recording milestones failed"

# contributions: money per commune known here
# contrib LAPTOP HOUSEHOLD-I|- SOURCE MONEY LABOUR MATVALUE [more options]
contrib() {
	local l=$1 i=$2 src=$3 money=$4 lab=$5 mat=$6 d=${DIST[$1]}
	local args=(contribution add --source "$src" --date 2023-07-10)
	shift 6
	[ "$i" != - ] && args+=(--household "${HH[$l-$i]}")
	[ "$money" != 0 ] && args+=(--money "$money")
	[ "$lab" != 0 ] && args+=(--labour-days "$lab")
	[ "$mat" != 0 ] && args+=(--material "Xi măng 50 bao, tôn lợp" --material-value "$mat")
	ag $l 0 "${args[@]}" "$@"
	MONEY[$d]=$((${MONEY[$d]} + money)) LABOUR[$d]=$((${LABOUR[$d]} + lab))
	MATVAL[$d]=$((${MATVAL[$d]} + mat)) NCONTRIB[$d]=$((${NCONTRIB[$d]} + 1))
	[ "$src" = mps ] && MPS[$d]=$((${MPS[$d]} + money))
}
for l in a b c d; do
	k=${IDX[$l]}
	# 40 million from the Ministry for each of the laptop's 100th households
	for i in $(seq 100 100 $((COUNT[$l] - 1))); do
		contrib $l $i mps 40000000 0 0
	done
	contrib $l - business $((20000000 * k + 500000)) 0 0 --donor "Công ty TNHH Thủy sản Sóc Trăng $k"
	contrib $l - fatherland_front 0 $((30 * k)) 0
	contrib $l - donor 1234567 0 0 --donor "Nhà hảo tâm Lâm Thị Ngọc"
done
contrib a 20 household 5000000 12 0
contrib c - provincial_police 15000000 0 7500000
[ "$FAILS" = 0 ] || die "recording contributions failed"

# every laptop syncs; everything arrives, nothing is refused
for l in a b c d; do
	ag $l 0 --json sync
	grep -q '"pushed": *[1-9]' "$OUT" || { fail "$l pushed nothing"; show; }
done
[ "$FAILS" = 0 ] || die "sync failed"

# the hub decides: approve a's hand-overs, reject two households
for i in $(seq 20 20 440); do
	hub hub household approve "${HH[a-$i]}"
	[ "$RC" = 0 ] || { fail "approve a-$i exited $RC"; show; }
	APP[941]=$((${APP[941]} + 1))
done
reject() { # LAPTOP I: the household leaves every count
	local l=$1 i=$2 d=${DIST[$1]} s c h o casof
	hub hub household reject "${HH[$l-$i]}" --reason "Đã có nhà kiên cố"
	[ "$RC" = 0 ] || { fail "reject $l-$i exited $RC"; show; }
	read -r s c h o casof <<<"${HSTATE[$l-$i]:-0 0 0 0 0}"
	REG[$d]=$((${REG[$d]} - 1)) STA[$d]=$((${STA[$d]} - s)) COM[$d]=$((${COM[$d]} - c))
	HAN[$d]=$((${HAN[$d]} - h)) ONT[$d]=$((${ONT[$d]} - o)) COM_ASOF=$((COM_ASOF - casof))
}
reject b 75  # started
reject d 150 # late hand-over
[ "$FAILS" = 0 ] || die "hub decisions failed"

# --- reading the hub's JSON (one object per line) ---------------------------
# line CODE: the district's line of $OUT; field LINE KEY: a number/bool of it.
line() { grep -m1 "^ *{\"code\": $1," "$OUT"; }
field() { sed 's/"by_source".*//' <<<"$1" | sed -n "s/.*\"$2\": \([-0-9.a-z]*\).*/\1/p"; }
# members WHAT LINE KEY=VAR...: each JSON member KEY of LINE holds the value
# of VAR (a variable, or an array element such as REG[941])
members() {
	local what=$1 line=$2 kv var
	shift 2
	for kv in "$@"; do
		var=${kv#*=}
		eq "$what ${kv%%=*}" "$(field "$line" "${kv%%=*}")" "${!var}"
	done
}
json_valid() {
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT" || fail "$1: not valid JSON"
}
report() { # KIND [options]: the report as JSON in $OUT
	hub hub report "$@" --format json
	[ "$RC" = 0 ] || { fail "report $* exited $RC"; show; }
	json_valid "report $*"
}

# --- progress -----------------------------------------------------------------
report progress
T_REG=0 T_APP=0 T_STA=0 T_COM=0 T_HAN=0 T_ONT=0 T_TARGET=0
for d in $DISTRICTS; do
	L=$(line $d)
	[ -n "$L" ] || { fail "progress: no line for district $d"; continue; }
	members "progress $d" "$L" target="TARGET[$d]" registered="REG[$d]" approved="APP[$d]" \
		started="STA[$d]" completed="COM[$d]" handed_over="HAN[$d]" \
		handed_over_on_time="ONT[$d]"
	track=false; [ "${ONT[$d]}" -ge "${TARGET[$d]}" ] && track=true
	eq "progress $d on_track" "$(field "$L" on_track)" "$track"
	pct=$(awk -v h="${HAN[$d]}" -v t="${TARGET[$d]}" 'BEGIN { printf "%.1f", h * 100 / t }')
	eq "progress $d percent" "$(field "$L" percent)" "$pct"
	T_REG=$((T_REG + REG[$d])) T_APP=$((T_APP + APP[$d])) T_STA=$((T_STA + STA[$d]))
	T_COM=$((T_COM + COM[$d])) T_HAN=$((T_HAN + HAN[$d])) T_ONT=$((T_ONT + ONT[$d]))
	T_TARGET=$((T_TARGET + TARGET[$d]))
done
eq "progress district lines" "$(grep -c '^ *{"code": ' "$OUT")" 11
eq "the campaign is 2,001 households" "$T_REG" 1999 # 2,001 imported, 2 rejected
L=$(grep -m1 '^ *"total": ' "$OUT")
[ -n "$L" ] || fail "progress: no total line"
members "progress total" "$L" target=T_TARGET registered=T_REG approved=T_APP started=T_STA \
	completed=T_COM handed_over=T_HAN handed_over_on_time=T_ONT
eq "progress unplaced" "$(sed -n 's/.*"unplaced": \([0-9]*\).*/\1/p' "$OUT")" 0
# as the state stood on the deadline: the late ones had not completed yet
report progress --as-of $DEADLINE
L=$(grep -m1 '^ *"total": ' "$OUT")
eq "progress on the deadline: handed_over" "$(field "$L" handed_over)" "$T_ONT"
eq "progress on the deadline: completed" "$(field "$L" completed)" "$COM_ASOF"
eq "progress on the deadline: registered" "$(field "$L" registered)" "$T_REG"

# --- funds --------------------------------------------------------------------
report funds
T_MONEY=0 T_N=0
for d in $DISTRICTS; do
	L=$(line $d)
	[ -n "$L" ] || { fail "funds: no line for district $d"; continue; }
	members "funds $d" "$L" money_vnd="MONEY[$d]" contributions="NCONTRIB[$d]" \
		labour_days="LABOUR[$d]" material_value_vnd="MATVAL[$d]"
	eq "funds $d mps money" "$(sed -n 's/.*"mps": {"contributions": [0-9]*, "money_vnd": \([0-9]*\).*/\1/p' <<<"$L")" "${MPS[$d]}"
	T_MONEY=$((T_MONEY + MONEY[$d])) T_N=$((T_N + NCONTRIB[$d]))
done
eq "funds district lines" "$(grep -c '^ *{"code": ' "$OUT")" 11
L=$(grep -m1 '"total": ' "$OUT")
eq "funds total money_vnd" "$(sed 's/.*"total": //' <<<"$L" | sed 's/"by_source".*//' | sed -n 's/.*"money_vnd": \([0-9]*\).*/\1/p')" "$T_MONEY"
eq "funds total contributions" "$(sed 's/.*"total": //' <<<"$L" | sed -n 's/^{"contributions": \([0-9]*\).*/\1/p')" "$T_N"

# --- reconcile ----------------------------------------------------------------
report reconcile
has_item() { grep -qF "\"id\": \"$1\"" "$OUT"; }
N=094210000007
if has_item "N-$N"; then
	L=$(grep -F "\"id\": \"N-$N\"" "$OUT")
	grep -qF "\"$DUP_A\"" <<<"$L" && grep -qF "\"$DUP_D\"" <<<"$L" ||
		fail "reconcile N-$N does not name both households $DUP_A and $DUP_D: $L"
else
	fail "reconcile lacks the duplicate national id N-$N (laptops a and d)"
fi
for h in $ORDER; do
	has_item "O-$h" || fail "reconcile lacks out_of_order O-$h (a hand-over recorded with --force)"
done
L=$(grep -F "\"id\": \"O-${HH[c-200]}\"" "$OUT")
grep -qF '["handed_over", "roof"]' <<<"$L" || fail "O-${HH[c-200]} lacks the pair handed_over before roof: $L"
grep -qF 'mái lợp sau lễ bàn giao' <<<"$L" || fail "O-${HH[c-200]} lacks the forced reason: $L"
for h in $LATE; do has_item "L-$h" || fail "reconcile lacks late L-$h"; done
for h in $NOTLATE; do has_item "L-$h" && fail "reconcile lists L-$h (on the deadline, or rejected)"; done
counts=$(grep -m1 '"counts": ' "$OUT")
cnt() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" <<<"$counts"; }
eq "reconcile duplicate_national_id" "$(cnt duplicate_national_id)" 1
eq "reconcile out_of_order" "$(cnt out_of_order)" 2
eq "reconcile late" "$(cnt late)" "$(wc -w <<<"$LATE")"
eq "reconcile conflict" "$(cnt conflict)" 0
eq "reconcile rejected_changeset" "$(cnt rejected_changeset)" 0
report reconcile --as-of $DEADLINE
counts=$(grep -m1 '"counts": ' "$OUT")
eq "reconcile on the deadline: late" "$(cnt late)" 0

# --- awards -------------------------------------------------------------------
report awards
eq "awards district lines" "$(grep -c '^ *{"code": ' "$OUT")" 11
for d in $DISTRICTS; do
	L=$(line $d)
	[ -n "$L" ] || { fail "awards: no line for district $d"; continue; }
	eq "awards $d handed_over_on_time" "$(field "$L" handed_over_on_time)" "${ONT[$d]}"
	met=false; [ "${ONT[$d]}" -ge "${TARGET[$d]}" ] && met=true
	eq "awards $d met_target_on_time" "$(field "$L" met_target_on_time)" "$met"
done
eq "941 met its target of 20 exactly" "${ONT[941]}" 20

finish

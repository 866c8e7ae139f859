# e2e_corrections.sh - corrections with an audit trail, through the real
# binary: milestone void, contribution void, contribution correct (void and
# new in one transaction), household withdraw; the refusals (unknown id,
# voided twice, no reason, another commune); household show and contribution
# list with every id and the voided ones marked; the counts that follow; and
# the next export carrying each correction signed (bundle_records, $2, opens
# every change-set with the laptop's key and prints its records).
. "$(dirname "$0")/lib.sh"
RECORDS="$2"
need python3
init_store

# jq-less JSON: evaluate a Python expression on $OUT (bound to j).
jx() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }
eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
# refused RC MESSAGE ARGS...: the command fails with RC and one line saying MESSAGE.
refused() { local rc=$1 msg=$2; shift 2; expect "$rc" "$@"; err_one_line; err_has "$msg"; }
counts() { expect 0 --json status; echo "$(jx 'j["households"]') $(jx 'j["milestones"]') $(jx 'j["contributions"]')"; }

expect 0 --json household add --name "Trần Văn Bình" --hamlet "Ấp 1" --members 4 --category poor
HH=$(json ref)
expect 0 --json household add --name "Lê Thị Cúc" --hamlet "Ấp 2" --members 3 --category near_poor
HH2=$(json ref)
expect 0 --json milestone "$HH" surveyed --date 2023-06-10
MS1=$(json id)
expect 0 --json milestone "$HH" approved --date 2023-06-12
MS2=$(json id)
expect 0 --json contribution add --household "$HH" --source mps --money 40000000 --date 2023-06-12
CT1=$(json id)
expect 0 --json contribution add --source business --labour-days 12 --donor "Công ty Minh Phát" --date 2023-06-13
CT2=$(json id)
expect 0 --json contribution add --household "$HH2" --source donor --money 5000000 --date 2023-06-14
CT3=$(json id)
eq "counts before" "$(counts)" "2 2 3"
expect 0 export --out "$T/before.maiam"

# --- household show and contribution list: every id, short and full ---
expect 0 --json household show "$HH"
eq "milestone ids in show" "$(jx '",".join(m["id"] for m in j["milestones"])')" "$MS1,$MS2"
eq "contribution id in show" "$(jx '",".join(c["id"] for c in j["contributions"])')" "$CT1"
MS2_REF=$(jx 'j["milestones"][1]["ref"]')
expect 0 household show "$HH"
out_has "$MS2_REF"
out_has "40,000,000 VND"
expect 0 --json contribution list
eq "contribution list" "$(jx '",".join(c["id"] for c in j)')" "$CT1,$CT2,$CT3"
eq "commune-level has no household" "$(jx 'j[1]["household"]')" "None"
expect 0 --json contribution list --commune-level
eq "commune-level only" "$(jx '",".join(c["id"] for c in j)')" "$CT2"
expect 0 --json contribution list --household "$HH2"
eq "one household's" "$(jx '",".join(c["id"] for c in j)')" "$CT3"
expect 0 contribution list
out_has "(commune)"
out_has "Công ty Minh Phát"
expect 2 contribution list --household "$HH" --commune-level
err_one_line

# --- refusals: no reason, empty reason, unknown, not an id, wrong kind ---
refused 2 "--reason is required" milestone void "$MS2"
refused 2 "--reason is required" milestone void "$MS2" --reason ""
refused 2 "needs the milestone's ID" milestone void --reason "x"
refused 1 "milestone '${MS2%-*}-999' not found" milestone void "${MS2%-*}-999" --reason "x"
refused 1 "not found" milestone void "${HH%-*}-999" --reason "x"
refused 2 "is not a milestone id" milestone void "not-an-id" --reason "x"
refused 1 "'$CT1' is a contribution, not a milestone; use 'maiam-agent contribution void $CT1'" milestone void "$CT1" --reason "x"
refused 1 "'$MS1' is a milestone, not a contribution; use 'maiam-agent milestone void $MS1'" contribution void "$MS1" --reason "x"
refused 2 "--reason is required" contribution void "$CT1"
eq "nothing recorded by the refusals" "$(counts)" "2 2 3"
expect 0 --json status
eq "nothing pending after the refusals" "$(jx 'j["pending_records"]')" "0"

# --- milestone void, by short reference ---
expect 0 milestone void "$MS2_REF" --reason "ngày sai"
out_has "Voided milestone $MS2_REF: ngày sai"
eq "counts after milestone void" "$(counts)" "2 1 3"
refused 1 "milestone '$MS2' is already voided (ngày sai); nothing to do" milestone void "$MS2" --reason "again"
expect 0 --json household show "$HH"
eq "voided milestone still listed" "$(jx 'j["milestones"][1]["voided"]')" "True"
eq "with its reason" "$(jx 'j["milestones"][1]["void_reason"]')" "ngày sai"
eq "the other counts" "$(jx 'j["milestones"][0]["voided"]')" "False"
eq "stage follows" "$(jx 'j["stage"]')" "surveyed"
expect 0 household show "$HH"
out_has "[voided: ngày sai]"
# the stage may be recorded again, with the right date
expect 0 milestone "$HH" approved --date 2023-06-15
eq "counts after re-recording" "$(counts)" "2 2 3"

# --- contribution void, by full id ---
expect 0 --json contribution void "$CT3" --reason "nhập trùng"
eq "void answer" "$(jx 'j["voided"]')" "$CT3"
eq "counts after contribution void" "$(counts)" "2 2 2"
refused 1 "is already voided (nhập trùng)" contribution void "$CT3" --reason "again"
expect 0 --json contribution list
eq "voided contribution listed" "$(jx '[c["voided"] for c in j if c["id"] == "'"$CT3"'"][0]')" "True"
expect 0 contribution list
out_has "nhập trùng"

# --- contribution correct: void + new, one transaction ---
refused 2 "--reason is required" contribution correct "$CT1" --money 45000000
refused 2 "--money" contribution correct "$CT1" --money abc --reason "gõ nhầm"
expect 0 --json status
PENDING=$(jx 'j["pending_records"]')
expect 0 --json contribution correct "$CT1" --money 45000000 --reason "gõ nhầm"
eq "correct voids the old" "$(jx 'j["voided"]')" "$CT1"
CT1B=$(jx 'j["id"]')
expect 0 --json status
eq "void and new recorded together" "$(jx 'j["pending_records"]')" "$((PENDING + 2))"
eq "counts after correct" "$(counts)" "2 2 2"
expect 0 --json contribution list --household "$HH"
eq "old voided, new kept the household" \
	"$(jx '";".join("%s %s %s" % (c["id"], c["voided"], c["money_vnd"]) for c in j)')" \
	"$CT1 True 40000000;$CT1B False 45000000"
eq "the new one keeps the source" "$(jx 'j[1]["source"]')" "mps"
eq "and the date" "$(jx 'j[1]["date"]')" "2023-06-12"
refused 1 "is already voided (gõ nhầm)" contribution correct "$CT1" --money 1 --reason "again"
# a commune-level one moved onto a household, labour days dropped for money
expect 0 --json contribution correct "$CT2" --household "$HH2" --labour-days "" --money 3000000 --reason "của hộ Cúc"
CT2B=$(jx 'j["id"]')
expect 0 --json contribution list --household "$HH2"
eq "moved onto the household" "$(jx '[(c["money_vnd"], c["labour_days"], c["donor"]) for c in j if c["id"] == "'"$CT2B"'"][0]')" \
	"(3000000, None, 'Công ty Minh Phát')"
expect 0 --json contribution list --commune-level
eq "no commune-level one counts now" "$(jx '[c["voided"] for c in j]')" "[True]"

# --- household withdraw ---
refused 2 "--reason is required" household withdraw "$HH2"
refused 1 "not found" household withdraw "${HH2%-*}-999" --reason "x"
expect 0 household withdraw "$HH2" --reason "chuyển đi nơi khác"
out_has "chuyển đi nơi khác"
refused 1 "is already withdrawn (chuyển đi nơi khác)" household withdraw "$HH2" --reason "again"
# out of every count, with its milestones and contributions
eq "counts after withdraw" "$(counts)" "1 2 1"
expect 0 household list
grep -F "$HH2" "$OUT" | grep -qF "(withdrawn)" || fail "household list does not mark $HH2 withdrawn"
expect 0 --json household show "$HH2"
eq "withdrawn field" "$(jx 'j["withdrawn"]')" "chuyển đi nơi khác"
expect 0 --json household show "$HH"
eq "others are not" "$(jx 'j["withdrawn"]')" "None"
expect 0 milestone "$HH2" surveyed --date 2023-06-20
err_has "is withdrawn; the stage is kept but counts nowhere"
expect 0 contribution add --household "$HH2" --source mps --money 1000 --date 2023-06-20
err_has "is withdrawn; the contribution is kept but counts nowhere"
eq "counts still without the withdrawn household" "$(counts)" "1 2 1"

# --- another commune: a household that moved cannot be corrected here ---
# (a pull tells the laptop so; here its row says so, as after such a pull)
expect 0 --json household add --name "Phạm Văn Dũng" --hamlet "Ấp 3" --members 2 --category poor
HH3=$(json ref)
expect 0 --json milestone "$HH3" surveyed --date 2023-06-10
MS3=$(json id)
expect 0 --json contribution add --household "$HH3" --source mps --money 1000000 --date 2023-06-10
CT4=$(json id)
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE household SET commune = 31471 WHERE ref = ?", (sys.argv[2],)); c.commit()' "$MAIAM_HOME/agent.db" "$HH3"
refused 1 "in commune 31471; it is corrected on that commune's laptops" milestone void "$MS3" --reason "x"
refused 1 "belongs to commune 31471" contribution void "$CT4" --reason "x"
refused 1 "has moved to commune 31471" household withdraw "$HH3" --reason "x"

# --- the next export carries each correction, signed ---
expect 0 export --out "$T/after.maiam"
"$RECORDS" "$MAIAM_HOME" "$T/after.maiam" >"$T/records" 2>"$T/records.err" || { fail "bundle_records failed"; cat "$T/records.err" >&2; }
has_record() { grep -qF -- "$1" "$T/records" || { fail "the export lacks '$1'"; sed 's/^/  record: /' "$T/records" >&2; }; }
has_record "target=$MS2 target_kind=2 reason=ngày sai"
has_record "target=$CT3 target_kind=3 reason=nhập trùng"
has_record "target=$CT1 target_kind=3 reason=gõ nhầm"
has_record "contribution $CT1B household="
has_record "money_vnd=45000000"
has_record "target=$CT2 target_kind=3 reason=của hộ Cúc"
has_record "withdrawn=chuyển đi nơi khác"
# the void of a correction and its new contribution are in the same change-set,
# the void first
grep -n "" "$T/records" | grep -F -e "target=$CT1 " -e "contribution $CT1B " | cut -d: -f1 | tr '\n' ' ' >"$T/lines"
read -r VL NL <"$T/lines"
[ "$((VL + 1))" = "$NL" ] || fail "the void of $CT1 (line $VL) is not right before its replacement (line $NL)"
expect 0 check

# --- help and Vietnamese ---
for c in "milestone void" "contribution void" "contribution correct" "contribution list" "household withdraw"; do
	# shellcheck disable=SC2086
	expect 0 $c --help
	out_has "usage: maiam-agent $c"
	# shellcheck disable=SC2086
	LANGUAGE=vi expect 0 $c --help
	grep -q "maiam-agent $c" "$OUT" || fail "vi help of '$c' lacks its usage"
	grep -qF "usage:" "$OUT" && fail "vi help of '$c' is in English"
done
expect 0 contribution --help
out_has "contribution correct ID"
LANGUAGE=vi expect 1 milestone void "$MS2" --reason "again"
err_has "đã bị hủy"
LANGUAGE=vi expect 2 household withdraw "$HH"
err_has "--reason"
grep -q "required" "$ERR" && fail "vi error is in English"
LANGUAGE=vi expect 0 household show "$HH"
out_has "đã hủy: ngày sai"
finish

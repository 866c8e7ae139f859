# e2e_xlsx.sh - every report and the household list as Excel workbooks,
# through the real binaries: two laptops in two districts record households,
# milestones and contributions and sync to a running maiam-hub; then
# 'maiam-hub report KIND --format xlsx --out FILE' and 'maiam-hub household
# list --format xlsx --out FILE' write workbooks that a real reader
# (python3-openpyxl, xlsx_check.py) opens and checks against the same
# report as JSON: sheet names, title rows, headers, number cells that are
# numbers, date cells that are dates, the rows and their values. The same
# workbooks come from the dashboard as downloads with the names of
# docs/REPORTS.md, "Excel" (CSV downloads too). --format xlsx without --out
# is a usage error; a file that cannot be written is an error naming it.
# Usage: e2e_xlsx.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "$0")/../sync/lib.sh"
# Debian's python3-openpyxl is for Debian's python3, which may not be the
# first python3 on PATH (a pyenv one): take the first that has it.
PY=""
for p in python3 /usr/bin/python3; do
	"$p" -c 'import openpyxl' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || {
	echo "SKIP: no python3 with openpyxl (sh scripts/deps installs python3-openpyxl)"
	exit 77
}
CHECK="$(dirname "$0")/xlsx_check.py"
DAY=2023-08-31
die() { echo "FAIL: $*" >&2; exit 1; }

hub_new hub
hub_start hub
laptop a 31498 hub # district 941
laptop b 31528 hub # district 943
[ "$FAILS" = 0 ] || die "enrolment failed"

# hh LAPTOP ARGS...: add a household; its full id in $ID
hh() {
	local l=$1; shift
	ag "$l" 0 --json household add "$@"
	ID=$(json 'j["id"]')
}
hh a --name "Nguyễn Văn Ân" --national-id 094212345678 --hamlet "Ấp Hòa Mỹ" --members 4 \
	--category poor --support-kind new_build --land-status certified --phone 0912345678 \
	--address "Số 7, Ấp Hòa Mỹ" --note "mái dột, vách lá"
A1=$ID
hh a --name "Trần Thị Út" --hamlet "Khóm 3" --members 2 --category near_poor
A2=$ID
hh a --name "Lâm Sa-Rươl" --hamlet "Ấp Xóm Chòi" --members 6 --category policy_family
A3=$ID
hh b --name "Thạch Phol" --national-id 094298765432 --hamlet "Ấp Đại Ân" --members 5 \
	--category housing_hardship --support-kind repair
B1=$ID
hh b --name "Huỳnh Kim Đẹt" --hamlet "Ấp An Phú" --members 3 --category other
B2=$ID
for s in surveyed:2023-06-05 approved:2023-06-12 started:2023-06-20 foundation:2023-07-01 \
	walls:2023-07-15 roof:2023-08-01 completed:2023-08-15 handed_over:2023-08-25; do
	ag a 0 milestone "$A1" "${s%%:*}" --date "${s#*:}"
done
ag a 0 milestone "$A2" surveyed --date 2023-06-06
ag a 0 milestone "$A2" approved --date 2023-06-13
ag a 0 milestone "$A2" started --date 2023-09-05 # after $DAY: not reached then
ag b 0 milestone "$B1" surveyed --date 2023-06-07
ag a 0 contribution add --household "$A1" --source mps --money 40000000 --date 2023-07-10
ag a 0 contribution add --household "$A1" --source household --labour-days 12 --date 2023-07-11
ag a 0 contribution add --household "$A2" --source business --money 1234567 --material "Xi măng 50 bao" \
	--material-value 7500000 --donor "Công ty TNHH Thủy sản Sóc Trăng" --date 2023-07-12
ag a 0 contribution add --household "$A2" --source donor --money 2000000 --date 2023-09-05 # after $DAY
ag b 0 contribution add --source fatherland_front --labour-days 30 --date 2023-07-20
for l in a b; do
	ag $l 0 --json sync
	grep -q '"pushed": *[1-9]' "$OUT" || { fail "$l pushed nothing"; show; }
done
hub hub household approve "$A1"
eq "approve exit" "$RC" 0
hub hub household reject "$B2" --reason "Đã có nhà kiên cố"
eq "reject exit" "$RC" 0
[ "$FAILS" = 0 ] || die "recording failed"

# check KIND XLSX JSON [AS-OF]: the workbook against the JSON (xlsx_check.py)
check() {
	"$PY" "$CHECK" "$@" >"$T/check.out" 2>&1 || {
		fail "xlsx_check.py $*"
		cat "$T/check.out" >&2
	}
}

# --- the reports ----------------------------------------------------------------
for kind in progress awards funds reconcile; do
	hub hub report $kind --as-of $DAY --format json
	[ "$RC" = 0 ] || { fail "report $kind --format json exited $RC"; show; }
	cp "$OUT" "$T/$kind.json"
	hub hub report $kind --as-of $DAY --format xlsx --out "$T/$kind.xlsx"
	[ "$RC" = 0 ] || { fail "report $kind --format xlsx exited $RC"; show; }
	out_has "$T/$kind.xlsx"
	check $kind "$T/$kind.xlsx" "$T/$kind.json"
done
hub hub report progress --by commune --as-of $DAY --format json
cp "$OUT" "$T/communes.json"
hub hub report progress --by commune --as-of $DAY --format xlsx --out "$T/communes.xlsx"
eq "progress --by commune xlsx exit" "$RC" 0
check communes "$T/communes.xlsx" "$T/communes.json"

# --- the household list ---------------------------------------------------------
hub hub household list --json
cp "$OUT" "$T/households.json"
hub hub household list --format xlsx --as-of $DAY --out "$T/households.xlsx"
[ "$RC" = 0 ] || { fail "household list --format xlsx exited $RC"; show; }
check households "$T/households.xlsx" "$T/households.json" $DAY
# a district's list (the scope a district operator gets) and a status
hub hub household list --district 943 --json
cp "$OUT" "$T/d943.json"
hub hub household list --district 943 --format xlsx --as-of $DAY --out "$T/d943.xlsx"
eq "household list --district xlsx exit" "$RC" 0
check households "$T/d943.xlsx" "$T/d943.json" $DAY
hub hub household list --status approved --json
cp "$OUT" "$T/approved.json"
hub hub household list --status approved --format xlsx --as-of $DAY --out "$T/approved.xlsx"
check households "$T/approved.xlsx" "$T/approved.json" $DAY
# the values of one household, worked out here: stage, day, money, labour days
"$PY" - "$T/households.xlsx" "$A1" "$A2" "$B1" <<'EOF' || fail "household values"
import datetime, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Danh sách hộ"]
head = [c.value for c in ws[5]]
rows = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=6, values_only=True)}
a1, a2, b1 = (rows[i] for i in sys.argv[2:5])
want = [(a1, "Giai đoạn đã đạt", "Bàn giao"), (a1, "Ngày đạt", datetime.datetime(2023, 8, 25)),
        (a1, "Tiền", 40000000), (a1, "Ngày công", 12), (a1, "Giá trị vật tư", 0),
        (a1, "Xác nhận của tỉnh", "Đã xác nhận"), (a1, "Số CCCD", "094212345678"), (a1, "Mã xã", 31498),
        (a1, "Huyện", "Thành phố Sóc Trăng"), (a1, "Số nhân khẩu", 4), (a1, "Diện hộ", "Hộ nghèo"),
        (a2, "Ngày đạt", datetime.datetime(2023, 6, 13)), (a2, "Tiền", 1234567),
        (a2, "Giá trị vật tư", 7500000), (b1, "Ngày công", 0)]
bad = [(k, r[k], v) for r, k, v in want if r[k] != v]
for k, got, v in bad:
    print("%s: got %r, want %r" % (k, got, v))
sys.exit(1 if bad else 0)
EOF

# --- refusals -------------------------------------------------------------------
hub hub report progress --format xlsx
eq "xlsx without --out exit" "$RC" 2
grep -qF -- "--out tien-do-" "$ERR" || { fail "xlsx without --out does not suggest a file name"; show; }
hub hub household list --format xlsx --as-of $DAY
eq "household list xlsx without --out exit" "$RC" 2
grep -qF -- "--out danh-sach-ho-$DAY.xlsx" "$ERR" || { fail "no file name suggested for the list"; show; }
hub hub report funds --format xlsx --out "$T/no/such/dir/funds.xlsx"
eq "xlsx into a missing directory exit" "$RC" 1
grep -qF "$T/no/such/dir/funds.xlsx" "$ERR" || { fail "the error does not name the file"; show; }
# the operator's messages follow the locale; the workbook does not (a document)
in_lang() {
	local lang=$1; shift
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$lang" timeout "$CMD_TIMEOUT" "$HUB" "$@" \
		--dir "$T/hub" >"$OUT" 2>"$ERR"
	RC=$?
}
in_lang vi_VN.UTF-8 report progress --format xlsx
eq "xlsx without --out exit (vi)" "$RC" 2
grep -qF "ghi ra một tệp Excel" "$ERR" || { fail "the refusal is not in Vietnamese"; show; }
in_lang C report progress --format xlsx
grep -qF "writes an Excel workbook" "$ERR" || { fail "the refusal is not in English"; show; }
in_lang vi_VN.UTF-8 report progress --as-of $DAY --format xlsx --out "$T/vi.xlsx"
out_has "đã ghi vào $T/vi.xlsx"
check progress "$T/vi.xlsx" "$T/progress.json"
in_lang C report progress --as-of $DAY --format xlsx --out "$T/en.xlsx"
out_has "written to $T/en.xlsx"
check progress "$T/en.xlsx" "$T/progress.json"
# --out with a text format writes the same bytes as standard output
hub hub report progress --as-of $DAY --format csv
cp "$OUT" "$T/progress.stdout.csv"
hub hub report progress --as-of $DAY --format csv --out "$T/progress.csv"
cmp -s "$T/progress.csv" "$T/progress.stdout.csv" || fail "--out csv differs from standard output"

# --- the dashboard's downloads --------------------------------------------------
printf 'mật khẩu dài của Lan\n' | "$HUB" operator add lan --role admin --dir "$T/hub" >/dev/null 2>&1 ||
	fail "operator add"
J="$T/cookies"
curl -s --cacert "$T/hub/ca.pem" -c "$J" -o /dev/null -H "Origin: $URL" \
	--data-urlencode name=lan --data-urlencode "password=mật khẩu dài của Lan" "$URL/login" ||
	fail "sign-in"
# get PATH FILE: download into FILE, headers into FILE.h
get() {
	curl -s --cacert "$T/hub/ca.pem" -b "$J" -D "$2.h" -o "$2" "$URL$1" || fail "GET $1"
}
get "/report?kind=progress&format=xlsx&as_of=$DAY" "$T/web-progress.xlsx"
grep -qi '^content-disposition: attachment; filename="tien-do-2023-08-31.xlsx"' "$T/web-progress.xlsx.h" ||
	{ fail "progress download name"; cat "$T/web-progress.xlsx.h" >&2; }
grep -qi '^content-type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' \
	"$T/web-progress.xlsx.h" || fail "progress download type"
check progress "$T/web-progress.xlsx" "$T/progress.json"
get "/report?kind=households&format=xlsx&as_of=$DAY" "$T/web-households.xlsx"
grep -qi '^content-disposition: attachment; filename="danh-sach-ho-2023-08-31.xlsx"' \
	"$T/web-households.xlsx.h" || { fail "household list download name"; cat "$T/web-households.xlsx.h" >&2; }
check households "$T/web-households.xlsx" "$T/households.json" $DAY
get "/report?kind=funds&format=csv&as_of=$DAY" "$T/web-funds.csv"
grep -qi '^content-disposition: attachment; filename="nguon-luc-2023-08-31.csv"' "$T/web-funds.csv.h" ||
	{ fail "funds CSV download name"; cat "$T/web-funds.csv.h" >&2; }
get "/report?kind=households&format=csv" "$T/web-households.csv"
grep -q '^HTTP/[0-9.]* 400' "$T/web-households.csv.h" || fail "the household list as CSV is not a 400"
get / "$T/web-main.html"
grep -qF '/report?kind=households&amp;format=xlsx' "$T/web-main.html" ||
	fail "the dashboard does not link the household list as Excel"
grep -qF '/report?kind=funds&amp;format=xlsx' "$T/web-main.html" || fail "the dashboard does not link funds as Excel"
get "/report?kind=progress&format=html&as_of=$DAY" "$T/web-progress.html"
grep -qi '^content-disposition' "$T/web-progress.html.h" && fail "an HTML page is sent as a download"

finish

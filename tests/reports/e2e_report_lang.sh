# e2e_report_lang.sh - which report words follow the operator's locale,
# through the real binaries (docs/REPORTS.md, "Languages"): the table
# (--format table, for the person at the terminal) is Vietnamese under
# LANG=vi_VN.UTF-8 and English under LANG=C; CSV, JSON and HTML are
# documents, byte for byte the same under both, with their Vietnamese
# headers. The messages of 'reconcile resolve' and 'operator add' follow
# the locale too; item ids, codes and option names stay as typed.
# Usage: e2e_report_lang.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "$0")/../sync/lib.sh"

C=31498
DAY=2023-09-02
hub_new hub

# in_lang LANG DIR ARGS...: maiam-hub on $T/DIR under LANG alone (no LC_ALL,
# LC_MESSAGES or LANGUAGE from the tests' environment); output in $OUT, $ERR.
in_lang() {
	local lang=$1 dir=$2; shift 2
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$lang" timeout "$CMD_TIMEOUT" "$HUB" "$@" \
		--dir "$T/$dir" >"$OUT" 2>"$ERR"
	RC=$?
}
# out_lacks TEXT: stdout does not say TEXT (no word of the other language)
out_lacks() { grep -qF -- "$1" "$OUT" && { fail "stdout has '$1'"; show; }; }
# expect RC: the last command exited RC
expect() { [ "$RC" = "$1" ] || { fail "exit $RC, want $1"; show; }; }

# one rejected change-set (a laptop never enrolled): an R- item to show
ag a 0 init --commune "$C"
ag a 0 household add --name "Nguyễn Văn Ân" --hamlet "Ấp Phú Thành" --members 4 --category poor
ag a 0 export --out "$T/a0.maiam"
hub hub import "$T/a0.maiam"
eq "import of an unknown laptop's bundle" "$RC" 4

# --- progress ----------------------------------------------------------------
in_lang vi_VN.UTF-8 hub report progress --as-of $DAY
expect 0
out_has "Tiến độ xây dựng và bàn giao nhà theo huyện"
out_has "Tính đến ngày 02/09/2023; hạn bàn giao"
out_has " Mã  Đơn vị"
out_has "Đã xác nhận"
out_has "Đúng tiến độ"
out_has "Tổng cộng"
out_lacks "Building and hand-over"
in_lang C hub report progress --as-of $DAY
expect 0
out_has "Building and hand-over of houses by district"
out_has "As of 02/09/2023; hand-over deadline"
out_has "Code  Unit"
out_has "Confirmed by the province"
out_has "On track"
out_has "Total"
out_lacks "Tiến độ"
out_lacks "Đã xác nhận"
in_lang C hub report progress --by commune --as-of $DAY
out_has "Building and hand-over of houses by commune"

# --- awards: quotas, not awards earned, in both languages --------------------
in_lang vi_VN.UTF-8 hub report awards --as-of $DAY
expect 0
out_has "Số lượng được đề xuất khen thưởng theo chỉ tiêu"
out_has "không phải số khen thưởng đã đạt"
out_has "Đạt 100% đúng hạn"
out_has "Quy tắc áp dụng"
out_has "tập thể: "
out_has "Ban Chỉ đạo, sở, ban ngành, đoàn thể tỉnh"
out_has "Không"
out_lacks "quotas"
in_lang C hub report awards --as-of $DAY
expect 0
out_has "Award nominations allowed by target"
out_has "these are the quotas the rules allow by target, not awards earned"
out_has "100% on time"
out_has "Rule applied"
out_has "collectives: "
out_has "Steering committee"
out_has "  No  "
out_lacks "khen thưởng"
out_lacks "tập thể"

# --- funds and reconcile: titles, kinds and statuses; ids stay --------------
in_lang vi_VN.UTF-8 hub report funds --as-of $DAY
out_has "Nguồn lực huy động theo huyện"
in_lang C hub report funds --as-of $DAY
out_has "Resources mobilised by district"
in_lang vi_VN.UTF-8 hub report reconcile --as-of $DAY
out_has "Các mục cần xử lý (đối soát)"
out_has "R-1"
out_has "Gói dữ liệu bị từ chối"
out_has "chờ xử lý"
out_has "unknown_agent"
in_lang C hub report reconcile --as-of $DAY
out_has "Items to settle (reconciliation)"
out_has "1 open items, 0 resolved"
out_has "R-1"
out_has "Rejected change-set"
out_has "unknown_agent"
out_lacks "chờ xử lý"

# --- documents: the same bytes in every language, Vietnamese headers --------
for kind in progress awards funds reconcile; do
	for format in csv json html; do
		in_lang C hub report $kind --format $format --as-of $DAY
		expect 0
		cp "$OUT" "$T/doc.C"
		in_lang vi_VN.UTF-8 hub report $kind --format $format --as-of $DAY
		expect 0
		cmp -s "$OUT" "$T/doc.C" || fail "report $kind --format $format differs between LANG=C and vi_VN"
	done
done
in_lang C hub report progress --format csv --as-of $DAY
out_has "Mã,Đơn vị,Chỉ tiêu,Đăng ký,Đã xác nhận"
in_lang C hub report awards --format html --as-of $DAY
out_has "Số lượng được đề xuất khen thưởng theo chỉ tiêu"
in_lang C hub report reconcile --format json --as-of $DAY
out_has '"kind": "rejected_changeset"'

# --- the commands' messages --------------------------------------------------
in_lang vi_VN.UTF-8 hub report progress --as-of 2023-13-45
expect 2
err_has "--as-of '2023-13-45' không phải là ngày"
in_lang C hub report progress --as-of 2023-13-45
expect 2
err_has "--as-of '2023-13-45' is not a date"
in_lang vi_VN.UTF-8 hub reconcile resolve R-1 --note "đã kiểm tra" --keep loser
expect 1
err_has "--keep chỉ dùng cho mục sửa cùng lúc (C-...)"
in_lang vi_VN.UTF-8 hub reconcile resolve R-1 --note "đã kiểm tra" --by lan
expect 0
out_has "R-1 đã được lan xử lý"
in_lang C hub reconcile resolve R-1 --note "again" --by lan
expect 1
err_has "item 'R-1' is already resolved by 'lan'"
in_lang vi_VN.UTF-8 hub reconcile resolve R-1 --note "again" --by lan
err_has "mục 'R-1' đã được 'lan' xử lý"
in_lang C hub report reconcile --all --as-of $DAY
out_has "resolved (lan): đã kiểm tra"
in_lang vi_VN.UTF-8 hub report reconcile --all --as-of $DAY
out_has "đã xử lý (lan): đã kiểm tra"

# the password from a file, not a pipe: the command runs in this shell (RC)
printf 'short\n' >"$T/short"
printf 'mật khẩu dài\n' >"$T/long"
in_lang vi_VN.UTF-8 hub operator add lan --role admin <"$T/short"
expect 2
err_has "mật khẩu phải là văn bản UTF-8 dài từ 8 đến"
in_lang C hub operator add lan --role admin <"$T/short"
err_has "the password must be 8 to"
in_lang vi_VN.UTF-8 hub operator add lan --role admin <"$T/long"
expect 0
out_has "cán bộ 'lan' đã có thể đăng nhập Bảng theo dõi"
in_lang C hub operator add lan --role admin <"$T/long"
expect 2
err_has "operator 'lan' exists: to change its password run 'maiam-hub operator password lan'"

finish

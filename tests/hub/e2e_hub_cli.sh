# e2e_hub_cli.sh - the hub's command line as an operator meets it, through
# the real binaries: a laptop's households reach the hub on a USB bundle;
# 'household list' aligns Vietnamese names under a header and filters by
# commune, district and review status; 'household show' lists milestones and
# contributions (a voided one marked) with Vietnamese labels; the short ref
# read on the phone names a household (an ambiguous one lists the
# candidates); approve and reject take several households or a filter and
# confirm on a terminal (--yes without one), a filter leaving a withdrawn
# household out; 'report progress --by commune'
# writes codes ungrouped and the awards report says it shows quotas; 'init'
# needs a directory; 'report --help' exits 0. Under LANG=vi_VN.UTF-8 the
# household commands speak Vietnamese (the list's heads aligned, show's
# titles, an ambiguous ref, the batch question answered "c"), under LANG=C
# English.
# Usage: e2e_hub_cli.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "${BASH_SOURCE[0]}")/../sync/lib.sh"

C=31498 # Phường 5, Thành phố Sóc Trăng (district 941)
hub_new hub
hub hub agent add --commune "$C" --file "$T/enrol.maiam"
eq "agent add --file" "$RC" 0
ag a 0 init --commune "$C"
ag a 0 enroll --file "$T/enrol.maiam"
add() { # NAME CATEGORY: the new household's id, its ref in REF_<id>
	ag a 0 --json household add --name "$1" --hamlet "Khóm 3" --members 4 --category "$2"
	json 'j["id"] + " " + j["ref"]'
}
read -r H1 R1 < <(add "Nguyễn Văn Ân" poor)
read -r H2 R2 < <(add "Lý Văn Hùng" near_poor)
read -r H3 R3 < <(add "Thạch Thị Sa Rươl" poor)
read -r H4 R4 < <(add "Trần Thị Đào" policy_family)
read -r H5 R5 < <(add "Sơn Văn Phol" poor)
ag a 0 household withdraw "$H5" --reason "chuyển đi nơi khác"
ag a 0 milestone "$H1" surveyed --date 2023-06-05
ag a 0 --json contribution add --household "$H1" --source mps --money 40000000 --date 2023-06-12
ag a 0 --json contribution add --household "$H1" --source donor --money 5000000 --date 2023-06-13
CT=$(json 'j["id"]')
ag a 0 contribution void "$CT" --reason "ghi nhầm"
ag a 0 export --out "$T/a1.maiam"
hub hub import "$T/a1.maiam"
eq "import" "$RC" 0

# hubdo WANT ARGS...: maiam-hub on the hub directory, require exit WANT.
hubdo() {
	local want=$1; shift
	hub hub "$@"
	[ "$RC" = "$want" ] || { fail "maiam-hub $* exited $RC, want $want"; show; }
}
# on_tty ANSWER ARGS...: maiam-hub with a terminal as standard input, ANSWER typed on it.
on_tty() {
	local answer=$1; shift
	python3 - "$answer" "$HUB" "$@" --dir "$T/hub" >"$OUT" 2>"$ERR" <<'PY'
import os, subprocess, sys
master, slave = os.openpty()
p = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.close(slave)
os.write(master, sys.argv[1].encode() + b"\n")
out, err = p.communicate(timeout=120)
sys.stdout.write(out.decode()); sys.stderr.write(err.decode())
sys.exit(p.returncode)
PY
	RC=$?
}
# vi COMMAND...: COMMAND under a Vietnamese locale (generated here or not:
# the hub then asks gettext through LANGUAGE), whatever the caller's locale.
vi() { LC_ALL= LC_MESSAGES= LANGUAGE= LANG=vi_VN.UTF-8 "$@"; }
# english COMMAND...: COMMAND under LANG=C.
english() { LC_ALL= LC_MESSAGES= LANGUAGE= LANG=C "$@"; }
# aligned HEAD...: $OUT is a table under these column heads, each column
# starting where its head does, counted in display columns (a combining
# mark takes none), two blanks before it; the heads may hold blanks.
aligned() {
	python3 - "$OUT" "$@" <<'PY'
import sys, unicodedata
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head, heads = lines[0], sys.argv[2:]
def width(s):
    return sum(0 if unicodedata.combining(c) else 1 for c in s)
at, pos = [], 0
for h in heads:
    i = head.index(h, pos)
    assert i == 0 or head[i - 2:i] == "  ", (h, head)
    at.append(width(head[:i]))
    pos = i + len(h)
assert head[pos:] == "" and at[0] == 0, head
for col in at[1:]:
    for line in lines[1:]:
        chars = [c for c in line if not unicodedata.combining(c)]
        assert chars[col - 2:col] == [" ", " "] and chars[col] != " ", (col, line)
assert len(lines) == 6, lines
PY
}
# the change-sets the hub signed itself (its review decisions)
hub_changesets() { sql hub "select count(*) from hub_ledger l join hub_meta m on m.key = 'hub_key_id' where printf('%016x', l.origin) = m.value"; }

# -- household list: a header, columns aligned by display width, filters
hubdo 0 household list
out_has "Nguyễn Văn Ân"
out_has "Hộ cận nghèo"
out_has "Chờ xác nhận"
out_has "Chờ xác nhận (withdrawn)"
aligned ID REF COMMUNE NAME CATEGORY REVIEW || fail "household list is not aligned"
english hubdo 0 household list
aligned ID REF COMMUNE NAME CATEGORY REVIEW || fail "LANG=C: household list is not in English"
# in Vietnamese: the heads of the laptop's list, aligned by display width
vi hubdo 0 household list
aligned "MÃ ĐẦY ĐỦ" "MÃ" "XÃ" "CHỦ HỘ" "DIỆN HỘ" "XÁC NHẬN" ||
	{ fail "LANG=vi_VN.UTF-8: household list has not its Vietnamese heads, aligned"; show; }
out_has "Chờ xác nhận (đã rút)"
vi hubdo 0 household list --json --commune "$C"
eq "--json is the same in Vietnamese" "$(json "[h['category'] for h in j if h['id'] == '$H2'][0]")" near_poor
vi hubdo 0 household list --district 943
out_has "không có hộ nào trên máy chủ tỉnh khớp với điều kiện lọc"
vi hubdo 2 household list --commune 941
err_has "941 là Thành phố Sóc Trăng, không phải một xã: dùng --district 941"
eq "list --district 941" "$(hub_households hub --district 941)" 5
eq "list --district 943" "$(hub_households hub --district 943)" 0
eq "list --status proposed" "$(hub_households hub --status proposed)" 5
eq "list --status 'đã xác nhận'" "$(hub_households hub --status 'da xac nhan')" 0
hubdo 0 household list --district 943
out_has "no household at the hub matches"
hubdo 2 household list --commune 941
err_has "941 is Thành phố Sóc Trăng, not a commune: use --district 941"
hubdo 2 household list --district 31498
err_has "--district 31498 is not a district"
hubdo 2 household list --status done
err_has "is not a review status"
hubdo 0 household list --json --commune "$C"
eq "--json keeps codes" "$(json "[h['category'] for h in j if h['id'] == '$H2'][0]")" near_poor

# -- household show: by the ref read on the phone (any case, O for 0), with
# the household's milestones and contributions and their ids
LOWER=$(echo "$R1" | tr 'A-Z0' 'a-zo')
hubdo 0 household show "$LOWER"
out_has "$H1"
out_has "Hộ nghèo"
out_has "review_status  Chờ xác nhận"
out_has "milestones:"
out_has "Khảo sát"
out_has "Bộ Công an  40.000.000 đ"
out_has "$CT  13/06/2023  Nhà hảo tâm  5.000.000 đ  VOIDED: ghi nhầm"
# in Vietnamese: the titles of the laptop's forms, values in one column
vi hubdo 0 household show "$LOWER"
out_has "Mã đầy đủ         $H1"
out_has "Xác nhận của tỉnh Chờ xác nhận"
out_has "Diện hộ           Hộ nghèo"
out_has "Tiến độ:"
out_has "$CT  13/06/2023  Nhà hảo tâm  5.000.000 đ  ĐÃ HỦY: ghi nhầm"
grep -qE "review_status|milestones|VOIDED" "$OUT" && { fail "English in Vietnamese 'household show'"; show; }
vi hubdo 0 household show "$H2"
out_has "Tiến độ:          không có"
out_has "Đóng góp:         không có"
hubdo 0 household show "$R1" --json
eq "show --json keeps codes" "$(json 'j["category"]')" poor
eq "show --json members" "$(json 'j["members"]')" 4
eq "show --json milestones" "$(json '[m["stage"] for m in j["milestones"]]')" "['surveyed']"
eq "show --json contributions" "$(json '[(c["source"], c["money_vnd"], c["voided"]) for c in j["contributions"]]')" \
	"[('mps', 40000000, False), ('donor', 5000000, True)]"
eq "show --json void reason" "$(json 'j["contributions"][1]["void_reason"]')" "ghi nhầm"
hubdo 0 household show "$H2"
out_has "milestones:    none"
out_has "contributions: none"
hubdo 0 household show "$H2" --json
eq "show --json with no events" "$(json 'len(j["milestones"]) + len(j["contributions"])')" 0
hubdo 1 household show "ZZZZ-99"
err_has "no household 'ZZZZ-99' at the hub"
hubdo 2 household show "not-a-ref"
err_has "is neither a household id"

# -- an ambiguous ref: a household of another laptop whose ref is the same
python3 - "$T/hub/hub.db" "$R2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("insert into household(id_origin, id_serial, ref, name, commune) values (?, ?, ?, ?, ?)",
          (0x1234567890abcde, int(sys.argv[2].split("-")[1]), sys.argv[2], "Lâm Thị Hoa", 31501))
c.commit()
PY
hubdo 1 household show "$R2"
err_has "reference '$R2' names more than one household"
err_has "$R2  Lý Văn Hùng  commune $C  $H2"
err_has "$R2  Lâm Thị Hoa  commune 31501  01234567890abcde-${R2##*-}"
hubdo 1 household approve "$R2" --yes
err_has "names more than one household"
vi hubdo 1 household show "$R2"
err_has "mã '$R2' ứng với nhiều hộ; hãy nhập mã đầy đủ của hộ cần chọn:"
err_has "$R2  Lý Văn Hùng  xã $C  $H2"
err_has "$R2  Lâm Thị Hoa  xã 31501  01234567890abcde-${R2##*-}"
vi hubdo 2 household show "not-a-ref"
err_has "'not-a-ref' không phải mã đầy đủ của hộ"

# -- approve several: shown, then confirmed (--yes without a terminal)
BEFORE=$(hub_changesets)
hubdo 2 household approve "$H1" "$R3"
err_has "there is no terminal to confirm on; add --yes"
out_has "approve 2 households (review: Đã xác nhận):"
out_has "$R3  Thạch Thị Sa Rươl  commune $C  $H3"
eq "nothing decided without --yes" "$(hub_households hub --status approved)" 0
hubdo 0 household approve "$H1" "$R3" --yes
out_has "review approved (Đã xác nhận)"
eq "two approved" "$(hub_households hub --status approved)" 2
eq "one hub change-set per decision" "$(hub_changesets)" $((BEFORE + 2))
hubdo 2 household approve "$H1" --commune "$C"
err_has "takes household ids or a filter, not both"
hubdo 2 household approve
err_has "or a filter such as --commune CODE --status proposed"

# a filter on a terminal: a "no" decides nothing, a "y" decides them all
english on_tty n household reject --commune "$C" --status proposed --reason "Đã có nhà kiên cố"
eq "answered no" "$RC" 1
grep -qF "reject these 2 households? [y/N]" "$ERR" || { fail "no question asked"; show; }
grep -qF "nothing decided" "$ERR" || { fail "no 'nothing decided'"; show; }
eq "still proposed" "$(hub_households hub --status proposed --commune "$C")" 3
on_tty y household reject --commune "$C" --status proposed --reason "Đã có nhà kiên cố"
eq "answered yes" "$RC" 0
eq "rejected after yes" "$(hub_households hub --status rejected)" 2
eq "four decisions, four change-sets" "$(hub_changesets)" $((BEFORE + 4))
# the withdrawn household is left to the commune's word
hubdo 0 household approve --commune "$C" --status proposed --yes
out_has "no household matches: nothing to approve"
# one typed household is decided as before, without a question
hubdo 0 household approve "$R4"
eq "$R4 approved" "$(hub_households hub --status approved)" 3

# -- reconcile takes the ref in a household's item
ag a 0 milestone "$H4" handed_over --date 2023-08-20 --force "nhà đã xây trước chiến dịch"
ag a 0 export --out "$T/a2.maiam"
hubdo 0 import "$T/a2.maiam"
hubdo 0 report reconcile --json
eq "out-of-order item" "$(json "[i['id'] for i in j['items'] if i['kind'] == 'out_of_order'][0]")" "O-$H4"
hubdo 0 reconcile resolve "O-$R4" --note "đã kiểm tra" --by "cán bộ"
out_has "O-$H4 resolved"

# -- reports: commune codes never grouped; the review apart from the stage; awards are quotas
LANGUAGE=vi hubdo 0 report progress --by commune # the table follows the locale
out_has "31498  Phường 5"
grep -qF "31.498" "$OUT" && fail "progress --by commune groups commune codes"
out_has "Đã xác nhận"
hubdo 0 report progress --by commune --format csv
grep -qF "31.498" "$OUT" && fail "CSV groups commune codes"
LANGUAGE=vi hubdo 0 report awards
out_has "Số lượng được đề xuất khen thưởng theo chỉ tiêu"
out_has "không phải số khen thưởng đã đạt"

# -- in Vietnamese, the batch question says that c (có) is a yes, and takes it
vi hubdo 2 household reject --commune "$C" --status approved
out_has 'Sẽ ghi "Không xác nhận" cho 3 hộ sau:'
out_has "$R3  Thạch Thị Sa Rươl  xã $C  $H3"
err_has "household reject cho 3 hộ: không có màn hình dòng lệnh để hỏi xác nhận; thêm --yes"
vi on_tty "không" household reject --commune "$C" --status approved
eq "answered không" "$RC" 1
grep -qF 'Ghi "Không xác nhận" cho 3 hộ này? Gõ c (có) hoặc y để đồng ý' "$ERR" ||
	{ fail "no Vietnamese question"; show; }
grep -qF "chưa quyết định hộ nào" "$ERR" || { fail "no 'chưa quyết định hộ nào'"; show; }
eq "still approved" "$(hub_households hub --status approved)" 3
vi on_tty c household reject --commune "$C" --status approved --reason "Đã có nhà kiên cố"
eq "answered c" "$RC" 0
out_has "$H3: đã ghi \"Không xác nhận\" (rejected); máy tính của xã $C nhận được ở lần đồng bộ tới"
eq "rejected after c" "$(hub_households hub --status rejected)" 4
vi on_tty " Có " household approve "$R1" "$R4"
eq "answered Có" "$RC" 0
eq "approved after Có" "$(hub_households hub --status approved)" 2

# -- report --help, init without a directory
hubdo 0 report --help
out_has "usage: maiam-hub report progress|awards|funds|reconcile"
hubdo 0 household --help
mkdir "$T/cwd"
(cd "$T/cwd" && timeout "$CMD_TIMEOUT" "$HUB" init >"$OUT" 2>"$ERR"); RC=$?
eq "init without --dir" "$RC" 2
err_has "init needs the hub directory: give --dir DIR (or set MAIAM_HUB_DIR)"
[ -z "$(ls -A "$T/cwd")" ] || fail "init without --dir wrote into the working folder: $(ls "$T/cwd")"
(cd "$T/cwd" && MAIAM_HUB_DIR="$T/envhub" timeout "$CMD_TIMEOUT" "$HUB" init >"$OUT" 2>"$ERR"); RC=$?
eq "init with MAIAM_HUB_DIR" "$RC" 0
[ -f "$T/envhub/hub.key" ] || fail "init with MAIAM_HUB_DIR made no key there"

finish

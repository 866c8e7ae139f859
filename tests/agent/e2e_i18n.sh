# e2e_i18n.sh - Vietnamese messages when the locale is Vietnamese, English
# otherwise. Works without a generated vi_VN locale (see agent/i18n.c).
. "$(dirname "$0")/lib.sh"

expect 2 init
err_has "option '--commune' is required"
LANGUAGE=vi expect 2 init
err_has "tùy chọn '--commune' là bắt buộc"
env -u LC_ALL LANG=vi_VN.UTF-8 "$AGENT" init >"$OUT" 2>"$ERR"; RC=$?
[ "$RC" = 2 ] || fail "LANG=vi_VN.UTF-8 init exited $RC"
err_has "tùy chọn '--commune' là bắt buộc"
env LC_ALL=vi_VN.UTF-8 "$AGENT" --help >"$OUT" 2>"$ERR" || fail "vi --help"
out_has "Ghi nhận hộ gia đình"
LANGUAGE=vi expect 2 init --commune 31498 --bogus
err_has "không có tùy chọn '--bogus'"
# no campaign file where it is looked for: all of it in Vietnamese
LANGUAGE=vi expect 1 init --commune 31498 --campaign "$T/none.campaign"
err_has "không đọc được tệp đợt thi đua '$T/none.campaign'"
err_has "hãy cho tệp bằng --campaign TỆP, hoặc đặt MAIAM_DATA_DIR là thư mục chứa campaigns/"
! grep -qF -e "unable to read file" -e "check the path" "$ERR" || { fail "English inside the Vietnamese message"; show; }
# what is wrong inside a campaign file: proto's catalogue, in Vietnamese too
printf 'format = 1\nid = x\n[targets]\n943 = -5\n' >"$T/bad.campaign"
LANGUAGE=vi expect 1 init --commune 31498 --campaign "$T/bad.campaign"
err_has "bad.campaign:4: chỉ tiêu '-5' là số âm; hãy ghi 0 hoặc lớn hơn"
! grep -qF "is negative" "$ERR" || { fail "English inside the Vietnamese message"; show; }
expect 1 init --commune 31498 --campaign "$T/bad.campaign"
err_has "bad.campaign:4: target '-5' is negative; write 0 or more"
init_store
LANGUAGE=vi expect 2 household add --name --hamlet B
err_has "không phải tùy chọn '--hamlet'"; err_has "'--name=--hamlet'"
LANGUAGE=vi expect 2 household add --name A --hamlet B --members 0 --category poor
err_has "--members"; err_has "số người"
LANGUAGE=vi expect 0 status
out_has "Xã/phường"
LANG=en_US.UTF-8 expect 0 status
out_has "Commune:"

# Values: a label is typed with or without diacritics and in any case, the
# code is what is recorded and what --json says.
LANGUAGE=vi expect 0 household add --name "Lâm Thị Hoa" --hamlet "Ấp 3" --members 4 \
	--category "hộ nghèo" --land-status "dat cong" --support-kind "XÂY MỚI" --json
REF=$(json ref)
expect 0 household show "$REF" --json
[ "$(json category)" = poor ] || fail "category 'hộ nghèo' recorded as '$(json category)'"
[ "$(json land_status)" = public_land ] || fail "land status 'dat cong' recorded as '$(json land_status)'"
[ "$(json support_kind)" = new_build ] || fail "support kind 'XÂY MỚI' recorded as '$(json support_kind)'"
expect 0 household add --name "Trần Văn Bé" --hamlet "Ấp 3" --members 2 --category "ho can ngheo" --json
expect 0 household edit "$(json ref)" --category Near-poor
LANGUAGE=vi expect 2 household add --name X --hamlet Y --members 2 --category giàu
err_has "--category"; err_has "'giàu'"; err_has "Hộ nghèo, Hộ cận nghèo"
expect 2 household add --name X --hamlet Y --members 2 --category rich
err_has "poor, near_poor"
# stages by label (diacritics optional), dates typed dd/mm/yyyy or ISO
LANGUAGE=vi expect 0 milestone "$REF" "khảo sát" --date 05/06/2023
out_has "'Khảo sát' ngày 05/06/2023"
expect 0 milestone "$REF" "duoc duyet ho tro" --date 2023-06-07 --json
[ "$(json stage)" = approved ] && [ "$(json date)" = 2023-06-07 ] || fail "stage by label: $(cat "$OUT")"
expect 0 milestone "$REF" "KHOI CONG" --date 9/6/2023 --json
[ "$(json stage)" = started ] && [ "$(json date)" = 2023-06-09 ] || fail "9/6/2023: $(cat "$OUT")"
expect 2 milestone "$REF" "khoi" --date 2023-06-10
err_has "stage 'khoi'"
expect 2 milestone "$REF" foundation --date 31/06/2023
err_has "--date"; err_has "calendar"
LANGUAGE=vi expect 1 milestone "$REF" "xong mai" --date 10/06/2023
err_has "'Xong mái' phải sau 'Xong tường'"
# money typed with dots, shown grouped
LANGUAGE=vi expect 0 contribution add --household "$REF" --source "bộ công an" --money 25.000.000 --date 20/06/2023
expect 0 contribution add --household "$REF" --source "Nha hao tam" --money 1500000 --donor "Chị Tư" --date 2023-06-21
expect 2 contribution add --household "$REF" --source mps --money 25.000.00 --date 2023-06-21
err_has "--money"; err_has "25.000.000"
expect 0 household show "$REF" --json
python3 - "$OUT" <<'PY' || fail "household show --json does not keep codes, ISO dates and plain amounts"
import json, sys
h = json.load(open(sys.argv[1]))
assert [m["stage"] for m in h["milestones"]] == ["surveyed", "approved", "started"], h
assert h["milestones"][0]["date"] == "2023-06-05", h
c = sorted(h["contributions"], key=lambda c: c["date"])
assert [x["source"] for x in c] == ["mps", "donor"] and c[0]["money_vnd"] == 25000000, c
assert c[0]["date"] == "2023-06-20", c
PY
# shown: labels, dd/mm/yyyy and grouped amounts in Vietnamese ...
LANGUAGE=vi expect 0 household show "$REF"
out_has "Hộ nghèo"; out_has "Đất công"; out_has "Xây mới"; out_has "Chờ xác nhận"
out_has "05/06/2023  Khảo sát"; out_has "Được duyệt hỗ trợ"
out_has "20/06/2023  Bộ Công an"; out_has "25.000.000 đ"; out_has "1.500.000 đ"; out_has "Nhà hảo tâm"
out_lacks "2023-06"; out_lacks "mps"; out_lacks "VND"
# field names in the hub's words, lined up by the columns a terminal shows
out_has "Diện hộ:            Hộ nghèo"; out_has "Xác nhận của tỉnh:  Chờ xác nhận"
out_lacks "category:"; out_lacks "review_status:"; out_lacks "national_id:"
LANGUAGE=vi expect 0 household list
out_has "Hộ nghèo"; out_has "Hộ cận nghèo"; out_has "Khởi công"; out_lacks "near_poor"
# ... codes, ISO dates and the English unit under LANG=C
expect 0 household show "$REF"
out_has "category:      poor"; out_has "2023-06-05  surveyed"; out_has "25,000,000 VND"
out_lacks "Hộ nghèo"; out_lacks "05/06/2023"
expect 0 household list
out_has "near_poor"; out_has "started"
# a spreadsheet's value lists in Vietnamese words, as a commune types them
printf 'name,hamlet,members,category,land_status,support_kind\n' >"$T/vi.csv"
printf 'Đặng Văn Út,Ấp 3,3,Hộ khó khăn về nhà ở,Chưa có giấy chứng nhận,Sửa chữa\n' >>"$T/vi.csv"
printf 'Lý Thị Sáu,Ấp 3,2,gia dinh chinh sach,dat thue muon,xay moi\n' >>"$T/vi.csv"
expect 0 household import "$T/vi.csv"
expect 0 household find "dang van ut" --json
python3 - "$OUT" <<'PY' || fail "imported labels not recorded as codes: $(cat "$OUT")"
import json, sys
h = json.load(open(sys.argv[1]))[0]
assert (h["category"], h["land_status"], h["support_kind"]) == ("housing_hardship", "uncertified", "repair"), h
PY
expect 0 household find "ly thi sau" --json
python3 - "$OUT" <<'PY' || fail "labels without diacritics not read: $(cat "$OUT")"
import json, sys
h = json.load(open(sys.argv[1]))[0]
assert (h["category"], h["land_status"], h["support_kind"]) == ("policy_family", "rented", "new_build"), h
PY
# times in Vietnam time, one date style per output; --json keeps UTC
expect 0 export --out "$T/usb.maiam"
LANGUAGE=vi expect 0 status
grep -qE "^Xuất gần nhất: +[0-3][0-9]/[01][0-9]/20[0-9]{2} [0-2][0-9]:[0-5][0-9] /" "$OUT" ||
	{ fail "status does not show the last export as dd/mm/yyyy hh:mm"; show; }
out_has "(01/06/2023 đến 02/09/2023)"
expect 0 status
grep -qE "^Last export: +20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9] /" "$OUT" ||
	{ fail "status does not show the last export as yyyy-mm-dd hh:mm"; show; }
expect 0 status --json
json last_export | grep -qE "^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9:]{8}Z " || fail "status --json last_export is not UTC ISO"
finish

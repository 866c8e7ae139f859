# e2e_import_excel.sh - household import of what Excel writes on a
# Vietnamese Windows machine: ';' (or tab) separators, a BOM, CRLF,
# Vietnamese column names and an STT column; a CCCD or phone whose leading 0
# Excel dropped is refused with the value shown; bad rows go to
# FILE-loi.csv (BOM, the same separator, a reason column in the user's
# language) that imports as it is once corrected; importing again never
# makes a household twice.
. "$(dirname "$0")/lib.sh"
need python3
init_store

# csv_cells FILE: the rows of a CSV (BOM dropped, separator detected) as JSON lines.
csv_cells() {
	python3 - "$1" <<'PY'
import csv, json, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
text = raw[3:].decode("utf-8")
assert "\r\n" in text, "not CRLF"
sep = ";" if text.split("\r\n")[0].count(";") else ("\t" if "\t" in text.split("\r\n")[0] else ",")
for row in csv.reader(text.splitlines(), delimiter=sep):
    print(json.dumps(row, ensure_ascii=False))
PY
}

# Excel on Vietnamese Windows: list separator ';', headers as the commune types them.
printf '\357\273\277STT;Họ tên;Số CCCD;Ấp;Số nhân khẩu;Diện hộ;Số điện thoại;Ghi chú\r\n' >"$T/ds.csv"
printf '1;Nguyễn Văn Ân;094123456789;Ấp Hòa Mỹ;4;poor;0912345678;"có 2 con; mẹ già"\r\n' >>"$T/ds.csv"
printf '2;Trần Thị Út;94123456780;Ấp 2;3;near_poor;;\r\n' >>"$T/ds.csv"       # line 3: the 0 Excel dropped
printf '3;Lê Văn Bình;;Ấp 3;0;poor;;\r\n' >>"$T/ds.csv"                       # line 4: members 0
printf '4;Võ Thị Cúc;9,41235E+11;Ấp 3;2;poor;;\r\n' >>"$T/ds.csv"             # line 5: scientific notation
printf '5;Phạm Văn Dũng;;Ấp 3;2;poor;912345678;\r\n' >>"$T/ds.csv"            # line 6: phone without its 0
printf '6;Huỳnh Văn Em;;Ấp 1;5;other;;\r\n' >>"$T/ds.csv"

expect 1 household import "$T/ds.csv"
err_has "ds.csv:3: column 'Số CCCD': '94123456780' has 11 digits, a CCCD has 12: Excel dropped its leading 0"
err_has "ds.csv:4: column 'Số nhân khẩu': '0'"
err_has "ds.csv:5: column 'Số CCCD': '9,41235E+11' is a number Excel wrote in scientific notation"
err_has "ds.csv:6: column 'Số điện thoại': '912345678' has 9 digits"
err_has "4 bad rows, nothing imported"
err_has "the 4 bad rows are in '$T/ds-loi.csv'"
grep -q "0$(printf 94123456780)" "$ERR" && fail "the CCCD was padded with a 0 nobody typed"
expect 0 status --json
[ "$(json households)" = 0 ] || fail "households imported despite bad rows"

# The errors file: BOM, CRLF, ';' as the input, header plus the reason column,
# each bad row as it was (quoted where it holds a ';') with its reason.
csv_cells "$T/ds-loi.csv" >"$T/loi.json" || fail "ds-loi.csv is not a CSV with BOM and CRLF"
python3 - "$T/loi.json" <<'PY' || fail "ds-loi.csv: $(cat "$T/loi.json")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert rows[0] == ["STT", "Họ tên", "Số CCCD", "Ấp", "Số nhân khẩu", "Diện hộ", "Số điện thoại", "Ghi chú", "Reason"], rows[0]
assert [r[0] for r in rows[1:]] == ["2", "3", "4", "5"], rows
assert rows[1][:8] == ["2", "Trần Thị Út", "94123456780", "Ấp 2", "3", "near_poor", "", ""], rows[1]
assert "11 digits" in rows[1][8] and "Excel dropped" in rows[1][8], rows[1]
assert all(len(r) == 9 for r in rows), rows
PY
grep -q ';"có 2 con; mẹ già"' "$T/ds-loi.csv" && fail "a good row went to the errors file"

# In Vietnamese: the reason column is 'Lý do', the reasons are Vietnamese.
LANGUAGE=vi expect 1 household import "$T/ds.csv"
err_has "ds.csv:3: cột 'Số CCCD': '94123456780' có 11 chữ số"
csv_cells "$T/ds-loi.csv" >"$T/loi.json" || fail "ds-loi.csv (vi)"
python3 - "$T/loi.json" <<'PY' || fail "ds-loi.csv in Vietnamese: $(cat "$T/loi.json")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert rows[0][-1] == "Lý do", rows[0]
assert "11 chữ số" in rows[1][-1], rows[1]
PY

# --skip-bad imports the 2 good rows; the errors file keeps the 4 others.
expect 0 --json household import "$T/ds.csv" --skip-bad
[ "$(json imported)" = 2 ] && [ "$(json bad)" = 4 ] || fail "skip-bad: $(cat "$OUT")"
[ "$(json errors_file)" = "$T/ds-loi.csv" ] || fail "errors_file: $(json errors_file)"
expect 0 household find nguyen van an
out_has "094123456789"

# Correcting the errors file and importing it as it is: the 'Reason' column
# and STT are ignored, the corrected rows are imported.
python3 - "$T/ds-loi.csv" <<'PY'
import sys
p = sys.argv[1]
t = open(p, encoding="utf-8-sig").read()
t = t.replace(";94123456780;", ";094123456780;").replace(";Ấp 3;0;", ";Ấp 3;1;")
t = t.replace(";9,41235E+11;", ";094123456781;").replace(";912345678;", ";0912345678;")
open(p, "w", encoding="utf-8-sig", newline="").write(t)
PY
expect 0 household import "$T/ds-loi.csv"
out_has "Imported 4 households (0 bad rows skipped)"
expect 0 status --json
[ "$(json households)" = 6 ] || fail "$(json households) households after the corrected errors file, want 6"

# The whole original file again, say once corrected: nothing is made twice,
# the rows imported before are counted.
sed -i 's/;94123456780;/;094123456780;/; s/;Ấp 3;0;/;Ấp 3;1;/; s/;9,41235E+11;/;094123456781;/; s/;912345678;/;0912345678;/' "$T/ds.csv"
expect 0 household import "$T/ds.csv" --skip-bad
out_has "Imported 0 households (0 bad rows skipped)"
out_has "6 rows were imported before"
LANGUAGE=vi expect 0 household import "$T/ds.csv"
out_has "6 dòng đã được nhập trước đây"
expect 0 status --json
[ "$(json households)" = 6 ] || fail "importing again made $(json households) households, want 6"

# A new row in the same file is imported, the others recognised.
printf '7;Đỗ Văn Phúc;;Ấp 4;2;poor;;\r\n' >>"$T/ds.csv"
expect 0 --json household import "$T/ds.csv"
[ "$(json imported)" = 1 ] && [ "$(json already_imported)" = 6 ] || fail "one new row: $(cat "$OUT")"
[ "$(json errors_file)" = None ] || fail "an errors file without bad rows"

# Tab separated (Excel's "Text" files) and other spellings of the names.
printf 'stt\tHỌ VÀ TÊN\tSố CMND/CCCD\tKhóm\tNhân khẩu\tDiện\r\n1\tLý Thị Gấm\t094123456782\tKhóm 5\t2\tpoor\r\n' >"$T/tab.csv"
expect 0 --json household import "$T/tab.csv"
[ "$(json imported)" = 1 ] || fail "tab-separated: $(cat "$OUT")"
expect 0 household find ly thi gam
out_has "Khóm 5"

# A CCCD with its 0 in a ';' file with no BOM and LF line ends is fine too.
printf 'Ho ten;So CCCD;Ap;So nhan khau;Dien ho\n"Mai Văn Hải";094123456783;Ấp 9;3;poor\n' >"$T/plain.csv"
expect 0 household import "$T/plain.csv"
out_has "Imported 1 households"

# Rows numbered in advance with nothing else are empty rows; a sheet's empty
# trailing columns are nameless and ignored, but a value under one is refused.
printf 'STT;Họ tên;Ấp;Số nhân khẩu;Diện hộ;;\r\n1;Kim Văn Hòa;Ấp 7;2;poor;;\r\n2;;;;;;\r\n3;;;;;;\r\n4;Kim Thị Lan;Ấp 7;2;poor;;x\r\n' >"$T/stt.csv"
expect 1 household import "$T/stt.csv"
err_has "stt.csv:5: column 7 has a value but no name in the header row"
grep -q "stt.csv:[34]:" "$ERR" && fail "rows with only their STT reported as bad"
expect 0 household import "$T/stt.csv" --skip-bad
out_has "Imported 1 households (1 bad rows skipped)"

# The errors file cannot be written (a folder holds its name): said, with
# the cause; the bad rows were listed on stderr all the same.
mkdir "$T/blocked-loi.csv"
printf 'Họ tên;Ấp;Số nhân khẩu;Diện hộ\r\nA;B;0;poor\r\n' >"$T/blocked.csv"
expect 1 household import "$T/blocked.csv"
err_has "blocked.csv:2: column 'Số nhân khẩu'"
err_has "cannot write the bad rows to '$T/blocked-loi.csv': Is a directory; they are listed above"
ls "$T"/blocked-loi.csv.tmp.* >/dev/null 2>&1 && fail "a temporary errors file was left behind"

# Excel's "Unicode Text" is UTF-16: said so, with the way to save it.
printf '\377\376S\000T\000T\000' >"$T/utf16.txt"
expect 1 household import "$T/utf16.txt"
err_one_line
err_has "is UTF-16 text (Excel's \"Unicode Text\")"

# A Vietnamese column twice (by its two names) is one column twice.
printf 'Họ tên;Ấp;Số nhân khẩu;Diện hộ;Chủ hộ\r\n' >"$T/twice.csv"
expect 2 household import "$T/twice.csv"
err_has "column 'Chủ hộ' appears twice"
printf 'Họ tên;Ấp;Số nhân khẩu\r\n' >"$T/nocat.csv"
LANGUAGE=vi expect 2 household import "$T/nocat.csv"
err_has "'category' (Diện hộ)"
finish

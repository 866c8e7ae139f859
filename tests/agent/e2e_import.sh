# e2e_import.sh - CSV import as Excel saves it: BOM, CRLF, Vietnamese names,
# quoted commas, quotes and line breaks; bad rows reported by line number,
# nothing imported unless --skip-bad; --dry-run imports nothing.
. "$(dirname "$0")/lib.sh"
need python3
init_store

printf '\357\273\277Name,National ID,hamlet,members,category,address,phone\r\n' >"$T/list.csv"
printf '"Nguyễn Văn Ân",094123456789,Ấp Hòa Mỹ,4,poor,"Số 12, đường 30/4",0912345678\r\n' >>"$T/list.csv"
printf '"Trần Thị ""Út"" Đào",,"Ấp\n2",3,near-poor,,\r\n' >>"$T/list.csv"
printf 'Lê Văn Bình,094123456789,Ấp 3,2,poor,,\r\n' >>"$T/list.csv"          # line 5: same CCCD as line 2
printf 'Võ Thị Cúc,,Ấp 3,0,poor,,\r\n' >>"$T/list.csv"                       # line 6: members 0
printf 'Phạm Văn Dũng,,Ấp 3,2,rich,,\r\n' >>"$T/list.csv"                    # line 7: category
printf 'Huỳnh Văn Em,,Ấp 3,2\r\n' >>"$T/list.csv"                             # line 8: short row
printf ',,,,,,\r\n' >>"$T/list.csv"                                          # empty: skipped

expect 1 household import "$T/list.csv"
err_has "list.csv:5: column 'National ID'"; err_has "line 2"   # the column as the file names it
err_has "list.csv:6: column 'members'"
err_has "list.csv:7: column 'category'"
err_has "list.csv:8: has 4 columns"
err_has "4 bad rows, nothing imported"
expect 0 status --json
[ "$(json households)" = 0 ] || fail "households imported despite bad rows"
[ "$(json pending_records)" = 0 ] || fail "outbox written despite bad rows"

expect 1 household import "$T/list.csv" --dry-run
expect 0 household import "$T/list.csv" --dry-run --skip-bad
out_has "2 households would be imported"
expect 0 status --json
[ "$(json households)" = 0 ] || fail "dry run imported"

expect 0 --json household import "$T/list.csv" --skip-bad
json_ok
[ "$(json imported)" = 2 ] || fail "imported $(json imported), want 2"
[ "$(json bad)" = 4 ] || fail "bad $(json bad), want 4"
expect 0 household find nguyen van an
out_has "094123456789"
expect 0 household find "tran thi \"ut\" dao"
out_has "Trần Thị \"Út\" Đào"
expect 0 --json household find 0941234
json_ok
python3 - "$OUT" <<'PY' || fail "imported fields are wrong"
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 1, rows
r = rows[0]
assert r["address"] == "Số 12, đường 30/4", r
assert r["members"] == 4 and r["category"] == "poor" and r["commune"] == 31498, r
assert r["phone"] == "0912345678", r
PY
expect 0 household list
out_has "near_poor"; out_has "Ấp 2"   # the line break in the cell became a space

# importing the same file again: the two rows imported are recognised (the
# national id and name of line 2, the name and hamlet of line 3), not made twice
expect 0 --json household import "$T/list.csv" --skip-bad
[ "$(json imported)" = 0 ] && [ "$(json already_imported)" = 2 ] || fail "re-import: $(cat "$OUT")"
err_has "list.csv:5: column 'National ID': '094123456789': it is already the national id of household"
expect 0 household import "$T/list.csv" --skip-bad
out_has "Imported 0 households (4 bad rows skipped)"
out_has "2 rows were imported before"
expect 0 status --json
[ "$(json households)" = 2 ] || fail "re-import made $(json households) households, want 2"

# file-level problems
printf 'name,hamlet,members\r\nA,B,1\r\n' >"$T/nocat.csv"
expect 2 household import "$T/nocat.csv"
err_has "the required column 'category' (Diện hộ) is missing"
printf 'name,hamlet,members,category,colour\r\n' >"$T/extra.csv"
expect 2 household import "$T/extra.csv"
err_has "unknown column 'colour'"
printf 'name,hamlet,members,category\r\n"A,B,1,poor\r\n' >"$T/open.csv"
expect 1 household import "$T/open.csv" --skip-bad
err_has "open.csv:2:"; err_has "never closed"
printf 'name,hamlet,members,category\r\nNguy\xe1n,B,1,poor\r\n' >"$T/latin.csv"
expect 1 household import "$T/latin.csv"
err_has "latin.csv:2: column 'name'"; err_has "UTF-8"
: >"$T/empty.csv"
expect 2 household import "$T/empty.csv"
err_has "header"
expect 1 household import "$T/missing.csv"
err_has "missing.csv"
expect 2 household import
# Households whose texts are at their rulebook maxima are sealed into several
# change-sets (at most 4 MiB of text each), so the hub never refuses one for
# its text (HUB_MAX_DECODED_TEXT): 1,800 x ~2.6 KB is ~4.5 MiB, two change-sets.
python3 - "$T/long.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("name,hamlet,members,category,address,note\n")
    for i in range(1800):
        f.write("Hộ %d,Ấp 1,3,poor,%s,%s\n" % (i, "đ" * 250, "n" * 2000))
PY
expect 0 household import "$T/long.csv"
expect 0 export --out "$T/long.maiam"
expect 0 status --json
[ "$(json sealed_unacked)" = 2 ] || fail "1,800 long households sealed in $(json sealed_unacked) change-sets, want 2"
expect 0 check --json
[ "$(json ok)" = True ] || fail "check after imports"
finish

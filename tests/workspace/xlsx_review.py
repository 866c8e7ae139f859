"""xlsx_review.py - the review column of a household list downloaded from the
dashboard, against 'maiam-hub household list --json' of the same scope: a
household the province approved says "Đã xác nhận", one it did not says
something else; and the list holds no household of another district
(xlsx_check.py checks the rest: sheet, headers, number cells, the rows).

Usage: python3 xlsx_review.py FILE.xlsx FILE.json NAME-NOT-SHOWN...
Exit 0 when every check passes, else 1 with one line per failure."""
import json
import sys

import openpyxl

HEADER_ROW = 5  # title, note, day, a blank row, then the header


def main():
    path, json_path, *absent = sys.argv[1:]
    with open(json_path, encoding="utf-8") as f:
        households = {h["id"]: h for h in json.load(f)}
    ws = openpyxl.load_workbook(path)["Danh sách hộ"]
    head = [c.value for c in ws[HEADER_ROW]]
    failures = []
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if row[0] is None:
            continue
        line = dict(zip(head, row))
        h = households.get(line["Mã đầy đủ"])
        if h is None:
            failures.append("%s: not in the JSON list" % line["Mã đầy đủ"])
            continue
        approved = h.get("review_status") == "approved"
        if (line["Xác nhận của tỉnh"] == "Đã xác nhận") != approved:
            failures.append("%s (%s): review %r, JSON says %r" % (
                h["id"], line["Chủ hộ"], line["Xác nhận của tỉnh"], h.get("review_status")))
        if line["Chủ hộ"] in absent:
            failures.append("%s: another district's household in the list" % line["Chủ hộ"])
    for f in failures:
        print("%s: %s" % (path, f))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

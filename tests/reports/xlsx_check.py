"""xlsx_check.py - open a workbook of maiam-hub with a real reader (openpyxl)
and check it against the same report as JSON: the sheet's name, the title
rows, the frozen header, the headers, column widths, and each row: numbers
are numbers with the grouping format, dates are dates, values as the JSON.

Usage: python3 xlsx_check.py KIND FILE.xlsx FILE.json [AS-OF]
KIND: progress, communes (progress --by commune), awards, funds, reconcile,
households (the JSON of 'maiam-hub household list --json', which has no
day: AS-OF, YYYY-MM-DD, is the day the workbook must say).
Exit 0 when every check passes, else 1 with one line per failure."""
import datetime
import json
import sys

import openpyxl
from openpyxl.utils import get_column_letter

SHEETS = {"progress": "Tiến độ", "communes": "Tiến độ theo xã", "awards": "Khen thưởng",
          "funds": "Nguồn lực", "reconcile": "Đối soát", "households": "Danh sách hộ"}
PROGRESS = ["Mã", "Đơn vị", "Chỉ tiêu", "Đăng ký", "Đã xác nhận", "Khởi công", "Hoàn thành",
            "Bàn giao", "Tỷ lệ", "Đúng tiến độ"]
HEADS = {
    "progress": PROGRESS, "communes": PROGRESS,
    "awards": ["Mã", "Đơn vị", "Chỉ tiêu", "Bàn giao đúng hạn", "Đạt 100% đúng hạn", "Tập thể",
               "Cá nhân", "Quy tắc áp dụng"],
    "funds": ["Mã", "Đơn vị", "Nguồn", "Số lượt", "Tiền", "Ngày công", "Vật tư (lượt)",
              "Giá trị vật tư"],
    "reconcile": ["Mã mục", "Loại", "Đối tượng", "Chi tiết", "Trạng thái"],
    "households": ["Mã đầy đủ", "Mã", "Chủ hộ", "Số CCCD", "Mã xã", "Xã", "Huyện", "Ấp", "Địa chỉ",
                   "Số nhân khẩu", "Diện hộ", "Tình trạng đất", "Hiện trạng nhà", "Điện thoại",
                   "Ghi chú", "Hình thức hỗ trợ", "Xác nhận của tỉnh", "Lý do của tỉnh",
                   "Lý do rút", "Giai đoạn đã đạt", "Ngày đạt", "Tiền", "Ngày công",
                   "Giá trị vật tư"],
}
# the number format of each kind of column (docs/REPORTS.md, "Excel")
COUNT, CODE, MONEY, PCT, DATE = "#,##0", "0", '#,##0 "đ"', "0.0%", "dd/mm/yyyy"
FIRST = 6  # the first data row (1-based): title, note, day, a blank row, the header

failures = []


def fail(msg):
    failures.append(msg)


def number(cell, fmt, want, what):
    """cell holds the integer want as a number cell in format fmt."""
    if want is None:
        if cell.value is not None:
            fail("%s: %r, want an empty cell" % (what, cell.value))
        return
    if not isinstance(cell.value, (int, float)) or isinstance(cell.value, bool):
        fail("%s: %r is not a number cell" % (what, cell.value))
    elif cell.value != want:
        fail("%s: %r, want %r" % (what, cell.value, want))
    if cell.number_format != fmt:
        fail("%s: number format %r, want %r" % (what, cell.number_format, fmt))


def text(cell, want, what):
    got = cell.value if cell.value is not None else ""
    if got != (want if want is not None else ""):
        fail("%s: %r, want %r" % (what, got, want))


def yes_no(cell, want, what):
    text(cell, None if want is None else ("Có" if want else "Không"), what)


def percent(cell, want, what):
    if want is None:
        text(cell, None, what)
        return
    if not isinstance(cell.value, (int, float)) or abs(cell.value * 100 - want) > 0.051:
        fail("%s: %r, want %r%%" % (what, cell.value, want))
    if cell.number_format != PCT:
        fail("%s: number format %r, want %r" % (what, cell.number_format, PCT))


def frame(ws, kind, as_of):
    """The rows above the data, the frozen header and the widths."""
    if not isinstance(ws["A1"].value, str) or " — " not in ws["A1"].value:
        fail("A1 is not 'campaign — title': %r" % ws["A1"].value)
    text(ws["A3"], "Số liệu tính đến ngày", "A3")
    day = ws["B3"].value
    if not isinstance(day, datetime.datetime) or day.date().isoformat() != as_of:
        fail("B3: %r is not the date %s" % (day, as_of))
    if ws["B3"].number_format != DATE:
        fail("B3: number format %r, want %r" % (ws["B3"].number_format, DATE))
    if ws.freeze_panes != "A%d" % FIRST:
        fail("frozen at %r, want A%d" % (ws.freeze_panes, FIRST))
    heads = [c.value for c in ws[FIRST - 1]]
    if heads != HEADS[kind]:
        fail("headers %r, want %r" % (heads, HEADS[kind]))
    for i, head in enumerate(HEADS[kind]):
        letter = get_column_letter(i + 1)
        width = ws.column_dimensions[letter].width or 0
        longest = max([len(str(r[0].value)) for r in ws.iter_rows(min_row=FIRST, min_col=i + 1,
                                                                   max_col=i + 1)
                       if r[0].value is not None and isinstance(r[0].value, str)] + [0])
        if width < min(longest, 60) or width <= 0:
            fail("column %s (%s): width %r for text of %d characters" % (letter, head, width, longest))


def rows_of(ws):
    return [r for r in ws.iter_rows(min_row=FIRST) if any(c.value is not None for c in r)]


def check_progress(ws, j, kind):
    lines = j["communes" if kind == "communes" else "districts"] + [dict(j["total"], code=None)]
    rows = rows_of(ws)
    if len(rows) != len(lines):
        fail("%d rows, want %d" % (len(rows), len(lines)))
    for row, line in zip(rows, lines):
        what = "row %s" % line.get("code")
        number(row[0], CODE, line.get("code"), what + " code")
        text(row[1], line.get("name", "Tổng cộng"), what + " name")
        for i, key in enumerate(["target", "registered", "approved", "started", "completed",
                                 "handed_over"]):
            number(row[2 + i], COUNT, line[key], what + " " + key)
        percent(row[8], line["percent"], what + " percent")
        yes_no(row[9], line["on_track"], what + " on_track")


def check_awards(ws, j):
    by_code = {d["code"]: d for d in j["districts"]}
    seen = 0
    for row in rows_of(ws):
        d = by_code.get(row[0].value)
        if d is None:
            continue
        seen += 1
        what = "district %s" % d["code"]
        number(row[0], CODE, d["code"], what + " code")
        text(row[1], d["name"], what + " name")
        number(row[2], COUNT, d["target"], what + " target")
        number(row[3], COUNT, d["handed_over_on_time"], what + " handed_over_on_time")
        yes_no(row[4], d["met_target_on_time"], what + " met_target_on_time")
        number(row[5], COUNT, d["collectives"], what + " collectives")
        number(row[6], COUNT, d["individuals"], what + " individuals")
        text(row[7], d["rule"], what + " rule")
    if seen != len(by_code):
        fail("%d district rows, want %d" % (seen, len(by_code)))


def check_funds(ws, j):
    """Each district's subtotal line ("Cộng") holds its sums."""
    by_code = {d["code"]: d for d in j["districts"]}
    seen = set()
    for row in rows_of(ws):
        d = by_code.get(row[0].value)
        if d is None or row[2].value != "Cộng":
            continue
        seen.add(d["code"])
        what = "district %s" % d["code"]
        number(row[3], COUNT, d["contributions"], what + " contributions")
        number(row[4], MONEY, d["money_vnd"], what + " money")
        number(row[5], COUNT, d["labour_days"], what + " labour_days")
        number(row[6], COUNT, d["materials"], what + " materials")
        number(row[7], MONEY, d["material_value_vnd"], what + " material value")
    if seen != set(by_code):
        fail("subtotals for %s, want %s" % (sorted(seen), sorted(by_code)))
    last = rows_of(ws)[-1]
    text(last[2], "Tất cả nguồn", "the last line")
    number(last[4], MONEY, j["total"]["money_vnd"], "total money")


def check_reconcile(ws, j):
    ids = [r[0].value for r in rows_of(ws)]
    want = [i["id"] for i in j["items"]]
    if ids != want:
        fail("items %r, want %r" % (ids, want))


def check_households(ws, j):
    rows = {r[0].value: r for r in rows_of(ws)}
    if len(rows) != len(j) or set(rows) != {h["id"] for h in j}:
        fail("households %r, want %r" % (sorted(rows), sorted(h["id"] for h in j)))
    for h in j:
        row = rows.get(h["id"])
        if row is None:
            continue
        what = "household %s" % h["id"]
        text(row[1], h["ref"], what + " ref")
        text(row[2], h["name"], what + " name")
        text(row[3], h["national_id"], what + " national_id")
        number(row[4], CODE, h["commune"], what + " commune")
        if not row[16].value:
            fail(what + ": no review status")
        if row[19].value is not None and not isinstance(row[20].value, datetime.datetime):
            fail("%s: stage %r reached on %r, not a date" % (what, row[19].value, row[20].value))
        if row[20].value is not None and row[20].number_format != DATE:
            fail("%s: stage date format %r" % (what, row[20].number_format))
        for i, fmt in ((21, MONEY), (22, COUNT), (23, MONEY)):
            if not isinstance(row[i].value, int) or row[i].number_format != fmt:
                fail("%s column %d: %r (%s) is not a number in %r" % (what, i + 1, row[i].value,
                                                                    row[i].number_format, fmt))
        if h.get("members") is not None:
            number(row[9], COUNT, h["members"], what + " members")


def main():
    kind, path, json_path = sys.argv[1:4]
    with open(json_path, encoding="utf-8") as f:
        j = json.load(f)
    wb = openpyxl.load_workbook(path)
    if wb.sheetnames != [SHEETS[kind]]:
        fail("sheets %r, want %r" % (wb.sheetnames, [SHEETS[kind]]))
    ws = wb.worksheets[0]
    as_of = sys.argv[4] if len(sys.argv) > 4 else j["as_of"]
    frame(ws, kind, as_of)
    if kind in ("progress", "communes"):
        check_progress(ws, j, kind)
    elif kind == "awards":
        check_awards(ws, j)
    elif kind == "funds":
        check_funds(ws, j)
    elif kind == "reconcile":
        check_reconcile(ws, j)
    else:
        check_households(ws, j)
    for f in failures:
        print("%s: %s" % (path, f))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

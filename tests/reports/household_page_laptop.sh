#!/bin/sh
# household_page_laptop.sh AGENT HUB HUBDIR WORK PHOTO...: a commune laptop
# (maiam-agent, home WORK/laptop) records one household with every section
# its page at the hub shows: fields with characters HTML must escape, four
# milestones (the roof forced out of order: a reconcile item), a photo of
# the survey and one of the household itself, four contributions (money,
# labour days, materials) one of them voided; then it is enrolled from the
# hub's file and its change-sets and photos imported at the hub by USB, so
# the hub's ledger holds them. Prints the household's "REF ID".
# Used by test_household_page.c.
set -eu
AGENT=$1 HUB=$2 HUBDIR=$3 WORK=$4
shift 4
export LANGUAGE=en
ag() { "$AGENT" --home "$WORK/laptop" "$@"; }
json_of() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p"; }

ag init --commune 31498 >/dev/null
out=$(ag --json household add --name 'Lâm Thị <b>Hoa</b> & "Sen"' --national-id 094078001234 \
	--hamlet 'Ấp Hòa Đông' --address '12 đường <i>Lê Lợi</i>' --members 4 --category poor \
	--phone 0912345678 --note 'nhà dột <script>alert(1)</script>')
REF=$(printf '%s' "$out" | json_of ref)
ID=$(printf '%s' "$out" | json_of id)
ag milestone "$REF" surveyed --date 2023-06-20 --note 'khảo sát xong' --photo "$1" >/dev/null
ag milestone "$REF" approved --date 2023-06-25 >/dev/null
ag milestone "$REF" started --date 2023-07-01 >/dev/null
ag milestone "$REF" roof --date 2023-07-20 --force 'mái làm trước vì mưa bão' >/dev/null
ag photo add "$REF" "$2" >/dev/null
ag --json contribution add --household "$REF" --source mps --money 40000000 --donor 'Bộ Công an' \
	--date 2023-07-02 >/dev/null
wrong=$(ag --json contribution add --household "$REF" --source business --money 5000000 \
	--donor 'Công ty <Xây Dựng>' --date 2023-07-03 | json_of id)
ag --json contribution add --household "$REF" --source household --labour-days 12 --date 2023-07-04 \
	>/dev/null
ag --json contribution add --household "$REF" --source donor --material 'xi măng 20 bao' \
	--material-value 1800000 --date 2023-07-05 >/dev/null
ag contribution void "$wrong" --reason 'ghi nhầm số tiền <sửa lại>' >/dev/null
"$HUB" agent add --commune 31498 --file "$WORK/enrol.maiam" --dir "$HUBDIR" >/dev/null
ag enroll --file "$WORK/enrol.maiam" >/dev/null
ag export --out "$WORK/usb.maiam" >/dev/null
"$HUB" import "$WORK/usb.maiam" --dir "$HUBDIR" >/dev/null
echo "$REF $ID"

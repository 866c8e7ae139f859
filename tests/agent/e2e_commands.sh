# e2e_commands.sh - every command through the real binary, the happy paths:
# init, household add/edit/list/show/find, milestone, contribution, status,
# export (twice: nothing new the second time), check, --json and --help.
. "$(dirname "$0")/lib.sh"
need python3 sqlite3

expect 0 --help
out_has "household"
for c in init household milestone contribution status export check; do
	expect 0 $c --help; out_has "usage: maiam-agent $c"
done
expect 1 status
err_has "no store"; err_has "init --commune"
# sync and enroll exist now (tests/sync covers them); without a store they
# say what to do first, like every other command
expect 1 sync
err_has "no store"; err_has "init --commune"

init_store
out_has "Phường 5"
[ -f "$T/home/agent.key" ] || fail "no key file"
[ "$(stat -c %a "$T/home/agent.key")" = 600 ] || fail "key file is not 0600"
expect 1 init --commune 31498
err_has "already exists"

expect 0 --json household add --name "Nguyễn Văn Ân" --national-id 094123456789 --hamlet "Ấp Hòa Mỹ" --members 4 --category poor --land-status certified --support-kind new_build --phone 0912345678
json_ok
ID1=$(json id); REF1=$(json ref)
case "$REF1" in ????-[0-9]*) ;; *) fail "reference '$REF1' is not XXXX-N";; esac
expect 0 household add --name "Đặng Thị Đào" --hamlet "Ấp 2" --members 2 --category housing_hardship
REF2=$(sed -n 's/^Added household \([^ ]*\) .*/\1/p' "$OUT")
[ -n "$REF2" ] || fail "add did not print the reference"

expect 0 household find nguyen van an
out_has "Nguyễn Văn Ân"; out_lacks "Đặng"
expect 0 household find "DANG thi dao"
out_has "Đặng Thị Đào"
expect 0 household find 094123456789
out_has "$REF1"
expect 0 household find 0941234
out_has "$REF1"
expect 0 household find "$(echo "$REF2" | tr 'A-Z' 'a-z')"
out_has "Đặng Thị Đào"; out_lacks "Nguyễn"
expect 0 --json household find "$ID1"
json_ok; out_has "$REF1"
expect 0 household find "khong co ai"
out_has "No household matches"

expect 0 household list
out_has "$REF1"; out_has "$REF2"
expect 0 household list --json
json_ok
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$OUT")" = 2 ] || fail "list --json has not 2 households"

expect 0 household edit "$REF2" --members 3 --address "12, đường 30/4"
out_has "Changed household"
expect 0 household show "$REF2" --json
json_ok
[ "$(json members)" = 3 ] || fail "edit did not change members"
expect 0 household edit "$REF2" --members 3
out_has "Nothing changed"

expect 0 milestone "$REF1" surveyed --date 2023-06-05
expect 0 milestone "$REF1" approved --date 2023-06-10 --note "UBND xã duyệt"
expect 0 --json milestone "$ID1" started --date 2023-06-20
json_ok
expect 0 contribution add --household "$REF1" --source mps --money 50000000 --date 2023-06-15
expect 0 --json contribution add --source business --donor "Công ty A" --material "xi măng, 50 bao" --material-value 4500000 --labour-days 10 --date 2023-06-16
json_ok
expect 0 household show "$REF1"
out_has "started"; out_has "50,000,000 VND"; out_has "UBND xã duyệt"
expect 0 household show "$REF1" --json
json_ok
[ "$(json stage)" = started ] || fail "show --json stage is not 'started'"

expect 0 status --json
json_ok
[ "$(json pending_records)" = 8 ] || fail "pending is $(json pending_records), want 8"
[ "$(json commune)" = 31498 ] || fail "status commune"

expect 0 export --out "$T/usb1.maiam"
out_has "Sealed 1 new change-sets (8 changes)"
head -c 8 "$T/usb1.maiam" | grep -q MAIMBDL1 || fail "bundle magic"
expect 0 --json export --out "$T/usb2.maiam"
[ "$(json sealed_now)" = 0 ] || fail "second export sealed something new"
cmp -s "$T/usb1.maiam" "$T/usb2.maiam" || fail "second export differs from the first"
expect 0 status --json
[ "$(json pending_records)" = 0 ] || fail "pending after export"
[ "$(json sealed_unacked)" = 1 ] || fail "exported change-set is no longer awaiting the hub"
[ "$(json last_export)" != None ] || fail "no last export time"

expect 0 household add --name "Lê Văn Bình" --hamlet "Ấp 2" --members 1 --category other
expect 0 --json export --out "$T/usb3.maiam"
[ "$(json sealed_now)" = 1 ] && [ "$(json changesets_in_file)" = 2 ] || fail "third export: want 1 new, 2 in file"
expect 1 export --out "$T/no/such/dir/x.maiam"
err_has "USB"
expect 0 check --json
[ "$(json ok)" = True ] || fail "check is not ok"
[ "$(json records)" = 9 ] || fail "check counted $(json records) records, want 9"

# a household that moved to another commune (what a pull tells this laptop
# after a district official moved it) is recorded by that commune now: no
# edit, milestone or contribution here (the hub would refuse the change-set
# and every later sync with it), but it can still be looked at
expect 0 --json household add --name "Đỗ Thị Chuyển" --hamlet "Ấp 3" --members 2 --category poor
moved=$(json ref)
sqlite3 -cmd '.timeout 5000' "$T/home/agent.db" "UPDATE household SET commune = 31501 WHERE ref = '$moved'" ||
	fail "could not move the household in the store"
expect 1 milestone "$moved" surveyed --date 2023-06-05
err_has "has moved to commune 31501"; err_one_line
expect 1 household edit "$moved" --members 3
err_has "has moved to commune 31501"
expect 1 contribution add --household "$moved" --source donor --money 1000 --date 2023-06-06
err_has "has moved to commune 31501"
LANGUAGE=vi expect 1 milestone "$moved" surveyed --date 2023-06-05
err_has "đã chuyển sang xã/phường 31501"
expect 0 household show "$moved"
out_has "Đỗ Thị Chuyển"

# the home can come from --home, $MAIAM_HOME or XDG_DATA_HOME
expect 0 --home "$T/other" init --commune 31501
[ -f "$T/other/agent.db" ] || fail "--home not used"
( unset MAIAM_HOME; export XDG_DATA_HOME="$T/xdg"; "$AGENT" init --commune 31501 >/dev/null 2>&1 ) || fail "XDG init"
[ -f "$T/xdg/maiam/agent.db" ] || fail "XDG_DATA_HOME not used"
finish

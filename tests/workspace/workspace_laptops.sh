#!/bin/sh
# workspace_laptops.sh AGENT HUB HUBDIR WORK URL: the week a province's
# workspace is tried on, recorded by real commune laptops (maiam-agent,
# homes under WORK) syncing with the running maiam-hub at URL (its CA in
# HUBDIR/ca.pem): two laptops of Phường 5 (Thành phố Sóc Trăng, district
# 941) and one of Thị trấn Kế Sách (district 943) record households with
# Vietnamese names, milestones and contributions; the two laptops of
# Phường 5 then change the members of one household from the same base
# without seeing each other: a concurrent edit, a conflict at the hub.
# Prints the ids "NGUYEN TRAN LAM THACH HUYNH PHAN" (the last two are
# Kế Sách's). Used by test_workspace.c.
set -eu
AGENT=$1 HUB=$2 HUBDIR=$3 WORK=$4 URL=$5
export LANGUAGE=en
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
ag() {
	laptop=$1
	shift
	"$AGENT" --home "$WORK/$laptop" "$@"
}
json_of() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p"; }
# laptop NAME COMMUNE: a laptop enrolled online with a one-time token
laptop() {
	ag "$1" init --commune "$2" >/dev/null
	token=$("$HUB" agent add --commune "$2" --json --dir "$HUBDIR" | json_of token)
	ag "$1" enroll --hub "$URL" --ca "$HUBDIR/ca.pem" --token "$token" >/dev/null
}
# add LAPTOP ARGS...: a new household; prints its id
add() {
	laptop=$1
	shift
	ag "$laptop" --json household add "$@" | json_of id
}

laptop a1 31498
laptop a2 31498
laptop b1 31528
NGUYEN=$(add a1 --name 'Nguyễn Văn Ân' --national-id 094123456789 --hamlet 'Khóm 3' --members 4 \
	--category poor --support-kind new_build)
TRAN=$(add a1 --name 'Trần Thị Đào' --hamlet 'Khóm 5' --members 3 --category near_poor)
LAM=$(add a1 --name 'Lâm Văn Sơn' --hamlet 'Khóm 1' --members 5 --category housing_hardship)
THACH=$(add a2 --name 'Thạch Thị Sa Rươl' --hamlet 'Khóm 2' --members 6 --category poor)
HUYNH=$(add b1 --name 'Huỳnh Văn Tám' --hamlet 'Ấp An Phú' --members 5 --category poor)
PHAN=$(add b1 --name 'Phan Thị Út' --hamlet 'Ấp Xóm Chòi' --members 4 --category near_poor)
ag a1 milestone "$NGUYEN" surveyed --date 2023-06-05 >/dev/null
ag a1 milestone "$NGUYEN" approved --date 2023-06-10 >/dev/null
ag a1 contribution add --household "$NGUYEN" --source mps --money 40000000 --date 2023-06-12 >/dev/null
ag a1 contribution add --household "$LAM" --source household --labour-days 12 --date 2023-06-14 \
	>/dev/null
ag b1 milestone "$HUYNH" surveyed --date 2023-06-07 >/dev/null
ag b1 contribution add --household "$HUYNH" --source business --money 25000000 \
	--donor 'Công ty TNHH Thủy sản Kế Sách' --date 2023-06-15 >/dev/null
# a2 receives a1's households with its first sync
for l in a1 a2 b1; do
	ag $l sync >/dev/null
done
# the concurrent edit: both from the members a1 recorded
ag a1 household edit "$TRAN" --members 5 >/dev/null
ag a2 household edit "$TRAN" --members 6 >/dev/null
ag a1 sync >/dev/null
ag a2 sync >/dev/null
echo "$NGUYEN $TRAN $LAM $THACH $HUYNH $PHAN"

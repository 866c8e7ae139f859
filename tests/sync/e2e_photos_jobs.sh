# e2e_photos_jobs.sh - the photo uploads two at once, through linkproxy
# (tests/tools, docs/TESTING.md) between real laptops and a real hub:
#  - several photos go up on two connections, each stored once, and the
#    bytes up are the photos' and little more;
#  - a connection cut in the middle of a photo's bytes: the laptop asks the
#    hub where to resume, and every photo is stored, each byte taken once;
#  - twenty-odd cuts anywhere: each costs a few kB and one connection, no
#    range is sent again from its start;
#  - the link lost in the middle of the uploads: each photo not stored is a
#    note, the sync exits 0 (the records are synced), the next sync sends
#    them;
#  - photos the hub refuses (their change-set was refused) do not stop the
#    others.
# $3 is tests/tools/photo_record (a photo in the laptop's store and its
# record in the outbox), $4 tests/tools/linkproxy. No check is on time.
. "$(dirname "$0")/lib.sh"
PHOTO_RECORD="$3" LINKPROXY="$4"
PROXY_PIDS=""

# proxy NAME OPTION...: linkproxy to the hub, listening on LISTEN (default
# 127.0.0.1:0); sets LP_URL, LP_STATS, LP_PID.
proxy() {
	local name=$1 port=""
	shift
	"$LINKPROXY" --to "127.0.0.1:$PORT" --listen "${LISTEN:-127.0.0.1:0}" --port-file "$T/$name.port" \
		--stats "$T/$name.json" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	LP_PID=$!
	PROXY_PIDS="$PROXY_PIDS $LP_PID"
	for _ in $(seq 1 100); do
		[ -s "$T/$name.port" ] && port=$(cat "$T/$name.port") && break
		sleep 0.1
	done
	[ -n "$port" ] || { fail "linkproxy $name did not start"; cat "$T/$name.err" >&2; finish; }
	LP_URL="https://127.0.0.1:$port" LP_STATS="$T/$name.json"
}
# stat FIELD: a count of the proxy's stats file.
stat() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$LP_STATS" "$1"; }
# settled N: wait (bounded) until the proxy has seen N connections and
# every one of them has ended, so that its stats file counts them all.
settled() {
	for _ in $(seq 1 300); do
		[ -s "$LP_STATS" ] && [ "$(stat connections)" -ge "$1" ] && [ "$(stat open)" = 0 ] && return 0
		sleep 0.05
	done
	fail "the proxy did not see $1 connections end: $(cat "$LP_STATS" 2>/dev/null)"
}
# stored HEX...: each photo is in the hub's store under its hash.
stored() {
	for h in "$@"; do
		f="$T/hub/photos/${h:0:2}/$h"
		[ -f "$f" ] || { fail "the hub has no file for photo $h"; continue; }
		eq "photo ${h:0:12} stored by its hash" "$(sha256sum "$f" | cut -d' ' -f1)" "$h"
	done
}
# add LAPTOP BYTES SEED: one photo; appends its hash to HASHES, its size to SIZE.
add() {
	local hex bytes
	read -r hex bytes < <("$PHOTO_RECORD" "$T/$1" "$2" "$3") || fail "photo_record failed"
	[ "${#hex}" = 64 ] || { fail "photo_record printed no hash"; finish; }
	HASHES="$HASHES $hex" SIZE=$((SIZE + bytes))
}
# fresh LAPTOP NAME: a laptop enrolled through the last proxy, with one
# household NAME; HASHES and SIZE start empty, QUOTA0 is what the hub took
# of photo bytes so far.
fresh() {
	URL="$LP_URL" laptop "$1" 31498 hub
	ag "$1" 0 --json household add --name "$2" --hamlet "Khóm 1" --members 4 --category poor
	HASHES="" SIZE=0
	QUOTA0=$(sql hub 'select coalesce(sum(bytes), 0) from hub_photo_quota')
}
stop_proxies() {
	for p in $PROXY_PIDS; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	PROXY_PIDS=""
}
trap 'stop_proxies; cleanup' EXIT

hub_new hub
hub_start hub

# --- several photos, two at once: each stored once, the bytes up are the photos'
proxy plain
fresh a1 "Trần Thị Ảnh"
settled 1
UP0=$(stat bytes_up) CONN0=$(stat connections)
add a1 0 1
for i in 2 3 4 5 6; do add a1 $((90000 * i)) "$i"; done
ag a1 0 --json sync
eq "photos sent" "$(json 'j["photos_sent"]')" 6
eq "photos left" "$(json 'j["photos_left"]')" 0
settled $((CONN0 + 2))
# the records' connection and a second one for the other upload at once
[ "$(($(stat connections) - CONN0))" -ge 2 ] ||
	fail "the sync used $(($(stat connections) - CONN0)) connection(s), want 2 (two uploads at once)"
stored $HASHES
eq "hub_photo rows" "$(sql hub 'select count(*) from hub_photo')" 6
eq "marked uploaded on the laptop" "$(asql a1 'select count(*) from photo_upload')" 6
# each byte taken once by the hub, and on the wire the photos plus the
# records, two TLS handshakes and the requests' headers: 64 kB at most
eq "photo bytes the hub took" "$(sql hub 'select sum(bytes) from hub_photo_quota')" "$SIZE"
UP=$(($(stat bytes_up) - UP0))
echo "bytes up for $SIZE photo bytes: $UP"
[ "$UP" -ge "$SIZE" ] && [ "$UP" -le $((SIZE + 65536)) ] ||
	fail "bytes up $UP for $SIZE photo bytes: want between them and 64 kB more"
ag a1 0 --json sync
eq "nothing sent again" "$(json 'j["photos_sent"]')" 0

# --- a cut in the middle of a photo: resumed where the hub says, each byte once
# The proxy's second connection (the sync's first: records, then the first
# upload) is reset 200,000 bytes up, in the middle of a 300 kB photo's
# first range; the laptop waits its backoff and asks the hub where to go on.
proxy cut --cut-after 0,200000
fresh a2 "Lê Văn Cắt"
for i in 1 2 3 4; do add a2 300000 $((10 + i)); done
ag a2 0 --json sync
settled 3
eq "the upload was cut" "$(stat cuts)" 1
[ "$(json 'j["photos_left"]')" = 0 ] || ag a2 0 --json sync # the next sync finishes it
stored $HASHES
eq "marked uploaded on a2" "$(asql a2 'select count(*) from photo_upload')" 4
eq "photo bytes the hub took after the cut" \
	"$(($(sql hub 'select sum(bytes) from hub_photo_quota') - QUOTA0))" "$SIZE"
eq "no partial left" "$(find "$T/hub/partial" -type f 2>/dev/null | wc -l)" 0

# --- twenty cuts: each costs a few kB, not the bytes the cut range carried
# The proxy resets the connection it carries every 30,000 bytes up, so the
# cuts fall anywhere: in a range's body, its headers, a want, a handshake.
# What a cut may cost: the TLS record it split (the hub keeps only whole
# ones, and the laptop's are 4 KiB at most), the reconnection's handshake,
# the want that asks where to resume and the next range's headers; never
# the range again from its start (libcurl would send it again by itself
# on a fresh connection, the hub having kept most of it already).
proxy cuts --cut-every 30000
fresh a5 "Đỗ Văn Đứt"
settled 1
UP0=$(stat bytes_up) CONN0=$(stat connections) SYNCS=0
for i in 1 2 3 4; do add a5 150000 $((60 + i)); done
while [ "$SYNCS" -lt 5 ]; do
	MAIAM_NET_TRIES=4 ag a5 0 --json sync
	SYNCS=$((SYNCS + 1))
	[ "$(json 'j["photos_left"]')" = 0 ] && break
done
eq "photos left after the cuts" "$(json 'j["photos_left"]')" 0
settled $((CONN0 + 2)) # the counts of every connection, ended
stored $HASHES
eq "photo bytes the hub took through the cuts" \
	"$(($(sql hub 'select sum(bytes) from hub_photo_quota') - QUOTA0))" "$SIZE"
CUTS=$(stat cuts) UP=$(($(stat bytes_up) - UP0))
echo "$CUTS cuts: $UP bytes up for $SIZE photo bytes, $(((UP - SIZE) / CUTS)) a cut"
[ "$CUTS" -ge 15 ] || fail "the proxy cut $CUTS times, want at least 15"
# a cut costs one connection, not two: libcurl does not connect again only
# to find it may not send the range again (two a sync: records, second
# upload; a cut before a range's first byte of body is tried again by
# libcurl, rightly, and a few of those are allowed for)
CONNS=$(($(stat connections) - CONN0))
[ "$CONNS" -le $((CUTS * 3 / 2 + 2 * SYNCS)) ] ||
	fail "$CONNS connections for $CUTS cuts in $SYNCS syncs: about two a cut"
# the records, the first want and the syncs' handshakes: 16 kB; each cut 6 kB
[ "$UP" -le $((SIZE + 16384 + CUTS * 6144)) ] ||
	fail "bytes up $UP for $SIZE photo bytes and $CUTS cuts: more than 6 kB a cut"

# --- the link lost in the middle: notes, exit 0, the next sync sends the rest
# The sync's first connection is reset 150,000 bytes up, in the middle of
# the photos, and every later one after its first byte (the TLS hello), so
# each slot's tries (MAIAM_NET_TRIES=2) run out; then a plain proxy on the
# same port lets the next sync through.
proxy lost --cut-after 0,150000,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
LOST_URL="$LP_URL" LOST_PID="$LP_PID"
fresh a4 "Võ Văn Mất"
for i in 1 2 3 4; do add a4 100000 $((40 + i)); done
ag a4 0 --json sync
eq "records pushed before the link was lost" "$(json 'j["pushed"] >= 1')" True
SENT=$(json 'j["photos_sent"]')
eq "every photo stored or left" "$((SENT + $(json 'j["photos_left"]')))" 4
[ "$SENT" -lt 4 ] || fail "every photo was sent through a link that was lost"
err_has "was not sent"
echo "link lost: $SENT of 4 photos sent, then:"
sed 's/^/  /' "$ERR"
kill -TERM "$LOST_PID"
wait "$LOST_PID" 2>/dev/null
LISTEN="127.0.0.1:${LOST_URL##*:}" proxy found
ag a4 0 --json sync
eq "the rest sent by the next sync" "$(json 'j["photos_sent"]')" "$((4 - SENT))"
eq "nothing left" "$(json 'j["photos_left"]')" 0
stored $HASHES
eq "photo bytes the hub took after the lost link" \
	"$(($(sql hub 'select sum(bytes) from hub_photo_quota') - QUOTA0))" "$SIZE"

# --- refused photos do not stop the others
# Nine photos sealed in one change-set (export seals the outbox), two more
# in the next: eleven on one household, over the hub's ten, so the second
# change-set is refused and its photos are named by no accepted record.
proxy third
fresh a3 "Phạm Thị Từ"
for i in 1 2 3 4 5 6 7 8 9; do add a3 $((20000 + 1000 * i)) $((100 + i)); done
GOOD="$HASHES"
ag a3 0 export --out "$T/a3.maiam"
HASHES="" SIZE=0
add a3 30000 201
add a3 31000 202
REFUSED="$HASHES"
ag a3 4 --json sync
eq "the good photos sent" "$(json 'j["photos_sent"]')" 9
eq "the refused photos left" "$(json 'j["photos_left"]')" 2
stored $GOOD
for h in $REFUSED; do
	err_has "note: photo ${h:0:12} was not sent"
	[ -e "$T/hub/photos/${h:0:2}/$h" ] && fail "the hub stored photo $h that no accepted record names"
done

stop_proxies
finish

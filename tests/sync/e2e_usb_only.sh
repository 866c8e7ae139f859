# e2e_usb_only.sh - a commune that is never online lives its whole campaign on
# USB sticks: the hub writes an enrolment file (no hub is ever served here),
# two laptops enrol from it offline, their first bundles carry their keys
# (the enrolment claim), the hub imports them, decides, and writes each
# laptop an update file that brings the decision and the other laptop's
# records; a replayed, foreign, changed or out-of-order update file is
# refused and changes nothing; the laptops stop resending what the hub holds;
# a change-set the hub refused and a national id held twice in the commune
# reach the laptop with its update file, as a sync would bring them.
. "$(dirname "$0")/lib.sh"

C=31498
hub_new hub

# enrolment files: one per laptop, signed by the hub
hub hub agent add --commune "$C" --file "$T/enrol-a.maiam"
eq "agent add --file exits" "$RC" 0
out_has "wrote enrolment file"
hub hub agent add --commune "$C" --file "$T/enrol-b.maiam" --json
eq "agent add --file --json exits" "$RC" 0
eq "json names the file" "$(json 'j["file"]')" "$T/enrol-b.maiam"
hub hub agent add --commune "$C" --url "https://hub.example"
eq "--url without --file" "$RC" 2

ag a 0 init --commune "$C"
ag b 0 init --commune "$C"
ag x 0 init --commune 31615

# a file that is not one, a changed one, one for another commune
ag a 2 enroll --file "$T/enrol-a.maiam" --token abc
err_has "takes no other option"
printf 'not an enrolment file' >"$T/junk.maiam"
ag a 2 enroll --file "$T/junk.maiam"
err_has "is not an enrolment file"
python3 - "$T/enrol-a.maiam" "$T/enrol-changed.maiam" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[40] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
ag a 2 enroll --file "$T/enrol-changed.maiam"
err_has "was changed after the hub signed it"
ag x 1 enroll --file "$T/enrol-a.maiam"
err_has "is for commune $C but this laptop records commune 31615"

ag a 0 --json enroll --file "$T/enrol-a.maiam"
eq "a's scope" "$(json 'j["scope"]["code"]')" "$C"
eq "a enrolled without a hub address" "$(json 'j["hub"]')" ""
AID=$(json 'j["agent_id"]')
ag b 0 enroll --file "$T/enrol-b.maiam"
out_has "The next 'maiam-agent export' carries this laptop's key"
ag b 0 --json status
BID=$(asql b "select value from meta where key = 'agent_id'")
ag a 1 enroll --file "$T/enrol-a.maiam"
err_has "already enrolled"

# records, first bundles with the claims
ag a 0 --json household add --name "Nguyễn Văn Ân" --hamlet "Ấp Phú Thành" --members 4 --category poor
HA=$(json 'j["id"]')
ag b 0 --json household add --name "Lâm Thị Hoa" --hamlet "Ấp Mỹ Lợi" --members 3 --category near_poor
ag a 0 --json export --out "$T/a1.maiam"
eq "a's first bundle carries its claim" "$(json 'j["enrolment_claim"]')" True
ag b 0 export --out "$T/b1.maiam"
out_has "carries this laptop's key and enrolment token"

hub hub import "$T/a1.maiam" "$T/b1.maiam"
eq "hub import of the first bundles" "$RC" 0
out_has "enrolled agent $AID for commune $C from its enrolment claim"
eq "households on the hub" "$(sql hub 'select count(*) from household')" 2
eq "agents enrolled" "$(sql hub 'select count(*) from hub_agent')" 2
# the same bundle again: nothing new, the claim is the same enrolment
hub hub import "$T/a1.maiam"
eq "second import" "$RC" 0
out_has "1 already applied"

# a decision, then update files
hub hub household approve "$HA"
eq "approve" "$RC" 0
hub hub export --for "$AID" --out "$T/ua1.maiam"
eq "export --for a" "$RC" 0
out_has "Import it on the laptop"
hub hub export --for "$BID" --out "$T/ub1.maiam"
eq "export --for b" "$RC" 0
hub hub export --for 0123456789abcdef --out "$T/none.maiam"
eq "export for an unknown agent" "$RC" 1
err_has "is not enrolled here"

# the wrong laptop, a changed file: refused, nothing changed
ag b 1 import "$T/ua1.maiam"
err_has "is for laptop $AID, not this laptop"
python3 - "$T/ua1.maiam" "$T/ua1-changed.maiam" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[-80] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
ag a 1 import "$T/ua1-changed.maiam"
err_has "damaged or was changed"
eq "nothing imported" "$(asql a 'select count(*) from household')" 1

ag a 0 --json import "$T/ua1.maiam"
eq "a now holds b's household" "$(asql a 'select count(*) from household')" 2
eq "and the hub's decision" "$(asql a "select review_status from household where name = 'Nguyễn Văn Ân'")" approved
eq "a's change-sets acknowledged" "$(json 'j["acknowledged"]')" 1
[ -s "$T/a/agent.crt" ] || fail "the update file's client certificate was not kept"
[ -e "$T/a/enrol-claim.maiam" ] && fail "the claim is still kept after the hub answered"
ag a 1 import "$T/ua1.maiam"
err_has "was already imported"
ag b 0 import "$T/ub1.maiam"
eq "b holds a's household" "$(asql b 'select count(*) from household')" 2

# the next bundle has neither the claim nor what the hub holds
ag a 0 --json export --out "$T/a2.maiam"
eq "no claim any more" "$(json 'j["enrolment_claim"]')" False
eq "nothing left to resend" "$(json 'j["changesets_in_file"]')" 0

# out of order: the second update file before the first leaves a gap
ag b 0 household add --name "Trần Văn Bảy" --hamlet "Ấp Mỹ Lợi" --members 2 --category poor
ag b 0 export --out "$T/b2.maiam"
hub hub import "$T/b2.maiam"
hub hub export --for "$AID" --out "$T/ua2.maiam"
ag b 0 household add --name "Trần Văn Tám" --hamlet "Ấp Mỹ Lợi" --members 2 --category poor
ag b 0 export --out "$T/b3.maiam"
hub hub import "$T/b3.maiam"
hub hub export --for "$AID" --out "$T/ua3.maiam"
ag a 1 import "$T/ua3.maiam"
err_has "import the earlier update file first"
ag a 0 import "$T/ua2.maiam"
ag a 0 import "$T/ua3.maiam"
eq "a holds all four" "$(asql a 'select count(*) from household')" 4
# a lost stick: the operator writes everything again from the start
hub hub export --for "$AID" --out "$T/ua-all.maiam" --after 0
ag a 0 import "$T/ua-all.maiam"
eq "a full re-export changes nothing" "$(asql a 'select count(*) from household')" 4

# feedback on a stick: b's household shares a's national id, and b's next
# bundle is refused (at most 1 record per change-set); b's update file tells
# it both, and status shows them as after a sync
NID=094185000456
ag a 0 household add --name "Đặng Văn Một" --hamlet "Ấp Phú Thành" --members 2 --category poor --national-id $NID
ag a 0 export --out "$T/a3.maiam"
hub hub import "$T/a3.maiam"
eq "import a3" "$RC" 0
ag b 0 --json household add --name "Đặng Văn Hai" --hamlet "Ấp Mỹ Lợi" --members 2 --category poor --national-id $NID
HB=$(json 'j["id"]')
ag b 0 export --out "$T/b4.maiam"
hub hub import "$T/b4.maiam"
eq "import b4" "$RC" 0
ag b 0 household add --name "Đặng Thị Ba" --hamlet "Ấp Mỹ Lợi" --members 2 --category poor
ag b 0 household add --name "Đặng Thị Tư" --hamlet "Ấp Mỹ Lợi" --members 2 --category poor
ag b 0 export --out "$T/b5.maiam"
hub hub import --max-records 1 "$T/b5.maiam"
out_has "too_many_records"
REFUSED_SEQ=$(sql hub "select seq from hub_refused where origin = (select id from hub_agent where lower(printf('%016x', id)) = '$BID')")
hub hub export --for "$BID" --out "$T/ub2.maiam"
eq "export --for b with feedback" "$RC" 0
ag b 0 --json status
eq "b knows no refusal before the file" "$(json 'len(j["refused"])')" 0
ag b 0 import "$T/ub2.maiam"
err_has "the hub refused change-set $REFUSED_SEQ (too_many_records)"
out_has "Needs attention:"
ag b 0 --json status
eq "b: one refused change-set" "$(json 'len(j["refused"])')" 1
eq "b: its seq" "$(json 'j["refused"][0]["seq"]')" "$REFUSED_SEQ"
eq "b: its code" "$(json 'j["refused"][0]["code"]')" too_many_records
eq "b: its records named" "$(json 'len(j["refused"][0]["records"])')" 2
# both households are of b's commune: each is listed, the other's commune named
eq "b: both households of the commune" "$(json 'len(j["duplicate_national_ids"])')" 2
eq "b: its own among them" "$(json '"'"$HB"'" in [d["id"] for d in j["duplicate_national_ids"]]')" True
eq "b: held again in its own commune" "$(json 'sorted(set(d["commune"] for d in j["duplicate_national_ids"]))')" "[$C]"
ag b 0 status
out_has "Refused by hub: change-set $REFUSED_SEQ (too_many_records"
out_has "national id $NID: a household of commune Phường 5 ($C) has it too"
# the refused one is not resent; a's file brings the same duplicate to a
ag b 0 --json export --out "$T/b6.maiam"
eq "the refused change-set is not carried again" "$(json 'j["changesets_in_file"]')" 0
hub hub export --for "$AID" --out "$T/ua4.maiam"
ag a 0 import "$T/ua4.maiam"
ag a 0 --json status
eq "a: the same two" "$(json 'len(j["duplicate_national_ids"])')" 2
eq "a: nothing refused" "$(json 'len(j["refused"])')" 0

hub hub audit verify
eq "audit verify" "$RC" 0
finish

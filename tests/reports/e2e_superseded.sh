# e2e_superseded.sh - a rejection that is later superseded closes its
# reconcile item, through the real binaries: a laptop that was never enrolled
# exports a USB bundle, the hub refuses it (unknown laptop: an R- item); once
# the laptop is enrolled (online with a token, or offline from an enrolment
# file whose claim travels in its next bundle) the very same change-set
# (origin, seq and hash) is imported fine and the item is closed by
# maiam-hub, listed with --all, and cannot be resolved again. A rejection
# nothing supersedes stays open. (docs/REPORTS.md, "reconcile")
# Usage: e2e_superseded.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "$0")/../sync/lib.sh"

C=31498
hub_new hub

# reconcile_json [--all]: the reconcile report as JSON in $OUT
reconcile_json() {
	hub hub report reconcile --json "$@"
	[ "$RC" = 0 ] || { fail "report reconcile exited $RC"; show; }
}

# laptop a: recorded, exported and imported before it was ever enrolled
ag a 0 init --commune "$C"
ag a 0 household add --name "Nguyễn Văn Ân" --hamlet "Ấp Phú Thành" --members 4 --category poor
ag a 0 export --out "$T/a0.maiam"
hub hub import "$T/a0.maiam"
eq "import of an unknown laptop's bundle" "$RC" 4
out_has "rejected: unknown_agent"
# laptop c: the same, but never enrolled: its item stays open
ag c 0 init --commune "$C"
ag c 0 household add --name "Lâm Thị Hoa" --hamlet "Ấp Mỹ Lợi" --members 3 --category poor
ag c 0 export --out "$T/c0.maiam"
hub hub import "$T/c0.maiam"
eq "import of c's bundle" "$RC" 4
reconcile_json
eq "two rejections open" "$(json 'j["counts"]["rejected_changeset"]')" 2
eq "R-1 is a's" "$(json '[i["code"] for i in j["items"] if i["id"] == "R-1"][0]')" unknown_agent

# a is enrolled online; the very same file then imports fine
hub_start hub
tok=$(token hub "$C")
ag a 0 enroll --hub "$URL" --ca "$T/hub/ca.pem" --token "$tok"
hub_stop "$HUB_PID"
hub hub import "$T/a0.maiam"
eq "the same file after enrolment" "$RC" 0
out_has "1 applied"
reconcile_json
eq "a's rejection closed, c's open" "$(json 'j["counts"]["rejected_changeset"]')" 1
eq "the open one is c's" "$(json '[i["id"] for i in j["items"]]')" "['R-2']"
eq "one resolved" "$(json 'j["resolved"]')" 1
reconcile_json --all
eq "R-1 closed by the hub" \
	"$(json '[i["resolved_by"] for i in j["items"] if i["id"] == "R-1"][0]')" maiam-hub
eq "with why" \
	"$(json '"chính gói dữ liệu này" in [i["note"] for i in j["items"] if i["id"] == "R-1"][0]')" True
hub hub reconcile resolve R-1 --note "đã đăng ký"
eq "resolving a closed item" "$RC" 1
err_has "already resolved by 'maiam-hub'"
hub hub reconcile resolve R-2 --note "máy này không thuộc chiến dịch" --by lan
eq "resolving c's" "$RC" 0

# laptop b: refused twice, then enrolled offline from a file; its next
# bundle carries the claim and the same change-set, which closes both items
hub hub agent add --commune "$C" --file "$T/enrol-b.maiam"
eq "enrolment file" "$RC" 0
ag b 0 init --commune "$C"
ag b 0 household add --name "Trần Văn Bảy" --hamlet "Ấp Mỹ Lợi" --members 2 --category poor
ag b 0 export --out "$T/b0.maiam"
hub hub import "$T/b0.maiam"
eq "b's bundle before enrolment" "$RC" 4
hub hub import "$T/b0.maiam"
eq "and again" "$RC" 4
reconcile_json
eq "b's two rejections open" "$(json 'j["counts"]["rejected_changeset"]')" 2
ag b 0 enroll --file "$T/enrol-b.maiam"
ag b 0 export --out "$T/b1.maiam"
hub hub import "$T/b1.maiam"
eq "b's bundle with its claim" "$RC" 0
out_has "1 applied"
reconcile_json
eq "nothing open" "$(json 'j["open"]')" 0
eq "four resolved" "$(json 'j["resolved"]')" 4
hub hub import "$T/b0.maiam"
eq "the old file once more" "$RC" 0
out_has "1 already applied"
reconcile_json
eq "still nothing open" "$(json 'j["open"]')" 0
eq "households on the hub" "$(sql hub 'select count(*) from household')" 2
finish

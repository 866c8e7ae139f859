# e2e_hub_signed.sh - every decision the hub signs carries the operator's
# name, through the real binaries: approve and reject with --by NAME (a
# Vietnamese name) or, without it, the terminal's user as "$USER@cli";
# reconcile resolve with --by; 'household show' gives the history (who
# decided what, when) in text, in Vietnamese and in --json; 'audit verify'
# passes and counts the signed decisions, and fails when a name is changed
# in hub.db behind the ledger's back; a laptop still syncs (the decision
# records stay at the hub); a laptop cannot send a decision record.
# Usage: e2e_hub_signed.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "${BASH_SOURCE[0]}")/../sync/lib.sh"

C=31498 # Phường 5, Thành phố Sóc Trăng (district 941)
ag a 0 init --commune "$C"
hub_new hub
hub hub agent add --commune "$C" --file "$T/enrol.maiam"
eq "agent add --file" "$RC" 0
ag a 0 --json enroll --file "$T/enrol.maiam"
AID=$(json 'j["agent_id"]')
add() { # NAME: the new household's id and ref
	ag a 0 --json household add --name "$1" --hamlet "Khóm 3" --members 4 --category poor
	json 'j["id"] + " " + j["ref"]'
}
read -r H1 R1 < <(add "Nguyễn Văn Ân")
read -r H2 R2 < <(add "Lý Văn Hùng")
read -r H3 R3 < <(add "Trần Thị Đào")
ag a 0 milestone "$H3" handed_over --date 2023-08-20 --force "nhà đã xây trước chiến dịch"
ag a 0 export --out "$T/a1.maiam"
hub hub import "$T/a1.maiam"
eq "import" "$RC" 0

# hubdo WANT ARGS...: maiam-hub on the hub, under $LOCALE (C unless set), exit WANT required.
hubdo() {
	local want=$1
	shift
	LC_ALL='' LC_MESSAGES='' LANGUAGE='' LANG="${LOCALE:-C}" hub hub "$@"
	[ "$RC" != "$want" ] && fail "maiam-hub $* exited $RC, want $want" && show
	return 0
}

# -- nothing decided yet: an empty history
hubdo 0 household show "$R1"
out_has "history:"
grep -qE "^history: +none$" "$OUT" || { fail "no empty history"; show; }

# -- decisions, each signed with who decided
hubdo 0 household reject "$R1" --reason "thiếu giấy tờ đất" --by "Trần Thị Bích"
USER=lan hubdo 0 household approve "$R2"
hubdo 0 reconcile resolve "O-$R3" --note "đã kiểm tra tại xã" --by "Lâm Văn Sơn"
out_has "O-$H3 resolved by Lâm Văn Sơn"
hubdo 2 household approve "$R3" --by "$(printf 'lan\tb')"
err_has "the operator's name must be 1 to 128 bytes of UTF-8 text without control characters"
hubdo 2 household approve "$R3" --by "$(printf 'a%.0s' $(seq 1 129))"
hubdo 2 reconcile resolve "O-$R3" --note "x" --by "$(printf 'a%.0s' $(seq 1 129))"
eq "decision records" "$(sql hub 'select count(*) from decision')" 3
eq "resolution record" "$(sql hub "select count(*) from decision where item = 'O-$H3'")" 1

hubdo 0 household show "$R1"
grep -qE "^history: +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}  .* by Trần Thị Bích: thiếu giấy tờ đất$" "$OUT" ||
	{ fail "no signed rejection in the history"; show; }
hubdo 0 household show "$R1" --json
eq "json operator" "$(json 'j["history"][0]["operator"]')" "Trần Thị Bích"
eq "json action" "$(json 'j["history"][0]["action"]')" "rejected"
eq "json note" "$(json 'j["history"][0]["note"]')" "thiếu giấy tờ đất"
eq "json signed" "$(json 'j["history"][0]["signed"]')" "True"
json 'j["history"][0]["at"]' | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' ||
	fail "json history time is not ISO 8601 UTC"
hubdo 0 household show "$R2" --json
eq "default operator" "$(json 'j["history"][0]["operator"]')" "lan@cli"
hubdo 0 household show "$R3" --json
eq "resolution in the history" "$(json '[[h["item"], h["operator"], h["action"]] == ["O-'"$H3"'", "Lâm Văn Sơn", "resolved"] for h in j["history"]][0]')" "True"
hubdo 0 household show "$R3"
out_has "O-$H3 resolved by Lâm Văn Sơn: đã kiểm tra tại xã"
LOCALE=vi_VN.UTF-8 hubdo 0 household show "$R1"
grep -qE "Trần Thị Bích" "$OUT" || { fail "no name in the Vietnamese history"; show; }
grep -qF "history:" "$OUT" && { fail "English title in the Vietnamese history"; show; }

# -- the ledger verifies, with the names signed; a name changed in hub.db does not
hubdo 0 audit verify
out_has "audit passed"
out_has "decisions: 3 signed with the operator's name, 0 reviews from before"
hubdo 0 audit verify --json
eq "audit json" "$(json '[j["ok"], j["decisions_signed"], j["tables"]["decision"]["rows"]]')" "[True, 3, 3]"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("update decision set operator = ? where operator = ?", ("Ai đó", "Trần Thị Bích")); c.commit()' "$T/hub/hub.db"
hubdo 1 audit verify
out_has "decision: 1 row(s) in hub.db that the ledger does not give"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("update decision set operator = ? where operator = ?", ("Trần Thị Bích", "Ai đó")); c.commit()' "$T/hub/hub.db"
hubdo 0 audit verify

# -- the laptop syncs on: the review reaches it, the decision records stay at the hub
hubdo 0 export --for "$AID" --out "$T/u1.maiam"
ag a 0 import "$T/u1.maiam"
eq "review at the laptop" "$(asql a "select review_status from household where ref = '$R1'")" "rejected"
eq "no decision at the laptop" "$(asql a 'select count(*) from decision')" 0

finish

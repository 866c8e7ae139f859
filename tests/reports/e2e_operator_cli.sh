# e2e_operator_cli.sh - 'maiam-hub operator add|list|disable|password'
# through the real binary: roles (admin, district with its district, viewer),
# the refusals that write nothing (no --role, no or a wrong --district, a
# district for another role, a taken or malformed name), Vietnamese names,
# the list as a table and as JSON, disabling, and a refusal in Vietnamese.
# Usage: e2e_operator_cli.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "$0")/../sync/lib.sh"

D=950 # Thị xã Vĩnh Châu
hub_new hub
printf 'mật khẩu dài\n' >"$T/pw"
printf 'short\n' >"$T/short"

# expect RC: the last command exited RC
expect() { [ "$RC" = "$1" ] || { fail "exit $RC, want $1"; show; }; }
operators() { sql hub "SELECT count(*) FROM report_operator"; }

hub hub operator add lan --role admin <"$T/pw"
expect 0
out_has "operator 'lan' can sign in to the dashboard"
hub hub operator add "phước" --role district --district $D <"$T/pw"
expect 0
hub hub operator add xem --role viewer <"$T/pw"
expect 0
eq "operators" "$(operators)" 3

# refusals, before any password is read, and nothing written
hub hub operator add an </dev/null
expect 2
err_has "operator add needs --role admin|district|viewer|appraiser: what may 'an' do?"
hub hub operator add an --role district </dev/null
expect 2
err_has "a district operator needs its district: add --district CODE"
hub hub operator add an --role district --district 94101 </dev/null
expect 2
err_has "--district 94101 is not a district of campaign"
hub hub operator add an --role viewer --district $D </dev/null
expect 2
err_has "--district is only for --role district: leave it out for a viewer"
hub hub operator add an --role boss </dev/null
expect 2
hub hub operator add "bad name" --role viewer </dev/null
expect 2
err_has "operator name 'bad name' must be 1 to 64 letters"
hub hub operator add lan --role viewer <"$T/pw"
expect 2
err_has "operator 'lan' exists: to change its password run 'maiam-hub operator password lan'"
hub hub operator add an --role viewer <"$T/short"
expect 2
err_has "the password must be 8 to"
hub hub operator list --role admin
expect 2
eq "operators after the refusals" "$(operators)" 3
eq "lan's role" "$(sql hub "SELECT role FROM report_operator WHERE name = 'lan'")" admin

# the list
hub hub operator list
expect 0
out_has "NAME                 ROLE      DISTRICT"
out_has "phước"
out_has "Thị xã Vĩnh Châu"
hub hub operator list --json
expect 0
eq "json names" "$(json '[o["name"] for o in j]')" "['lan', 'phước', 'xem']"
eq "json roles" "$(json '[o["role"] for o in j]')" "['admin', 'district', 'viewer']"
eq "json district" "$(json 'j[1]["district"]')" $D
eq "json district name" "$(json 'j[1]["district_name"]')" "Thị xã Vĩnh Châu"
eq "json no district" "$(json 'j[0]["district"]')" None
eq "json disabled" "$(json 'j[2]["disabled"]')" False

# a new password; disable
hub hub operator password xem <"$T/pw"
expect 0
out_has "operator 'xem' has a new password; its dashboard sessions are ended"
hub hub operator password nobody <"$T/pw"
expect 2
err_has "no operator 'nobody': add it with 'maiam-hub operator add nobody'"
hub hub operator disable xem
expect 0
out_has "operator 'xem' is disabled: it cannot sign in"
hub hub operator disable nobody
expect 2
err_has "no operator 'nobody': see 'maiam-hub operator list'"
hub hub operator list --json
eq "xem disabled" "$(json 'j[2]["disabled"]')" True

# the refusal in the operator's language
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=vi_VN.UTF-8 timeout "$CMD_TIMEOUT" "$HUB" operator add an \
	--dir "$T/hub" </dev/null >"$OUT" 2>"$ERR"
RC=$?
expect 2
err_has "cán bộ 'an' được làm gì?"

finish

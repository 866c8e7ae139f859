# e2e_enroll.sh - enrolment and the ways sync fails: a CA that is not the
# hub's (exit 3, nothing sent: the token still works afterwards), a reused
# token (exit 4 with the hub's reason), usage errors (exit 2), a laptop that
# never enrolled, and a hub that is down (exit 3, nothing lost, the next sync
# delivers everything once).
. "$(dirname "$0")/lib.sh"

hub_new h1
hub_new other            # a different hub: its ca.pem must not be trusted for h1
hub_start h1
H1_PID=$HUB_PID

ag a1 0 init --commune 31498
TOK=$(token h1 31498)

# usage errors never touch the network
ag a1 2 enroll --hub "$URL" --ca "$T/h1/ca.pem"
err_has "--token"
ag a1 2 enroll --hub "http://127.0.0.1:$PORT" --ca "$T/h1/ca.pem" --token "$TOK"
err_has "https://"
ag a1 2 enroll --hub "$URL" --ca "$T/nothing.pem" --token "$TOK"
err_has "nothing.pem"
ag a1 2 enroll --hub "$URL" --ca "$T/h1/ca.pem" --token 'x y'
err_has "--token"

# untrusted CA: exit 3, the certificate problem named, and nothing sent
ag a1 3 enroll --hub "$URL" --ca "$T/other/ca.pem" --token "$TOK"
err_has "certificate"
[ "$(wc -l <"$ERR")" = 1 ] || fail "the certificate error is not one line"
eq "enrolments after an untrusted CA" "$(sql h1 'select count(*) from hub_agent')" 0
eq "rejections after an untrusted CA" "$(sql h1 'select count(*) from hub_rejection')" 0
ag a1 1 sync
err_has "not enrolled"

# the same token then works with the right CA: it was never spent
ag a1 0 --json enroll --hub "$URL/" --ca "$T/h1/ca.pem" --token "$TOK"
eq "scope" "$(json 'j["scope"]["code"]')" 31498
eq "campaign" "$(json 'j["campaign"]')" soc-trang-2023
eq "hub url stored without the slash" "$(json 'j["hub"]')" "$URL"
[ -f "$T/a1/hub-ca.pem" ] && cmp -s "$T/a1/hub-ca.pem" "$T/h1/ca.pem" || fail "the CA was not pinned in the home"
[ -f "$T/a1/agent.crt" ] || fail "no client certificate in the home"
ag a1 1 enroll --hub "$URL" --ca "$T/h1/ca.pem" --token "$TOK"
err_has "already enrolled"
ag a1 0 --json status
eq "status shows the hub" "$(json 'j["hub"]')" "$URL"

# a reused token: exit 4 with the hub's own reason
ag a2 0 init --commune 31498
ag a2 4 enroll --hub "$URL" --ca "$T/h1/ca.pem" --token "$TOK"
err_has "already used"
ag a2 4 enroll --hub "$URL" --ca "$T/h1/ca.pem" --token 0123456789abcdef
err_has "not known"

# a token for another commune is refused by the laptop, which says what to do
ag a3 0 init --commune 31528
TOK3=$(token h1 31498)
ag a3 1 enroll --hub "$URL" --ca "$T/h1/ca.pem" --token "$TOK3"
err_has "commune 31528"

# first sync with nothing recorded: nothing to push, nothing to pull
ag a1 0 --json sync
eq "empty sync pushed" "$(json 'j["pushed"]')" 0
eq "empty sync pulled" "$(json 'j["pulled"]')" 0

# the hub goes down: sync says "retry later" (3) and keeps everything
ag a1 0 contribution add --source donor --date 2023-07-01 --money 5000000 --donor "Công ty Cổ phần Mía đường Sóc Trăng"
ag a1 0 contribution add --source fatherland_front --labour-days 12 --date 2023-07-02
hub_stop "$H1_PID"
ag a1 3 sync
err_has "cannot reach the hub"
err_has "again later"
ag a1 0 --json status
eq "change-sets kept while the hub is down" "$(json 'j["sealed_unacked"]')" 1
eq "records kept while the hub is down" "$(json 'j["sealed_unacked_records"]')" 2
ag a1 0 contribution add --source business --date 2023-07-03 --money 1000000 --donor "Doanh nghiệp Hòa Bình"

# back on the same port: the next sync delivers all three, once
hub_start h1 "$PORT"
ag a1 0 --json sync
eq "pushed after the outage" "$(json 'j["pushed"]')" 2
eq "contributions on the hub" "$(sql h1 'select count(*) from contribution')" 3
eq "donor name intact" "$(sql h1 "select count(*) from contribution where donor = 'Công ty Cổ phần Mía đường Sóc Trăng'")" 1
ag a1 0 --json sync
eq "second sync pushes nothing" "$(json 'j["pushed"]')" 0
eq "second sync: nothing already there" "$(json 'j["already_there"]')" 0
eq "contributions after resync" "$(sql h1 'select count(*) from contribution')" 3
ag a1 0 --json status
eq "nothing waiting" "$(json 'j["sealed_unacked"]')" 0
[ "$(json 'j["last_sync"]')" != None ] || fail "last_sync not recorded"
ag a1 0 check


# too many enrolments from one address (a commune's carrier NAT): 429 is
# "try again later" (exit 3), not a refusal of the token (exit 4)
hub_new h2
hub_start h2 0 --enroll-rate 1
ag a9 0 init --commune 31498
ag a9 4 enroll --hub "$URL" --ca "$T/h2/ca.pem" --token 0000000000000000000000000000000000000000000000aa
err_has "refused"
ag a9 3 enroll --hub "$URL" --ca "$T/h2/ca.pem" --token 0000000000000000000000000000000000000000000000aa
err_has "try again later"
hub_stop "$HUB_PID"

finish

# e2e_hostile_hub.sh - the laptop trusts only what is its own in a pull answer:
# a real hub signs pull answers meant for a district laptop; a fake hub
# (fakehub.py, with the real hub's TLS files, on the real hub's port) then
# serves them and other crafted answers to a commune laptop, whose real
# 'maiam-agent sync' must refuse each one, merge nothing and keep its cursor.
# Needs python3: without it the test is SKIPPED (exit 77), never passed.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is missing"; exit 77; }
. "$(dirname "$0")/lib.sh"
FAKE="$(dirname "$0")/fakehub.py"

hub_new hub
hub_start hub
REAL_PID=$HUB_PID REAL_PORT=$PORT
laptop a 31498 hub          # the laptop under test: Phường 5
laptop p 31501 hub          # Phường 7, same district
ag d 0 init --commune 31501 # a district laptop, whose answers we take
hub hub agent add --district 941 --json
ag d 0 enroll --hub "$URL" --ca "$T/hub/ca.pem" --token "$(json 'j["token"]')"

ag a 0 household add --name "Nguyễn Văn Ân" --hamlet "Khóm 3" --members 4 --category poor
ag a 0 sync
CUR_A=$(asql a "select value from meta where key = 'pull_cursor'")
[ "$CUR_A" -gt 0 ] || fail "a's cursor did not move: $CUR_A"

# capture FILE AFTER: the district laptop's pull answer, signed by the real
# hub, with d's client certificate; prints the answer's cursor
capture() {
	python3 - "$T" "$1" "$2" "$PORT" <<'PY' || fail "pull for d"
import http.client, ssl, sys
t, name, after, port = sys.argv[1:5]
ctx = ssl.create_default_context(cafile=t + "/hub/ca.pem")
ctx.load_cert_chain(t + "/d/agent.crt", t + "/d/agent.key")
c = http.client.HTTPSConnection("127.0.0.1", int(port), context=ctx, timeout=60)
c.request("GET", "/v1/pull?after=" + after)
r = c.getresponse()
open(t + "/" + name, "wb").write(r.read())
print(r.getheader("Maiam-Cursor"))
sys.exit(0 if r.status == 200 else 1)
PY
}
C1=$(capture own.bin 0)        # a's own household, written by a
ag p 0 household add --name "Trần Thị Đào" --hamlet "Khóm 1" --members 3 --category near_poor
ag p 0 sync
C2=$(capture far.bin "$C1")    # p's household, in Phường 7
[ -s "$T/own.bin" ] && [ -s "$T/far.bin" ] || fail "no pull answers captured ($C1, $C2)"
hub_stop "$REAL_PID"

plan() { printf '%s\n' "$1" >"$T/plan.json"; : >"$T/fake.log"; }
plan '{}'
python3 "$FAKE" "$REAL_PORT" "$T/hub/server.pem" "$T/hub/server.key" "$T/plan.json" "$T/fake.log" \
	>"$T/fake.out" 2>"$T/fake.err" &
FAKE_PID=$!
HUB_PIDS="$HUB_PIDS $FAKE_PID"
for _ in $(seq 1 100); do grep -q listening "$T/fake.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$T/fake.out" || { fail "fake hub did not start"; cat "$T/fake.err" >&2; finish; }

unchanged() { # what a holds is what it held
	eq "$1: a's households" "$(asql a 'select count(*) from household')" 1
	eq "$1: a's cursor" "$(asql a "select value from meta where key = 'pull_cursor'")" "$CUR_A"
}
# 1. a record in a's own name, signed by the real hub key
plan "{\"pull\": {\"status\": 200, \"body_file\": \"$T/own.bin\", \"cursor\": $((CUR_A + 50)), \"ctype\": \"application/octet-stream\"}}"
ag a 1 sync
err_has "claims to be written by this laptop"
err_has "nothing was merged"
unchanged "own writer"
# 2. a household of another commune
plan "{\"pull\": {\"status\": 200, \"body_file\": \"$T/far.bin\", \"cursor\": $((CUR_A + 50)), \"ctype\": \"application/octet-stream\"}}"
ag a 1 sync
err_has "outside this laptop's commune 31498"
unchanged "outside the area"
# 3. a cursor that moves back, with or without updates
plan "{\"pull\": {\"status\": 204, \"cursor\": $((CUR_A - 1))}}"
ag a 1 sync
err_has "moved the pull cursor back from $CUR_A to $((CUR_A - 1))"
unchanged "cursor back"
# 4. terminal controls in the hub's message: CSI (U+009B), ESC, BEL, DEL
plan '{"pull": {"status": 403, "body": "{\"error\": \"x\", \"message\": \"go \\u009b2J\\u001b]0;owned\\u0007 \\u007f now\"}"}}'
ag a 4 sync
err_has "go  2J ]0;owned    now"
if grep -q "$(printf '\302\233')" "$ERR" || grep -q "$(printf '\033')" "$ERR"; then
	fail "a control character reached the terminal"
fi
unchanged "controls"
# 5. "more" for ever: bounded by rounds, and by time
plan '{"pull": {"status": 204, "step": 1, "more": 1}}'
MAIAM_PULL_ROUNDS=3 ag a 0 sync
eq "pull rounds" "$(grep -c pull "$T/fake.log")" 3
err_has "more updates than one sync takes (3 rounds)"
CUR_A=$((CUR_A + 3))
plan '{"pull": {"status": 204, "step": 1, "more": 1}}'
MAIAM_PULL_SECONDS=0 ag a 0 sync
eq "pull rounds in 0 s" "$(grep -c pull "$T/fake.log")" 1
CUR_A=$((CUR_A + 1))
unchanged "more for ever"
# 6. the hub's feedback: a good list is kept; one bad item (commune 0) or
# a list left out, and nothing of that answer is kept nor said
dups() { asql a 'select count(*) from hub_duplicate'; }
good='{"household": "0123456789abcdef-1", "national_id": "079123456789", "commune": 31501, "commune_name": "Xã Kế An"}'
plan "{\"pull\": {\"status\": 204}, \"feedback\": {\"status\": 200, \"body\": $(python3 -c 'import json,sys; print(json.dumps(json.dumps({"duplicates": [json.loads(sys.argv[1])], "refused": []})))' "$good")}}"
ag a 0 sync
eq "a good duplicate list kept" "$(dups)" 1
plan "{\"pull\": {\"status\": 204}, \"feedback\": {\"status\": 200, \"body\": $(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d2=dict(d, commune=0); print(json.dumps(json.dumps({"duplicates": [d, d2], "refused": []})))' "$good")}}"
ag a 1 sync
err_has "feedback (refused change-sets, duplicate national ids) is not understood"
eq "a bad item: the list before stays" "$(dups)" 1
plan '{"pull": {"status": 204}, "feedback": {"status": 200, "body": "{\"duplicates\": []}"}}'
ag a 1 sync
err_has "is not understood"
eq "a list left out: the list before stays" "$(dups)" 1
plan '{"pull": {"status": 204}, "feedback": {"status": 200, "body": "[1, 2"}}'
ag a 1 sync
err_has "is not understood"
eq "not JSON: the list before stays" "$(dups)" 1
unchanged "feedback"
# 7. an enrolment answer with a second public key appended (all else right:
# e's own agent id, a real client certificate, a's campaign and commune)
ag e 0 init --commune 31498
EID=$(asql e "select value from meta where key = 'key_id'")
PEM=$(asql a "select value from meta where key = 'hub_public_key'")
KID=$(asql a "select value from meta where key = 'hub_key_id'")
CAMP=$(asql a "select value from meta where key = 'campaign'")
CERT=$(cat "$T/a/agent.crt")
body=$(python3 -c 'import json,sys; print(json.dumps({"agent_id": sys.argv[4][2:], "hub_key_id": sys.argv[2], "hub_public_key": sys.argv[1] + "\n" + sys.argv[1] + "\n", "campaign": sys.argv[5], "scope": {"kind": "commune", "code": 31498}, "client_cert": sys.argv[3] + "\n"}))' "$PEM" "$KID" "$CERT" "$EID" "$CAMP")
python3 -c 'import json,sys; print(json.dumps({"enroll": {"status": 200, "body": sys.argv[1]}}))' "$body" >"$T/plan.json"
ag e 1 enroll --hub "https://127.0.0.1:$REAL_PORT" --ca "$T/hub/ca.pem" --token tok123
err_has "not exactly one PEM public key"
eq "e not enrolled" "$(asql e "select count(*) from meta where key = 'hub_url'")" 0
[ ! -e "$T/e/agent.crt" ] || fail "e kept a client certificate"
finish

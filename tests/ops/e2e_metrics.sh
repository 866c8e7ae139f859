# e2e_metrics.sh - the hub's log lines and /metrics (docs/OPERATIONS.md,
# "Logs" and "Metrics"), through the real binaries: a laptop syncs, a
# second laptop's push is refused (a change-set over --max-records), an
# operator's sign-in fails; /metrics scraped from 127.0.0.1 is read by
# Prometheus' own parser (python3-prometheus-client) and its numbers moved
# as they should; from elsewhere (127.0.0.2) it is 404 without a session,
# 403 for a viewer, 200 for an admin. The log has one well-formed line per
# event: a request line per request (agent id, route, status, bytes, ms),
# the dashboard's with the operator, a refused TLS handshake as an event,
# and none of the households' personal data nor the passwords; with
# MAIAM_HUB_LOG_LEVEL=warn (the environment's log-level) the info lines go
# (the first hub runs at debug: a successful /metrics is a debug line).
# Usage: e2e_metrics.sh MAIAM-AGENT MAIAM-HUB   (77: a tool is missing)
. "$(dirname "${BASH_SOURCE[0]}")/../sync/lib.sh"
need curl
# Debian's python3-prometheus-client is for Debian's python3, which may not
# be the first python3 on the PATH
PY=""
for p in python3 /usr/bin/python3; do
	"$p" -c 'import prometheus_client.parser' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || {
	echo "SKIP: no python3 with prometheus_client (sh scripts/deps installs python3-prometheus-client)"
	exit 77
}
unset MAIAM_HUB_LOG_LEVEL MAIAM_HUB_CONFIG

C=31498 # Phường 5, Thành phố Sóc Trăng
PW="mật khẩu dài lắm"
hub_new hub
hub_start hub 0 --max-records 20 --log-level debug
LOG="$T/hub.serve.err"

# -- a laptop syncs two households with personal data; a second one's push
#    of 30 households is over --max-records and refused (too_many_records)
laptop a "$C" hub
ag a 0 --json household add --name "Nguyễn Thị Bí Mật" --hamlet "Khóm 3" --members 4 \
	--category poor --national-id 094123456789 --phone 0912345678 --note "ghi chú riêng tư"
ag a 0 --json household add --name "Trần Văn Kín" --hamlet "Khóm 3" --members 2 --category poor
ag a 0 sync
laptop b "$C" hub
for i in $(seq 1 30); do
	ag b 0 --json household add --name "Hộ Thứ $i" --hamlet "Khóm 1" --members 3 --category poor
done
try b sync
[ "$RC" != 0 ] || fail "a push over --max-records was taken"
grep -q too_many_records "$ERR" || { fail "laptop b was not refused with too_many_records"; show; }
hub hub agent list --json
AGENTS=$(json '" ".join(sorted(a["agent"] for a in j if a["agent"]))')
[ "$(echo $AGENTS | wc -w)" = 2 ] || fail "agent list: want 2 agents, got '$AGENTS'"

# -- operators: an admin and a viewer; a failed sign-in
printf '%s\n' "$PW" | "$HUB" operator add quantri --role admin --dir "$T/hub" >/dev/null 2>&1 ||
	fail "operator add quantri"
printf '%s\n' "$PW" | "$HUB" operator add xem --role viewer --dir "$T/hub" >/dev/null 2>&1 ||
	fail "operator add xem"
# from 127.0.0.2: a client from elsewhere, as far as /metrics is concerned
rcurl() { curl -s --interface 127.0.0.2 --cacert "$T/hub/ca.pem" "$@"; }
login() { # NAME PASSWORD JAR: the sign-in's HTTP status
	rcurl -c "$3" -o /dev/null -w '%{http_code}' -H "Origin: $URL" \
		--data-urlencode "name=$1" --data-urlencode "password=$2" "$URL/login"
}
login quantri "$PW" "$T/admin.jar" >/dev/null
login xem "$PW" "$T/viewer.jar" >/dev/null
login quantri "sai mật khẩu" "$T/bad.jar" >/dev/null
grep -q maiam_session "$T/admin.jar" || fail "the admin did not sign in"
grep -q maiam_session "$T/viewer.jar" || fail "the viewer did not sign in"

# -- /metrics: who may read it
eq "/metrics from elsewhere, no session" "$(rcurl -o /dev/null -w '%{http_code}' "$URL/metrics")" 404
eq "/metrics for a viewer" "$(rcurl -b "$T/viewer.jar" -o /dev/null -w '%{http_code}' "$URL/metrics")" 403
eq "/metrics for an admin" \
	"$(rcurl -b "$T/admin.jar" -o "$T/admin.prom" -w '%{http_code}' "$URL/metrics")" 200
eq "/metrics from 127.0.0.1" \
	"$(curl -s --cacert "$T/hub/ca.pem" -o "$T/local.prom" -D "$T/local.hdr" -w '%{http_code}' \
		"$URL/metrics")" 200
grep -qi '^content-type: text/plain; version=0.0.4' "$T/local.hdr" ||
	fail "/metrics is not served as the text format 0.0.4: $(cat "$T/local.hdr")"

# -- what it says, read by the real parser
check_metrics() { # FILE
	"$PY" - "$1" <<'PY' || fail "/metrics $1: see above"
import sys
from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1], encoding="utf-8").read()
fam = {f.name: f for f in text_string_to_metric_families(text)}
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
def samples(name, suffix=""):
    return [s for s in fam[name].samples if s.name == name + suffix]
def value(name, suffix="", **labels):
    for s in samples(name, suffix):
        if all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return None

types = {"maiam_hub_pushes": "counter", "maiam_hub_sync_duration_seconds": "histogram",
         "maiam_hub_group_commit_pushes": "histogram", "maiam_hub_writer_queue_depth": "gauge",
         "maiam_hub_wal_bytes": "gauge", "maiam_hub_connections": "gauge",
         "maiam_hub_photos_stored": "gauge", "maiam_hub_login_failures": "counter"}
for name, t in types.items():
    want(name in fam, "no family " + name)
    if name in fam:
        want(fam[name].type == t, "%s is a %s, not a %s" % (name, fam[name].type, t))
        want(fam[name].documentation, name + " has no HELP")
if bad:
    print("\n".join(bad)); sys.exit(1)
want(value("maiam_hub_pushes", "_total", code="applied") == 1, "applied pushes != 1")
want(value("maiam_hub_pushes", "_total", code="too_many_records") == 1, "too_many_records != 1")
for route in ("push", "pull"):
    n = value("maiam_hub_sync_duration_seconds", "_count", route=route)
    want(n == 2, "%s durations counted %r, want 2" % (route, n))
    want(value("maiam_hub_sync_duration_seconds", "_bucket", route=route, le="+Inf") == n,
         route + ": +Inf bucket != count")
    want(value("maiam_hub_sync_duration_seconds", "_sum", route=route) > 0, route + ": sum 0")
    last = 0
    for s in samples("maiam_hub_sync_duration_seconds", "_bucket"):
        if s.labels["route"] == route:
            want(s.value >= last, route + ": buckets not cumulative")
            last = s.value
want(value("maiam_hub_group_commit_pushes", "_sum") == 2, "group commits did not merge 2 pushes")
want(value("maiam_hub_group_commit_pushes", "_count") >= 1, "no group commit")
want(value("maiam_hub_writer_queue_depth") == 0, "writer queue not empty at rest")
want(value("maiam_hub_wal_bytes") >= 0, "no WAL size")
want(value("maiam_hub_photos_stored") == 0, "photos stored != 0")
want(value("maiam_hub_login_failures", "_total") == 1, "login failures != 1")
for kind in ("sync", "dashboard", "other"):
    want(value("maiam_hub_connections", kind=kind) is not None, "no connections of kind " + kind)
want(value("maiam_hub_connections", kind="other") + value("maiam_hub_connections", kind="dashboard") >= 1,
     "the scraping connection is not counted")
if bad:
    print("\n".join(bad)); sys.exit(1)
PY
}
check_metrics "$T/local.prom"
check_metrics "$T/admin.prom"

# -- a refusal at the door: plain HTTP on the TLS port
curl -s -m 10 -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null
for _ in $(seq 1 50); do grep -q 'conn_closed reason=tls_handshake' "$LOG" && break; sleep 0.1; done
hub_stop "$HUB_PID"

# -- the log: every line well-formed; the lines the operator reads
"$PY" - "$LOG" <<'PY' || fail "malformed log lines: see above"
import re, sys
line = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (error|warn|info|debug) [a-z_]+'
                  r'( [a-z_]+=("([^"\\]|\\.)*"|[^ "=\\]+))*$')
bad = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if not line.match(l)]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
for id in $AGENTS; do
	grep -qE "^[^ ]+ info request agent=$id method=POST route=/v1/push status=(200|413) bytes_in=[1-9][0-9]* bytes_out=[1-9][0-9]* ms=[0-9]+\.[0-9]$" "$LOG" ||
		fail "no push request line for agent $id"
	grep -qE "^[^ ]+ info request agent=$id method=GET route=/v1/pull status=20[04] bytes_in=[1-9][0-9]* bytes_out=[0-9]+ ms=[0-9]+\.[0-9]$" "$LOG" ||
		fail "no pull request line for agent $id"
done
grep -qE " info request agent=[0-9a-f]{16} method=POST route=/v1/push status=413 " "$LOG" ||
	fail "the refused push has no request line with its status"
grep -qE " info request agent=- method=POST route=/v1/enroll status=200 " "$LOG" ||
	fail "no request line for an enrolment"
grep -qE " debug request operator=quantri method=GET route=/metrics status=200 " "$LOG" ||
	fail "the admin's /metrics has no request line with the operator (at debug: a monitor's poll)"
grep -qE " debug request agent=- method=GET route=/metrics status=200 " "$LOG" ||
	fail "the local scrape has no debug request line"
grep -qE " info request operator=xem method=GET route=/metrics status=403 " "$LOG" ||
	fail "the viewer's refused /metrics has no request line"
grep -qE " info request operator=- method=POST route=/login status=" "$LOG" ||
	fail "the failed sign-in has no request line"
grep -q ' info conn_closed reason=tls_handshake ' "$LOG" || fail "the refused TLS handshake is not logged"
grep -q ' info stopping msg="signal 15: no new connections' "$LOG" || fail "no stopping line"
grep -q ' info writer_stopped pushes=2 group_commits=' "$LOG" || fail "no writer_stopped line"
for secret in "Bí Mật" "Nguyễn" "Trần Văn Kín" "094123456789" "0912345678" "riêng tư" "Hộ Thứ" \
	"mật khẩu" "maiam_session" "$(sed -n 's/.*maiam_session[[:space:]]*//p' "$T/admin.jar")"; do
	[ -n "$secret" ] || continue
	grep -qF "$secret" "$LOG" && fail "the log holds '$secret'"
done

# -- log-level warn, from the environment: no info lines
MAIAM_HUB_LOG_LEVEL=warn hub_start hub "$PORT" # the port the laptops know
ag a 0 household add --name "Lê Văn Sau" --hamlet "Khóm 3" --members 1 --category poor
ag a 0 sync
eq "/metrics at warn" "$(curl -s --cacert "$T/hub/ca.pem" -o /dev/null -w '%{http_code}' "$URL/metrics")" 200
hub_stop "$HUB_PID"
grep -q ' info ' "$LOG" && { fail "info lines under log-level warn"; cat "$LOG" >&2; }
# and an error still says why, as a log line
"$HUB" serve --dir "$T/hub" --listen nowhere --log-level warn >/dev/null 2>"$T/bad.err"
grep -qE "^[^ ]+ error message msg=\"--listen 'nowhere' is not ADDR:PORT" "$T/bad.err" ||
	{ fail "a refused --listen is not an error line"; cat "$T/bad.err" >&2; }
"$HUB" serve --dir "$T/hub" --log-level loud >/dev/null 2>"$T/bad.err"
grep -q "is not one of error, warn, info, debug" "$T/bad.err" ||
	{ fail "a wrong --log-level is not refused"; cat "$T/bad.err" >&2; }
# the file's log-level, and the environment's over it
printf 'log-level = error\n' >"$T/hub.conf"
MAIAM_HUB_CONFIG="$T/hub.conf" "$HUB" serve --check-config --dir "$T/hub" >"$OUT" 2>"$ERR"
grep -q "^log-level = error .*hub.conf:1" "$OUT" || { fail "log-level from hub.conf"; show; }
MAIAM_HUB_CONFIG="$T/hub.conf" MAIAM_HUB_LOG_LEVEL=debug "$HUB" serve --check-config --dir "$T/hub" \
	>"$OUT" 2>"$ERR"
grep -q '^log-level = debug .*\$MAIAM_HUB_LOG_LEVEL' "$OUT" || { fail "log-level from the environment"; show; }
finish

# e2e_hub_config.sh - serve's settings from hub.conf, the environment and
# the command line, through the real binary: 'serve --check-config' prints
# each setting and where it came from (the command line over the
# environment over the file over the default) and exits 0; an unknown key,
# a bad value, a line that is not 'key = value' and a key given twice are
# refused with the file's name and the line (exit 2), a bad variable with
# its name; a hub serves from a file that names its directory and address.
# Usage: e2e_hub_config.sh MAIAM-AGENT MAIAM-HUB
. "$(dirname "${BASH_SOURCE[0]}")/../sync/lib.sh"
unset MAIAM_HUB_CONFIG MAIAM_HUB_LISTEN MAIAM_HUB_MAX_CONNS

hub_new hub
CONF="$T/hub.conf"
cat >"$CONF" <<EOF
# the province's hub
dir = $T/hub
listen = 127.0.0.1:0
max-conns = 100
	day-records  =  5000
EOF
check() { # ARGS...: serve --check-config, output in $OUT, exit in RC
	timeout "$CMD_TIMEOUT" "$HUB" serve --check-config "$@" >"$OUT" 2>"$ERR"
	RC=$?
}
line() { grep -E "^$1 = " "$OUT"; }

check --config "$CONF"
eq "check-config" "$RC" 0
eq "dir from the file" "$(line dir)" "dir = $T/hub   # $CONF:2"
eq "max-conns from the file" "$(line max-conns)" "max-conns = 100   # $CONF:4"
eq "indented line" "$(line day-records)" "day-records = 5000   # $CONF:5"
eq "a default" "$(line drain)" "drain = 30   # default"
out_has "# configuration file: $CONF"

MAIAM_HUB_MAX_CONNS=200 check --config "$CONF" --idle-timeout 9
eq "check-config with the environment" "$RC" 0
eq "environment over file" "$(line max-conns)" "max-conns = 200   # \$MAIAM_HUB_MAX_CONNS"
eq "command line" "$(line idle-timeout)" "idle-timeout = 9   # command line"
MAIAM_HUB_MAX_CONNS=200 check --config "$CONF" --max-conns=300
eq "command line over environment" "$(line max-conns)" "max-conns = 300   # command line"
MAIAM_HUB_CONFIG="$CONF" check
eq "the file from \$MAIAM_HUB_CONFIG" "$(line max-conns)" "max-conns = 100   # $CONF:4"

# mistakes: the file and line, or the variable, and exit 2
bad() { # WHAT WANT-IN-STDERR LINE...: a file of these lines is refused
	local what=$1 want=$2
	shift 2
	printf '%s\n' "$@" >"$T/bad.conf"
	check --config "$T/bad.conf"
	eq "$what: exit" "$RC" 2
	err_has "$want"
}
bad "unknown key" "$T/bad.conf:2: unknown key 'max-con'" "listen = 127.0.0.1:0" "max-con = 5"
bad "bad number" "$T/bad.conf:1: 'lots' for 'max-conns' is not a number from 1 to 100000" \
	"max-conns = lots"
bad "no '='" "$T/bad.conf:3: 'listen 127.0.0.1:0' is not 'key = value'" "" "# x" "listen 127.0.0.1:0"
bad "twice" "$T/bad.conf:2: 'drain' was already set on line 1" "drain = 5" "drain = 6"
bad "empty value" "$T/bad.conf:1: 'listen' needs a value" "listen ="
bad "not a setting" "unknown key 'config'" "config = /etc/other.conf"
MAIAM_HUB_DRAIN=0 check --config "$CONF"
eq "bad variable: exit" "$RC" 2
err_has "MAIAM_HUB_DRAIN: '0' for 'drain' is not a number from 1 to 3600"
check --config "$T/missing.conf"
eq "missing file: exit" "$RC" 2
err_has "$T/missing.conf"
check --config "$CONF" --dir "$T/nohub"
eq "a directory without a hub" "$RC" 2
err_has "holds no hub"

# a hub serves from the file: its directory and address come from there
# (its first line, read from a FIFO kept open while it serves)
mkfifo "$T/conf.serve"
"$HUB" serve --config "$CONF" >"$T/conf.serve" 2>"$T/conf.serve.err" &
HUB_PID=$!
HUB_PIDS="$HUB_PIDS $HUB_PID"
exec 3<"$T/conf.serve"
read -r -t 60 -u 3 said
case $said in
"listening on https://127.0.0.1:"*)
	URL="https://127.0.0.1:${said##*:}"
	laptop a1 31498 hub ;;
*) fail "the hub did not start from its file: '$said'"; cat "$T/conf.serve.err" >&2 ;;
esac
hub_stop "$HUB_PID"
exec 3<&-

# Vietnamese under a vi locale, English under LANG=C
printf 'max-con = 5\n' >"$T/bad.conf"
LC_ALL= LC_MESSAGES= LANGUAGE= LANG=vi_VN.UTF-8 "$HUB" serve --check-config --config "$T/bad.conf" \
	>"$OUT" 2>"$ERR"
err_has "khóa"
LC_ALL= LC_MESSAGES= LANGUAGE= LANG=C "$HUB" serve --check-config --config "$T/bad.conf" \
	>"$OUT" 2>"$ERR"
err_has "unknown key"
finish

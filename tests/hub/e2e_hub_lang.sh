#!/bin/bash
# e2e_hub_lang.sh HUB [AGENT] - maiam-hub's messages follow the operator's locale:
# English under LANG=C (and with no locale at all), Vietnamese under a vi
# locale whether or not this machine has it generated (LANGUAGE is asked
# then), and LANGUAGE=vi beside a UTF-8 locale. Each case runs the real
# binary and checks its words, its exit code and that nothing else changes.
# The hub's commands then speak both languages: init, agent, audit, serve's
# start-up and import of a refused bundle (AGENT, default the build's
# maiam-agent beside maiam-hub, makes that bundle; MAIAM_DATA_DIR must name
# the campaigns, as ctest sets it).
set -u
HUB=$1
AGENT=${2:-$(dirname "$HUB")/../agent/maiam-agent}
fails=0
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT

# run ENV... -- ARGS: stderr and stdout of maiam-hub into $out, exit code in $rc
# (no locale and no MAIAM_HUB_DIR from the caller: only ENV)
run() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	out=$(env -u LC_ALL -u LC_MESSAGES -u LANG -u LANGUAGE -u MAIAM_HUB_DIR "${envs[@]}" "$HUB" "$@" 2>&1)
	rc=$?
}

# expect WHAT RC TEXT: the last run exited RC and said TEXT
expect() {
	if [ "$rc" != "$2" ] || ! grep -qF -- "$3" <<<"$out"; then
		echo "FAIL: $1: exit $rc (want $2), want '$3' in:"
		echo "$out" | sed 's/^/    /'
		fails=$((fails + 1))
	else
		echo "ok: $1"
	fi
}

# expect_not WHAT TEXT: the last run did not say TEXT
expect_not() {
	if grep -qF -- "$2" <<<"$out"; then
		echo "FAIL: $1: '$2' should not be in:"
		echo "$out" | sed 's/^/    /'
		fails=$((fails + 1))
	fi
}

run LANG=C -- frobnicate
expect "LANG=C: an unknown command in English" 2 "'frobnicate' is not a command: see 'maiam-hub --help'"
run -- frobnicate
expect "no locale at all: English" 2 "'frobnicate' is not a command"
run LANG=vi_VN.UTF-8 -- frobnicate
expect "LANG=vi_VN.UTF-8: Vietnamese" 2 "'frobnicate' không phải là một lệnh: xem 'maiam-hub --help'"
expect_not "LANG=vi_VN.UTF-8: no English" "is not a command"
run LANG=C.UTF-8 LANGUAGE=vi -- frobnicate
expect "LANGUAGE=vi: Vietnamese" 2 "không phải là một lệnh"
run LANG=C LANGUAGE=vi -- frobnicate
expect "LANG=C wins over LANGUAGE (gettext's rule)" 2 "is not a command"
run LANG=vi_VN.UTF-8 -- --help
expect "--help in Vietnamese, exit 0" 0 "cách dùng: maiam-hub LỆNH"
# the command names and options stay as typed in every language
expect "--help keeps the command lines" 0 "maiam-hub report progress|awards|funds|reconcile"

# --- the commands: init, agent, audit, serve, import, in both languages ---
run LANG=vi_VN.UTF-8 -- init
expect "init with no --dir nor MAIAM_HUB_DIR refuses, in Vietnamese" 2 \
	"init cần thư mục máy chủ tỉnh: hãy cho --dir THƯ_MỤC (hoặc đặt MAIAM_HUB_DIR)"
run LANG=C -- init
expect "... in English under LANG=C" 2 "init needs the hub directory: give --dir DIR"
run LANG=vi_VN.UTF-8 -- init --dir "$T/hub"
expect "init says the hub is ready, in Vietnamese" 0 "máy chủ tỉnh đã sẵn sàng trong '$T/hub'"
expect "... with the command to start it as typed" 0 "maiam-hub serve --dir $T/hub"
run LANG=C -- init --dir "$T/hub"
expect "init again, in English" 0 "hub ready in '$T/hub'"
run LANG=vi_VN.UTF-8 -- init --dir "$T/hub" --bogus
expect "an unknown option, in Vietnamese" 2 "không có tùy chọn '--bogus' cho 'init'"
run LANG=C -- init --dir "$T/hub" --bogus
expect "... in English" 2 "unknown option '--bogus' for 'init'"
# what is wrong in a campaign file: proto's own catalogue (maiam-proto.mo)
printf 'format = 1\nid = x\nfoo = 1\n' >"$T/bad.campaign"
printf 'format = 1\nid = x\n[evidence]\nmax_distance_m = 5\n' >"$T/far.campaign"
run LANG=vi_VN.UTF-8 -- init --dir "$T/badhub" --campaign "$T/bad.campaign"
expect "a campaign file's unknown key, in Vietnamese" 1 \
	"bad.campaign:3: không có thiết lập 'foo'; các thiết lập hợp lệ: format, id, name"
expect_not "... with no English in it" "unknown key"
run LANG=C -- init --dir "$T/badhub" --campaign "$T/bad.campaign"
expect "... in English under LANG=C" 1 "bad.campaign:3: unknown key 'foo'; known: format, id, name"
run LANG=vi_VN.UTF-8 -- init --dir "$T/badhub" --campaign "$T/far.campaign"
expect "a word passed into a campaign message is translated too" 1 \
	"max_distance_m '5' không phải là số mét nguyên từ 10 đến 100000"
run LANG=vi_VN.UTF-8 -- audit verify --dir "$T/nohub"
expect "a folder with no hub, in Vietnamese" 1 "không có máy chủ tỉnh nào trong '$T/nohub'"

run LANG=vi_VN.UTF-8 -- agent add --dir "$T/hub"
expect "agent add with no area, in Vietnamese" 2 "agent add cần --commune MÃ hoặc --district MÃ"
run LANG=C -- agent add --dir "$T/hub"
expect "... in English" 2 "agent add needs --commune CODE or --district CODE"
run LANG=vi_VN.UTF-8 -- agent add --dir "$T/hub" --commune 1
expect "agent add of no commune, in Vietnamese" 2 "1 không phải là mã xã của đợt thi đua"
run LANG=C -- agent add --dir "$T/hub" --commune 1
expect "... in English" 2 "1 is not a commune of campaign"
run LANG=vi_VN.UTF-8 -- agent add --dir "$T/hub" --commune 31498
expect "agent add shows the token and says what it is, in Vietnamese" 0 \
	"dùng một lần, hết hạn sau 168 giờ; hãy đưa mã cho máy tính của xã: maiam-agent enroll --token"
run LANG=C -- agent add --dir "$T/hub" --commune 31498
expect "... in English" 0 "one use, expires in 168 hours; give it to the laptop"
run LANG=vi_VN.UTF-8 -- agent add --help
expect "agent add --help: the options' help in Vietnamese" 0 \
	"mã đăng ký dành cho một máy tính của xã này"
expect "... the options as typed" 0 "--commune CODE"
expect "... --dir's help too" 0 "thư mục máy chủ tỉnh (mặc định \$MAIAM_HUB_DIR"
run LANG=vi_VN.UTF-8 -- agent list --dir "$T/hub"
# the header names columns as --json names its keys: the same in every language
expect "agent list keeps its columns" 0 "ID    STATUS    SCOPE    CODE   AGENT"
run LANG=vi_VN.UTF-8 -- agent revoke --dir "$T/hub" 99
expect "agent revoke of nothing, in Vietnamese" 1 \
	"không có máy hay mã đăng ký nào đang hiệu lực là '99'"

run LANG=vi_VN.UTF-8 -- audit verify --dir "$T/hub"
expect "audit verify's summary, in Vietnamese" 0 \
	"kiểm tra đạt: mọi gói dữ liệu đều đúng chữ ký số"
expect "... the ledger line too" 0 "sổ cái: đã kiểm tra 0 gói dữ liệu từ 0 máy gốc"
expect_not "... no English" "audit passed"
run LANG=C -- audit verify --dir "$T/hub"
expect "... in English" 0 "audit passed: every change-set verifies"
run LANG=vi_VN.UTF-8 -- audit verify --dir "$T/hub" --json
expect "audit --json stays the same in every language" 0 '"ok": true'

run LANG=vi_VN.UTF-8 -- serve --dir "$T/hub" --listen nowhere
expect "serve with a bad --listen, in Vietnamese" 2 \
	"--listen 'nowhere' không có dạng ĐỊA_CHỈ:CỔNG (ví dụ 127.0.0.1:8443)"
run LANG=C -- serve --dir "$T/hub" --listen nowhere
expect "... in English" 2 "--listen 'nowhere' is not ADDR:PORT"

printf 'not a bundle' >"$T/junk.maiam"
run LANG=vi_VN.UTF-8 -- import --dir "$T/hub" "$T/junk.maiam"
expect "import of a file that is no bundle, in Vietnamese" 4 \
	"'$T/junk.maiam' bị từ chối, không nhập gì: không phải tệp xuất của Mái Ấm"
run LANG=vi_VN.UTF-8 -- import --dir "$T/hub"
expect "import with no file, in Vietnamese" 2 "import cần ít nhất một TỆP xuất"

# a bundle of a laptop never enrolled: refused by its code (unknown_agent)
if [ -x "$AGENT" ]; then
	ag() { env -u LANGUAGE LANG=C "$AGENT" --home "$T/laptop" "$@" >"$T/agent.out" 2>&1 ||
		{ echo "FAIL: maiam-agent $*:"; sed 's/^/    /' "$T/agent.out"; fails=$((fails + 1)); }; }
	ag init --commune 31498
	ag household add --name "Nguyễn Văn Ân" --hamlet "Ấp Phú Thành" --members 4 --category poor
	ag export --out "$T/never-enrolled.maiam"
	run LANG=vi_VN.UTF-8 -- import --dir "$T/hub" "$T/never-enrolled.maiam"
	expect "import refused by its code, in Vietnamese" 4 \
		"bị từ chối: unknown_agent: máy tính của xã tạo ra gói này chưa đăng ký với máy chủ tỉnh"
	expect "... with the way out as typed" 4 "('maiam-hub agent add', thêm --file cho máy dùng USB)"
	expect "... and the summary" 4 "1 gói dữ liệu: 0 đã nhập, 0 đã nhập từ trước, 1 bị từ chối"
	expect_not "... no English sentence inside" "enrol the laptop with a token first"
	run LANG=C -- import --dir "$T/hub" "$T/never-enrolled.maiam"
	expect "... in English: the hub's own words, as before" 4 \
		"rejected: unknown_agent: origin "
	expect "... English summary" 4 "1 change-sets: 0 applied, 0 already applied, 1 rejected"
else
	echo "FAIL: no maiam-agent at '$AGENT' to make a bundle with"
	fails=$((fails + 1))
fi

# the campaign file init was given, moved away since: every command says so
# whole in the operator's language, with the way back; init with its new
# place brings the hub back, its data and key kept
if [ -n "${MAIAM_DATA_DIR:-}" ] && [ -d "$MAIAM_DATA_DIR/campaigns" ]; then
	mkdir -p "$T/camp" &&
		cp -r "$MAIAM_DATA_DIR/campaigns" "$MAIAM_DATA_DIR/data" "$T/camp/" || exit 1
	run LANG=C -- init --dir "$T/moved" --campaign "$T/camp/campaigns/soc-trang-2023.campaign"
	expect "init with a campaign file of its own" 0 "hub ready in '$T/moved'"
	key_before=$(cat "$T/moved/hub.key" "$T/moved/ca.pem" 2>/dev/null | cksum)
	mv "$T/camp" "$T/camp2"
	run LANG=vi_VN.UTF-8 -- agent list --dir "$T/moved"
	expect "the campaign file moved away, in Vietnamese" 1 \
		"không đọc được tệp đợt thi đua đã dùng khi lập máy chủ tỉnh này '$T/camp/campaigns/soc-trang-2023.campaign'"
	expect "... with the way back as typed" 1 \
		"'maiam-hub init --dir $T/moved --campaign TỆP' (dữ liệu và khóa của máy chủ tỉnh được giữ nguyên)"
	expect_not "... no English sentence inside" "unable to read file"
	expect_not "... nor the English way out" "check the path"
	run LANG=C -- agent list --dir "$T/moved"
	expect "... in English" 1 "cannot read the campaign file this hub was set up with '$T/camp/"
	run LANG=C -- init --dir "$T/moved" --campaign "$T/camp2/campaigns/soc-trang-2023.campaign"
	expect "init with the file's new place" 0 "hub ready in '$T/moved'"
	key_after=$(cat "$T/moved/hub.key" "$T/moved/ca.pem" 2>/dev/null | cksum)
	run LANG=C -- agent list --dir "$T/moved"
	expect "the hub works again" 0 ""
	if [ ! -s "$T/moved/hub.key" ] || [ ! -s "$T/moved/ca.pem" ] || [ "$key_before" != "$key_after" ]; then
		echo "FAIL: init with the campaign's new place changed the hub's key or its CA"
		fails=$((fails + 1))
	fi
	# there but not readable by the hub's user: its permissions, not its place
	# (root reads anything: run as nobody where the test runs as root)
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		chmod a+x "$T" && chmod -R a+rwX "$T/moved" "$T/camp2" &&
			chmod 000 "$T/camp2/campaigns/soc-trang-2023.campaign" || exit 1
		out=$(env -u LC_ALL -u LC_MESSAGES -u LANGUAGE -u MAIAM_HUB_DIR LANG=vi_VN.UTF-8 \
			setpriv --reuid=65534 --regid=65534 --clear-groups "$HUB" agent list --dir "$T/moved" 2>&1)
		rc=$?
		expect "the campaign file unreadable, in Vietnamese" 1 \
			"không đọc được tệp đợt thi đua đã dùng khi lập máy chủ tỉnh này '$T/camp2/"
		expect "... its permissions to check" 1 "kiểm tra quyền truy cập của tệp"
		expect_not "... not told to move it back" "đặt tệp về chỗ cũ"
		chmod 644 "$T/camp2/campaigns/soc-trang-2023.campaign"
	else
		echo "skip: an unreadable campaign file (needs root and setpriv)"
	fi
else
	echo "FAIL: MAIAM_DATA_DIR names no campaigns (ctest sets it)"
	fails=$((fails + 1))
fi

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all language checks passed"

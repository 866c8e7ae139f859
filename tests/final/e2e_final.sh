# e2e_final.sh - the final report of the 2,001-household campaign of
# tests/reports/e2e_reports.sh: that script's own lines build the data set
# (4 laptops, 3 districts, milestones, contributions, hub decisions) up to
# where it reads the reports; then 'maiam-hub report final' must give a PDF
# in which pdftotext (poppler-utils) finds every district with its target
# and its hand-over count equal to the JSON progress report, no replacement
# character, and every section; the same ledger and date give the same
# bytes; 'report verify' passes with the hub's key (from the hub directory
# and as a public key file) and fails for one changed byte, another hub's
# key and the signature of another report. Page 1 rendered by pdftoppm and
# the PDF are kept in ARTIFACTS to look at.
# Usage: e2e_final.sh MAIAM-AGENT MAIAM-HUB ARTIFACTS
ARTIFACTS="$3"
for tool in pdftotext pdftoppm openssl; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/deps)"; exit 77; }
done
# the data set: e2e_reports.sh up to "reading the hub's JSON", run here as it runs there
. <(sed -n '1,/^# --- reading the hub/p' "$(dirname "$0")/../reports/e2e_reports.sh")

# nominations before the report: a collective of a district that met its
# target on time and one of a district that did not (flagged 3.1.a), a
# province's individual, and one the appraisal returns (not in the table,
# counted under it). nominate NAME ARGS...: its ID into NOM_ID
nominate() {
	local name=$1
	shift
	hub hub award nominate --name "$name" --achievements "vận động xây nhà" "$@"
	[ "$RC" = 0 ] || { fail "award nominate $name exited $RC"; show; }
	NOM_ID=$(sed -n "s/^\(A-[0-9]*\): $name nominated for .*/\1/p" "$OUT")
	[ -n "$NOM_ID" ] || { fail "award nominate $name does not say its ID"; show; }
}
nominate "UBND Phường 5" --unit 941 --kind collective
nominate "UBND Xã Phú Mỹ" --unit 944 --kind collective # Mỹ Tú handed over nothing: 3.1.a
nominate "Lý Văn Hào" --unit province --kind individual --position "Phó Giám đốc Sở Xây dựng"
nominate "Trịnh Văn Bảo" --unit 944 --kind individual
hub hub award return "$NOM_ID" --note "chưa đủ hồ sơ"
[ "$RC" = 0 ] || { fail "award return $NOM_ID exited $RC"; show; }
hub hub award list --json
[ "$RC" = 0 ] || { fail "award list --json exited $RC"; show; }
cp "$OUT" "$T/awards.json"
hub hub report scorecard --as-of $DEADLINE --format json
[ "$RC" = 0 ] || { fail "report scorecard exited $RC"; show; }
cp "$OUT" "$T/scorecard.json"

PDF="$T/final.pdf"
hub hub report progress --as-of $DEADLINE --format json
[ "$RC" = 0 ] || { fail "report progress exited $RC"; show; }
cp "$OUT" "$T/progress.json"
hub hub report final --as-of $DEADLINE --out "$PDF"
[ "$RC" = 0 ] || { fail "report final exited $RC"; show; }
grep -q "^wrote $PDF (.* pages, figures as of $DEADLINE) and its signature $PDF.sig$" "$OUT" ||
	{ fail "report final does not say what it wrote"; show; }
[ -s "$PDF" ] && [ -s "$PDF.sig" ] || die "no PDF or no signature"
mkdir -p "$ARTIFACTS"
cp "$PDF" "$PDF.sig" "$ARTIFACTS/"
pdftoppm -r 80 -png -f 1 -l 1 "$PDF" "$ARTIFACTS/final-page" || fail "pdftoppm cannot render the report"
pdftotext -layout "$PDF" "$T/final.txt" || fail "pdftotext cannot read the report"
cp "$T/final.txt" "$ARTIFACTS/"

# every district's line of the table: its name, then target ... handed over
python3 - "$T/progress.json" "$T/final.txt" <<'PY' || fail "the PDF's progress table differs from the JSON report"
import json, re, sys
progress = json.load(open(sys.argv[1]))
text = open(sys.argv[2], encoding="utf-8").read().splitlines()
def grouped(n):
    return f"{n:,}".replace(",", ".")
bad = 0
for d in progress["districts"] + [dict(progress["total"], name="Tổng cộng")]:
    line = next((l for l in text if re.search(r"(^|\s)" + re.escape(d["name"]) + r"\s+\d", l)), None)
    if line is None:
        print(f"no line for {d['name']}"); bad += 1; continue
    nums = line.split(d["name"], 1)[1].split()
    want = [grouped(d["target"]), grouped(d["registered"]), grouped(d["started"]),
            grouped(d["completed"]), grouped(d["handed_over"]), grouped(d["handed_over_on_time"])]
    if nums[:6] != want:
        print(f"{d['name']}: PDF {nums[:6]}, JSON {want}"); bad += 1
sys.exit(1 if bad else 0)
PY
# section V: each district's line of figures equals the JSON scorecard;
# section VI: the standing nominations with their unit, the returned one
# only counted, and each unit's places against its quota
python3 - "$T/scorecard.json" "$T/awards.json" "$T/final.txt" <<'PY' || fail "the PDF's scorecards or nominations differ from the JSON reports"
import json, re, sys
scorecard = json.load(open(sys.argv[1]))
awards = json.load(open(sys.argv[2]))
text = " ".join(open(sys.argv[3], encoding="utf-8").read().split())
def grouped(n):
    return f"{n:,}".replace(",", ".")
bad = 0
districts = [u for u in scorecard["units"] if u["level"] == "district"]
if len(districts) != 11:
    print(f"{len(districts)} districts in the JSON scorecard"); bad += 1
for i, d in enumerate(districts, 1):
    want = (f"{i}. {d['name']} Chỉ tiêu {grouped(d['target'])} căn; đã bàn giao"
            f" {grouped(d['handed_over'])}, đúng hạn {grouped(d['handed_over_on_time'])}.")
    if want not in text:
        print(f"no '{want}'"); bad += 1
v = text[text.find("VI. ĐỀ NGHỊ KHEN THƯỞNG"):]
for words in ["V. KẾT QUẢ THEO TIÊU CHÍ THI ĐUA", "Tiêu chí (mục IV.1.2 của Kế hoạch)",
              "Xã, phường, thị trấn", "Phần đầu hoàn thành 100% chỉ tiêu"]:
    if words not in text:
        print(f"no '{words}'"); bad += 1
noms = awards["nominations"] if isinstance(awards, dict) else awards
for n in noms:
    shown = n["name"] in v
    if shown != (n["status"] != "returned"):
        print(f"nomination {n['name']} ({n['status']}) {'shown' if shown else 'missing'}"); bad += 1
for words in ["Chờ thẩm định", "Ngoài ra có 1 đề nghị đã bị trả lại", "Tập thể (đã đề nghị /"]:
    if words not in v:
        print(f"section VI lacks '{words}'"); bad += 1
# the flag on Mỹ Tú's collective only; Thành phố Sóc Trăng's places: 1 of 2
# collectives, 0 of 1 individual (its target, 20, is in the lowest band)
if (not re.search(r"UBND Xã Phú Mỹ Chờ thẩm định Chưa đạt ", v)
        or re.search(r"UBND Phường 5 Chờ thẩm định Chưa đạt ", v)):
    print("the 3.1.a flag is not on Mỹ Tú's collective alone"); bad += 1
if not re.search(r"Thành phố Sóc Trăng 1 ?/ ?2 0 ?/ ?1 ", v):
    print("no quota line '1 / 2, 0 / 1' for Thành phố Sóc Trăng"); bad += 1
if "Trịnh Văn Bảo" in text:
    print("the returned nomination is in the report"); bad += 1
sys.exit(1 if bad else 0)
PY
grep -q $'\xef\xbf\xbd' "$T/final.txt" && fail "the PDF's text holds U+FFFD replacement characters"
for words in "CÔNG AN TỈNH SÓC TRĂNG" "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" "Độc lập - Tự do - Hạnh phúc" \
	"Số: …/BC-CAT" "Sóc Trăng, ngày 02 tháng 9 năm 2023" "BÁO CÁO" "Kết quả đợt thi đua cao điểm" \
	"I. KẾT QUẢ THỰC HIỆN CHỈ TIÊU THEO ĐỊA BÀN" "II. NGUỒN LỰC HUY ĐỘNG" \
	"III. SỐ LƯỢNG ĐƯỢC ĐỀ XUẤT KHEN THƯỞNG" "IV. NHỮNG VIỆC CÒN TỒN ĐỌNG" "Trùng CCCD" \
	"V. KẾT QUẢ THEO TIÊU CHÍ THI ĐUA" "VI. ĐỀ NGHỊ KHEN THƯỞNG" "Nơi nhận:" "GIÁM ĐỐC"; do
	grep -qF "$words" "$T/final.txt" || fail "the PDF's text lacks '$words'"
done
[ "$(pdffonts "$PDF" | awk 'NR > 2 && $(NF-4) != "yes"' | wc -l)" = 0 ] || fail "a font is not embedded"

# the same ledger and as-of date: the same bytes (and the same signature)
hub hub report final --as-of $DEADLINE --out "$T/again.pdf"
[ "$RC" = 0 ] || { fail "report final (again) exited $RC"; show; }
cmp -s "$PDF" "$T/again.pdf" || fail "the same ledger and date gave another PDF"
cmp -s "$PDF.sig" "$T/again.pdf.sig" || fail "the same ledger and date gave another signature"

# verify WANT-RC WHAT FILE [--key KEY]: report verify on the hub; MSG in stderr when failing
verify() {
	local want=$1 what=$2 file=$3 msg=$4
	shift 4
	hub hub report verify "$file" "$@"
	[ "$RC" = "$want" ] || { fail "verify $what: exited $RC, want $want"; show; }
	[ -z "$msg" ] || grep -qF "$msg" "$ERR" || { fail "verify $what: stderr lacks '$msg'"; show; }
}
verify 0 "with the hub's own key" "$PDF" ""
grep -qF "figures as of $DEADLINE" "$OUT" || fail "verify does not say the as-of date"
openssl pkey -in "$T/hub/hub.key" -pubout -out "$T/hub.pub" 2>/dev/null || fail "openssl pkey"
verify 0 "with the hub's public key" "$PDF" "" --key "$T/hub.pub"
cp "$PDF" "$T/changed.pdf"
cp "$PDF.sig" "$T/changed.pdf.sig"
size=$(stat -c %s "$PDF")
printf '\x01' | dd of="$T/changed.pdf" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
cmp -s "$PDF" "$T/changed.pdf" && die "the byte did not change"
verify 1 "one changed byte" "$T/changed.pdf" "the PDF is not the one signed" --key "$T/hub.pub"
hub_new other
openssl pkey -in "$T/other/hub.key" -pubout -out "$T/other.pub" 2>/dev/null || fail "openssl pkey"
verify 1 "another hub's key" "$PDF" "not with the key given" --key "$T/other.pub"
hub hub report final --as-of 2023-08-01 --out "$T/august.pdf"
[ "$RC" = 0 ] || { fail "report final --as-of 2023-08-01 exited $RC"; show; }
cmp -s "$PDF" "$T/august.pdf" && fail "another as-of date gave the same PDF"
cp "$PDF" "$T/swapped.pdf"
cp "$T/august.pdf.sig" "$T/swapped.pdf.sig"
verify 1 "the signature of another report" "$T/swapped.pdf" "the PDF is not the one signed"

# the words at the terminal follow the locale (the hub's messages stay after
# them); the PDF is a document: the same bytes under both
in_lang() { # LANG ARGS...: maiam-hub on $T/hub under LANG alone; $OUT, $ERR, RC
	local lang=$1
	shift
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$lang" timeout "$CMD_TIMEOUT" "$HUB" "$@" \
		--dir "$T/hub" >"$OUT" 2>"$ERR"
	RC=$?
}
in_lang vi_VN.UTF-8 report final --as-of $DEADLINE --out "$T/vi.pdf"
[ "$RC" = 0 ] && grep -qF "đã ghi $T/vi.pdf (" "$OUT" || { fail "report final under vi_VN"; show; }
cmp -s "$PDF" "$T/vi.pdf" || fail "the PDF under LANG=vi_VN.UTF-8 differs from the one under no LANG"
in_lang C report final --as-of $DEADLINE --out "$T/c.pdf"
[ "$RC" = 0 ] && grep -qF "wrote $T/c.pdf (" "$OUT" || { fail "report final under LANG=C"; show; }
in_lang vi_VN.UTF-8 report verify "$PDF"
[ "$RC" = 0 ] && grep -qF "có chữ ký số hợp lệ: ký bằng khóa máy chủ tỉnh" "$OUT" ||
	{ fail "report verify under vi_VN"; show; }
in_lang vi_VN.UTF-8 report verify "$T/changed.pdf" --key "$T/hub.pub"
[ "$RC" = 1 ] && grep -qF "KHÔNG hợp lệ: the PDF is not the one signed" "$ERR" ||
	{ fail "report verify of a changed file under vi_VN"; show; }
in_lang C report verify "$T/changed.pdf" --key "$T/hub.pub"
[ "$RC" = 1 ] && grep -qF "is NOT verified: the PDF is not the one signed" "$ERR" ||
	{ fail "report verify of a changed file under LANG=C"; show; }

# a campaign file without [report]: the report is refused, saying what to add
sed '/^\[report\]/,$d' "$MAIAM_DATA_DIR/campaigns/soc-trang-2023.campaign" >"$T/bare.campaign"
sed -i "s|^units = .*|units = $MAIAM_DATA_DIR/data/soc-trang-units.csv|" "$T/bare.campaign"
hub bare init --campaign "$T/bare.campaign"
[ "$RC" = 0 ] || { fail "init with a campaign without [report] exited $RC"; show; }
hub bare report final --as-of $DEADLINE --out "$T/bare.pdf"
[ "$RC" = 1 ] && grep -qF "the campaign file has no [report] section: add one with issuing_body, number, place and signer" "$ERR" ||
	{ fail "report final without [report]"; show; }
[ -e "$T/bare.pdf" ] && fail "report final without [report] wrote a PDF"
# a [report] section that lacks a required key: the campaign is refused, naming it
{ cat "$T/bare.campaign"; printf '[report]\nissuing_body = Công an tỉnh Sóc Trăng\nnumber = …/BC-CAT\nplace = Sóc Trăng\n'; } >"$T/nosigner.campaign"
hub nosigner init --campaign "$T/nosigner.campaign"
[ "$RC" != 0 ] && grep -qF "[report] lacks 'signer'; set issuing_body, number, place and signer" "$ERR" ||
	{ fail "a [report] without signer"; show; }

finish

# e2e_campaign_labels.sh - the campaign file's [labels] reach the laptop
# (docs/CAMPAIGN.md, "Labels"): init keeps them in the store, and the laptop
# reads and shows values with them; a list the file leaves out keeps the
# built-in labels, and a store made before the labels were kept is upgraded
# and keeps the built-in ones.
. "$(dirname "$0")/lib.sh"
need python3

# the shipped campaign with other words for the household categories
python3 - "$MAIAM_DATA_DIR/campaigns/soc-trang-2023.campaign" "$T/custom.campaign" "$MAIAM_DATA_DIR/data/soc-trang-units.csv" <<'PY' || fail "cannot write the campaign file"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
words = {"poor": "Hộ nghèo đa chiều", "near_poor": "Hộ sát chuẩn nghèo",
         "housing_hardship": "Hộ thiếu nhà ở", "policy_family": "Hộ có công",
         "other": "Hộ khác"}
for code, label in words.items():
    text, n = re.subn(r"(?m)^category\.%s = .*$" % code, "category.%s = %s" % (code, label), text)
    assert n == 1, code
text, n = re.subn(r"(?m)^units = .*$", "units = " + sys.argv[3], text)
assert n == 1
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
expect 0 init --commune 31498 --campaign "$T/custom.campaign"

# typed: the campaign's label, with or without diacritics; the code is recorded
expect 0 household add --name "Lâm Thị Hoa" --hamlet "Ấp 3" --members 4 --category "Hộ nghèo đa chiều" --json
REF=$(json ref)
expect 0 household show "$REF" --json
[ "$(json category)" = poor ] || fail "'Hộ nghèo đa chiều' recorded as '$(json category)'"
expect 0 household add --name "Trần Văn Bé" --hamlet "Ấp 3" --members 2 --category "ho sat chuan ngheo" --json
REF2=$(json ref)
expect 0 household show "$REF2" --json
[ "$(json category)" = near_poor ] || fail "'ho sat chuan ngheo' recorded as '$(json category)'"
# the built-in words of a list the campaign renamed are not its words; the
# refusal names the campaign's
LANGUAGE=vi expect 2 household add --name X --hamlet Y --members 2 --category "hộ nghèo"
err_has "'hộ nghèo'"; err_has "Hộ nghèo đa chiều, Hộ sát chuẩn nghèo, Hộ thiếu nhà ở"
# a list the file leaves as built in: stages
LANGUAGE=vi expect 0 milestone "$REF" "khảo sát" --date 05/06/2023
out_has "'Khảo sát'"

# shown with the campaign's words in Vietnamese, codes otherwise
LANGUAGE=vi expect 0 household show "$REF"
out_has "Hộ nghèo đa chiều"; out_has "Khảo sát"
LANGUAGE=vi expect 0 household list
out_has "Hộ nghèo đa chiều"; out_has "Hộ sát chuẩn nghèo"; out_lacks "near_poor"
expect 0 household list
out_has "near_poor"; out_lacks "Hộ sát chuẩn nghèo"

# a store of schema 3 (no labels kept) is upgraded and uses the built-in labels
export MAIAM_HOME="$T/old"
init_store
python3 - "$T/old/agent.db" <<'PY' || fail "cannot make a schema-3 store"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DROP TABLE campaign_label")
c.execute("DROP TABLE hub_duplicate")
c.execute("DROP TABLE photo_upload")
c.execute("UPDATE meta SET value = '3' WHERE key = 'agent_schema'")
c.commit()
PY
LANGUAGE=vi expect 0 household add --name "Lê Văn Ba" --hamlet "Ấp 1" --members 3 --category "ho ngheo" --json
REF3=$(json ref)
LANGUAGE=vi expect 0 household show "$REF3"
out_has "Hộ nghèo"; out_lacks "đa chiều"
python3 - "$T/old/agent.db" <<'PY' || fail "the store was not upgraded to schema 6"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
assert c.execute("SELECT value FROM meta WHERE key = 'agent_schema'").fetchone()[0] == "6"
assert c.execute("SELECT count(*) FROM campaign_label").fetchone()[0] == 0
assert c.execute("SELECT count(*) FROM hub_duplicate").fetchone()[0] == 0
PY
finish

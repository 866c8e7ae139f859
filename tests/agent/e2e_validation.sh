# e2e_validation.sh - every kind of bad input through the real binary: each is
# refused with the right exit code (2 usage, 1 failed), one error line that
# names the field, and nothing is recorded.
. "$(dirname "$0")/lib.sh"
need python3

# init
expect 2 init
err_has "--commune"
expect 2 init --commune 941        # a district, not a commune
err_has "'941'"; err_one_line
expect 2 init --commune abc
err_has "--commune"
expect 2 init --commune 31498 --bogus
err_has "unknown option '--bogus'"
expect 1 init --commune 31498 --campaign "$T/none.campaign"
err_has "cannot read the campaign file '$T/none.campaign'"; err_has "give it with --campaign FILE"
err_one_line
init_store

ADD="household add --hamlet Ap1 --members 3 --category poor"
expect 2 household add --hamlet Ap1 --members 3 --category poor
err_has "--name is required"; err_one_line
expect 2 $ADD --name "A" --national-id 12345
err_has "--national-id"; err_has "12 digits"
expect 2 $ADD --name "A" --national-id 003123456789
err_has "--national-id"; err_has "province"
expect 2 $ADD --name "A" --national-id 09412345678x
err_has "--national-id"
expect 2 household add --name A --hamlet Ap1 --members 0 --category poor
err_has "--members"
expect 2 household add --name A --hamlet Ap1 --members many --category poor
err_has "--members"
expect 2 household add --name A --hamlet Ap1 --members 100 --category poor
err_has "--members"
expect 2 household add --name A --hamlet Ap1 --members 3 --category rich
err_has "--category"; err_has "near_poor"
expect 2 $ADD --name A --land-status owned
err_has "--land-status"
expect 2 $ADD --name A --support-kind rebuild
err_has "--support-kind"
expect 2 $ADD --name A --phone 12ab
err_has "--phone"
expect 2 $ADD --name "$(printf 'A\001B')"
err_has "--name"; err_has "control character"
expect 2 $ADD --name "$(printf 'Nguy\xe1n')"
err_has "--name"; err_has "UTF-8"
expect 2 $ADD --name "$(head -c 300 /dev/zero | tr '\0' x)"
err_has "--name"; err_has "too long"
expect 2 $ADD --name "$(printf 'A\302\233B')"
err_has "--name"; err_has "control character"
LANGUAGE=vi expect 2 $ADD --name "$(printf 'A\302\233B')"
err_has "--name"; err_has "ký tự điều khiển"
LANGUAGE=vi expect 2 household add --name A --hamlet Ap1 --members 100 --category poor
err_has "--members"; err_has "từ 1 đến 99"
expect 2 $ADD --name A --condition "$(head -c 501 /dev/zero | tr '\0' x)"
err_has "--condition"; err_has "501 bytes, at most 500"
expect 2 $ADD --name A --name B
err_has "given twice"
expect 2 $ADD --name
err_has "needs a value"
# "--name --note x" is a forgotten name, not a name "--note": say how to give such a value
expect 2 $ADD --name --note x
err_has "needs a value, not the option '--note'"; err_has "'--name=--note'"; err_one_line
expect 2 household add --name "   " --hamlet Ap1 --members 3 --category poor
err_has "--name"; err_has "empty"
expect 2 household frobnicate
err_has "frobnicate"
expect 0 status --json
[ "$(json households)" = 0 ] || fail "a refused add recorded something"
# at the bounds: accepted
expect 0 --json $ADD --name "$(head -c 200 /dev/zero | tr '\0' x)" --condition "$(head -c 500 /dev/zero | tr '\0' x)"
# "--x=v" is "--x v", for the globals too; "=" lets a value start with "--"
expect 0 --home="$MAIAM_HOME" --json household add --name=--Lê --hamlet=Ap1 --members=3 --category=poor
expect 0 household show "$(json ref)"
out_has "--Lê"

# the same national id twice names the other household
expect 0 --json $ADD --name "Nguyễn Văn Ân" --national-id 094123456789
REF=$(json ref)
expect 1 $ADD --name "Trần B" --national-id 094123456789
err_has "--national-id"; err_has "$REF"; err_has "Nguyễn Văn Ân"; err_one_line
expect 0 --json $ADD --name "Trần B"
REF2=$(json ref)
expect 1 household edit "$REF2" --national-id 094123456789
err_has "$REF"
expect 2 household edit "$REF2"
err_has "nothing to change"
expect 2 household edit "$REF2" --members 0
err_has "--members"
expect 2 household edit "$REF2" --name ""
err_has "--name"
expect 1 household edit ZZZZ-99 --members 2
err_has "'ZZZZ-99' not found"
expect 2 household edit "not-a-ref" --members 2
err_has "not a household reference"
expect 1 household show 0000000000000000-1
err_has "not found"

# milestones: order, dates, stages
expect 2 milestone "$REF" roofing --date 2023-07-01
err_has "stage 'roofing'"
expect 2 milestone "$REF"
expect 1 milestone "$REF" walls --date 2023-07-01
err_has "'walls' comes after 'foundation'"; err_has "--force"
expect 2 milestone "$REF" surveyed --date 2023-02-30
err_has "--date"; err_has "calendar"
expect 2 milestone "$REF" surveyed --date 07.06.2023
err_has "--date"; err_has "YYYY-MM-DD"
expect 2 milestone "$REF" surveyed --date 2023-05-01
err_has "--date"; err_has "campaign period"
expect 2 milestone "$REF" surveyed --date 2099-06-01
err_has "--date"; err_has "future"
expect 2 milestone "$REF" surveyed
err_has "--date"
expect 0 milestone "$REF" surveyed --date 2023-06-05
expect 1 milestone "$REF" surveyed --date 2023-06-06
err_has "already recorded"
expect 1 milestone "$REF" approved --date 2023-06-04
err_has "before 'surveyed'"
expect 2 milestone "$REF" roof --date 2023-07-01 --force ""
err_has "--force"
expect 2 milestone "$REF" roof --date 2023-07-01 --force "$(head -c 501 /dev/zero | tr '\0' x)"
err_has "--force"; err_has "too long"
expect 2 milestone "$REF" surveyed --date 2023-09-08
err_has "--date"; err_has "campaign period"
expect 0 milestone "$REF" roof --date 2023-07-01 --force "sổ ghi chép bị mất"
expect 0 household show "$REF" --json
grep -qF "sổ ghi chép bị mất" "$OUT" || fail "forced reason not kept"
expect 1 milestone ZZZZ-1 surveyed --date 2023-06-05
err_has "not found"

# contributions
expect 2 contribution add --money 5
err_has "--source"
expect 2 contribution add --source police --money 5
err_has "--source"
expect 2 contribution add --source mps
err_has "--money, --labour-days or --material"
expect 2 contribution add --source mps --money -5 --date 2023-06-10
err_has "--money"
expect 2 contribution add --source mps --money 5,000,000 --date 2023-06-10
err_has "--money"
expect 2 contribution add --source mps --money 99999999999999999999 --date 2023-06-10
err_has "--money"
expect 2 contribution add --source mps --labour-days 0 --date 2023-06-10
err_has "--labour-days"
expect 2 contribution add --source mps --material "" --date 2023-06-10
err_has "--material"
expect 2 contribution add --source mps --material-value 5 --money 5 --date 2023-06-10
err_has "--material-value"
expect 2 contribution add --source mps --money 5 --date 2023-13-10
err_has "--date"
# the rulebook's bounds (docs/RULES.md), one past each
expect 2 contribution add --source mps --money 100000000001 --date 2023-06-10
err_has "--money"; err_has "100000000000"
expect 2 contribution add --source mps --labour-days 100001 --date 2023-06-10
err_has "--labour-days"; err_has "100000"
expect 2 contribution add --source mps --material gạch --material-value 100000000001 --date 2023-06-10
err_has "--material-value"
expect 2 contribution add --source mps --money 5 --date 2023-05-31
err_has "--date"; err_has "campaign period"
expect 2 contribution add --source mps --money 5 --date 2023-09-08
err_has "--date"; err_has "campaign period"
expect 2 contribution add --source mps --money 5 --date 2023-06-10 --donor "$(printf 'Shop\302\233' )2J"
err_has "--donor"; err_has "control character"
expect 2 contribution add --source mps --money 5 --date 2023-06-10 --note "$(printf 'a\177b')"
err_has "--note"; err_has "control character"
expect 1 contribution add --household ZZZZ-5 --source mps --money 5 --date 2023-06-10
err_has "not found"
expect 2 contribution
expect 2 export
err_has "--out"
expect 0 status --json
[ "$(json contributions)" = 0 ] || fail "a refused contribution was recorded"
[ "$(json milestones)" = 2 ] || fail "milestones: $(json milestones), want 2"

# export without the key (lost in a copy): refused, the outbox kept
expect 0 $ADD --name "Key Test"
mv "$T/home/agent.key" "$T/agent.key.bak"
expect 1 export --out "$T/x.maiam"
err_has "agent.key"; err_one_line
[ -f "$T/x.maiam" ] && fail "a bundle was written without the key"
mv "$T/agent.key.bak" "$T/home/agent.key"
expect 0 status --json
[ "$(json pending_records)" -ge 1 ] || fail "outbox lost by a failed export"
expect 0 export --out "$T/x.maiam"

# a damaged or foreign store is refused, not overwritten
echo "not a database" > "$T/junk.db"; mkdir -p "$T/bad"; cp "$T/junk.db" "$T/bad/agent.db"
expect 1 --home "$T/bad" init --commune 31498
err_has "already exists"
expect 1 --home "$T/bad" status
grep -q "not a database" "$T/bad/agent.db" || fail "damaged store was modified"
finish

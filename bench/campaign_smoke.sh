#!/bin/sh
# campaign_smoke.sh BENCH_CAMPAIGN [carry] - bench_campaign's smoke run in
# ctest: 5 laptops, 3 nights; it must exit 0 and end with one JSON object
# holding the issue's fields. With "carry", a stand-in bench_arrivals (named
# by BENCH_ARRIVALS_BIN) prints known figures, which must come out in
# bench_campaign's last line. No timing is asserted.
set -eu
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "${2:-}" = carry ]; then
	cat >"$tmp/bench_arrivals" <<'EOS'
#!/bin/sh
[ "${1:-}" = --smoke ] || { echo "stand-in bench_arrivals: expected --smoke" >&2; exit 2; }
echo "arrivals: a stand-in"
echo '{"p50_ms_at_20": 11.5, "p99_ms_at_20": 21, "p50_ms_at_50": 12, "p99_ms_at_50": 250.25, "p50_ms_at_100": 30, "p99_ms_at_100": 900, "p99_over_1s_rate": 140, "rural_round_trips": 3, "rural_bytes_up": 12345, "rural_bytes_down": 6789, "rural_speedup_vs_per_record": 14.5}'
EOS
	chmod +x "$tmp/bench_arrivals"
	BENCH_ARRIVALS_BIN="$tmp/bench_arrivals" "$bin" --smoke >"$tmp/out"
else
	# --smoke: 5 laptops, 3 nights, and the bench_arrivals it carries runs its
	# own smoke (seconds); without it that was the full arrivals bench, 600
	# laptops, a minute and a half of every test run
	"$bin" --smoke --clients 5 >"$tmp/out"
fi
cat "$tmp/out"
last=$(tail -n 1 "$tmp/out")
case $last in
'{'*'}') ;;
*) echo "bench_campaign_smoke: the last line is not a JSON object" >&2; exit 1 ;;
esac
for key in laptops nights night1_hub_cpu_s last_night_hub_cpu_s night_ratio floor_cpu_s hub_cpu_s \
	cpu_vs_floor p99_ms_at_50 rural_round_trips rural_speedup_vs_per_record; do
	case $last in
	*"\"$key\": "*) ;;
	*) echo "bench_campaign_smoke: no \"$key\" in the last line" >&2; exit 1 ;;
	esac
done
case $last in *'"laptops": 5, "nights": 3,'*) ;; *) echo "bench_campaign_smoke: not 5 laptops x 3 nights" >&2; exit 1 ;; esac
if [ "${2:-}" = carry ]; then
	for kv in '"p99_ms_at_50": 250.25' '"rural_round_trips": 3' '"rural_bytes_up": 12345' \
		'"rural_speedup_vs_per_record": 14.5' '"p99_over_1s_rate": 140'; do
		case $last in
		*"$kv"*) ;;
		*) echo "bench_campaign_smoke: bench_arrivals' $kv was not carried" >&2; exit 1 ;;
		esac
	done
fi
echo "bench_campaign_smoke: ok"

#!/usr/bin/env bash
# valgrind over plsim's valid and invalid input paths: no leak, no error.
# Usage: tests/memcheck.sh BUILD/plsim
set -euo pipefail
bin=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vg=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99)
fail=0

# run EXPECTED_EXIT ARGS...: the exit code must match and valgrind stay quiet
run() {
  local want=$1; shift
  local got=0
  OMP_NUM_THREADS=1 "${vg[@]}" "$bin" "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
  if [ "$got" -ne "$want" ]; then
    echo "memcheck: FAIL (exit $got, want $want): plsim $*"; cat "$tmp/err"; fail=1
  else
    echo "memcheck: ok   plsim $*"
  fi
}

run 0 validate "$src"/scenarios/*.json
run 0 show "$src/scenarios/realistic-5g-us.json"
run 0 comm --model llama2-7b --rank 64 --json
run 0 resources --model llama-30b --rank 128
printf '{"extends": "base.json", "rnak": 1}' > "$tmp/typo.json"
printf '{"model": }' > "$tmp/syntax.json"
printf '{"extends": "loop.json"}' > "$tmp/loop.json"
printf '' > "$tmp/empty.json"
printf '{"extends": "%s/scenarios/paper-7b.json", "link": {"rtt": "5 parsecs"}}' "$src" > "$tmp/unit.json"
for f in typo syntax loop empty unit; do run 2 validate "$tmp/$f.json"; done
run 0 checkpoint --dim 32 --hidden-dim 64 --layers 2 --heads 4 --kv-heads 2 --vocab 40 \
  --seq-len 16 --seed 1 -o "$tmp/ck.bin"
run 0 forward --checkpoint "$tmp/ck.bin" --tokens 1,2,3 --steps 2 --split --rank 4 \
  --m-init random --transfer int8
head -c 100 "$tmp/ck.bin" > "$tmp/cut.bin"
run 2 forward --checkpoint "$tmp/cut.bin" --tokens 1
run 0 run "$src/scenarios/realistic-5g-us.json" -q -o "$tmp/run"
# the GPU server, Poisson arrivals and shared cells: four phones, few tokens
run 0 run "$src/scenarios/serving-5g.json" -q --no-compare --set workload.devices=4 \
  --set workload.new_tokens=4 -o "$tmp/crowd"
# an arrival trace with its own lengths, traced to a spool and to JSON
printf 'arrival_s,prompt_tokens,new_tokens\n0,16,3\n0.1,40,2\n0.2,8,4\n' > "$tmp/arr.csv"
printf '{"extends": "%s/scenarios/realistic-5g-us.json", "workload": {"devices": 2, "arrival": "trace", "trace": "arr.csv"}}' "$src" > "$tmp/trace.json"
run 0 run "$tmp/trace.json" -q --no-compare -o "$tmp/trace" --trace "$tmp/trace/t.json"
printf 'arrival_s,prompt_tokens\n0,16\n' > "$tmp/arr.csv"
run 2 run "$tmp/trace.json" -q --no-compare
# jitter, loss and an outage drawn per message on a realistic link
printf '{"extends": "%s/scenarios/realistic-5g-us.json", "link": {"jitter": {"dist": "lognormal", "median": "2 ms", "p99": "20 ms"}, "loss": 0.02, "outages": [{"start": "5 s", "duration": "1 s"}]}, "workload": {"new_tokens": 6}}' "$src" > "$tmp/net.json"
run 0 run "$tmp/net.json" -q --no-compare -o "$tmp/net"
# a looping link trace: its rates set by a daemon, its RTT at delivery
printf 'time_s,uplink_Mbps,downlink_Mbps,rtt_ms\n0,14,200,40\n2,7,100,80\n' > "$tmp/link.csv"
printf '{"extends": "%s/scenarios/realistic-5g-us.json", "link": {"trace": "link.csv", "trace_end": "loop", "trace_start": "1 s"}, "workload": {"new_tokens": 6}}' "$src" > "$tmp/linktrace.json"
run 0 run "$tmp/linktrace.json" -q --no-compare -o "$tmp/linktrace"
# a fallback: phones go on alone in an outage, then over fresh mailboxes
printf '{"extends": "%s/scenarios/realistic-5g-us.json", "edge_weight_bits": 4, "link": {"outages": [{"start": "0.5 s", "duration": "3 s"}], "fallback": "device-only", "fallback_timeout": "0.3 s"}, "workload": {"new_tokens": 6, "requests": 3, "think": "1 s", "devices": 2}}' "$src" > "$tmp/fallback.json"
run 0 run "$tmp/fallback.json" -q --no-compare -o "$tmp/fallback"
run 2 run "$tmp/unit.json" -o "$tmp/run-bad"
exit $fail

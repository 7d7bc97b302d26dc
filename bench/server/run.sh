#!/usr/bin/env bash
# The server benchmark (issue 12, "Speed"): builds kaiji in release mode, seeds a database of 500
# organisations (400 hospitals, 100 vendors) and 10,000 published disclosures, each shared with 4
# hospitals, through kaiji-store's API (bench/server/seed.rs), starts `kaiji serve` on 127.0.0.1 and
# drives it with wrk at fixed rates: a published read, a hospital's inbox, the review of one held version,
# the comparison of 20 held documents from 20 vendors, and publish. Prints, per case, the offered and achieved rate, p50/p99 latency and
# errors, then the throughput of the published read against the floor (GET /api/v1/health, a fixed body
# from the same server, behind the same gate) and the signed-in floor (GET /api/v1/me with a token) when
# each is driven as fast as it answers.
#
#   bench/server/run.sh                       # SQLite, 100 and 500 requests/s, 15 s a case
#   RATES="100 500 1000" DURATION=20 bench/server/run.sh
#   KAIJI_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaiji_bench bench/server/run.sh  # an empty database
#
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-15}
RATES=${RATES:-"100 500"}
CONNECTIONS=${CONNECTIONS:-10}

if ! command -v wrk >/dev/null; then
  apt-get install -y -q wrk >/dev/null 2>&1 || { echo "bench/server: wrk is needed (apt-get install wrk)" >&2; exit 2; }
fi
# One invocation, so that both share one set of features (nothing built twice).
cargo build --release -q -p kaiji-cli --bin kaiji -p kaiji-server --example bench-seed

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
url=${KAIJI_BENCH_DATABASE_URL:-sqlite://$work/kaiji.db}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
target/release/examples/bench-seed "$url" "$work"

target/release/kaiji serve --database-url "$url" --bind 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server_pid=$!
addr=
for _ in $(seq 1 100); do
  addr=$(sed -n 's|.*http://\([0-9.:]*\)/api/v1.*|\1|p' "$work/serve.log" | head -1)
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { echo "bench/server: kaiji serve did not start:" >&2; cat "$work/serve.log" >&2; exit 2; }
base="http://$addr"

publish_body='{"effective_date":"2026-12-01","next_review_date":"2027-12-01","update_reason":"bench"}'

# run NAME LIST METHOD BODY RATE(0: as fast as it answers) SECONDS -> one line of the table in $work/results
run() {
  local name=$1 list=$2 method=$3 body=$4 rate=$5 seconds=$6 delay=0 connections=$CONNECTIONS
  if [ "$rate" -gt 0 ]; then
    delay=$(( connections * 1000 / rate ))
  else
    connections=16
  fi
  local line
  line=$(KAIJI_BENCH_LIST=$list KAIJI_BENCH_METHOD=$method KAIJI_BENCH_BODY=$body KAIJI_BENCH_DELAY_MS=$delay \
    wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s -s bench/server/load.lua "$base" | grep '^RESULT')
  echo "$name $rate $line" >>"$work/results"
}

: >"$work/results"
for rate in $RATES; do
  run floor "" GET "" "$rate" "$DURATION"
  run published "$work/published.txt" GET "" "$rate" "$DURATION"
  run inbox "$work/inbox.txt" GET "" "$rate" "$DURATION"
  run review "$work/review.txt" GET "" "$rate" "$DURATION"
  run compare-20 "$work/compare.txt" GET "" "$rate" "$DURATION"
  run publish "$work/publish.txt" POST "$publish_body" "$rate" "$DURATION"
done
# The signed-in floor: GET /api/v1/me with a hospital's token, the gate's token check and a body from it,
# to tell what the published read costs beyond authentication.
awk '{print $1 " /api/v1/me"}' "$work/published.txt" >"$work/me.txt"
run floor "" GET "" 0 10
run signed-in "$work/me.txt" GET "" 0 10
run published "$work/published.txt" GET "" 0 10
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

awk '
  function val(key,   i, kv) { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] } return 0 }
  BEGIN {
    print "| case | offered req/s | achieved req/s | p50 ms | p99 ms | max ms | errors (socket / non-2xx) |"
    print "|---|---|---|---|---|---|---|"
  }
  {
    rps = val("requests") / (val("duration_us") / 1e6)
    offered = ($2 == 0) ? "max" : $2
    printf "| %s | %s | %.0f | %.2f | %.2f | %.1f | %d / %d |\n", $1, offered, rps, val("p50_us") / 1000, val("p99_us") / 1000, val("max_us") / 1000, val("errors"), val("status_errors")
    if ($2 == 0) max[$1] = rps
  }
  END {
    if (max["floor"] > 0) printf "\npublished read / floor throughput: %.0f / %.0f req/s = %.0f %%\n", max["published"], max["floor"], 100 * max["published"] / max["floor"]
    if (max["signed-in"] > 0) printf "published read / signed-in floor throughput: %.0f / %.0f req/s = %.0f %%\n", max["published"], max["signed-in"], 100 * max["published"] / max["signed-in"]
  }
' "$work/results"

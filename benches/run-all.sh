#!/usr/bin/env bash
# Runs every benchmark of the benchmarks issue, then prints one table of ratios
# (dynamo-types / the alternative a user would pick, medians measured in the same run) and
# draws them as a chart (benches/summary.rs). About 10 minutes on 2 quiet cores.
#
#   bash benches/run-all.sh                  # all of them
#   bash benches/run-all.sh codec stream     # some: codec client latency scan stream compile-time
#                                            # (the summary then shows these with the results
#                                            # of earlier runs of the others, each dated)
#   PUBLISH=1 bash benches/run-all.sh        # also copy the table and chart into benches/results/
#
# Results of each bench: target/bench-results/<bench>.jsonl; the summary: summary.md and
# ratios.svg beside them. Run it on a quiet machine: the benches interleave their sides so that
# load weighs on both alike, but a busy machine still widens the spread.
set -euo pipefail
cd "$(dirname "$0")/.."
results="${BENCH_RESULTS:-$(pwd)/target/bench-results}"
export BENCH_RESULTS="$results"

all=(codec client latency scan stream compile-time)
if [ $# -gt 0 ]; then chosen=("$@"); else chosen=("${all[@]}"); fi

mkdir -p "$results"
for bench in "${chosen[@]}"; do
  rm -f "$results/$bench.jsonl"
done

echo "== building the benches"
cargo bench --no-run --bench codec_sizes --bench client --bench latency --bench scan \
  --bench stream_decode --bench summary

for bench in "${chosen[@]}"; do
  echo
  echo "== $bench ($(date +%T), load: $(cut -d' ' -f1-3 /proc/loadavg))"
  case "$bench" in
    codec) cargo bench --bench codec_sizes ;;
    client) cargo bench --bench client ;;
    latency) cargo bench --bench latency ;;
    scan) cargo bench --bench scan ;;
    stream) cargo bench --bench stream_decode ;;
    compile-time) bash benches/compile_time.sh 3 ;;
    *) echo "unknown bench: $bench (one of: ${all[*]})" >&2; exit 2 ;;
  esac
  if [ ! -s "$results/$bench.jsonl" ]; then
    echo "the $bench bench saved no comparisons ($results/$bench.jsonl)" >&2
    exit 1
  fi
done

echo
echo "== summary"
cargo bench --bench summary
if [ -n "${PUBLISH:-}" ]; then
  mkdir -p benches/results
  cp "$results/summary.md" benches/results/summary.md
  cp "$results/ratios.svg" benches/results/ratios.svg
  {
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
      "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
    echo "rustc: $(rustc --version)"
    echo "date: $(date -u +%F)"
  } >benches/results/machine.txt
  echo "published to benches/results/"
fi

#!/usr/bin/env bash
# Compile time of the derive against serde's derives (issue: benchmarks).
#
# Generates two crates of 50 models each (10 fields, a hash and a range key, one GSI), one
# deriving `DynamoModel`, the other serde's `Serialize` + `Deserialize` with one
# `serde_dynamo::to_item` and one `from_item` call per model (so that serde's code is really
# generated), then times `cargo check` and `cargo build` of each crate alone (dependencies built
# first, incremental compilation off), interleaving the two sides, and prints the medians and
# their ratio (derive / serde). With a nightly toolchain it also reports the size of the
# expanded code of each crate. The medians (and sizes) also go to
# `target/bench-results/compile-time.jsonl` (or `$BENCH_RESULTS/compile-time.jsonl`), one JSON
# object per line in the format of benches/report/mod.rs `Comparison`, for the summary of all
# benches.
#
#   bash benches/compile_time.sh [rounds]     # default 5 rounds
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rounds=${1:-5}
work="$root/target/compile-time"
export CARGO_TARGET_DIR="$work/target"
export CARGO_INCREMENTAL=0
mkdir -p "$work"

fields() {
  # name type
  cat <<'EOF'
tenant String
id String
owner String
created_at i64
score f64
count u64
active bool
title Option<String>
tags std::collections::BTreeSet<String>
labels std::collections::HashMap<String, String>
EOF
}

generate() {
  local side=$1 dir="$work/$1"
  mkdir -p "$dir/src"
  if [ "$side" = derive ]; then
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "compile_time_derive"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
dynamo-types = { path = "$root" }

[workspace]
EOF
  else
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "compile_time_serde"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_dynamo = { version = "4", features = ["aws-sdk-dynamodb+1"] }
aws-sdk-dynamodb = "1"

[workspace]
EOF
  fi
  {
    echo "#![allow(dead_code)]"
    if [ "$side" = derive ]; then
      echo "use dynamo_types::DynamoModel;"
    else
      echo "use std::collections::HashMap;"
      echo "use serde::{Deserialize, Serialize};"
      echo "use aws_sdk_dynamodb::types::AttributeValue;"
    fi
    for i in $(seq 1 50); do
      if [ "$side" = derive ]; then
        echo "#[derive(Debug, Clone, PartialEq, DynamoModel)]"
        echo "#[dynamo(table = \"table_$i\")]"
        echo "#[dynamo(gsi(name = \"by_owner\", hash = \"owner\", range = \"created_at\"))]"
      else
        echo "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]"
      fi
      echo "pub struct Model$i {"
      local n=0
      while read -r name ty; do
        if [ "$side" = derive ] && [ $n -eq 0 ]; then echo "    #[dynamo(hash)]"; fi
        if [ "$side" = derive ] && [ $n -eq 1 ]; then echo "    #[dynamo(range)]"; fi
        echo "    pub $name: $ty,"
        n=$((n + 1))
      done < <(fields)
      echo "}"
      if [ "$side" = serde ]; then
        echo "pub fn to_item_$i(m: &Model$i) -> HashMap<String, AttributeValue> { serde_dynamo::to_item(m).unwrap() }"
        echo "pub fn from_item_$i(i: HashMap<String, AttributeValue>) -> Model$i { serde_dynamo::from_item(i).unwrap() }"
      fi
    done
  } >"$dir/src/lib.rs"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

time_one() {
  # prints seconds of `cargo $1` of crate $2, the crate's own code only
  local cmd=$1 dir="$work/$2"
  touch "$dir/src/lib.rs"
  local start end
  start=$(date +%s.%N)
  cargo "$cmd" --quiet --manifest-path "$dir/Cargo.toml" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

generate derive
generate serde
echo "building dependencies once for both sides..." >&2
for side in derive serde; do
  cargo build --quiet --manifest-path "$work/$side/Cargo.toml"
  cargo check --quiet --manifest-path "$work/$side/Cargo.toml"
done

declare -A samples median_of
for r in $(seq 1 "$rounds"); do
  for cmd in check build; do
    for side in derive serde; do
      t=$(time_one "$cmd" "$side")
      samples[$cmd-$side]+="$t "
      echo "round $r: cargo $cmd $side: ${t}s" >&2
    done
  done
done

printf '\n| step | derive (median s) | serde (median s) | derive / serde |\n|---|---|---|---|\n'
for cmd in check build; do
  d=$(tr ' ' '\n' <<<"${samples[$cmd-derive]}" | grep . | median)
  s=$(tr ' ' '\n' <<<"${samples[$cmd-serde]}" | grep . | median)
  median_of[$cmd-derive]=$d
  median_of[$cmd-serde]=$s
  printf '| cargo %s | %.2f | %.2f | %.2fx |\n' "$cmd" "$d" "$s" "$(awk -v a="$d" -v b="$s" 'BEGIN { print a / b }')"
done

if cargo +nightly --version >/dev/null 2>&1; then
  printf '\n| expanded code | bytes | lines |\n|---|---|---|\n'
  for side in derive serde; do
    out="$work/$side.expanded.rs"
    # a target of its own: nightly cannot reuse stable's build of the dependencies
    (cd "$work/$side" && CARGO_TARGET_DIR="$work/target-nightly" cargo +nightly rustc --quiet --profile=check -- -Zunpretty=expanded >"$out" 2>/dev/null) || true
    printf '| %s | %s | %s |\n' "$side" "$(wc -c <"$out")" "$(wc -l <"$out")"
    median_of[size-$side]=$(wc -c <"$out")
  done
fi

# The comparisons, as benches/report/mod.rs `Comparison`s (one JSON object per line).
results="${BENCH_RESULTS:-$root/target/bench-results}"
mkdir -p "$results"
comparison() {
  # case unit ours theirs goal
  printf '{"bench":"compile-time","case":"%s","ours_name":"derive DynamoModel","theirs_name":"serde derives + serde_dynamo","unit":"%s","ours":%s,"theirs":%s,"goal":%s}\n' "$@"
}
{
  comparison "cargo check, 50 models" s "${median_of[check-derive]}" "${median_of[check-serde]}" 1.0
  comparison "cargo build, 50 models" s "${median_of[build-derive]}" "${median_of[build-serde]}" 1.0
  if [ "${median_of[size-derive]:-0}" -gt 0 ] && [ "${median_of[size-serde]:-0}" -gt 0 ]; then
    comparison "expanded code, 50 models" bytes "${median_of[size-derive]}" "${median_of[size-serde]}" null
  fi
} >"$results/compile-time.jsonl"
echo "comparisons written to $results/compile-time.jsonl" >&2

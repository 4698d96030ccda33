#!/usr/bin/env bash
# Issue 2's append target measured in one JVM per row: append and raw writes in alternating blocks
# (dev.spool.bench.AppendVsRaw; docs/performance.md, "Append against raw writes in one JVM").
#
#   bench/append-vs-raw-interleaved.sh [PAIRS] [SECONDS_PER_BLOCK]
#
# Prints per row the median of the per-pair ratios (append ops/s over raw ops/s of two adjacent
# blocks), their quartiles, and each side's median MB/s and user/system time per operation.
# Needs spool-bench/target/spool-benchmarks.jar (./mvnw -pl spool-bench -am package -DskipTests).
#
# Env: ROWS ("10240:1 10240:64 1048576:1 1048576:64").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/spool-bench/target/spool-benchmarks.jar"
[[ -f $JAR ]] || { echo "no $JAR: ./mvnw -pl spool-bench -am package -DskipTests" >&2; exit 2; }
PAIRS="${1:-20}"
SECONDS_PER_BLOCK="${2:-2}"
for row in ${ROWS:-10240:1 10240:64 1048576:1 1048576:64}; do
  java -cp "$JAR" dev.spool.bench.AppendVsRaw "${row%%:*}" "${row##*:}" "$PAIRS" "$SECONDS_PER_BLOCK" 2>/dev/null
done

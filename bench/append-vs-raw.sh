#!/usr/bin/env bash
# Issue 2's append target, measured so that drift on a shared machine cannot favour either side
# (docs/performance.md, "Append against raw writes, interleaved").
#
#   bench/append-vs-raw.sh [ROUNDS]
#
# For each row (10 KiB and 1 MiB batches, 1 and 64 logs) and each round, one JMH fork of
# AppendBenchmark and one of RawWriteBenchmark run back to back, in alternating order (A B, then B A,
# ...), each 2 x 5 s warm-up and 3 x 5 s measured. A round's ratio is append / raw of those two forks'
# scores; the table gives the median over rounds of each side's MB/s and of the ratios.
# Needs spool-bench/target/spool-benchmarks.jar (./mvnw -pl spool-bench -am package -DskipTests).
#
# Env: ROWS ("10240:1 10240:64 1048576:1 1048576:64"), JMH_ARGS ("-f 1 -wi 2 -w 5s -i 3 -r 5s").
set -euo pipefail
{ # the whole script is read before it runs
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS="${1:-3}"
ROWS="${ROWS:-10240:1 10240:64 1048576:1 1048576:64}"
read -r -a JMH_ARGS <<< "${JMH_ARGS:--f 1 -wi 2 -w 5s -i 3 -r 5s}"
JAR=spool-bench/target/spool-benchmarks.jar
[[ -f $JAR ]] || { echo "no $JAR: ./mvnw -pl spool-bench -am package -DskipTests" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Prints the primary score (ops/s) of one fork.
score() { # class bytes partitions
  java -jar "$JAR" "$1" -p batchBytes="$2" -p partitions="$3" "${JMH_ARGS[@]}" \
    -rf csv -rff "$WORK/out.csv" > "$WORK/log.txt" 2>&1 || { cat "$WORK/log.txt" >&2; exit 1; }
  awk -F, 'NR == 2 { print $5 }' "$WORK/out.csv"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-8s %-6s %12s %12s %7s   %s\n' batch logs "append MB/s" "raw MB/s" ratio "ratio per round"
for row in $ROWS; do
  bytes="${row%%:*}" parts="${row##*:}"
  : > "$WORK/append" ; : > "$WORK/raw" ; : > "$WORK/ratio"
  for ((r = 1; r <= ROUNDS; r++)); do
    if ((r % 2)); then
      a="$(score AppendBenchmark "$bytes" "$parts")"; w="$(score RawWriteBenchmark "$bytes" "$parts")"
    else
      w="$(score RawWriteBenchmark "$bytes" "$parts")"; a="$(score AppendBenchmark "$bytes" "$parts")"
    fi
    awk -v s="$a" -v b="$bytes" 'BEGIN { printf "%.0f\n", s * b / 1e6 }' >> "$WORK/append"
    awk -v s="$w" -v b="$bytes" 'BEGIN { printf "%.0f\n", s * b / 1e6 }' >> "$WORK/raw"
    awk -v a="$a" -v w="$w" 'BEGIN { printf "%.3f\n", a / w }' >> "$WORK/ratio"
  done
  printf '%-8s %-6s %12s %12s %7s   %s\n' "$bytes" "$parts" "$(median < "$WORK/append")" \
    "$(median < "$WORK/raw")" "$(median < "$WORK/ratio")" "$(paste -sd' ' "$WORK/ratio")"
done
exit 0
}

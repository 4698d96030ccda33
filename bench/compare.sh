#!/usr/bin/env bash
# Spool and Apache Kafka side by side on this machine (issue 4; docs/performance.md, "Side by side with
# Apache Kafka").
#
#   bench/compare.sh [--quick] [--csv FILE]
#
# Obtains the Kafka broker and Kafka's tools from Maven Central (bench/kafka/pom.xml, into
# bench/target/kafka-<version>/), then for each round starts a fresh Kafka (KRaft, combined mode) and
# runs every workload, stops it, starts a fresh Spool (bin/spool server) and runs the same workloads:
# A B A B ... Both brokers: loopback, a data dir under the same temp dir, -Xmx1g, no fsync per message.
# Parsing, medians, the table and the CSV are Java (dev.spool.bench.compare.Report).
#
# Env: ROUNDS (3), BROKERS ("kafka spool"; name one to try a single broker), ONLY (an extended regex:
#      run only the workloads whose names match; start-up is always measured), KAFKA_VERSION (4.4.0),
#      KAFKA_TOOLS_FALLBACK (4.3.1), MVN ("./mvnw -B -q"),
#      COMPARE_DIR (parent of the temp dir; default $TMPDIR or /tmp), KEEP=1 keeps the temp dir.
set -euo pipefail
{ # the whole script is read before it runs, so editing it during a run cannot derail that run
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

QUICK=0 CSV=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1; shift ;;
    --csv) CSV="$(realpath -m "${2:?--csv needs a file}")"; shift 2 ;;
    *) echo "usage: bench/compare.sh [--quick] [--csv FILE]" >&2; exit 2 ;;
  esac
done

ROUNDS="${ROUNDS:-3}"
BROKERS="${BROKERS:-kafka spool}"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_TOOLS_FALLBACK="${KAFKA_TOOLS_FALLBACK:-4.3.1}"
read -r -a MVN <<< "${MVN:-./mvnw -B -q}"
# --quick also shortens both brokers' KIP-848 heartbeat interval (default 5 s, Kafka's minimum too) to
# 0.5 s: a consumer-protocol group stabilises in heartbeat rounds, which no size parameter shortens. It
# leaves out Kafka's whole-millisecond EndToEndLatency (the microsecond e2e workload stays) and the
# first of the two consume passes, to stay under 3 minutes.
if [[ $QUICK == 1 ]]; then
  SMALL=60000 LARGE=10000 E2E=200 PARTS=300 PER_PART=10 MEMBERS=10 COMMIT_S=1 HB_MS=500
else
  SMALL=2000000 LARGE=500000 E2E=5000 PARTS=10000 PER_PART=10 MEMBERS=50 COMMIT_S=10 HB_MS=5000
fi

# --- Kafka from Maven Central, Spool and the harness's classes from this tree ----------------------
KHOME="$ROOT/bench/target/kafka-$KAFKA_VERSION"
resolve() { # resolve PROFILE DIR [MAVEN ARGS...]
  local profile="$1" dir="$2"; shift 2
  [[ -d "$dir" ]] && return 0
  "${MVN[@]}" -f bench/kafka/pom.xml -P"$profile" "$@" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dir.tmp" > "$KHOME.$profile.log" 2>&1 && mv "$dir.tmp" "$dir"
}
mkdir -p "$(dirname "$KHOME")"
resolve broker "$KHOME/lib" -Dkafka.broker.version="$KAFKA_VERSION" \
  || { cat "$KHOME.broker.log" >&2; echo "could not resolve the Kafka $KAFKA_VERSION broker" >&2; exit 1; }
if ! resolve tools "$KHOME/tools" -Dkafka.tools.version="$KAFKA_VERSION"; then
  # Maven says "Could not find artifact" the first time and "... was not found in ... during a previous
  # attempt" once the miss is cached in ~/.m2: both mean the release has no kafka-tools.
  grep -Eq "Could not find artifact org.apache.kafka:kafka-tools|org.apache.kafka:kafka-tools:jar:[^ ]* was not found" \
    "$KHOME.tools.log" \
    || { cat "$KHOME.tools.log" >&2; echo "could not resolve kafka-tools $KAFKA_VERSION" >&2; exit 1; }
  echo "note: kafka-tools $KAFKA_VERSION is not on Maven Central; using $KAFKA_TOOLS_FALLBACK for the tools" >&2
  resolve tools "$KHOME/tools" -Dkafka.tools.version="$KAFKA_TOOLS_FALLBACK" \
    || { cat "$KHOME.tools.log" >&2; echo "could not resolve kafka-tools" >&2; exit 1; }
fi
if [[ ! -f spool-cli/target/spool.jar || ! -d spool-bench/target/classes/dev/spool/bench/compare ]]; then
  echo "building spool-cli and spool-bench..." >&2
  "${MVN[@]}" -DskipTests package -pl spool-cli,spool-bench -am >&2
fi
HARNESS_CP="$ROOT/spool-bench/target/classes:$ROOT/spool-common/target/classes:$KHOME/tools/*"

WORK="$(mktemp -d "${COMPARE_DIR:-${TMPDIR:-/tmp}}/spool-compare.XXXXXX")"
RESULTS="$WORK/results.txt"
PID=""
cleanup() {
  [[ -n "$PID" ]] && stop_broker
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
cat > "$WORK/log4j2.properties" <<'L4J'
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
L4J
TOOL=(java -Xmx512m -XX:+UseG1GC -Dlog4j2.configurationFile="$WORK/log4j2.properties")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ns() { date +%s%N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
CLK_TCK="$(getconf CLK_TCK)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # 10,000 partitions need file descriptors on both brokers

# Waits until the broker answers an ApiVersions request; prints milliseconds since $1 (ns).
wait_ready() {
  python3 - "$PORT" "$1" "$PID" <<'PY'
import os, socket, struct, sys, time
port, t0, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
req = struct.pack(">ihhih", 10, 18, 0, 1, -1)  # size, ApiVersions v0, correlation id 1, null client id
while time.time_ns() - t0 < 120e9:
    try: os.kill(pid, 0)
    except OSError: sys.exit("broker exited")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.settimeout(0.5); s.sendall(req)
            if len(hdr := s.recv(8)) >= 8 and struct.unpack(">i", hdr[4:8])[0] == 1:
                print("%.0f" % ((time.time_ns() - t0) / 1e6)); sys.exit(0)
    except OSError: pass
    time.sleep(0.005)
sys.exit("broker not ready after 120 s")
PY
}

start_kafka() { # start_kafka DIR
  local dir="$1" cport; cport="$(free_port)"
  mkdir -p "$dir/data" "$dir/logs"
  # Kafka's stock combined-mode server.properties, loopback ports and our data dir.
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$cport
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
group.consumer.min.heartbeat.interval.ms=$HB_MS
group.consumer.heartbeat.interval.ms=$HB_MS
PROPS
  local l4j=(-Dlog4j2.configurationFile="$WORK/log4j2.properties")
  local cluster_id # a random UUID in Kafka's base64url form (what StorageTool random-uuid prints)
  cluster_id="$(python3 -c 'import base64, uuid
while (u := base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")).startswith("-"): pass
print(u)')" # never a leading "-", which the tool would take for an option (Kafka's own ids avoid it too)
  java "${l4j[@]}" -cp "$KHOME/lib/*" kafka.tools.StorageTool format --standalone -t "$cluster_id" \
    -c "$dir/server.properties" > "$dir/logs/format.log" 2>&1 || { cat "$dir/logs/format.log" >&2; return 1; }
  T0="$(now_ns)"
  # JVM flags of bin/kafka-server-start.sh + kafka-run-class.sh
  java -Xmx1g -Xms1g -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true "${l4j[@]}" \
    -cp "$KHOME/lib/*" kafka.Kafka "$dir/server.properties" > "$dir/logs/broker.log" 2>&1 < /dev/null &
  PID=$!
}

start_spool() { # start_spool DIR
  local dir="$1"
  mkdir -p "$dir/data"
  T0="$(now_ns)"
  SPOOL_OPTS="$SPOOL_OPTS_BENCH" bin/spool server --override "listeners=PLAINTEXT://127.0.0.1:$PORT" \
    --override "log.dirs=$dir/data" --override group.initial.rebalance.delay.ms=0 \
    --override "group.consumer.min.heartbeat.interval.ms=$HB_MS" --override "group.consumer.heartbeat.interval.ms=$HB_MS" \
    > "$dir/broker.log" 2>&1 < /dev/null &
  PID=$!
}
# bin/spool's default flags, with the heap spelled out: -Xmx1g as Kafka's.
SPOOL_OPTS_BENCH="-XX:+UseSerialGC -Xms16m -Xmx1g -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k"
SPOOL_OPTS_BENCH="$SPOOL_OPTS_BENCH -Xlog:disable -Xlog:all=warning:stderr"

stop_broker() {
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$PID" 2>/dev/null; then
    echo "[$BROKER round $ROUND] the broker did not stop within 60 s of SIGTERM; killed" >&2
    kill -KILL "$PID"
  fi
  wait "$PID" 2>/dev/null || true
  PID=""
}

# run WORKLOAD BYTES COMMAND...: one measured run, appended to $RESULTS as one block.
run() {
  local name="$1" bytes="$2" before after out rc=0 err="$WORK/run.err"; shift 2
  [[ -n "${ONLY:-}" ]] && ! grep -Eq -- "$ONLY" <<< "$name" && return 0
  if ! kill -0 "$PID" 2>/dev/null; then
    printf '=== workload=%s broker=%s round=%s\n@error=broker not running\n' "$name" "$BROKER" "$ROUND" >> "$RESULTS"
    echo "[$BROKER round $ROUND] $name: skipped, the broker is not running" >&2; return
  fi
  before="$(cpu_ticks)"
  out="$("$@" 2> "$err")" || rc=$?
  after="$(cpu_ticks 2>/dev/null || echo "$before")"
  {
    echo "=== workload=$name broker=$BROKER round=$ROUND"
    printf '%s\n' "$out"
    echo "@cpu_ticks_before=$before"; echo "@cpu_ticks_after=$after"; echo "@clk_tck=$CLK_TCK"; echo "@bytes=$bytes"
    if [[ $rc != 0 ]]; then
      echo "@error=$( (grep -E 'Exception|Error' "$err" || echo "exit status $rc") | tail -1 | sed -E 's/^.*(Exception|Error)[^:]*: *//' | cut -c1-100)"
    fi
  } >> "$RESULTS"
  echo "[$BROKER round $ROUND] $name: $( (grep -E '^(consume|produce|e2e|create-topic|group|commits):|records sent.*99.9th|^Percentiles|^[0-9]{4}-[0-9]{2}-[0-9]{2} ' <<< "$out" || echo "failed, exit $rc: $(tail -1 "$err")") | tail -1)" >&2
}

perf() { # perf TOPIC RECORDS SIZE [PRODUCER PROPS...]
  local topic="$1" n="$2" size="$3"; shift 3
  "${TOOL[@]}" -cp "$KHOME/tools/*" org.apache.kafka.tools.ProducerPerformance --topic "$topic" --num-records "$n" \
    --record-size "$size" --throughput -1 --command-property "bootstrap.servers=127.0.0.1:$PORT" acks=1 "$@"
}
cperf() { # cperf TOPIC RECORDS: Kafka's ConsumerPerformance in a fresh group, from the earliest offset
  "${TOOL[@]}" -cp "$KHOME/tools/*" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "127.0.0.1:$PORT" \
    --topic "$1" --num-records "$2" --group "bench-$RANDOM$RANDOM" --timeout 30000 --hide-header
}
e2e() { # e2e TOPIC COUNT SIZE: Kafka's EndToEndLatency, acks=1 (whole milliseconds)
  "${TOOL[@]}" -cp "$KHOME/tools/*" org.apache.kafka.tools.EndToEndLatency "127.0.0.1:$PORT" "$1" "$2" 1 "$3"
}
groups() { "${TOOL[@]}" -cp "$HARNESS_CP" dev.spool.bench.compare.GroupBench "$1" "127.0.0.1:$PORT" "${@:2}"; }
client() { "${TOOL[@]}" -cp "$HARNESS_CP" dev.spool.bench.compare.BenchClient "$1" "127.0.0.1:$PORT" "${@:2}"; }

round() { # round BROKER ROUND
  BROKER="$1" ROUND="$2" PORT="$(free_port)"
  local dir="$WORK/$BROKER-$ROUND" startup
  if ! "start_$BROKER" "$dir" || ! startup="$(wait_ready "$T0")"; then
    printf '=== workload=startup broker=%s round=%s\n@error=did not start\n' "$BROKER" "$ROUND" >> "$RESULTS"
    echo "[$BROKER round $ROUND] did not start" >&2; stop_broker; return
  fi
  sleep 1 # idle: let start-up work settle before reading RSS
  printf '=== workload=startup broker=%s round=%s\n@startup_ms=%s\n@idle_rss_kb=%s\n' "$BROKER" "$ROUND" "$startup" \
    "$(awk '/VmRSS/{print $2}' "/proc/$PID/status")" >> "$RESULTS"
  echo "[$BROKER round $ROUND] startup: ${startup} ms to the first ApiVersions answer" >&2

  client create-topic p1 1 p1all 1 p8 8 ptxn 1 e2e 1 e2e-fine 1 g1 1 "g$MEMBERS" "$MEMBERS" > /dev/null 2> "$WORK/run.err" \
    || echo "[$BROKER round $ROUND] topic creation failed: $(tail -1 "$WORK/run.err")" >&2
  run produce-100B-1p-acks1 $((SMALL * 100)) perf p1 "$SMALL" 100
  run produce-100B-1p-acksall $((SMALL * 100)) perf p1all "$SMALL" 100 acks=all
  run produce-1KB-8p-acks1 $((LARGE * 1024)) perf p8 "$LARGE" 1024
  # transactions of at most 100 ms each (a commit, with its markers, every 100 ms)
  run produce-100B-1p-txn $((SMALL * 100)) perf ptxn "$SMALL" 100 acks=all --transactional-id "bench-txn-$ROUND" \
    --transaction-duration-ms 100
  # twice: the first pass is the broker's first consumer (its CPU is mostly the JIT compiling the fetch and
  # group paths), the second the steady state
  [[ $QUICK == 1 ]] || run consume-100B-1p-first $((SMALL * 100)) cperf p1 "$SMALL"
  run consume-100B-1p $((SMALL * 100)) cperf p1 "$SMALL"
  [[ $QUICK == 1 ]] || run e2e-latency-100B 0 e2e e2e "$E2E" 100
  run e2e-latency-100B-fine 0 client e2e e2e-fine "$E2E" 100
  run "group-$MEMBERS-members-stabilise" 0 groups stabilise "g$MEMBERS" "$MEMBERS" classic
  run "group-$MEMBERS-members-stabilise-kip848" 0 groups stabilise "g$MEMBERS" "$MEMBERS" consumer
  run offset-commits 0 groups commits g1 "$COMMIT_S"
  run "create-$PARTS-partitions" 0 client create-partitions many "$PARTS" 1000
  local many; many="$(seq -f "many-%g" 0 $(( (PARTS - 1) / 1000 )))"
  # bytes: the timed records and the one-per-partition warm-up, since the broker's CPU covers both
  # shellcheck disable=SC2086 # one topic name per word
  run "produce-100B-to-$PARTS-partitions" $((PARTS * (PER_PART + 1) * 100)) client produce-all "$PER_PART" 100 $many
  stop_broker
  rm -rf "$dir"
}

# Train Spool's class-data-sharing archive now, so that no round's start-up pays for it.
SPOOL_OPTS="$SPOOL_OPTS_BENCH" bin/spool server --exit-when-ready --override listeners=PLAINTEXT://127.0.0.1:0 \
  --override "log.dirs=$WORK/cds" > /dev/null 2>&1 || true
rm -rf "$WORK/cds"

echo "Kafka $KAFKA_VERSION (tools: $(ls "$KHOME/tools" | sed -n 's/^kafka-tools-\([0-9.]*\)\.jar$/\1/p')) vs Spool," \
  "$ROUNDS rounds$([[ $QUICK == 1 ]] && echo ", quick"), work dir $WORK" >&2
for r in $(seq 1 "$ROUNDS"); do
  for b in $BROKERS; do round "$b" "$r"; done
done
cp "$RESULTS" "$ROOT/bench/target/compare-last-results.txt"
java -cp "$HARNESS_CP" dev.spool.bench.compare.Report "$RESULTS" ${CSV:+--csv "$CSV"}
exit
}

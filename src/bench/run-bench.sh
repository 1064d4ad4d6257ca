#!/usr/bin/env bash
# Runs the benchmark: builds the WAR if needed, starts one dev node on a free loopback port (heap from
# BENCH_JAVA_OPTS, default -Xmx512m), runs GatewayBench against it with any extra arguments, stops the node.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
[ -f target/switchboard.war ] && [ -f target/payara-micro.jar ] || mvn -B -q package -DskipTests
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18090)
work="$root/target/bench-node"
mkdir -p "$work"
SWITCHBOARD_DEV_KEY_DIR="$work/dev-keys" SWITCHBOARD_API_KEY=bench-key \
  SWITCHBOARD_SEND_QUEUE_MAX_FRAMES=4096 JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx512m}" \
  "$root/payara/launch.sh" --dev --port "$port" --workdir "$work" > "$work/console.log" 2>&1 &
node=$!
trap 'kill $node 2>/dev/null; wait $node 2>/dev/null || true' EXIT
for _ in $(seq 1 360); do
  curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/stats" 2>/dev/null | grep -q 401 && break
  kill -0 $node 2>/dev/null || { echo "node died; see $work/console.log" >&2; exit 1; }
  sleep 0.5
done
java -Xmx1g "$root/src/bench/GatewayBench.java" --url "http://127.0.0.1:$port/" --pid "$node" --api-key bench-key "$@"

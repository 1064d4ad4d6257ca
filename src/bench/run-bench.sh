#!/usr/bin/env bash
# Runs the benchmark against nodes it starts itself on free loopback ports, then stops them.
#   src/bench/run-bench.sh [GatewayBench options]             one node, in-memory broker
#   src/bench/run-bench.sh --cluster [GatewayBench options]   redis-server + two nodes
#   src/bench/run-bench.sh --cluster --only soak --soak-connections 2000 --soak-minutes 30 --soak-rate 200
#                                                             soak: steady traffic, heap/fds at start and end
#   src/bench/run-bench.sh --deflate [--connections 200 --messages 100 --sizes 300,2000,8000]
#                                                             permessage-deflate: CPU and wire bytes, off vs on
#                                                             (level/threshold from BENCH_DEFLATE_LEVEL/_THRESHOLD)
# Builds the WAR if needed. Node heap from BENCH_JAVA_OPTS (default -Xmx512m). The abuse limits are
# lifted: a handful of benchmark clients on one address send far more than one user would.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
cluster=false
deflate=false
if [ "${1:-}" = "--cluster" ]; then cluster=true; shift; fi
if [ "${1:-}" = "--deflate" ]; then deflate=true; shift; fi
[ -f target/switchboard.war ] && [ -f target/payara-micro.jar ] || mvn -B -q package -DskipTests
# Node is one of the three tools the project assumes (Java, Maven, Node); python3 may be absent.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
work="$root/target/bench"
rm -rf "$work"; mkdir -p "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # the nodes are not children of this shell (started in a subshell): wait for them by pid, then insist
  for p in "${pids[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

redis_env=()
deflate_env=()
if $deflate; then
  deflate_env=(SWITCHBOARD_DEFLATE_ENABLED=true SWITCHBOARD_DEFLATE_LEVEL="${BENCH_DEFLATE_LEVEL:-1}"
    SWITCHBOARD_DEFLATE_THRESHOLD_BYTES="${BENCH_DEFLATE_THRESHOLD:-512}")
fi
if $cluster; then
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no > "$work/redis.log" 2>&1 &
  pids+=($!)
  redis_env=(SWITCHBOARD_REDIS_URL="redis://127.0.0.1:$rport")
fi

start_node() { # name -> prints "pid port"
  local name=$1 port; port=$(free_port)
  env "${redis_env[@]}" "${deflate_env[@]}" SWITCHBOARD_NODE_ID="$name" SWITCHBOARD_DEV_KEY_DIR="$work/dev-keys" \
    SWITCHBOARD_API_KEY=bench-key SWITCHBOARD_SEND_QUEUE_MAX_FRAMES=4096 JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx512m}" \
    SWITCHBOARD_LIMITS_COMMANDS_PER_SECOND=1000000 SWITCHBOARD_LIMITS_COMMANDS_BURST=1000000 \
    SWITCHBOARD_LIMITS_HANDSHAKES_PER_SECOND_PER_IP=100000 SWITCHBOARD_LIMITS_HANDSHAKES_BURST_PER_IP=100000 \
    SWITCHBOARD_LIMITS_CONNECTIONS_PER_NODE=1000000 SWITCHBOARD_LIMITS_API_REQUESTS_PER_SECOND=1000000 \
    SWITCHBOARD_LIMITS_API_BURST=1000000 \
    "$root/payara/launch.sh" --dev --port "$port" --workdir "$work/$name" > "$work/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 360); do
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/stats" 2>/dev/null | grep -q 401 && break
    kill -0 "$pid" 2>/dev/null || { echo "node $name died; see $work/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "$pid $port"
}

read -r pid_a port_a < <(start_node node-a)   # first alone: it creates the shared dev key
pids+=("$pid_a")
urls="http://127.0.0.1:$port_a/"; node_pids="$pid_a"
if $deflate; then
  # ws (npm) negotiates permessage-deflate; Java's HttpClient, which GatewayBench uses, cannot
  [ -d "$root/src/bench/node_modules/ws" ] || (cd "$root/src/bench" && npm ci --no-audit --no-fund)
  node "$root/src/bench/deflate-bench.mjs" --url "$urls" --pid "$pid_a" --api-key bench-key "$@"
  exit 0
fi
if $cluster; then
  read -r pid_b port_b < <(start_node node-b)
  pids+=("$pid_b")
  urls="$urls,http://127.0.0.1:$port_b/"; node_pids="$node_pids,$pid_b"
  sleep 3 # both nodes subscribed and present in Redis
fi
java -Xmx1g "$root/src/bench/GatewayBench.java" --url "$urls" --pid "$node_pids" --api-key bench-key "$@"
if $cluster; then
  # what the stored messages of this run cost in Redis (MEMORY USAGE counts keys, not allocator overhead)
  redis-cli -p "$rport" --no-auth-warning eval "
    local entries, bytes, inboxes = 0, 0, 0
    local streams = {}
    for _, key in ipairs(redis.call('KEYS', 'sb:inbox:*')) do
      if redis.call('TYPE', key).ok == 'stream' then table.insert(streams, key) end
    end
    for _, key in ipairs(streams) do
      inboxes = inboxes + 1
      entries = entries + redis.call('XLEN', key)
      bytes = bytes + redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')
    end
    local sample = redis.call('XREVRANGE', streams[1] or 'none', '+', '-', 'COUNT', 1)
    local frame = sample[1] and string.len(sample[1][2][2]) or 0
    return string.format('redis: %d stored messages in %d inboxes use %d bytes = %.0f bytes per message (a frame here is %d bytes); used_memory %s',
      entries, inboxes, bytes, entries > 0 and bytes / entries or 0, frame,
      string.match(redis.call('INFO', 'memory'), 'used_memory_human:(%S+)'))" 0
fi

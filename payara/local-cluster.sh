#!/usr/bin/env bash
# A local cluster on loopback, as production runs it: redis-server (AOF) + two Switchboard nodes + nginx
# terminating TLS on https://localhost:8443 (wss://localhost:8443/ws), with a certificate from a local CA.
#
#   payara/local-cluster.sh start     builds the WAR if needed, starts everything, prints how to connect
#   payara/local-cluster.sh stop      stops what start started (by PID), leaving nothing behind
#
# Needs redis-server, nginx and openssl (Debian: apt-get install redis-server nginx openssl).
# Ports: LOCAL_HTTPS_PORT (8443), LOCAL_HTTP_PORT (8088, redirects), LOCAL_NODE_PORTS ("8181 8182"),
# LOCAL_REDIS_PORT (6390). State, logs and PIDs live in target/local-cluster.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATH="$PATH:/usr/sbin"   # Debian puts nginx there, outside a normal user's PATH
dir="$root/target/local-cluster"
pids="$dir/pids"
https_port="${LOCAL_HTTPS_PORT:-8443}"
http_port="${LOCAL_HTTP_PORT:-8088}"
read -ra node_ports <<< "${LOCAL_NODE_PORTS:-8181 8182}"
redis_port="${LOCAL_REDIS_PORT:-6390}"

stop() {
  [ -f "$pids" ] || { echo "local-cluster: not running"; return 0; }
  # in reverse start order: nginx, the nodes (each drains and leaves Redis cleanly), Redis
  tac "$pids" | while read -r name pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
      echo "stopped $name ($pid)"
    fi
  done
  rm -f "$pids"
}

start() {
  [ ! -f "$pids" ] || { echo "local-cluster: already running (payara/local-cluster.sh stop first)" >&2; exit 1; }
  for tool in redis-server nginx openssl java; do
    command -v "$tool" >/dev/null || { echo "local-cluster: '$tool' is required" >&2; exit 1; }
  done
  [ -f "$root/target/switchboard.war" ] && [ -f "$root/target/payara-micro.jar" ] || (cd "$root" && mvn -B -q package -DskipTests)
  mkdir -p "$dir/redis"
  trap 'echo "local-cluster: start failed; stopping what started" >&2; stop' ERR
  [ -f "$dir/certs/ca.pem" ] || "$root/nginx/make-cert.sh" "$dir/certs" >/dev/null

  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec \
    --dir "$dir/redis" > "$dir/redis/redis.log" 2>&1 &
  echo "redis $!" >> "$pids"

  local name upstreams="" first=true
  for port in "${node_ports[@]}"; do
    name="node-$port"
    SWITCHBOARD_REDIS_URL="redis://127.0.0.1:$redis_port" SWITCHBOARD_NODE_ID="$name" \
      SWITCHBOARD_DEV_KEY_DIR="$dir/dev-keys" SWITCHBOARD_LIMITS_CLIENT_IP_HEADER=X-Real-IP \
      "$root/payara/launch.sh" --dev --port "$port" --workdir "$dir/$name" > "$dir/$name.log" 2>&1 &
    echo "$name $!" >> "$pids"
    upstreams="${upstreams:+$upstreams,}127.0.0.1:$port"
    if $first; then # the first node creates the shared dev signing key; the others wait for it
      wait_ready "$port" "$name"
      first=false
    fi
  done
  for port in "${node_ports[@]}"; do wait_ready "$port" "node-$port"; done

  conf="$("$root/nginx/render.sh" --prefix "$dir/nginx" --nodes "$upstreams" --cert "$dir/certs/server.pem" \
    --key "$dir/certs/server.key" --https-port "$https_port" --http-port "$http_port" --bind 127.0.0.1 \
    --server-name localhost --daemon off)"
  nginx -p "$dir/nginx" -c "$conf" -e "$dir/nginx/logs/error.log" > "$dir/nginx/logs/stdout.log" 2>&1 &
  echo "nginx $!" >> "$pids"
  sleep 1
  curl -s --cacert "$dir/certs/ca.pem" -o /dev/null "https://localhost:$https_port/health/ready" \
    || { echo "local-cluster: nginx does not answer; see $dir/nginx/logs/error.log" >&2; false; }
  trap - ERR
  cat <<MSG
Switchboard local cluster: https://localhost:$https_port  (wss://localhost:$https_port/ws)
  nodes: ${node_ports[*]} (behind nginx), redis: $redis_port, CA to trust: $dir/certs/ca.pem
  TOKEN=\$(curl -s --cacert $dir/certs/ca.pem -X POST https://localhost:$https_port/api/dev/tokens \\
          -H 'Content-Type: application/json' -d '{"user":"alice"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  NODE_EXTRA_CA_CERTS=$dir/certs/ca.pem npx wscat -c "wss://localhost:$https_port/ws?token=\$TOKEN"
Stop it with: payara/local-cluster.sh stop
MSG
}

wait_ready() { # port name
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/health/ready")" = 200 ] && return 0
    sleep 0.5
  done
  echo "local-cluster: $2 not ready; see $dir/$2.log" >&2
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: payara/local-cluster.sh start|stop" >&2; exit 2 ;;
esac

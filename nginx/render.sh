#!/usr/bin/env bash
# Writes an nginx.conf for Switchboard from switchboard.conf.template.
#
#   nginx/render.sh --prefix DIR --nodes HOST:PORT[,HOST:PORT...] --cert FILE --key FILE
#                   [--https-port 443] [--http-port 80] [--bind 0.0.0.0] [--server-name _]
#                   [--max-body 64k] [--socket-timeout 75s] [--daemon on|off]
#                   [--monitor-allow 127.0.0.1,::1]   (addresses/CIDRs that may reach /metrics and /health)
#
# Creates DIR/logs and DIR/tmp and prints the path of DIR/nginx.conf. Run nginx with
#   nginx -p DIR -c DIR/nginx.conf
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="" nodes="" cert="" key="" https_port=443 http_port=80 bind=0.0.0.0 server_name=_ max_body=64k
socket_timeout=75s daemon=on monitor_allow=127.0.0.1,::1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2" ;; --nodes) nodes="$2" ;; --cert) cert="$2" ;; --key) key="$2" ;;
    --https-port) https_port="$2" ;; --http-port) http_port="$2" ;; --bind) bind="$2" ;;
    --server-name) server_name="$2" ;; --max-body) max_body="$2" ;; --socket-timeout) socket_timeout="$2" ;;
    --daemon) daemon="$2" ;; --monitor-allow) monitor_allow="$2" ;;
    *) echo "render.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
for required in prefix nodes cert key; do
  [ -n "${!required}" ] || { echo "render.sh: --$required is required" >&2; exit 2; }
done
prefix="$(mkdir -p "$prefix" && cd "$prefix" && pwd)"
mkdir -p "$prefix/logs" "$prefix/tmp"
servers=""
IFS=',' read -ra list <<< "$nodes"
for node in "${list[@]}"; do
  servers+="        server ${node} max_fails=2 fail_timeout=10s;"$'\n'
done
servers="${servers%$'\n'}"
allow=""
IFS=',' read -ra allowed <<< "$monitor_allow"
for address in "${allowed[@]}"; do
  [[ "$address" =~ ^[0-9A-Fa-f.:/]+$ ]] || { echo "render.sh: --monitor-allow takes addresses or CIDRs, not '$address'" >&2; exit 2; }
  allow+="            allow ${address};"$'\n'
done
allow="${allow%$'\n'}"
conf="$prefix/nginx.conf"
while IFS= read -r line; do
  if [ "$line" = "@@SERVERS@@" ]; then printf '%s\n' "$servers"; continue; fi
  if [ "$line" = "@@MONITOR_ALLOW@@" ]; then [ -z "$allow" ] || printf '%s\n' "$allow"; continue; fi
  line="${line//@@PREFIX@@/$prefix}"; line="${line//@@DAEMON@@/$daemon}"; line="${line//@@BIND@@/$bind}"
  line="${line//@@HTTP_PORT@@/$http_port}"; line="${line//@@HTTPS_PORT@@/$https_port}"
  line="${line//@@SERVER_NAME@@/$server_name}"; line="${line//@@CERT@@/$cert}"; line="${line//@@KEY@@/$key}"
  line="${line//@@MAX_BODY@@/$max_body}"; line="${line//@@SOCKET_TIMEOUT@@/$socket_timeout}"
  printf '%s\n' "$line"
done < "$here/switchboard.conf.template" > "$conf"
echo "$conf"

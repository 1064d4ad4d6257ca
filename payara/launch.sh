#!/usr/bin/env bash
# Starts one Switchboard node on Payara Micro (in the foreground; Ctrl-C or SIGTERM stops it).
#
#   payara/launch.sh [--dev] [--port N] [--war FILE] [--bind ADDRESS] [--workdir DIR]
#
# --dev      enables the dev token endpoint with a key pair generated on first start, and opens every
#            room to tokens without room claims (never in production)
# --port     HTTP port (default 8080)
# --war      the WAR to deploy (default target/switchboard.war)
# --bind     listen address (default 127.0.0.1 with --dev, else all interfaces)
# --workdir  where Payara unpacks itself and logs (default target/node-<port>)
#
# Any MicroProfile Config key can be set as an environment variable (SWITCHBOARD_HEARTBEAT_INTERVAL_MS)
# or in JAVA_OPTS (-Dswitchboard.heartbeat.interval-ms=...). JAVA_OPTS defaults to a small heap.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

dev=false
port=8080
war="$root/target/switchboard.war"
bind=""
workdir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) dev=true ;;
    --port) port="$2"; shift ;;
    --war) war="$2"; shift ;;
    --bind) bind="$2"; shift ;;
    --workdir) workdir="$2"; shift ;;
    *) echo "launch.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
source "$here/find-java.sh"
micro="$(dirname "$war")/payara-micro.jar"
[ -f "$war" ] || { echo "launch.sh: no WAR at $war (run: mvn package -DskipTests)" >&2; exit 1; }
[ -f "$micro" ] || { echo "launch.sh: no payara-micro.jar next to the WAR (run: mvn package -DskipTests)" >&2; exit 1; }
workdir="${workdir:-$(dirname "$war")/node-$port}"
if [ -z "$bind" ]; then
  if $dev; then bind=127.0.0.1; else bind=0.0.0.0; fi
fi
mkdir -p "$workdir/tmp"

preboot="$workdir/preboot.asadmin"
{
  echo "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=$bind"
  echo "set configs.config.server-config.hazelcast-config-specific-configuration.public-address=127.0.0.1"
} > "$preboot"

opts=(${JAVA_OPTS:--Xmx256m})
opts+=($(switchboard_jvm_defaults "${opts[*]}"))
opts+=("-Djava.io.tmpdir=$workdir/tmp")
if $dev; then
  opts+=("-Dswitchboard.dev.tokens.enabled=true")
  # dev tokens carry no room claims: let them join and publish anywhere (unless set otherwise)
  [ -n "${SWITCHBOARD_ROOMS_DEFAULT_JOIN:-}" ] || opts+=("-Dswitchboard.rooms.default-join=open")
  [ -n "${SWITCHBOARD_ROOMS_DEFAULT_PUBLISH:-}" ] || opts+=("-Dswitchboard.rooms.default-publish=open")
  [ -n "${SWITCHBOARD_DEV_KEY_DIR:-}" ] || opts+=("-Dswitchboard.dev.key-dir=${HOME}/.switchboard/dev-keys")
  cat <<MSG
Switchboard (dev) starting on http://$bind:$port — ready when Payara prints "Payara Micro ... ready".
Then, in another shell:
  TOKEN=\$(curl -s -X POST http://localhost:$port/api/dev/tokens -H 'Content-Type: application/json' \\
          -d '{"user":"alice","groups":["broadcast","backend"]}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
  npx wscat -c "ws://localhost:$port/ws?token=\$TOKEN"      # or: websocat "ws://localhost:$port/ws?token=\$TOKEN"
  > {"type":"message","to":["bob"],"content":"hi"}
MSG
fi

exec "$JAVA_HOME/bin/java" "${opts[@]}" -jar "$micro" \
  --deploy "$war" --contextroot / --port "$port" \
  --nocluster --disablephonehome \
  --prebootcommandfile "$preboot" \
  --logtofile "$workdir/server.log"

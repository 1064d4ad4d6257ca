#!/usr/bin/env bash
# Starts one Switchboard node on WildFly (in the foreground; Ctrl-C or SIGTERM stops it): the same WAR as
# on Payara, same options and configuration as payara/launch.sh.
#
#   src/wildfly/launch.sh [--dev] [--port N] [--war FILE] [--bind ADDRESS] [--workdir DIR] [--management-port M]
#
# --dev              dev token endpoint with a key pair generated on first start; every room open to tokens
#                    without room claims (never in production)
# --port             HTTP port (default 8080); /health/* is served there too (proxied, see configure.cli)
# --war              the WAR to deploy, at / (default target/switchboard.war)
# --bind             listen address (default 127.0.0.1 with --dev, else all interfaces)
# --workdir          the node's server base directory: configuration, deployments, data, log (default
#                    target/wildfly-node-<port>); one WildFly installation serves any number of nodes
# --management-port  WildFly's management interface, always on loopback (default port + 10000, or
#                    port - 10000 above 55535)
#
# The installation is $WILDFLY_HOME, else the one the build unpacked next to the WAR (mvn package); it is
# prepared once by configure.sh. Any MicroProfile Config key can be set as an environment variable
# (SWITCHBOARD_HEARTBEAT_INTERVAL_MS) or in JAVA_OPTS (-Dswitchboard.heartbeat.interval-ms=...). JAVA_OPTS
# defaults to a small heap. The script execs the JVM: the launcher's PID is the server's.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

dev=false
port=8080
war="$root/target/switchboard.war"
bind=""
workdir=""
management=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) dev=true ;;
    --port) port="$2"; shift ;;
    --war) war="$2"; shift ;;
    --bind) bind="$2"; shift ;;
    --workdir) workdir="$2"; shift ;;
    --management-port) management="$2"; shift ;;
    *) echo "launch.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
source "$root/payara/find-java.sh"
[ -f "$war" ] || { echo "launch.sh: no WAR at $war (run: mvn package -DskipTests)" >&2; exit 1; }
home="${WILDFLY_HOME:-$(ls -d "$(dirname "$war")"/wildfly-*/ 2>/dev/null | sort -V | tail -1)}"
home="${home%/}"
[ -x "$home/bin/standalone.sh" ] || { echo "launch.sh: no WildFly (set WILDFLY_HOME, or run: mvn package -DskipTests)" >&2; exit 1; }
"$here/configure.sh" "$home"
workdir="${workdir:-$(dirname "$war")/wildfly-node-$port}"
if [ -z "$management" ]; then
  if [ "$port" -le 55535 ]; then management=$((port + 10000)); else management=$((port - 10000)); fi
fi
if [ -z "$bind" ]; then
  if $dev; then bind=127.0.0.1; else bind=0.0.0.0; fi
fi

# A fresh copy of the prepared configuration each start (the server rewrites its own copy), the WAR at /.
mkdir -p "$workdir/deployments" "$workdir/log"
rm -rf "$workdir/configuration" "$workdir/deployments/ROOT.war"*
cp -r "$home/standalone/configuration" "$workdir/configuration"
cp "$war" "$workdir/deployments/ROOT.war"

opts=(${JAVA_OPTS:--Xmx256m})
opts+=($(switchboard_jvm_defaults "${opts[*]}"))
opts+=(-Djava.awt.headless=true -Djboss.modules.system.pkgs=org.jboss.byteman)
if $dev; then
  opts+=("-Dswitchboard.dev.tokens.enabled=true")
  [ -n "${SWITCHBOARD_ROOMS_DEFAULT_JOIN:-}" ] || opts+=("-Dswitchboard.rooms.default-join=open")
  [ -n "${SWITCHBOARD_ROOMS_DEFAULT_PUBLISH:-}" ] || opts+=("-Dswitchboard.rooms.default-publish=open")
  [ -n "${SWITCHBOARD_DEV_KEY_DIR:-}" ] || opts+=("-Dswitchboard.dev.key-dir=${HOME}/.switchboard/dev-keys")
  echo "Switchboard (dev) starting on WildFly at http://$bind:$port — ready when /health/ready answers 200."
fi
# The JDK module options WildFly's own standalone.sh adds (its list, from its common.sh).
set +eu +o pipefail # common.sh is written for plain sh
GREP=grep JAVA="$JAVA_HOME/bin/java" DIRNAME="$home/bin" DEFAULT_MODULAR_JVM_OPTIONS=""
source "$home/bin/common.sh"
setDefaultModularJvmOptions "${opts[@]}"
set -eu -o pipefail

exec "$JAVA_HOME/bin/java" -D"[Standalone]" "${opts[@]}" $DEFAULT_MODULAR_JVM_OPTIONS \
  "-Dorg.jboss.boot.log.file=$workdir/log/server.log" \
  "-Dlogging.configuration=file:$workdir/configuration/logging.properties" \
  -jar "$home/jboss-modules.jar" -mp "$home/modules" org.jboss.as.standalone \
  "-Djboss.home.dir=$home" "-Djboss.server.base.dir=$workdir" \
  -c standalone-switchboard.xml \
  "-Djboss.bind.address=$bind" "-Djboss.http.port=$port" "-Djboss.https.port=0" \
  "-Djboss.management.http.port=$management" "-Djboss.management.https.port=0"

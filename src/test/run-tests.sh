#!/usr/bin/env bash
# README command (2): runs the whole test suite — unit tests (*Test), in-container Arquillian tests on
# Payara Micro (*IT; nine of them again on WildFly, which the build takes from Maven Central and unpacks
# into target/) and end-to-end tests driving real processes (*E2E: Payara and WildFly nodes, redis-server
# (also as a Sentinel set: redis-server --sentinel; and as a Redis Cluster made with redis-cli --cluster
# create), nginx, and headless Chromium for the browser client and demo page). Installs what the tests need
# and the machine lacks (redis-server, redis-tools, nginx, openssl, chromium from the OS packages;
# playwright-core, which drives Debian's chromium and downloads no browser, and typescript from npm), then
# runs Maven.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

for tool in mvn node npm; do
  command -v "$tool" >/dev/null || { echo "run-tests.sh: '$tool' is required" >&2; exit 1; }
done

# Maven, the in-container tests and the nodes they start all run on this Java (21+, for Payara Micro 7)
source "$root/payara/find-java.sh"
echo "run-tests.sh: using Java at $JAVA_HOME"

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)  # creates the Redis Cluster of ShardedClusterE2E
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "run-tests.sh: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

(cd src/test/browser && npm ci --no-audit --no-fund --loglevel=error)

exec mvn -B clean verify "$@"

#!/usr/bin/env bash
# Prepares a WildFly installation for Switchboard: writes standalone/configuration/standalone-switchboard.xml,
# a copy of the stock standalone.xml with configure.cli applied (offline, embedded server, ~4 s). Does
# nothing when that file is already there and was made from this configure.cli (its SHA-256 is kept
# beside it); safe to run from several launchers at once (flock).
#
#   src/wildfly/configure.sh WILDFLY_HOME
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${1:?usage: configure.sh WILDFLY_HOME}"
configs="$home/standalone/configuration"
target="$configs/standalone-switchboard.xml"
[ -f "$configs/standalone.xml" ] || { echo "configure.sh: no WildFly at $home" >&2; exit 1; }
exec 9>"$configs/.switchboard.lock"
flock 9
made_from="$configs/.standalone-switchboard.cli.sha256"
wanted="$(sha256sum < "$here/configure.cli")"
[ -f "$target" ] && [ "$(cat "$made_from" 2>/dev/null)" = "$wanted" ] && exit 0
script="$(mktemp)"
trap 'rm -f "$script"' EXIT
cp "$configs/standalone.xml" "$configs/standalone-switchboard-work.xml"
{
  echo "embed-server --server-config=standalone-switchboard-work.xml --std-out=discard"
  cat "$here/configure.cli"
  echo "stop-embedded-server"
} > "$script"
if ! out="$("$home/bin/jboss-cli.sh" --file="$script" 2>&1)"; then
  echo "$out" >&2
  echo "configure.sh: applying configure.cli to $home failed" >&2
  rm -f "$configs/standalone-switchboard-work.xml"
  exit 1
fi
mv "$configs/standalone-switchboard-work.xml" "$target"
echo "$wanted" > "$made_from"
echo "configure.sh: wrote $target"

#!/usr/bin/env bash
# README command (1): build the WAR and start one development node on http://localhost:8080
# (no Redis, dev token endpoint on, signing key generated on first start in ~/.switchboard/dev-keys).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/payara/find-java.sh" # Java 21+ for Payara Micro 7, also used by Maven
mvn -B -q clean package -DskipTests
exec "$root/payara/launch.sh" --dev --port "${PORT:-8080}" "$@"

#!/usr/bin/env bash
# README command (1): build the WAR and start one development node on http://localhost:8080
# (no Redis, dev token endpoint on, signing key generated on first start in ~/.switchboard/dev-keys).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q clean package -DskipTests
exec "$root/payara/launch.sh" --dev --port "${PORT:-8080}" "$@"

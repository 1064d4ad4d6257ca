#!/usr/bin/env bash
# README command (2): runs the whole test suite — unit tests (*Test), in-container Arquillian tests on
# Payara Micro (*IT) and end-to-end tests driving real processes (*E2E). Installs what the tests need
# and the machine lacks (today: nothing beyond Java 17+ and Maven), then runs Maven.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "run-tests.sh: '$tool' is required" >&2; exit 1; }
done

exec mvn -B clean verify "$@"

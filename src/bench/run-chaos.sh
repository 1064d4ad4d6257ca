#!/usr/bin/env bash
# The exact-delivery chaos run, longer than the short one in the test command:
#   src/bench/run-chaos.sh --minutes 10 [--seed 42]
# Two nodes and a redis-server (AOF, fsync always) on loopback; direct (HTTP and WebSocket) and room
# traffic to three devices of two users while nodes are SIGKILLed and restarted, Redis is SIGKILLed and
# restarted, subscribers are cut and devices drop. Prints one line: operations, faults, messages checked,
# problems (lost or duplicated messages fail the run). Needs what src/test/run-tests.sh installs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
minutes=5
seed=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: $0 [--minutes N] [--seed S]" >&2; exit 2 ;;
  esac
done
command -v redis-server >/dev/null || { echo "run-chaos.sh: redis-server is required (src/test/run-tests.sh installs it)" >&2; exit 1; }
args=(-B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ExactDeliveryChaosE2E
      -Dswitchboard.chaos.seconds=$((minutes * 60)))
[ -n "$seed" ] && args+=(-Dswitchboard.chaos.seed="$seed")
log="target/chaos-$(date +%Y%m%d-%H%M%S).log"
mkdir -p target
set +e
mvn "${args[@]}" > "$log" 2>&1
status=$?
set -e
grep -E "^chaos seed" "$log" || true
[ $status -eq 0 ] || echo "run-chaos.sh: FAILED (exit $status); full output in $log" >&2
exit $status

#!/usr/bin/env bash
# Time `make run` from a fresh clone until the login page answers 200.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
git clone -q "$repo" "$dir/p"
cd "$dir/p"
start=$(date +%s.%N)
PORT=${PORT:-8765}
setsid make run PORT="$PORT" > run.log 2>&1 &
pid=$!
until curl -fs -o /dev/null "http://127.0.0.1:$PORT/login/"; do
  sleep 0.5
  kill -0 $pid 2>/dev/null || { echo "make run died"; tail -20 run.log; exit 1; }
done
end=$(date +%s.%N)
printf 'make run, fresh clone to served login page: %.1f s\n' "$(echo "$end - $start" | bc)"
kill -- -$pid 2>/dev/null || true
sleep 1
rm -rf "$dir"

#!/usr/bin/env bash
# The counter benchmark of issue 20, one command: pgbench TPC-B (the machine's yardstick) and the counter mix
# in the same run on the same machine, then the consistency checks (always, whatever locust counted), then
# the targets, each printed as met or NOT met. Run from the repository root:
#   bash benchmarks/counter_load/run.sh
# Knobs: USERS=20 DURATION=60s THINK_TIME=0 WORKERS=4 WORKER_CLASS=sync THREADS=1 PORT=8300 PGBENCH_SECONDS=30 PGBENCH_CLIENTS=4
#        THINK_RUN=1 (also the think-time run: THINK_USERS=500 counters, one transaction each 30 s, THINK_DURATION=120s)
#        PROFILE=1 (also the one-request-at-a-time server times, benchmarks/counter_profile.py)
#        REUSE_DB=1 (skip re-creating and preparing the database)
#        PYSPY=1 (py-spy samples the web workers and the Celery worker during the 20-counter run;
#                 benchmarks/busy_profile.py sums them)
#        LOCUST=path/to/locust (pip install -r benchmarks/requirements.txt, in a venv of its own if you like)
set -uo pipefail
cd "$(dirname "$0")/../.."
USERS=${USERS:-20}; DURATION=${DURATION:-60s}; WORKERS=${WORKERS:-4}; PORT=${PORT:-8300}
WORKER_CLASS=${WORKER_CLASS:-sync}; THREADS=${THREADS:-1}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-30}; PGBENCH_CLIENTS=${PGBENCH_CLIENTS:-4}
THINK_RUN=${THINK_RUN:-0}; THINK_USERS=${THINK_USERS:-500}; THINK_DURATION=${THINK_DURATION:-120s}; PROFILE=${PROFILE:-0}
LOCUST=${LOCUST:-.venv/bin/locust}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/boss_bench}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/9} CELERY_QUEUE=bench
export DJANGO_SETTINGS_MODULE=boss.settings.production SECRET_KEY=bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
export ALLOWED_HOSTS=127.0.0.1,localhost,testserver SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
export BOSS_DEMO_DEPLOYMENT=true   # the simulators (HLR, SMS gateway): production settings refuse them otherwise
export BOSS_HLR_LATENCY_MS=${BOSS_HLR_LATENCY_MS:-50}
PY=.venv/bin/python
OUT=${OUT:-var/counter-bench}; mkdir -p "$OUT"
db=${DATABASE_URL##*/}
PSQL="psql -h 127.0.0.1 -U postgres -q"
set -e
if [ "${REUSE_DB:-0}" != 1 ]; then  # REUSE_DB=1: the database of an earlier run, as it is (a quick try of the script)
  $PSQL -c "DROP DATABASE IF EXISTS $db" && $PSQL -c "CREATE DATABASE $db"
  $PY manage.py migrate -v0
  $PY benchmarks/counter_load/prepare.py
fi
$PSQL -c "DROP DATABASE IF EXISTS ${db}_pgbench" && $PSQL -c "CREATE DATABASE ${db}_pgbench"
pgbench -h 127.0.0.1 -U postgres -i -s 10 -q "${db}_pgbench" > "$OUT/pgbench-init.log" 2>&1
set +e

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== pgbench TPC-B: $PGBENCH_CLIENTS clients, $PGBENCH_SECONDS s"
pgbench -h 127.0.0.1 -U postgres -c "$PGBENCH_CLIENTS" -j 2 -T "$PGBENCH_SECONDS" "${db}_pgbench" > "$OUT/pgbench.log" 2>&1
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$OUT/pgbench.log" | head -1)
echo "pgbench TPC-B: ${tps:-?} transactions/s"

.venv/bin/gunicorn boss.wsgi:application -w "$WORKERS" -k "$WORKER_CLASS" --threads "$THREADS" -b 127.0.0.1:$PORT --log-level warning &
gunicorn_pid=$!
.venv/bin/celery -A boss worker -Q bench --concurrency=1 --loglevel=WARNING > "$OUT/worker.log" 2>&1 &
worker_pid=$!
trap 'kill $gunicorn_pid $worker_pid 2>/dev/null || true' EXIT
token=$($PY -c "import json; print(json.load(open('benchmarks/counter_load/bench.json'))['tokens'][0])")
for _ in $(seq 120); do
  curl -sf -o /dev/null -H "Authorization: Token $token" "http://127.0.0.1:$PORT/api/v1/numbers?grade=ordinary" && break
  sleep 1
done
for _ in $(seq $((WORKERS * 4))); do  # every worker has loaded the application before the clock starts
  curl -s -o /dev/null -H "Authorization: Token $token" "http://127.0.0.1:$PORT/api/v1/numbers?grade=ordinary"
done

# CPU seconds of one process tree's processes (utime + stime of each pid given), and of the whole machine.
ticks=$(getconf CLK_TCK)
proc_cpu() { local total=0 p t; for p in "$@"; do t=$(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null); total=$((total + ${t:-0})); done; echo $total; }
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
machine_all() { awk '/^cpu /{s=0; for(i=2;i<=9;i++) s+=$i; print s}' /proc/stat; }

run_locust() {  # $1 users, $2 duration, $3 think time, $4 label, $5 first identity to register, $6 users started a second
  local busy0 all0 start
  $PY benchmarks/cpu_split.py snapshot "$OUT/$4.cpu-before.json"
  busy0=$(machine_busy); all0=$(machine_all); start=$(date +%s.%N)
  THINK_TIME=$3 IDENTITY_OFFSET=$5 COUNTER_SUMMARY="$OUT/$4.json" "$LOCUST" -f benchmarks/counter_load/locustfile.py \
    --headless -u "$1" -r "$6" -t "$2" --host "http://127.0.0.1:$PORT" --only-summary --csv "$OUT/$4" > "$OUT/$4.log" 2>&1 &
  local locust_pid=$!
  local spies=()
  if [ "${PYSPY:-0}" = 1 ] && [ "$4" = saturation ]; then  # the web workers' Python, while it holds the GIL
    rm -f "$OUT"/spy-*.txt; sleep 5
    local celery_pids kind
    celery_pids=" $worker_pid $(pgrep -P "$worker_pid" | tr '\n' ' ')"   # and the Celery worker's processes
    for p in $(pgrep -P "$gunicorn_pid") $celery_pids; do
      case "$celery_pids " in *" $p "*) kind=celery ;; *) kind=web ;; esac
      "${PYSPY_BIN:-$(dirname "$LOCUST")/py-spy}" record --pid "$p" --gil --nonblocking --rate 200 --format raw \
        --duration $(( ${2%s} - 10 )) -o "$OUT/spy-$kind-$p.txt" > /dev/null 2>&1 &
      spies+=($!)
    done
  fi
  local locust_ticks=0 now
  while kill -0 $locust_pid 2>/dev/null; do  # the generator's own CPU, sampled while it lives
    now=$(proc_cpu $locust_pid); [ "$now" -gt "$locust_ticks" ] && locust_ticks=$now; sleep 1
  done
  wait $locust_pid
  local elapsed busy all
  elapsed=$(echo "$(date +%s.%N) - $start" | bc); busy=$(( $(machine_busy) - busy0 )); all=$(( $(machine_all) - all0 ))
  tail -25 "$OUT/$4.log"
  echo "load generator CPU: $(echo "scale=1; $locust_ticks / $ticks" | bc) s of $(echo "scale=1; $all / $ticks" | bc) CPU-s" \
       "in ${elapsed%.*} s = $(echo "scale=1; 100 * $locust_ticks / $all" | bc) % of the machine" \
       "(the machine busy $(echo "scale=1; 100 * $busy / $all" | bc) %); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$locust_ticks $all" > "$OUT/$4.cpu"
  $PY benchmarks/cpu_split.py report "$OUT/$4.cpu-before.json"
  if [ ${#spies[@]} -gt 0 ]; then
    wait "${spies[@]}"
    echo "-- the web workers"; $PY benchmarks/busy_profile.py "$OUT"/spy-web-*.txt
    echo "-- the Celery worker"; $PY benchmarks/busy_profile.py "$OUT"/spy-celery-*.txt
  fi
}

echo "== counter mix: $USERS counters, $DURATION, think time 0"
run_locust "$USERS" "$DURATION" 0 saturation 0 "$USERS"
if [ "$THINK_RUN" = 1 ]; then
  echo "== counter mix with think time: $THINK_USERS counters, one transaction each 30 s, $THINK_DURATION"
  run_locust "$THINK_USERS" "$THINK_DURATION" 30 think 10000 $((THINK_USERS / 30 + 1))  # spread over 30 s
fi
sleep 5   # let the worker finish the last work orders
kill $gunicorn_pid $worker_pid 2>/dev/null; wait $gunicorn_pid $worker_pid 2>/dev/null

echo "== consistency checks"
$PY benchmarks/counter_load/verify.py; verified=$?
if [ "$PROFILE" = 1 ]; then
  echo "== one request at a time (server time)"
  DJANGO_SETTINGS_MODULE=boss.settings.local $PY benchmarks/counter_profile.py --runs 30
fi

echo "== targets (issue 20)"
$PY - "$OUT" "${tps:-0}" "$verified" "$THINK_RUN" <<'PYEOF'
import json, sys
from pathlib import Path
out, tps, verified, think = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
s = json.loads((out / "saturation.json").read_text())
rate = s["per_second"]
ratio = rate / tps if tps else 0
rows = [("business transactions/s >= 60", f"{rate:.1f}", rate >= 60),
        ("ratio to pgbench TPC-B >= 0.02", f"{ratio:.4f} ({rate:.1f} / {tps:.0f})", ratio >= 0.02),
        ("p95 over all requests <= 250 ms", f"{s['p95_ms']:.0f} ms", s["p95_ms"] <= 250),
        ("unexpected failures = 0", f"{s['failures']} (contested numbers, expected: {s['number_taken_first_409']})",
         s["failures"] == 0),
        ("consistency checks pass", "pass" if verified == 0 else "FAIL", verified == 0)]
if think:
    t = json.loads((out / "think.json").read_text())
    rows.append(("think-time run p95 <= 150 ms", f"{t['p95_ms']:.0f} ms ({t['per_second']:.1f} tx/s, "
                 f"{t['failures']} failures)", t["p95_ms"] <= 150 and t["failures"] == 0))
for name, value, met in rows:
    print(f"  {name:36} {value:48} {'met' if met else 'NOT met'}")
PYEOF

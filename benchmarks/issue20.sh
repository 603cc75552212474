#!/usr/bin/env bash
# Issue 20's targets, one command, from the repository root (PostgreSQL and Redis running, `make setup-dev` done):
#   bash benchmarks/issue20.sh
# Runs one after another (each alone on the machine): the counter load beside pgbench with the think-time run
# and the server time of each counter request (counter_load/run.sh), the number search over 1,000,000 numbers,
# the rating and the bill runs of 100,000 lines, the crawl of every screen with 1,000,000 customers, and
# `make run` from a fresh clone. Each part prints its own targets; the summary at the end repeats every
# "met" / "NOT met" line. The databases are kept between runs (boss_bench is re-created by run.sh; the number
# pool, the billing month and the million customers are loaded once: about 25 minutes the first time).
# Knobs: PARTS="counter numbers billing crawl make_run" (a subset), LOCUST=path/to/locust, OUT=var/issue20
set -uo pipefail
cd "$(dirname "$0")/.."
PARTS=${PARTS:-counter numbers billing crawl make_run}
OUT=${OUT:-var/issue20}; mkdir -p "$OUT"
PY=.venv/bin/python
PG=postgres://postgres@127.0.0.1:5432
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/8}
has_db() { psql -h 127.0.0.1 -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }
ensure_db() { has_db "$1" || createdb -h 127.0.0.1 -U postgres "$1"; }
if [ ! -x "${LOCUST:-.venv/bin/locust}" ]; then   # the load generator, in a venv of its own
  [ -x var/locust-venv/bin/locust ] || { python3 -m venv var/locust-venv &&
    var/locust-venv/bin/pip install -q -r benchmarks/requirements.txt; }
  export LOCUST=$PWD/var/locust-venv/bin/locust
fi
echo "issue 20 benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
     "main at $(git rev-parse --short HEAD)"

for part in $PARTS; do
  echo; echo "=== $part (log: $OUT/$part.log)"
  case $part in
    counter)
      THINK_RUN=1 PROFILE=1 bash benchmarks/counter_load/run.sh ;;
    numbers)
      ensure_db boss_search_bench
      export DATABASE_URL=$PG/boss_search_bench
      $PY manage.py migrate -v0
      have=$(psql -h 127.0.0.1 -U postgres -Atc "SELECT count(*) FROM inventory_numberresource" boss_search_bench)
      [ "$have" -ge 1000000 ] || $PY benchmarks/numbers_load.py
      $PY benchmarks/numbers_search.py ;;
    billing)
      ensure_db boss_billing_bench
      export DATABASE_URL=$PG/boss_billing_bench
      $PY manage.py migrate -v0
      have=$(psql -h 127.0.0.1 -U postgres -Atc "SELECT count(*) FROM billing_usagerecord" boss_billing_bench)
      if [ "$have" -ge 3000000 ]; then $PY benchmarks/billing_bench.py targets; else $PY benchmarks/billing_bench.py all; fi ;;
    crawl)
      ensure_db boss_crawl
      DATABASE_URL=$PG/boss_crawl $PY benchmarks/screen_crawl.py ;;
    make_run)
      seconds=$(bash benchmarks/make_run_time.sh | tee /dev/stderr | sed -n 's/.*page: \([0-9.]*\) s/\1/p')
      echo "target: make run, fresh clone to the served login page <= 45 s: ${seconds:-?} s" \
           "$(echo "${seconds:-999} <= 45" | bc | sed 's/1/met/; s/0/NOT met/')" ;;
    *) echo "unknown part: $part"; exit 2 ;;
  esac 2>&1 | grep -v "UserWarning: No directory at\|mw_instance = middleware" | tee "$OUT/$part.log"
done

echo; echo "=== summary: issue 20's targets"
for part in $PARTS; do
  grep -h -E "^ *(target|  [a-z].* (met|NOT met)$)|CPU median within target|^(reservation|customer registration|pre-input|payment|line read|fee collection) " \
    "$OUT/$part.log" | sed "s/^/[$part] /"
done

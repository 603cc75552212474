#!/usr/bin/env bash
# 20 concurrent counters (locust) against gunicorn on PostgreSQL, with a Celery worker on Redis executing
# the provisioning work orders; then the consistency checks. Run from the repository root:
#   bash benchmarks/counter_load/run.sh            (USERS=20 DURATION=60s WORKERS=4 PORT=8300)
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS=${USERS:-20}; DURATION=${DURATION:-60s}; WORKERS=${WORKERS:-4}; PORT=${PORT:-8300}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/boss_bench}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/9} CELERY_QUEUE=bench
export DJANGO_SETTINGS_MODULE=boss.settings.production SECRET_KEY=bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 BOSS_HLR_LATENCY_MS=${BOSS_HLR_LATENCY_MS:-50}
PY=.venv/bin/python
db=${DATABASE_URL##*/}
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" && psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
$PY manage.py migrate -v0
$PY benchmarks/counter_load/prepare.py
.venv/bin/gunicorn boss.wsgi:application -w "$WORKERS" -k sync -b 127.0.0.1:$PORT --log-level warning &
gunicorn_pid=$!
.venv/bin/celery -A boss worker -Q bench --concurrency=1 --loglevel=WARNING > /tmp/bench-worker.log 2>&1 &
worker_pid=$!
trap 'kill $gunicorn_pid $worker_pid 2>/dev/null || true' EXIT
sleep 3
.venv/bin/locust -f benchmarks/counter_load/locustfile.py --headless -u "$USERS" -r "$USERS" -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --only-summary --csv /tmp/bench-counter 2>&1 | tail -40
sleep 5   # let the worker finish the last work orders
$PY benchmarks/counter_load/verify.py

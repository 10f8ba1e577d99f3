#!/usr/bin/env bash
# The embedded default: SQLite and Celery's file-system broker under var/, a real
# worker beside the web server. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
PY=.venv/bin/python
mkdir -p var/log

$PY manage.py migrate --no-input -v0
$PY manage.py seed_demo
$PY manage.py demo_logins

.venv/bin/celery -A config worker -B -Q default,transcode --concurrency 1 \
  --loglevel INFO --schedule var/celerybeat-schedule >var/log/worker.log 2>&1 &
WORKER=$!
$PY manage.py runserver --noreload "$HOST:$PORT" &
WEB=$!
trap 'kill $WEB $WORKER 2>/dev/null; wait $WEB $WORKER 2>/dev/null; exit 0' INT TERM
trap 'kill $WEB $WORKER 2>/dev/null' EXIT

echo
echo "微课堂 is running: http://$HOST:$PORT/  (admin: http://$HOST:$PORT/admin/)"
echo "Worker log: var/log/worker.log. Press Ctrl-C to stop."
wait -n $WEB $WORKER

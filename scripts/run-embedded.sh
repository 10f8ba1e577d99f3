#!/usr/bin/env bash
# `make run`: a single-machine deployment. SQLite and Celery's file-system broker
# under var/, gunicorn serving the site (WhiteNoise: compressed, hashed static
# files), a Celery worker with beat beside it. DEBUG off. Ctrl-C stops everything.
# `make dev` runs the same with --dev: the dev settings (DEBUG on) and Django's
# auto-reloading debug server instead of gunicorn.
set -euo pipefail
DEV=
if [ "${1:-}" = --dev ]; then DEV=1; shift; fi
cd "$(dirname "$0")/.."
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
if [ -n "$DEV" ]; then
  export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
else
  export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.embedded}
fi
export WEIKETANG_HOST=$HOST
# A gunicorn worker per core (at least 2), threads for slow phones.
WEB_WORKERS=${WEB_WORKERS:-$(( $(nproc) > 2 ? $(nproc) : 2 ))}
PY=.venv/bin/python
mkdir -p var/log

log() { echo "$(date '+%Y-%m-%d %H:%M:%S') $*"; }

PIDS=()
trap 'echo; log "interrupted"; exit 0' INT TERM HUP
log "migrating the database (var/db.sqlite3)"
$PY manage.py migrate --no-input -v0
if [ -z "$DEV" ]; then
  log "collecting static files (hashed names, compressed)"
  $PY manage.py collectstatic --no-input -v0
fi
log "seeding the demo (first run transcodes the demo videos)"
$PY manage.py seed_demo
$PY manage.py demo_logins

PIDS=()
running() { for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }
stop() {
  trap - INT TERM HUP
  echo
  log "stopping (running requests and tasks get 15 s to finish)"
  kill -TERM "${PIDS[@]}" 2>/dev/null || true
  for _ in $(seq 150); do running || break; sleep 0.1; done
  # A transcode outlasting that is stopped now; its lease lets the next start
  # pick it up again.
  kill -QUIT "${PIDS[@]}" 2>/dev/null || true
  for _ in $(seq 50); do running || break; sleep 0.1; done
  kill -KILL "${PIDS[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  log "stopped"
  exit 0
}
trap stop INT TERM HUP

# Job control puts each server in its own process group: the terminal's Ctrl-C
# reaches only this script, whose stop() sends each server one TERM (gunicorn and
# Celery's warm shutdown: running requests and tasks finish) and waits for it.
set -m
.venv/bin/celery -A config worker -B -Q default,transcode --concurrency 1 \
  --loglevel INFO --schedule var/celerybeat-schedule >>var/log/worker.log 2>&1 &
PIDS+=($!)
if [ -n "$DEV" ]; then
  $PY manage.py runserver "$HOST:$PORT" &
else
  .venv/bin/gunicorn config.wsgi --bind "$HOST:$PORT" \
    --workers "$WEB_WORKERS" --threads 4 --worker-class gthread \
    --timeout 120 --graceful-timeout 10 \
    --access-logfile - --error-logfile - \
    --access-logformat '%(h)s "%(r)s" %(s)s %(b)s %(M)sms' &
fi
PIDS+=($!)
set +m

echo
log "微课堂 is running: http://$HOST:$PORT/  (admin: http://$HOST:$PORT/admin/)"
log "Worker log: var/log/worker.log. Press Ctrl-C to stop."
# Either child exiting on its own stops the other too.
set +e
wait -n "${PIDS[@]}"
status=$?
trap - INT TERM HUP
kill -TERM "${PIDS[@]}" 2>/dev/null
wait "${PIDS[@]}" 2>/dev/null
log "a server process exited ($status); stopped"
exit "$status"

#!/usr/bin/env bash
# Run Undersigned on the embedded defaults: the web app on http://127.0.0.1:5000,
# a Celery worker and Celery beat. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
source .venv/bin/activate
export FLASK_APP=wsgi APP_ENV="${APP_ENV:-development}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-5000}"

flask db upgrade
flask demo load
flask check
credentials=$(flask users dev-admin)

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping Undersigned..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

celery -A worker worker --loglevel=INFO --queues=default,mail,pdf --concurrency=2 &
pids+=($!)
celery -A worker beat --loglevel=INFO &
pids+=($!)
flask run --host "$HOST" --port "$PORT" &
pids+=($!)

sleep 2
cat <<INFO

  Undersigned is running on http://$HOST:$PORT/
  $credentials
  Staff pages: http://$HOST:$PORT/login    Outbox: http://$HOST:$PORT/staff/outbox/
  Press Ctrl-C to stop the web app, the worker and beat.

INFO
# Stop everything as soon as any one of the three exits.
wait -n "${pids[@]}"

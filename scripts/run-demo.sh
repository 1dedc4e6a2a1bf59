#!/usr/bin/env bash
# `make run`: migrate, load demo data and serve LabPortal with its worker and beat.
# PORT (default 8000) chooses the port.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}

if ! $PY -c 'import socket, sys; socket.create_server(("127.0.0.1", int(sys.argv[1]))).close()' \
  "$PORT" 2>/dev/null; then
  echo "Port $PORT on 127.0.0.1 is in use. Stop what runs there, or choose another: PORT=8001 make run" >&2
  exit 1
fi

eval "$($PY scripts/devenv.py demo-env)"
export ENVIRONMENT=development DEBUG=true
# The demo lets admins and lab leads in without two-factor authentication; the UI says so.
export REQUIRE_MFA_FOR_PRIVILEGED=${REQUIRE_MFA_FOR_PRIVILEGED:-false}
export EMAIL_URL=${EMAIL_URL:-consolemail://}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
export DJANGO_RUNSERVER_HIDE_WARNING=true

pids=()
cleanup() {
  trap - INT TERM HUP
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # Celery shuts down warmly in a few seconds; don't leave anything behind if it hangs.
    for _ in $(seq 40); do
      kill -0 "${pids[@]}" 2>/dev/null || break
      sleep 0.25
    done
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
    wait 2>/dev/null || true
  fi
  if [ -n "${LABPORTAL_EMBEDDED_PGDATA:-}" ]; then
    $PY scripts/devenv.py demo-stop "$LABPORTAL_EMBEDDED_PGDATA" || true
  fi
}
trap cleanup EXIT
trap 'exit 0' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Without a compiled catalogue (.mo) every page is in English; compile one if none is there.
for po in locale/*/LC_MESSAGES/django.po; do
  [ -f "${po%.po}.mo" ] && continue
  if command -v msgfmt >/dev/null; then
    $PY manage.py compilemessages --ignore=.venv -v0
  else
    echo "No ${po%.po}.mo and no gettext to compile it: pages show English only." >&2
    echo "On Debian: apt-get install gettext" >&2
  fi
  break
done
$PY manage.py migrate --no-input -v0
$PY manage.py load_demo

if [ "$TASKS_IN_PROCESS" != "true" ]; then
  mkdir -p .demo
  .venv/bin/celery -A labportal worker --loglevel=INFO --concurrency=2 >.demo/worker.log 2>&1 &
  pids+=($!)
  .venv/bin/celery -A labportal beat --loglevel=INFO >.demo/beat.log 2>&1 &
  pids+=($!)
  # Beat's first heartbeat comes a minute after it starts; queue one now so /healthz
  # turns green as soon as the worker is up.
  .venv/bin/celery -A labportal call labportal.core.tasks.record_heartbeat >/dev/null ||
    echo "Could not queue a first heartbeat; /healthz turns green within a minute." >&2
  tasks="a Celery worker and beat (logs in .demo/worker.log and .demo/beat.log)"
  emails="Emails are not sent: the worker prints them in .demo/worker.log."
else
  tasks="background tasks inside the web process (no Redis found)"
  emails="Emails are not sent: they are printed here."
fi

cat <<TXT

  LabPortal runs at http://127.0.0.1:$PORT with $tasks.

  Demo logins (password for all: labportal-demo):
    administrator    admin@demo.labportal.se
    lab lead         labbansvarig@demo.labportal.se
    department staff social@demo.labportal.se, skola@demo.labportal.se, teknik@demo.labportal.se
    trainee          trainee1@demo.labportal.se ... trainee14@demo.labportal.se (9-14: a finished cohort)
    supervisor       handledare@demo.labportal.se

  $emails Stop with Ctrl+C.

TXT
# In the background, so that a TERM or INT reaches the traps above at once (bash runs
# traps only after a foreground command ends); the demo stops when any process stops.
$PY manage.py runserver "127.0.0.1:$PORT" --noreload &
server=$!
pids+=("$server")
status=0
wait -n || status=$?
if kill -0 "$server" 2>/dev/null; then
  echo "A Celery process stopped (see .demo/worker.log and .demo/beat.log); stopping the demo." >&2
  status=1
fi
exit "$status"

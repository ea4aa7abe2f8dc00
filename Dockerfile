# One image for every process of the platform (docs/operations.md "Images and manifests").
#   docker build -t coopleague .
#   docker run coopleague migrate | org | activities | funding | assessment | gateway
# The console (console/, a web app built with npm) is built in its own stage and copied in;
# a checkout without console/ still builds (an empty console directory).

FROM node:22-slim AS console
WORKDIR /src
COPY . /src
RUN if [ -f console/package.json ]; then \
      cd console && (npm ci --no-audit --no-fund || npm install --no-audit --no-fund) \
      && npm run build && mkdir -p /out && cp -r dist/. /out/; \
    else mkdir -p /out; fi

FROM python:3.11-slim AS platform
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GATEWAY_BIND=0.0.0.0 GATEWAY_PORT=8000 METRICS_BIND=0.0.0.0 METRICS_PORT=9100 \
    CONSOLE_DIST=/app/console/dist
WORKDIR /app
# free CJK fonts the documents' PDFs embed (gateway/documents/fonts.py)
RUN apt-get update -q && apt-get install -y -q --no-install-recommends \
      fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei \
    && rm -rf /var/lib/apt/lists/*
# dependencies first: a code change does not reinstall them
COPY pyproject.toml README.md /app/
RUN python - <<'PY' > /tmp/requirements.txt
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))
PY
RUN pip install -r /tmp/requirements.txt
COPY eventkit /app/eventkit
COPY services /app/services
COPY gateway /app/gateway
COPY deploy /app/deploy
RUN pip install --no-deps . && rm -rf /app/build /app/*.egg-info
COPY --from=console /out /app/console/dist
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin coopleague \
    && mkdir -p /app/var && chown coopleague /app/var
USER 10001
EXPOSE 8000 9100
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:9100/health/live', timeout=2)" || exit 1
# nameko finishes in-flight workers on SIGTERM; the orchestrator waits up to 30 s
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gateway"]

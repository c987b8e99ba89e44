# Production image: gunicorn as a non-root user; migrations run on start (boot.sh).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml ./
COPY app ./app
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 dropin
WORKDIR /srv/dropin
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY --chown=dropin:dropin migrations ./migrations
COPY --chown=dropin:dropin wsgi.py boot.sh gunicorn.conf.py ./
COPY --chown=dropin:dropin app ./app
ENV DROPIN_ENV=production PHOTO_DIR=/data/photos PYTHONUNBUFFERED=1
RUN mkdir -p /data/photos && chown -R dropin:dropin /data
USER dropin
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
ENTRYPOINT ["./boot.sh"]

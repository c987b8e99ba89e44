# Production image: code owned by root and read-only to the app user; the only writable
# folder is the photo store (/data/photos, unused when PHOTO_STORAGE=s3://…).
# Dependencies come from requirements.lock in their own layer: a code change reinstalls
# only the wheel.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml ./
COPY app ./app
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/dropin PATH=/opt/dropin/bin:$PATH
RUN python -m venv /opt/dropin \
 && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent dropin \
 && mkdir -p /data/photos && chown dropin:dropin /data/photos
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir -r /tmp/requirements.lock && rm /tmp/requirements.lock
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-cache-dir --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels
WORKDIR /srv/dropin
COPY migrations ./migrations
COPY wsgi.py boot.sh ./
RUN chmod -R a-w,a+rX /srv/dropin && chmod a+x boot.sh
ENV DROPIN_ENV=production PHOTO_DIR=/data/photos
USER dropin
EXPOSE 8000
VOLUME ["/data/photos"]
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
ENTRYPOINT ["./boot.sh"]

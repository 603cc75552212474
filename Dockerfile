FROM python:3.11-slim-bookworm
# CJK font for WeasyPrint PDFs; pango for WeasyPrint itself; the PostgreSQL 15 client tools (pg_dump,
# pg_restore) for the backup service (bookworm's postgresql-client is 15, the server's major version).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 curl postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
ENV DJANGO_SETTINGS_MODULE=boss.settings.production PYTHONUNBUFFERED=1
RUN SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789abcdef ALLOWED_HOSTS=x BOSS_DEMO_DEPLOYMENT=true \
    python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "boss.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--worker-class", "sync", "--access-logfile", "-"]

# A sketch of a production image: NOT TESTED (no container runtime where it was written).
# Build: docker build -t guidebook .   Run: docker run -p 8000:8000 --env-file .env guidebook
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 GUNICORN_BIND=0.0.0.0:8000
WORKDIR /app

COPY pyproject.toml README.md ./
COPY config ./config
COPY catalogue ./catalogue
COPY reviews ./reviews
COPY stats ./stats
RUN pip install --no-cache-dir .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
# collectstatic needs settings that pass the production checks; the values are build-time only.
RUN DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --no-input --verbosity 0

RUN useradd --system --no-create-home guidebook
USER guidebook
EXPOSE 8000
# Migrations run once per deploy (manage.py migrate), not here: several containers start at once.
CMD ["gunicorn", "-c", "config/gunicorn.conf.py"]

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DATA_DIR=/data
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e ".[learning]"
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "-c", "python:annotator.gunicorn_conf", "annotator.wsgi:application"]

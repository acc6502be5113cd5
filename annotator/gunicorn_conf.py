"""gunicorn's settings for this app: ``gunicorn -c python:annotator.gunicorn_conf
annotator.wsgi:application`` (the Dockerfile and docker-compose.yml run exactly that).

Threads, not more processes: a request spends a third of its time waiting on PostgreSQL, and
threads fill that wait without another copy of the app in memory. One process per core keeps
the GIL from being the limit. ``python -m benchmarks load --server gthread:2x4 --server
sync:5`` compares the two on your machine (docs/benchmarks.md has this machine's figures).
Each variable overrides one choice: ``WEB_CONCURRENCY`` processes (default: the cores),
``GUNICORN_THREADS`` threads each (4), ``GUNICORN_BIND`` the address (0.0.0.0:8000). Each
thread holds its own database connection (``DATABASE_CONN_MAX_AGE``), so processes x
threads x web machines must stay below PostgreSQL's ``max_connections``.
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# An export streams for as long as the dataset takes; the proxy in front bounds idle clients.
timeout = 120
# The app is imported once, then forked: workers start at once and share the loaded code.
preload_app = True

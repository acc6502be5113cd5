"""gunicorn's settings for this app: ``gunicorn -c python:annotator.gunicorn_conf
annotator.wsgi:application`` (the Dockerfile and docker-compose.yml run exactly that).

Sync workers, two per core plus one. A request is mostly Python (about 15 ms of CPU on the
2-core benchmark machine) with short waits on PostgreSQL; a spare process per core fills
those waits. Threads share one interpreter lock, so a thread that waited on the database
then waits for the lock as well: at 100 requests/s of the editor's mix on 2 cores, in one
run, sync:5 answered 99.9/s with p95 400 ms, gthread:2x4 83.6/s with p95 3.7 s (``python -m
benchmarks load --server sync:5 --server gthread:2x4``, docs/benchmarks.md). Threads cost
less memory (gthread:2x4 250 MiB RSS, sync:5 480 MiB, shared pages counted in each
process): choose them only where memory is the limit. Each worker holds one database connection
(``DATABASE_CONN_MAX_AGE``), so workers x web machines must stay below PostgreSQL's
``max_connections``.

``WEB_CONCURRENCY`` sets the processes (default 2 x cores + 1), ``GUNICORN_THREADS`` threads
in each (default 1: sync; more switches to gthread), ``GUNICORN_BIND`` the address
(0.0.0.0:8000).
"""

from __future__ import annotations

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# An export streams for as long as the dataset takes; the proxy in front bounds idle clients.
timeout = 120
# The app is imported once, then forked: workers start at once and share the loaded code.
preload_app = True
